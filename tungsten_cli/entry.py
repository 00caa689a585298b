"""The process boundary: the console script's entry. It guards the start (a Ctrl-C while the modules
load ends as one during the run does: one line, exit 130), restores Unix defaults (a closed pipe ends
the run quietly), stands in for closed streams, and leaves through `os._exit` with the exit code.
Errors become one line and an exit code in `boundary.Boundary.main`, which tests' CliRunner runs too;
SIGTERM and SIGHUP are raised as `errors.Terminated` so the boundary's clean-up runs."""

import os
import sys


def main() -> None:
    """Import and run the CLI. Nothing else is imported at module level here (os and sys are loaded
    before any script runs), so the window left unguarded is the interpreter's own start and the
    lines of pip's console-script wrapper before it imports this module."""
    try:
        from tungsten_cli.boundary import trimmed
        from tungsten_cli.cli import app
        from tungsten_cli.errors import ExitCode
        from tungsten_cli.load import keep_until_exit

        _unix_defaults()
        keep_until_exit()  # the run leaves by os._exit: freeing what it loaded is wasted time
        code: object = ExitCode.DATA
        try:
            trimmed(app, sys.argv[1:])()
        except SystemExit as done:
            code = done.code
        finally:
            try:
                sys.stdout.flush()
            except OSError:
                # The boundary has already reported this write error; exiting normally would flush the
                # same unwritable buffer again and print a second message.
                os._exit(code if isinstance(code, int) and code else ExitCode.DATA)
    except KeyboardInterrupt:
        sys.stderr.write("tungsten: error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # ExitCode.INTERRUPTED; importing errors.py (and typing) here could itself be interrupted
        return  # only where a test stands in for os._exit
    _exit(code)


def _unix_defaults() -> None:
    """Die quietly like other Unix filters when the pipe's reader goes away. A stdout the shell closed
    (`>&-`), where Python leaves None, fails on writing like any other write error instead of raising
    AttributeError; a closed stderr leaves nowhere to report to."""
    import errno
    import io
    import signal  # imported by Typer's completion module anyway (through subprocess)

    class ClosedOutput(io.TextIOBase):
        def write(self, text: str) -> int:
            raise OSError(errno.EBADF, "closed")

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for name in ("SIGTERM", "SIGHUP"):  # end the run as Ctrl-C does, so files being written are removed
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminated)
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # lives until exit


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP raise where the program is, and leave through the boundary's clean-up."""
    from tungsten_cli.errors import Terminated

    raise Terminated


def _exit(code: object) -> None:
    """Leave without tearing the interpreter down: freeing every module's objects costs more than the
    whole warm query (12.6 ms of 69.6 ms CPU, benchmarks' interleaved runs). Nothing is left to
    finish: output is flushed here, files are written through `atomic.replacing`, the database is
    closed, and no atexit hook is registered. `sys.exit`'s meaning of the code is kept."""
    status = 0
    if isinstance(code, int):
        status = code
    elif code is not None:
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stderr.flush()
    finally:
        os._exit(status)
