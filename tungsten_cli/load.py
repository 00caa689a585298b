"""Find fact packs, validate them into plain records, and cache the result keyed by content.

The hot path (a cache hit) imports neither yaml nor pydantic nor pycountry: they cost more than
the whole query, so they load only when a pack changed and must be validated again.
"""

from __future__ import annotations

import errno
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from tungsten_cli import SCHEMA_VERSION, __version__
from tungsten_cli.errors import FactsError, NotFoundError, Problem, UsageError
from tungsten_cli.records import FactSet, Index, Record, gc_paused

BUILTIN = "builtin"
MAX_FILE_BYTES = 50 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent
_CACHE_KEEP = 8
_CACHE_SUFFIX = ".facts-cache"
_CHECKSUM_SIZE = 4
# Every module a validation or the index tables run (tests/test_cache.py checks the list against
# what validate and index import).
VALIDATING_MODULES = (
    "validate.py",
    "index.py",
    "claims.py",
    "model.py",
    "dates.py",
    "countries.py",
    "records.py",
    "search.py",
    "errors.py",
    "source_files.py",
    "tables.py",
)


def builtin_dir() -> Path:
    """The shipped packs: inside the installed package, or `facts/` beside it in a source checkout."""
    installed = _PACKAGE / "facts"
    return installed if installed.is_dir() else _PACKAGE.parent / "facts"


def default_paths() -> list[str]:
    """`TUNGSTEN_FACTS` (paths joined by the OS path separator) or the built-in set."""
    value = os.environ.get("TUNGSTEN_FACTS", "")
    return [p for p in value.split(os.pathsep) if p] or [BUILTIN]


def fact_files(paths: Sequence[str]) -> list[Path]:
    """Expand files and folders (recursively, `*.yaml`/`*.yml`) in the order given; a file named
    twice (say relative and absolute) is read once."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        if not raw:
            raise UsageError("empty fact pack path (an unset shell variable?); 'builtin' names the shipped set")
        path = builtin_dir() if raw == BUILTIN else Path(raw)
        if path.is_dir():
            found = _yaml_files(path)
            if not found:
                raise NotFoundError(f"{raw}: folder has no .yaml files")
        else:
            found = [path]
        for file in found:
            info = _regular_file(file)
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                files.append(file)
    return files


def _regular_file(path: Path) -> os.stat_result:
    """The file's status, or a NotFoundError saying what the path is instead (never blocking on a FIFO)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        reason = f"broken symlink to {os.readlink(path)}" if os.path.islink(path) else "no such file or folder"
        raise NotFoundError(f"{path}: {reason}") from None
    except OSError as err:
        reason = "symlink loop" if err.errno == errno.ELOOP else (err.strerror or str(err))
        raise NotFoundError(f"{path}: {reason}") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotFoundError(f"{path}: not a regular file but {_file_kind(info.st_mode)}")
    return info


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _yaml_files(folder: Path) -> list[Path]:
    """`*.yaml`/`*.yml` below a folder, sorted, skipping hidden files and folders (.git, .venv);
    os.walk is several times faster than Path.rglob."""
    found = []
    for root, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [Path(root, name) for name in names if name.endswith((".yaml", ".yml")) and not name.startswith(".")]
    _refuse_links_out(folder, found)
    return sorted(found)


def _refuse_links_out(folder: Path, files: list[Path]) -> None:
    """A pack folder is often a stranger's (a clone, an archive), and so are its symlinks: a link
    to a file outside the folder would read, and echo in error messages, any YAML the user has.
    os.walk already leaves linked folders alone; a file the user names on the command line is loaded
    wherever it is."""
    top = os.path.realpath(folder)
    outside = [f for f in files if os.path.islink(f) and os.path.commonpath([top, os.path.realpath(f)]) != top]
    if outside:
        raise FactsError([Problem(str(f), "a symlink out of the pack folder; name the file it points to if you mean it") for f in outside])


def configure_cache(*, enabled: bool = True, report: Callable[[str], None] | None = None) -> None:
    """The CLI's `--no-cache` and `--verbose`: skip the cache, or hear why it could not be used."""
    global _cache_enabled, _report
    _cache_enabled, _report = enabled, report


_cache_enabled = True
_report: Callable[[str], None] | None = None


def _cache_problem(message: str) -> None:
    if _report is not None:
        _report(message)


def load_facts(paths: Sequence[str] | None = None, *, use_cache: bool = True, kinds: Collection[str] | None = None) -> FactSet:
    """Load packs through the cache; a changed, corrupt or unwritable cache only costs a re-validation.

    `kinds` lets a listing read only the record kinds it shows from a cached set (their `origins`
    stay empty); None reads everything. After a fresh validation all records are returned.
    """
    files = fact_files(default_paths() if paths is None else paths)
    folder = _cache_dir() if use_cache and _cache_enabled and os.environ.get("TUNGSTEN_NO_CACHE", "0") in ("", "0") else None
    if folder is None:
        facts = validate(files)
        return facts._replace(records=[record for section in _by_kind(facts.records).values() for record in section])
    signature = _signature(files)
    cache_file = folder / f"{zlib.crc32(signature.encode()):08x}{_CACHE_SUFFIX}"
    cached = _read_cache(cache_file, signature, kinds, files)
    if cached is not None:
        return cached
    facts = validate(files)
    from tungsten_cli.index import build_tables

    records = [record for section in _by_kind(facts.records).values() for record in section]
    tables = build_tables(records, facts.countries)
    _write_cache(cache_file, signature, facts._replace(records=records), tables)
    by_id = {record["id"]: record for record in records}
    return facts._replace(records=records, lookups=Index(tables.__getitem__, by_id.get))


def validate(files: Sequence[Path]) -> FactSet:
    """Parse and validate every file, then cross-check ids and references; raise all problems at once."""
    from tungsten_cli import validate as _validate

    return _validate.build(list(files), [_read_capped(f) for f in files])


def _read_capped(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FactsError([Problem(str(path), f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")])
    return path.read_bytes()


def _cache_dir() -> Path | None:
    """`$TUNGSTEN_CACHE_DIR`, `$XDG_CACHE_HOME/tungsten` or `~/.cache/tungsten`; None (run without a
    cache) when the home folder does not exist, rather than creating one (`HOME=/nonexistent`)."""
    explicit = os.environ.get("TUNGSTEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "tungsten"
    home = os.path.expanduser("~")
    if not os.path.isdir(home):
        _cache_problem(f"no cache: home folder {home} does not exist")
        return None
    return Path(home) / ".cache" / "tungsten"


def _signature(files: Iterable[Path]) -> str:
    """Every fact file's path, size, modification and change times and inode, plus the schema and the validating code.

    Any write to a file changes its ctime, which no user tool can set back (`touch -r` and `rsync -t`
    restore the mtime), or its inode (editors that save by renaming), so a changed pack is always
    validated again; stat() costs microseconds where hashing the contents cost more
    than the whole query. The Python version is part of it because marshal's format is.
    """
    parts = [SCHEMA_VERSION, __version__, sys.version]
    for path in [*(_PACKAGE / name for name in VALIDATING_MODULES), *files]:
        info = os.stat(path)
        parts.append(f"{os.path.abspath(path)}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}")
    return "\n".join(parts)


def _read_cache(path: Path, signature: str, kinds: Collection[str] | None, files: Sequence[Path]) -> FactSet | None:
    """The cached facts, or None when the file is missing, damaged, of another layout or of other files.

    The file name is only a short hash; the full signature stored inside decides whether it fits.
    Origins name files by index into `files`, so paths come out as typed in this run, from any folder.
    """
    try:
        blob = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None  # not written yet; a folder that cannot hold it is reported on writing
    except OSError as err:
        _cache_problem(f"cannot read {path}: {err.strerror}")
        return None
    view = memoryview(blob)
    if zlib.crc32(view[_CHECKSUM_SIZE:]).to_bytes(_CHECKSUM_SIZE, "big") != blob[:_CHECKSUM_SIZE]:
        _cache_problem(f"{path} is damaged (checksum); validating again")
        return None
    try:
        with gc_paused():
            header_end = _CHECKSUM_SIZE + 4 + int.from_bytes(blob[_CHECKSUM_SIZE : _CHECKSUM_SIZE + 4], "big")
            header = marshal.loads(view[_CHECKSUM_SIZE + 4 : header_end])
            if header["signature"] != signature or header["libraries"] != _stats(header["libraries"]):
                return None
            body = view[header_end:]
            sections = header["sections"]
            wanted = [kind for kind in header["kinds"] if kinds is None or kind in kinds]
            records = [marshal.loads(body[start:stop]) for kind in wanted for start, stop in marshal.loads(body[slice(*sections[kind])])]
            origins = marshal.loads(body[slice(*header["sections"]["origins"])]) if kinds is None else {}
        names = [str(f) for f in files]
        for origin in origins.values():
            origin["file"] = names[origin["file"]]
        tables = _Tables(body, header["sections"])
        index = Index(tables.get, _Fetch(body, tables).get)
        return FactSet(records, header["sources"], origins, header["countries"], header["vocab"], names, index)
    except (ValueError, EOFError, KeyError, TypeError, IndexError) as err:
        _cache_problem(f"{path} has another layout ({type(err).__name__}); validating again")
        return None


class _Tables:
    """The index tables of a cache file, each decoded on first use."""

    def __init__(self, body: memoryview, sections: dict[str, tuple[int, int]]) -> None:
        self._body, self._sections = body, sections
        self._decoded: dict[str, dict[Any, Any]] = {}

    def get(self, name: str) -> dict[Any, Any]:
        if name not in self._decoded:
            with gc_paused():
                self._decoded[name] = marshal.loads(self._body[slice(*self._sections[f"index:{name}"])])
        return self._decoded[name]


class _Fetch:
    """Records by id from a cache file: the id table gives each record's own blob, decoded once."""

    def __init__(self, body: memoryview, tables: _Tables) -> None:
        self._body, self._tables = body, tables
        self._decoded: dict[str, Record] = {}

    def get(self, record_id: str) -> Record | None:
        if record_id not in self._decoded:
            span: tuple[int, int] | None = self._tables.get("id").get(record_id)
            if span is None:
                return None
            self._decoded[record_id] = marshal.loads(self._body[span[0] : span[1]])
        return self._decoded[record_id]


def _libraries() -> list[tuple[str, int, int, int]]:
    """The files that carry pydantic's, pydantic-core's and pycountry's versions and country data.

    Their stat, stored in the cache and compared on reading, stands for the versions: an upgrade
    replaces them. Computed after a validation, when these libraries are imported anyway; checking
    costs four stat() calls, where asking for the versions would import the libraries.
    """
    import pycountry
    import pydantic.version
    import pydantic_core

    paths = [pydantic.version.__file__, pydantic_core.__file__, pycountry.__file__, pycountry.DATABASE_DIR + "/iso3166-1.json"]
    return _stats([(os.path.abspath(p), 0, 0, 0) for p in paths])


def _stats(libraries: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    found = []
    for path, *_ in libraries:
        try:
            info = os.stat(path)
        except OSError:
            return []
        found.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return found


def _by_kind(records: list[Record]) -> dict[str, list[Record]]:
    """Records grouped by kind (first appearance first, file order within): the order cache hits return."""
    by_kind: dict[str, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record["kind"], []).append(record)
    return by_kind


def _write_cache(path: Path, signature: str, facts: FactSet, tables: dict[str, dict[Any, list[str]]]) -> None:
    """Write beside the target and rename, so concurrent runs never see half a file (atomic.replacing).

    Layout: CRC-32 of the rest, header length, marshal header (signature, metadata, offsets), then
    one marshal blob per record, the record offsets of each kind, the origins, and one blob per index
    table (`index:id` gives each record's offsets). A listing decodes only the kinds it shows, a
    lookup only its table and its records: `facts --country KZ` at 100,000 records reads 5,000 of
    them. marshal, not JSON: the cache is private to this interpreter version (part of the
    signature) and reads several times faster.
    """
    from tungsten_cli.atomic import replacing

    index = {name: i for i, name in enumerate(facts.files)}
    origins = {key: {**origin, "file": index[origin["file"]]} for key, origin in facts.origins.items()}
    blobs: list[bytes] = []
    ids: dict[str, tuple[int, int]] = {}
    offset = 0
    for record in facts.records:
        blobs.append(marshal.dumps(record))
        ids[record["id"]] = (offset, offset + len(blobs[-1]))
        offset += len(blobs[-1])
    by_kind = {kind: [ids[record["id"]] for record in section] for kind, section in _by_kind(facts.records).items()}
    sections = {}
    parts: list[tuple[str, Any]] = [
        *by_kind.items(),
        ("origins", origins),
        ("index:id", ids),
        *((f"index:{name}", table) for name, table in tables.items()),
    ]
    for name, part in parts:
        blobs.append(marshal.dumps(part))
        sections[name] = (offset, offset + len(blobs[-1]))
        offset += len(blobs[-1])
    meta = {"signature": signature, "libraries": _libraries(), "sources": facts.sources, "countries": facts.countries, "vocab": facts.vocab}
    header = marshal.dumps({**meta, "kinds": list(by_kind), "sections": sections})
    body = len(header).to_bytes(4, "big") + header + b"".join(blobs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp:
            tmp.write_bytes(zlib.crc32(body).to_bytes(_CHECKSUM_SIZE, "big") + body)
        _prune(path.parent)
    except OSError as err:
        _cache_problem(f"cannot write {err.filename or path}: {err.strerror}")


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob(f"*{_CACHE_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[_CACHE_KEEP:]:
        stale.unlink(missing_ok=True)
