#!/usr/bin/env python3
"""Command line for the triangle-belt maps and audits: the same as the installed ``triangle-belt``.

python build_maps.py                 # build maps, reports and exports into ./maps
python build_maps.py audit --format json
python build_maps.py --help
"""

from geo.cli.main import run

if __name__ == "__main__":
    run()
