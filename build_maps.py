#!/usr/bin/env python3
"""Command line for the triangle-belt maps and audits: the same as the installed ``triangle-belt``.

python build_maps.py                 # build maps, reports and exports into ./maps
python build_maps.py audit --format json
python build_maps.py --help

This module is also the installed command's entry point. It imports the package only inside :func:`run`, so
that a Ctrl-C while the package is still being imported (the first second or so) is one line too.
"""

import sys

#: As geo.cli.main's EXIT_INTERRUPTED and INTERRUPTED, which cannot be imported before the package is.
EXIT_INTERRUPTED = 130
INTERRUPTED = "interrupted"


def run() -> None:
    """Run the command line (:func:`geo.cli.main.run`); Ctrl-C at any moment is one line and exit 130."""
    try:
        from geo.cli.main import run as run_command_line

        run_command_line()
    except KeyboardInterrupt:  # while importing; geo.cli.main handles the rest
        print(f"error: {INTERRUPTED}", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
