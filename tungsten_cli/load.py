"""Find fact packs, validate them into plain records, and cache the result keyed by content.

The hot path (a cache hit) imports neither yaml nor pydantic nor pycountry: they cost more than
the whole query, so they load only when a pack changed and must be validated again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tungsten_cli import SCHEMA_VERSION, __version__
from tungsten_cli.errors import FactsError, NotFoundError, Problem

BUILTIN = "builtin"
MAX_FILE_BYTES = 50 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent
_CACHE_KEEP = 8
_CACHED = ("records", "sources", "origins", "countries", "vocab", "files")

Record = dict[str, Any]


@dataclass
class FactSet:
    """Validated records as plain JSON-ready dicts, with where each one was written."""

    records: list[Record]
    sources: dict[str, Record]
    origins: dict[str, dict[str, Any]]
    countries: dict[str, list[str]]
    vocab: dict[str, Any]
    files: list[str] = field(default_factory=list)

    def by_id(self) -> dict[str, Record]:
        return {r["id"]: r for r in self.records}


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
    blobs = [_read_capped(f) for f in files]
    cache_file = _cache_dir() / f"{_cache_key(files, blobs)}.json" if use_cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    facts = validate(files, blobs)
    if cache_file is not None:
        _write_cache(cache_file, facts)
    return facts


def validate(files: Sequence[Path], blobs: Sequence[bytes] | None = None) -> FactSet:
    """Parse and validate every file, then cross-check ids and references; raise all problems at once."""
    from tungsten_cli import validate as _validate

    return _validate.build(list(files), list(blobs) if blobs is not None else [_read_capped(f) for f in files])


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


def _cache_key(files: Iterable[Path], blobs: Iterable[bytes]) -> str:
    """Content, names, schema and the validating code itself: any change means a fresh validation."""
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\0{__version__}\0".encode())
    for module in ("model.py", "validate.py"):
        digest.update(hashlib.sha256((_PACKAGE / module).read_bytes()).digest())
    for path, blob in zip(files, blobs):
        digest.update(str(path.resolve()).encode() + b"\0" + hashlib.sha256(blob).digest())
    return digest.hexdigest()[:32]


def _read_cache(path: Path) -> FactSet | None:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        return FactSet(**{name: data[name] for name in _CACHED})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, facts: FactSet) -> None:
    """Write beside the target and rename, so concurrent runs never see half a file."""
    import tempfile

    payload = {name: getattr(facts, name) for name in _CACHED}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[_CACHE_KEEP:]:
        stale.unlink(missing_ok=True)
