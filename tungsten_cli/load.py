"""Find fact packs, validate them into plain records, and cache the result keyed by content.

The hot path (a cache hit) imports neither yaml nor pydantic: they cost more than
the whole query, so they load only when a pack changed and must be validated again.
"""

from __future__ import annotations

import errno
import marshal
import mmap
import os
import stat
import sys
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tungsten_cli import SCHEMA_VERSION, __version__, cachefile, kinds
from tungsten_cli.errors import FactsError, NotFoundError, Problem, UsageError
from tungsten_cli.records import FactSet, Index, Record, freeze_after_pauses, gc_paused

if TYPE_CHECKING:
    from tungsten_cli.environment import Cache, Environment

BUILTIN = "builtin"
MAX_FILE_BYTES = 50 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent
Tables = dict[str, dict[Any, Any]]  # index.Tables, named here without importing the index on a cache hit
_LAYOUT = 3  # of the cache file (`cachefile.CacheFile`); part of the signature, so another layout is another file
# Every module a validation or the index tables run (tests/test_cache.py checks the list against
# what validate and index import).
VALIDATING_MODULES = (
    "validate.py",
    "stored_rows.py",
    "parallel.py",
    "kinds.py",
    "yamlio.py",
    "index.py",
    "claims.py",
    "crosscheck.py",
    "quantity.py",
    "model.py",
    "evidence.py",
    "fieldtypes.py",
    "dates.py",
    "countries.py",
    "records.py",
    "search.py",
    "errors.py",
    "source_files.py",
    "tables.py",
    "vocabulary.py",
)


def builtin_dir() -> Path:
    """The shipped packs: inside the installed package, or `facts/` beside it in a source checkout."""
    installed = _PACKAGE / "facts"
    return installed if installed.is_dir() else _PACKAGE.parent / "facts"


def fact_files(paths: Sequence[str]) -> list[Path]:
    """Expand files and folders (recursively, `*.yaml`/`*.yml`) in the order given; a file named
    twice (say relative and absolute) is read once."""
    return [path for path, _ in _listing(paths)]


def _listing(paths: Sequence[str]) -> list[tuple[Path, os.stat_result]]:
    """The fact files with their status, taken once for both the regular-file check and the cache
    signature."""
    files: list[tuple[Path, os.stat_result]] = []
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
            found = [(path, _regular_file(path))]
        for file, info in found:
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                files.append((file, info))
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


def _yaml_files(folder: Path) -> list[tuple[Path, os.stat_result]]:
    """`*.yaml`/`*.yml` below a folder, sorted, skipping hidden files and folders (.git, .venv) and,
    like os.walk, linked folders. os.scandir's entries know their type and cache their stat:
    0.29 -> 0.12 ms for the shipped 30 files against os.walk plus a stat each."""
    found: list[os.DirEntry[str]] = []
    folders = [str(folder)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if _is_folder(entry):
                    if not entry.is_symlink():
                        folders.append(entry.path)
                elif entry.name.endswith((".yaml", ".yml")):
                    found.append(entry)
    found.sort(key=lambda entry: entry.path.split(os.sep))  # Path's order, without building Paths to compare
    _refuse_links_out(folder, [Path(entry.path) for entry in found if entry.is_symlink()])
    return [(Path(entry.path), _entry_status(entry)) for entry in found]


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False  # a looping link: named as such when read as a file


def _entry_status(entry: os.DirEntry[str]) -> os.stat_result:
    try:
        info = entry.stat()
    except OSError:
        return _regular_file(Path(entry.path))  # says why (a broken or looping link)
    return info if stat.S_ISREG(info.st_mode) else _regular_file(Path(entry.path))


def _refuse_links_out(folder: Path, links: list[Path]) -> None:
    """A pack folder is often a stranger's (a clone, an archive), and so are its symlinks: a link
    to a file outside the folder would read, and echo in error messages, any YAML the user has.
    Linked folders are left alone; a file the user names on the command line is loaded wherever it is."""
    top = os.path.realpath(folder)
    outside = [f for f in links if os.path.commonpath([top, os.path.realpath(f)]) != top]
    if outside:
        raise FactsError([Problem(str(f), "a symlink out of the pack folder; name the file it points to if you mean it") for f in outside])


def load_facts(
    paths: Sequence[str] | None = None, *, cache: Cache | None = None, use_cache: bool = True, kinds: Collection[str] | None = None
) -> FactSet:
    """Load packs through the cache; a changed, corrupt or unwritable cache only costs a re-validation.

    `paths` None means TUNGSTEN_FACTS or the shipped set, `cache` None the process's cache rules: the
    CLI passes its Environment's; a library caller without one gets `environment.read()`'s.
    `kinds` lets a listing read only the record kinds it shows from a cached set (their `origins`
    stay empty); None reads everything. After a fresh validation all records are returned.
    """
    if paths is None or cache is None:
        from tungsten_cli import environment

        here = environment.read()
        paths = (list(here.fact_paths) or [BUILTIN]) if paths is None else paths
        cache = here.cache if cache is None else cache
    listed = _listing(paths)
    files = [path for path, _ in listed]
    folder = cache.folder if use_cache else None
    if use_cache and cache.absent:
        cache.note(cache.absent)
    if folder is None:
        facts = validate(files)
        return facts._replace(records=[record for section in _by_kind(facts.records).values() for record in section])
    signature = _signature(listed)
    cache_file = folder / f"{zlib.crc32(signature.encode()):08x}{cachefile.SUFFIX}"
    cached = _read_cache(cache_file, signature, kinds, files, cache.note)
    if cached is not None:
        return cached
    with gc_paused():  # the index and the cache are many small objects too: 0.17 s of collections at 100k
        facts, tables = _fresh(files, cache_file, signature, cache.note)
        by_id = {record["id"]: record for record in facts.records}
    return facts._replace(lookups=Index(tables.__getitem__, by_id.get))


def load_for(env: Environment, paths: Sequence[str] | None = None, **options: Any) -> FactSet:
    """The packs named on the command line, else the Environment's (TUNGSTEN_FACTS or the shipped
    set), through its cache; `options` as `load_facts` takes them."""
    facts = load_facts(paths or list(env.fact_paths) or [BUILTIN], cache=env.cache, **options)
    if _until_exit is not None:
        _until_exit.append(facts)
    return facts


_until_exit: list[FactSet] | None = None


def keep_until_exit() -> None:
    """Keep every fact set `load_for` gives until the process ends, for a process that then leaves by
    `os._exit` (entry.py): freed object by object when the command returned, a cold load of 100,000
    copies of the shipped records spent 0.47 s after its output, a warm load of all their kinds
    0.23 s; and freeze what is built with the collector paused (records.freeze_after_pauses). A
    library caller's fact sets are freed as usual."""
    global _until_exit
    _until_exit = []
    freeze_after_pauses()


def _fresh(files: Sequence[Path], path: Path, signature: str, note: Callable[[str], None]) -> tuple[FactSet, Tables]:
    """Validate, order the records by kind as cache hits return them, build the index tables and write
    the cache. Each record's own search text is made where its file is read (in the workers of a
    parallel load); the other tables are built beside the rest (`index.building`), at scale in a
    forked child, while the search texts are made and the records written."""
    from tungsten_cli import validate as _validate
    from tungsten_cli.index import building
    from tungsten_cli.search import own_text

    facts, texts = _validate.build_derived(list(files), _read_capped, own_text)
    facts = facts._replace(records=[record for section in _by_kind(facts.records).values() for record in section])
    with building(facts, texts) as (tables, others):
        _write_cache(path, signature, facts, tables, others, note)
        return facts, tables | others()


def validate(files: Sequence[Path]) -> FactSet:
    """Parse and validate every file, then cross-check ids and references; raise all problems at once."""
    from tungsten_cli import validate as _validate

    return _validate.build(list(files), _read_capped)


def _read_capped(path: Path) -> bytes:
    """A fact file's bytes, refused over MAX_FILE_BYTES (in a worker process in a parallel load)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FactsError([Problem(str(path), f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")])
    return path.read_bytes()


def _signature(files: Iterable[tuple[Path, os.stat_result]]) -> str:
    """Every fact file's path, size, modification and change times and inode, plus the schema and the validating code.

    Any write to a file changes its ctime, which no user tool can set back (`touch -r` and `rsync -t`
    restore the mtime), or its inode (editors that save by renaming), so a changed pack is always
    validated again; stat() costs microseconds where hashing the contents cost more
    than the whole query. The Python version is part of it because marshal's format is.
    """
    code = [(path, os.stat(path)) for path in (_PACKAGE / name for name in VALIDATING_MODULES)]
    parts = [SCHEMA_VERSION, __version__, sys.version, f"layout {_LAYOUT}", kinds.signature()]
    for path, info in [*code, *files]:
        parts.append(f"{os.path.abspath(path)}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}")
    return "\n".join(parts)


def _read_cache(
    path: Path, signature: str, kinds: Collection[str] | None, files: Sequence[Path], note: Callable[[str], None]
) -> FactSet | None:
    """The cached facts, or None when the file is missing, damaged, of another layout or of other files.

    The file name is only a short hash; the full signature stored inside decides whether it fits.
    The file is mapped, not read: a run touches the header and the sections it decodes, each checked
    against its own CRC-32 (`facts --country KZ` at 100,000 records reads 5,000 of 89 MB).
    Origins name files as written when the cache was, renamed to the paths as typed in this run, from any folder.
    """
    try:
        # Never through a link, never blocking on a FIFO: a cache file is a regular file or unused.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        return None  # not written yet; a folder that cannot hold it is reported on writing
    except OSError as err:
        note(f"cannot read {path}: {'is a symlink' if err.errno == errno.ELOOP else err.strerror}")
        return None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            from tungsten_cli.atomic import kind_of  # only here: the hot path imports nothing more

            note(f"cannot use {path}: {kind_of(mode)}")
            return None
        mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except ValueError:
        note(f"{path} is damaged (empty); validating again")
        return None
    except OSError as err:
        note(f"cannot read {path}: {err.strerror}")
        return None
    finally:
        os.close(fd)
    try:
        with gc_paused():
            cache = cachefile.CacheFile(memoryview(mapped))
            if cache.header["signature"] != signature or cache.header["libraries"] != _stats(cache.header["libraries"]):
                return None
            wanted = [kind for kind in cache.header["kinds"] if kinds is None or kind in kinds]
            records = [record for kind in wanted for record in cache.records(kind)]
            origins = cache.section("origins") if kinds is None else {}
            sources = cache.section("sources")
            names = dict(zip(cache.header["files"], map(str, files)))  # the same files in order (the signature)
    except cachefile.Damaged as err:
        note(f"{path} is damaged ({err}); validating again")
        return None
    except (ValueError, EOFError, KeyError, TypeError, IndexError) as err:
        note(f"{path} has another layout ({type(err).__name__}); validating again")
        return None
    for origin in origins.values():
        origin["file"] = names[origin["file"]]
    lazy = cachefile.Lazy(cache, path, lambda: _rebuild(path, signature, files, note), records, note)
    return FactSet(records, sources, origins, list(names.values()), Index(lazy.table, lazy.get, lazy.kept))


def _rebuild(
    path: Path, signature: str, files: Sequence[Path], note: Callable[[str], None]
) -> tuple[dict[str, dict[Any, Any]], dict[str, Record]]:
    """Validate afresh and rewrite a cache found damaged after its hit was served in part."""
    note(f"{path} is damaged (checksum); validating again")
    facts, tables = _fresh(files, path, signature, note)
    return tables, {record["id"]: record for record in facts.records}


def _libraries() -> list[tuple[str, int, int, int]]:
    """The files that carry pydantic's and pydantic-core's versions.

    Their stat, stored in the cache and compared on reading, stands for the versions: an upgrade
    replaces them. Computed after a validation, when these libraries are imported anyway; checking
    costs two stat() calls, where asking for the versions would import the libraries.
    """
    import pydantic.version
    import pydantic_core

    paths = [pydantic.version.__file__, pydantic_core.__file__]
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


def _write_cache(
    path: Path, signature: str, facts: FactSet, tables: Tables, others: Callable[[], Tables], note: Callable[[str], None]
) -> None:
    """Write beside the target and rename, so concurrent runs never see half a file (atomic.replacing).

    Layout (`cachefile.CacheFile`): the records first, one marshal blob each, grouped by kind, each kind's
    span with one CRC-32; then one section each for a kind's record offsets, the sources, the
    origins and every index table (`index:id` gives each record's offsets and CRC-32). A listing
    decodes only the kinds it shows, a lookup only its table and its records. marshal, not JSON: the
    cache is private to this interpreter version (part of the signature) and reads several times faster.
    Each blob goes to the file as it is made, so the cache is never held in memory whole, let alone
    twice (joined): a 100,000-record cold load peaked 250 MB lower. The `others()` tables are asked
    for last, after `tables`: they may still be in the making.
    """
    from tungsten_cli.atomic import replacing

    with cachefile.noted(path, note):
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path, follow=False) as tmp, open(tmp, "wb") as out:
            out.write(bytes(cachefile.PREFIX))
            body = cachefile.Body(out)
            ids: dict[str, tuple[int, int, int]] = {}
            spans: dict[str, tuple[int, int, int]] = {}
            kinds = _by_kind(facts.records)
            for kind, section in kinds.items():
                start, span_crc = body.size, 0
                for record in section:
                    blob = marshal.dumps(record)
                    ids[record["id"]] = body.add(blob)
                    span_crc = zlib.crc32(blob, span_crc)
                spans[kind] = (start, body.size, span_crc)
            parts: Iterator[tuple[str, Any]] = chain(
                ((f"kind:{kind}", [ids[record["id"]][:2] for record in section]) for kind, section in kinds.items()),
                [("sources", facts.sources), ("origins", facts.origins), ("index:id", ids)],
                ((f"index:{name}", part) for name, table in chain(tables.items(), _items(others)) for part in cachefile.parts(table)),
            )
            sections: dict[str, list[tuple[int, int, int]]] = {}
            for name, part in parts:
                sections.setdefault(name, []).append(body.add(marshal.dumps(part)))
            header = marshal.dumps(
                {
                    "signature": signature,
                    "libraries": _libraries(),
                    "files": facts.files,
                    "kinds": list(spans),
                    "spans": spans,
                    "sections": sections,
                }
            )
            out.write(header)
            out.seek(0)
            out.write(body.size.to_bytes(8, "big") + len(header).to_bytes(4, "big") + zlib.crc32(header).to_bytes(4, "big"))
        cachefile.prune(path.parent)


def _items(tables: Callable[[], Tables]) -> Iterator[tuple[str, dict[Any, Any]]]:
    """`tables()`'s items, asked for only when the first is."""
    yield from tables().items()
