"""The console script's entry: a Ctrl-C that lands while the command's modules still load ends as
one during the run does (one line, exit 130), not in an import traceback."""

import os
import sys


def main() -> None:
    """Import and run the CLI; the CLI's own error boundary exists only once `cli` is imported and its
    app built, most of a warm run's 60 ms. Nothing else is imported here (os and sys are loaded
    before any script runs), so the window left unguarded is the interpreter's own start and the
    lines of pip's console-script wrapper before it imports this module."""
    try:
        from tungsten_cli.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("tungsten: error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # ExitCode.INTERRUPTED; importing errors.py (and typing) here could itself be interrupted
