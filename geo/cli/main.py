"""The ``triangle-belt`` command: a thin layer that parses, calls the library and maps errors to exit codes.

    triangle-belt                          # build: maps, reports and exports into ./maps
    triangle-belt audit [--format json] [--tolerance 0.01]
    triangle-belt --help

Exit codes: 0 success (for ``audit``: every claim holds), 1 a claim is outside the tolerance, 2 bad input or a
usage mistake, 3 a fault of this program (one line; ``-v`` shows the traceback). A user's mistake prints one
line on stderr, never a traceback. Without a command, ``build`` runs; options given before the command are
passed to it.
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Sequence

import click

from .._errors import TriangleBeltError
from . import audit, build, export, fetch, parcels, raster

#: Exit codes: success (for audit: every claim holds), a claim outside the tolerance, bad input, and a fault
#: of this program.
EXIT_OK, EXIT_CLAIMS_OFF, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_COMMAND = "build"
HELP_OPTIONS = ("-h", "--help")
PROG = "triangle-belt"


class DefaultGroup(click.Group):
    """A group that runs :data:`DEFAULT_COMMAND` when no command is named, and accepts options before it.

    ``triangle-belt --lang en`` runs ``build --lang en``; ``triangle-belt -v audit`` runs ``audit -v``. Values
    of options are never taken for commands (``--out audit`` is a folder named audit).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, with_command(self, list(args)))


def _takes_value(command: click.Command) -> set[str]:
    """Every option string of ``command`` and its subcommands that is followed by a value."""
    found: set[str] = set()
    pending = [command]
    while pending:
        current = pending.pop()
        if isinstance(current, click.Group):
            pending.extend(current.commands.values())
        for param in current.params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                found.update(param.opts)
    return found


def with_command(group: click.Group, argv: list[str]) -> list[str]:
    """``argv`` with its command first: the default command when none is named, options before it moved after it
    (for a group command such as ``raster``, after its subcommand)."""
    takes_value = _takes_value(group)
    position, i = None, 0
    while i < len(argv):
        word = argv[i]
        if word in group.commands:
            position = i
            break
        if not word.startswith("-") and word not in HELP_OPTIONS:
            raise click.UsageError(f"unknown command {word!r}; use one of {', '.join(group.commands)}")
        i += 2 if word in takes_value else 1
    if position is None:
        return argv if argv[:1] and argv[0] in HELP_OPTIONS else [DEFAULT_COMMAND, *argv]
    before, command, after = argv[:position], argv[position], argv[position + 1 :]
    if isinstance(group.commands[command], click.Group) and after and not after[0].startswith("-"):
        return [command, after[0], *before, *after[1:]]
    return [command, *before, *after]


@click.group(cls=DefaultGroup, name=PROG, context_settings={"help_option_names": list(HELP_OPTIONS)})
def cli() -> None:
    """Maps and area audits for Gwangju's future-vehicle triangle belt.

    Without a command, runs build (see build --help for its options).
    """


for _command in (build.build, audit.audit, export.export, raster.raster, parcels.parcels, fetch.fetch):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args or "--verbose" in args
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.captureWarnings(True)
    try:
        code = cli.main(args=args, prog_name=PROG, standalone_mode=False)
    except click.UsageError as error:
        print(f"error: {_usage_message(error)}; see {PROG} --help", file=sys.stderr)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.Abort:
        print("error: interrupted", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TriangleBeltError as error:
        print(f"error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        message = f"{error.filename or ''}: {error.strerror or error}".replace(": : ", ": ").lstrip(": ")
        print(f"error: {_one_line(message)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        if verbose:
            raise
        print(
            f"error: internal error ({type(error).__name__}: {_one_line(str(error))}); run again with -v and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def _usage_message(error: click.UsageError) -> str:
    """One line for a usage mistake; a group named without its subcommand lists the subcommands."""
    command = error.ctx.command if error.ctx is not None else None
    if isinstance(error, click.exceptions.NoArgsIsHelpError) and isinstance(command, click.Group):
        return f"{command.name}: missing command; use one of {', '.join(command.commands)}"
    return _one_line(error.format_message())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run() -> None:
    """Entry point of the installed command."""
    warnings.simplefilter("default")
    sys.exit(main())
