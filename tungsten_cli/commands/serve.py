"""`tungsten serve`: the loaded facts exported to a database in the cache folder, browsed with Datasette.

Datasette is an optional extra (`pip install 'tungsten-cli[web]'`); the process becomes Datasette
(exec), so stopping `tungsten serve` stops the server and leaves no child behind.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tungsten_cli.environment import Environment
from tungsten_cli.errors import UsageError
from tungsten_cli.export import export_sqlite
from tungsten_cli.load import load_for
from tungsten_cli.metadata import write_metadata
from tungsten_cli.records import FactSet

INSTALL = "tungsten serve needs Datasette: pip install 'tungsten-cli[web]' (from a checkout: pip install '.[web]')"
DATABASE = "tungsten"  # Datasette names a database after its file: /tungsten/records


def datasette_missing() -> bool:
    return importlib.util.find_spec("datasette") is None


def run_serve(env: Environment, paths: Sequence[str] | None, host: str, port: int, open_browser: bool) -> None:
    """Check for Datasette (before loading: the one line that matters comes at once), export, say where
    the server answers (warning when other machines can reach it), become Datasette."""
    if datasette_missing():
        raise UsageError(INSTALL)
    if env.cache.folder is None:
        why = f" ({env.cache.absent})" if env.cache.absent else ""
        raise UsageError(
            f"tungsten serve writes its database into the cache folder, and this run has none{why}: "
            "drop --no-cache and TUNGSTEN_NO_CACHE, or set TUNGSTEN_CACHE_DIR"
        )
    database, metadata = prepare(load_for(env, paths), env.cache.folder / "serve")
    if not is_loopback(host):
        env.stderr.write(f"tungsten: warning: --host {host}: other machines can reach this server\n")
    env.stderr.write(f"serving {database} at http://{host}:{port}/{DATABASE}/records (Ctrl-C stops)\n")
    env.stderr.flush()
    run_datasette(datasette_argv(database, metadata, host, port, open_browser))


def prepare(facts: FactSet, folder: Path) -> tuple[Path, Path]:
    """Export the facts and their metadata into `folder`; returns (database, metadata)."""
    folder.mkdir(parents=True, exist_ok=True)
    database, metadata = folder / f"{DATABASE}.db", folder / "metadata.json"
    export_sqlite(facts, database, force=True)
    write_metadata(facts, metadata, DATABASE, force=True)
    return database, metadata


def datasette_argv(database: Path, metadata: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """Datasette on the database read-only (`-i`: never written, rows counted once)."""
    argv = [sys.executable, "-m", "datasette", "serve", "-i", str(database), "-m", str(metadata), "--host", host, "--port", str(port)]
    return argv + (["--open"] if open_browser else [])


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_datasette(argv: list[str]) -> None:
    """Become Datasette: its signals, its exit status, no second process to stop."""
    os.execv(argv[0], argv)
