"""The command line: ``main`` parses, calls one library function per command and maps errors to exit codes."""

from .main import EXIT_BAD_INPUT, EXIT_CLAIMS_OFF, EXIT_INTERNAL, EXIT_OK, cli, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_CLAIMS_OFF", "EXIT_INTERNAL", "EXIT_OK", "cli", "main"]
