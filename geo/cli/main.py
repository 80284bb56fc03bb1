"""The ``triangle-belt`` command: a thin layer that parses, calls the library and maps errors to exit codes.

    triangle-belt                          # build: maps, reports and exports into ./maps
    triangle-belt audit [--format json] [--tolerance 0.01]
    triangle-belt --help

Exit codes: 0 success (for ``audit``: every claim was checked and holds), 1 a claim is outside the tolerance
or could not be checked, 2 bad input or a usage mistake (for ``audit`` also: no claim could be checked), 3 a
fault of this program (one line; ``-v`` shows the traceback), 130 interrupted (Ctrl-C, at any moment: the shell's
code for SIGINT). A user's mistake, an output the disk or the folder refuses, and an interruption print one line
on stderr, never a traceback. Without a command, ``build`` runs; options given before the command are passed
to it.

Every line printed is safe for a terminal (control characters from data shown as ``\\x1b``), and printing
never fails on the locale: stdout is UTF-8 when it is not a terminal (the reports are UTF-8), and characters
a terminal's encoding lacks are shown as escapes, as on stderr.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import signal
import sys
import warnings
from collections.abc import Sequence
from types import FrameType

import click

from .. import _format as fmt
from .._errors import TriangleBeltError
from . import audit, build, export, fetch, parcels, raster

#: Exit codes: success (for audit: every claim holds), a claim outside the tolerance, bad input, a fault of this
#: program, and interrupted (Ctrl-C; 128 + SIGINT, as a shell reports a program SIGINT ended). build_maps.py
#: repeats the last, and :data:`INTERRUPTED`, for a Ctrl-C that comes before this module is imported.
EXIT_OK, EXIT_CLAIMS_OFF, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
#: The one line printed for Ctrl-C.
INTERRUPTED = "interrupted"
DEFAULT_COMMAND = "build"
HELP_OPTIONS = ("-h", "--help")
PROG = "triangle-belt"
#: Loggers of the libraries that relay GDAL's own messages; without -v only their critical ones are shown, as
#: the error that follows a GDAL failure already says what went wrong, in one line.
GDAL_LOGGERS = ("rasterio", "pyogrio", "fiona")
LOG_FORMAT = "%(levelname)s: %(message)s"
#: The longest word (a run of characters without a space) and the longest message an error line shows. The
#: library shortens what it quotes from data (:data:`geo._format.MESSAGE_VALUE_CHARS`); this is the last guard
#: against a value it quotes whole, such as a 2,000-character id: the middle is cut, so that the line still
#: starts with the file and the feature and ends with the fix.
MAX_ERROR_WORD_CHARS = 200
MAX_ERROR_CHARS = 1500


class TerminalFormatter(logging.Formatter):
    """Log lines with control characters from data shown visibly (:func:`geo._format.terminal`)."""

    def format(self, record: logging.LogRecord) -> str:
        return fmt.terminal(super().format(record))


class DefaultGroup(click.Group):
    """A group that runs :data:`DEFAULT_COMMAND` when no command is named, and accepts options before it.

    ``triangle-belt --lang en`` runs ``build --lang en``; ``triangle-belt -v audit`` runs ``audit -v``. Values
    of options are never taken for commands (``--out audit`` is a folder named audit).
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, with_command(self, list(args)))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's help, then the options of the default command, which run without naming it."""
        super().format_help(ctx, formatter)
        default = self.commands[DEFAULT_COMMAND]
        with click.Context(default, info_name=DEFAULT_COMMAND, parent=ctx) as build_ctx:
            rows = [record for param in default.get_params(build_ctx) if (record := param.get_help_record(build_ctx))]
        with formatter.section(f"Options of {DEFAULT_COMMAND} (the default command)"):
            formatter.write_dl(rows)


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
    configure_streams()
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.captureWarnings(True)
    if not verbose:
        for name in GDAL_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        code = cli.main(args=args, prog_name=PROG, standalone_mode=False)
    except click.UsageError as error:
        _error(f"{_usage_message(error)}; see {PROG} --help")
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort while it runs a command
        _error(INTERRUPTED)
        return EXIT_INTERRUPTED
    except TriangleBeltError as error:
        _error(str(error))
        return EXIT_BAD_INPUT
    except OSError as error:
        _error(f"{error.filename or ''}: {error.strerror or error}".replace(": : ", ": ").lstrip(": "))
        return EXIT_BAD_INPUT
    except Exception as error:
        if verbose:
            raise
        _error(f"internal error ({type(error).__name__}: {error}); run again with -v and report it")
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def configure_streams() -> None:
    """Make printing independent of the locale: stdout UTF-8 unless it is a terminal, and characters a
    stream's encoding cannot hold (including lone surrogates from non-UTF-8 file names) written as escapes."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue
        utf8 = codecs.lookup(stream.encoding or "ascii").name == "utf-8"
        with contextlib.suppress(ValueError, AttributeError):  # already read from, or detached
            if stream is sys.stdout and not utf8 and not stream.isatty():
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
            else:
                stream.reconfigure(errors="backslashreplace")


def _error(message: str) -> None:
    """Print ``error: message`` on stderr, on one line and safe for a terminal."""
    print(f"error: {fmt.terminal(_one_line(message))}", file=sys.stderr)


def _usage_message(error: click.UsageError) -> str:
    """One line for a usage mistake; a group named without its subcommand lists the subcommands."""
    command = error.ctx.command if error.ctx is not None else None
    if isinstance(error, click.exceptions.NoArgsIsHelpError) and isinstance(command, click.Group):
        return f"{command.name}: missing command; use one of {', '.join(command.commands)}"
    return _one_line(error.format_message())


def _one_line(text: str) -> str:
    """``text`` on one line, its words and itself cut in the middle where longer than :data:`MAX_ERROR_WORD_CHARS`
    and :data:`MAX_ERROR_CHARS`."""
    return _middle_cut(" ".join(_middle_cut(word, MAX_ERROR_WORD_CHARS) for word in text.split()), MAX_ERROR_CHARS)


def _middle_cut(text: str, limit: int) -> str:
    """``text`` with its middle replaced by "…" so that it is ``limit`` characters long: two thirds of them from
    its start, one third from its end."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"


def run() -> None:
    """Run the command line on ``sys.argv`` and exit with its code (build_maps.py and ``triangle-belt``).

    Ctrl-C at any moment is the one line ``error: interrupted`` and exit :data:`EXIT_INTERRUPTED`, after the
    writes under way have removed their temporary files; a second Ctrl-C ends the program at once.
    """
    warnings.simplefilter("default")
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _interrupt)
    try:
        code = main()
    except KeyboardInterrupt:  # before or after main's own handling
        _error(INTERRUPTED)
        code = EXIT_INTERRUPTED
    sys.exit(code)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT: stop with KeyboardInterrupt, quietly, and let a second Ctrl-C end the program at once.

    What the interrupted code leaves behind as it unwinds (an unclosed file's ResourceWarning, an exception
    in a finaliser, a log line from a helper process that Ctrl-C ended too, such as Chromium's driver) is no
    news to the user, so it is not printed.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    sys.unraisablehook = _ignore_unraisable
    raise KeyboardInterrupt


def _ignore_unraisable(unraisable: object) -> None:
    """After Ctrl-C: an exception no code can catch (in a finaliser, a closed generator) is not printed."""


if __name__ == "__main__":
    run()
