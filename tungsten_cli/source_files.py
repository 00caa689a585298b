"""The one reader of source files: confined to the source folder, pinned by SHA-256, decoded one way.

Fact packs are shared, so a pack is untrusted input: everything that reads a source (verify,
show, coverage, the report, CSV cell citations) goes through `SourceReader`, which hands out a
file's bytes and text only when the file is inside the source folder and matches its pin.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tungsten_cli.errors import TungstenError
from tungsten_cli.records import Record

OUTSIDE = "must be a path inside the source folder"
# C0 and C1 controls, DEL, and the bidi marks and overrides, as a regex class (the model's schema
# pattern uses it too): a file name is echoed in messages, so it must not move a terminal's cursor
# or reorder what a reader sees.
CONTROLS = r"\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{CONTROLS}]")
ENCODING = "utf-8-sig"


class SourceError(TungstenError):
    """A source that cannot be used: outside the folder, missing, not matching its pin, or not UTF-8."""


def inside_folder(file: str) -> bool:
    """True when a source's `file` value names a path inside the source folder on every platform.

    Refused: absolute paths, drive letters (`C:`, any character before a colon, as newer Pythons
    read Windows paths), backslashes (so no UNC path either), `..` components, control characters
    and the folder itself (`.`). `..` is refused rather than normalised away: `link/../x` is `x` to a
    lexical normaliser but the parent of the link's target to the operating system, so
    normalising could step outside through a symlinked folder.
    """
    if not file or "\\" in file or _CONTROL.search(file) or file[1:2] == ":":
        return False
    path = PurePosixPath(file)
    return not path.is_absolute() and bool(path.parts) and ".." not in path.parts


def _located(folder: Path, file: str) -> Path:
    """The path a `file` value names, checked to lie inside the folder before anything is opened.

    The check is on the `file` value, not on where symlinks lead. The folder itself is taken as
    the user gives it (a symlinked source folder is fine), and symlinks inside it, to files or to
    folders, are followed: only the folder's owner can make them (a pack is data and cannot create
    links), and linking sources kept elsewhere is how the benchmark packs and users assemble a
    folder. The flip side, stated in SECURITY.md: a link to a folder grants a pack everything
    below it, so link the files or folders of sources, not a home directory.
    """
    if not inside_folder(file):
        raise SourceError(f"{file!r}: {OUTSIDE}")
    root = os.path.abspath(folder)
    path = os.path.abspath(os.path.join(root, file))
    if os.path.commonpath([root, path]) != root:
        raise SourceError(f"{file!r}: {OUTSIDE}")
    return Path(path)


@dataclass(frozen=True)
class SourceText:
    """A source file whose bytes match its pin: the bytes, and the text decoded as UTF-8.

    The text keeps line ends as written (CRLF stays CRLF) and drops a leading byte-order mark, so
    `show` offsets, `verify` and CSV cell reading (`csv.reader(io.StringIO(text, newline=""))`)
    all count the same code points.
    """

    path: Path
    data: bytes
    text: str


def read_pinned(folders: Path | Sequence[Path], file: str, sha256: str) -> SourceText:
    """The source's bytes and text from the first folder, in the order given, whose copy matches `sha256`.

    The pin decides, the order only breaks ties between identical copies: a same-named file in an
    earlier folder that holds other bytes (another edition, a draft) does not shadow the pinned
    one. The file must lie inside each folder it is looked for in; when no copy matches, the one
    error names every copy found and its SHA-256, or every folder looked in.
    """
    chosen = folders_of(folders)
    failures: list[str] = []
    for folder in chosen:
        path = _located(folder, file)
        data = _bytes(path)
        if data is None:
            continue
        if isinstance(data, SourceError):
            failures.append(str(data))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest == sha256:
            return SourceText(path, data, _decoded(path, data))
        failures.append(f"SHA-256 of {path} is {digest}, expected {sha256}")
    if len(failures) == 1:
        raise SourceError(failures[0])
    if failures:
        raise SourceError(f"no copy of {file} matches its pin: " + "; ".join(failures))
    if len(chosen) == 1:
        raise SourceError(f"source file missing: {_located(chosen[0], file)}")
    raise SourceError(f"source file missing: {file} is in none of " + ", ".join(map(str, chosen)))


def folders_of(folders: Path | Sequence[Path] | None) -> tuple[Path, ...]:
    """One folder or several, as a tuple in lookup order (None: no folder)."""
    if folders is None:
        return ()
    return (folders,) if isinstance(folders, Path) else tuple(folders)


def _bytes(path: Path) -> bytes | SourceError | None:
    """The file's bytes; None when there is no such file, an error when it cannot be read."""
    try:
        if not path.is_file():
            return None
        return path.read_bytes()
    except OSError as err:  # also from is_file(): a name too long, a folder without search permission
        return SourceError(f"cannot read {path}: {err.strerror}")


def _decoded(path: Path, data: bytes) -> str:
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as err:
        raise SourceError(f"{path} is not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from None


class SourceReader:
    """Reads each source of a fact set at most once per run, remembering failures as well.

    `folders` are looked in, in order, for each source (see `read_pinned`); none (or None) means no
    source folder was configured: every read fails with one message.
    """

    def __init__(self, folders: Path | Sequence[Path] | None, sources: dict[str, Record]) -> None:
        self.folders = folders_of(folders)
        self._sources = sources
        self._read: dict[str, SourceText | SourceError] = {}

    def read(self, source_id: str) -> SourceText:
        """The pinned source text; raises SourceError naming what is wrong."""
        if source_id not in self._read:
            self._read[source_id] = self._attempt(source_id)
        found = self._read[source_id]
        if isinstance(found, SourceError):
            raise found
        return found

    def _attempt(self, source_id: str) -> SourceText | SourceError:
        source = self._sources.get(source_id)
        if source is None:
            return SourceError(f"unknown source '{source_id}'")
        if not self.folders:
            return SourceError("no source folder")
        try:
            return read_pinned(self.folders, source["file"], source["sha256"])
        except SourceError as err:
            return err
