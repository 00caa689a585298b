"""What a run takes from its surroundings, read once at start: the streams and whether they get rich
output, the cache folder (or none, and why), the source folders and the fact paths.

The only module that reads `os.environ` (tests/test_environment.py holds every other module to
that); the boundary builds one `Environment` and hands it, or the part a function needs, down.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, NamedTuple

SOURCE_DIR_ENV = "TUNGSTEN_SOURCE_DIR"
FACTS_ENV = "TUNGSTEN_FACTS"


class Cache(NamedTuple):
    """Where validated packs are cached: `folder` None runs without a cache, `absent` saying why (told
    with --verbose, through `report`, like every reason the cache could not be read or written)."""

    folder: Path | None
    absent: str | None = None
    report: Callable[[str], None] | None = None

    def note(self, message: str) -> None:
        if self.report is not None:
            self.report(message)


NO_CACHE = Cache(None)


class Environment(NamedTuple):
    """Everything a command reads from outside its arguments."""

    stdout: IO[str]
    stderr: IO[str]
    force_color: bool  # FORCE_COLOR: rich output (tables, bars) even into a pipe
    fact_paths: tuple[str, ...]  # TUNGSTEN_FACTS, split; () means the shipped set
    source_dirs: tuple[str, ...]  # TUNGSTEN_SOURCE_DIR, split
    source_dir_named: bool  # TUNGSTEN_SOURCE_DIR names something, even only separators' worth of nothing
    cache: Cache

    def rich(self, out: IO[str]) -> bool:
        """rich on a terminal, or when FORCE_COLOR asks for it; plain text in a pipe."""
        return self.force_color or (hasattr(out, "isatty") and out.isatty())


def read(*, no_cache: bool = False, report: Callable[[str], None] | None = None, environ: Mapping[str, str] | None = None) -> Environment:
    """The Environment of this process (or of `environ`): `no_cache` is --no-cache, `report` hears
    the cache's troubles (--verbose)."""
    env = os.environ if environ is None else environ
    named = env.get(SOURCE_DIR_ENV, "")
    return Environment(
        stdout=sys.stdout,
        stderr=sys.stderr,
        force_color=bool(env.get("FORCE_COLOR")),
        fact_paths=_fact_paths(env.get(FACTS_ENV, "")),
        source_dirs=_split(named),
        source_dir_named=bool(named.strip(os.pathsep)),
        cache=Cache(None, report=report) if no_cache else cache_rules(env, report),
    )


def _split(value: str) -> tuple[str, ...]:
    """Paths joined by the OS path separator; empty parts (`a::b`, a trailing `:`) dropped."""
    return tuple(p for p in value.split(os.pathsep) if p)


def _fact_paths(value: str) -> tuple[str, ...]:
    """TUNGSTEN_FACTS split; unset or empty is the shipped set, but a value that names no path (`::`,
    a list whose paths were lost) is an error, not a silent switch to the shipped set."""
    paths = _split(value)
    if value and not paths:
        from tungsten_cli.errors import UsageError

        raise UsageError(f"{FACTS_ENV}={value!r} names no path; unset it for the built-in set")
    return paths


def cache_rules(env: Mapping[str, str], report: Callable[[str], None] | None = None) -> Cache:
    """The cache folder: none under TUNGSTEN_NO_CACHE (other than empty, 0, false, no or off), else
    `$TUNGSTEN_CACHE_DIR`, `$XDG_CACHE_HOME/tungsten` or `$HOME/.cache/tungsten`; none rather than a
    guess when no absolute path says where: an empty or relative HOME would put the cache at the
    filesystem root or in whatever folder the run starts from, and the XDG spec says a relative
    XDG_CACHE_HOME is invalid and to be ignored. A home folder that does not exist is not created
    (`HOME=/nonexistent`)."""
    if env.get("TUNGSTEN_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no", "off"):
        return Cache(None, report=report)
    explicit = env.get("TUNGSTEN_CACHE_DIR")
    if explicit:
        return Cache(Path(explicit), report=report)
    xdg = env.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Cache(Path(xdg) / "tungsten", report=report)
    home = env.get("HOME", "")
    if not os.path.isabs(home):
        return Cache(None, "no cache: HOME is not set to an absolute path", report)
    if not os.path.isdir(home):
        return Cache(None, f"no cache: home folder {home} does not exist", report)
    return Cache(Path(home) / ".cache" / "tungsten", report=report)


def completion_words() -> list[str] | None:
    """The words of the command line being completed (Click's `_TUNGSTEN_COMPLETE` protocol), or None
    when this run is not a completion."""
    if "_TUNGSTEN_COMPLETE" not in os.environ:
        return None
    return os.environ.get("COMP_WORDS", "").split()[1:]
