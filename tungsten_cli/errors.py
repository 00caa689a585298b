"""The package's error types and the exit codes they map to; only cli.py turns them into exits."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    OK = 0
    DATA = 1
    USAGE = 2
    INTERRUPTED = 130
    TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process the signal ended


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, as Ctrl-C is: the files being written are
    removed on the way out (atomic.py) instead of being left behind by a process killed outright."""


class TungstenError(Exception):
    """Base of every error the library raises on purpose; the message is one line for stderr."""

    exit_code: ExitCode = ExitCode.DATA


class UsageError(TungstenError):
    """A bad option value: the user can fix the command line."""

    exit_code = ExitCode.USAGE


class NotFoundError(TungstenError):
    """A record id, path or source that does not exist."""


class ExportError(TungstenError):
    """An export could not be written (a read-only folder, a full disk); nothing was replaced."""


class Problem(NamedTuple):
    """One defect in a fact pack, located as precisely as the YAML allows."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        parts = [place, self.record_id, self.field, self.message]
        return ": ".join(p for p in parts if p)


class FactsError(TungstenError):
    """Fact packs that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type[FactsError], tuple[list[Problem]]]:
        """Rebuilt from its problems, as a worker process of a parallel load sends it (an oversized
        file): by default the message would be taken for the problems, one per character."""
        return FactsError, (self.problems,)
