"""Find fact packs, validate them into plain records, and cache the result keyed by content.

The hot path (a cache hit) imports neither yaml nor pydantic nor pycountry: they cost more than
the whole query, so they load only when a pack changed and must be validated again.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from tungsten_cli import SCHEMA_VERSION, __version__
from tungsten_cli.errors import FactsError, NotFoundError, Problem

BUILTIN = "builtin"
MAX_FILE_BYTES = 50 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent
_CACHE_KEEP = 8

Record = dict[str, Any]


class FactSet(NamedTuple):
    """Validated records as plain JSON-ready dicts, with where each one was written."""

    records: list[Record]
    sources: dict[str, Record]
    origins: dict[str, dict[str, Any]]
    countries: dict[str, list[str]]
    vocab: dict[str, Any]
    files: list[str]

    def by_id(self) -> dict[str, Record]:
        return {r["id"]: r for r in self.records}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many small acyclic objects (JSON, YAML, models).

    Collections triggered by allocation made a 10,000-record pack parse four times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def builtin_dir() -> Path:
    """The shipped packs: inside the installed package, or `facts/` beside it in a source checkout."""
    installed = _PACKAGE / "facts"
    return installed if installed.is_dir() else _PACKAGE.parent / "facts"


def default_paths() -> list[str]:
    """`TUNGSTEN_FACTS` (paths joined by the OS path separator) or the built-in set."""
    value = os.environ.get("TUNGSTEN_FACTS", "")
    return [p for p in value.split(os.pathsep) if p] or [BUILTIN]


def fact_files(paths: Sequence[str]) -> list[Path]:
    """Expand files and folders (recursively, `*.yaml`/`*.yml`) in the order given."""
    files: list[Path] = []
    for raw in paths:
        path = builtin_dir() if raw == BUILTIN else Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise NotFoundError(f"{raw}: folder has no .yaml files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise NotFoundError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(files))


def load_facts(paths: Sequence[str] | None = None, *, use_cache: bool = True) -> FactSet:
    """Load packs through the cache; a changed, corrupt or unwritable cache only costs a re-validation."""
    files = fact_files(default_paths() if paths is None else paths)
    if not use_cache:
        return validate(files)
    cache_file = _cache_dir() / f"{_cache_key(files)}.json"
    cached = _read_cache(cache_file)
    if cached is not None:
        return cached
    facts = validate(files)
    _write_cache(cache_file, facts)
    return facts


def validate(files: Sequence[Path]) -> FactSet:
    """Parse and validate every file, then cross-check ids and references; raise all problems at once."""
    from tungsten_cli import validate as _validate

    return _validate.build(list(files), [_read_capped(f) for f in files])


def _read_capped(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FactsError([Problem(str(path), f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")])
    return path.read_bytes()


def _cache_dir() -> Path:
    explicit = os.environ.get("TUNGSTEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tungsten"


def _blake2b() -> Any:
    """BLAKE2b without `hashlib`, whose OpenSSL import costs more start-up time and memory than a query."""
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    return blake2b


def _cache_key(files: Iterable[Path]) -> str:
    """Every fact file's path, size, modification time and inode, plus the schema and the validating code.

    Any write to a file changes its size, mtime or inode (editors that save by renaming), so a changed
    pack is always validated again; stat() costs microseconds where hashing the contents cost more
    than the whole query.
    """
    digest = _blake2b()(f"{SCHEMA_VERSION}\0{__version__}".encode(), digest_size=16)
    for path in [_PACKAGE / "model.py", _PACKAGE / "validate.py", *files]:
        info = os.stat(path)
        digest.update(f"\0{os.path.abspath(path)}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    return str(digest.hexdigest())


def _read_cache(path: Path) -> FactSet | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        with gc_paused():
            data = json.loads(text)
        return FactSet(**{name: data[name] for name in FactSet._fields})
    except (ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, facts: FactSet) -> None:
    """Write beside the target and rename, so concurrent runs never see half a file."""
    import tempfile

    payload = facts._asdict()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[_CACHE_KEEP:]:
        stale.unlink(missing_ok=True)
