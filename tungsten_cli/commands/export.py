"""`tungsten export`: the export tables written to a SQLite database (and the Datasette metadata
describing it), a folder of CSV files, or both, each followed by a line on stderr saying what was written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tungsten_cli.environment import Environment
from tungsten_cli.load import load_for


def run_export(
    env: Environment,
    sqlite: Path | None,
    csv_dir: Path | None,
    paths: Sequence[str] | None,
    force: bool,
    bom: bool = False,
    metadata: Path | None = None,
) -> None:
    from tungsten_cli.export import check_sqlite, export_sqlite, tables
    from tungsten_cli.export_csv import check_csv, export_csv

    loaded = load_for(env, paths)
    # Both targets are checked before either is written: a bad --csv must not follow a written database.
    if sqlite is not None:
        check_sqlite(sqlite, force=force)
    if csv_dir is not None:
        check_csv(csv_dir, tables(loaded), force=force)
    if sqlite is not None:
        counts = export_sqlite(loaded, sqlite, force=force)
        env.stderr.write(f"wrote {sqlite}: " + ", ".join(f"{n} {table}" for table, n in counts.items()) + "\n")
        if metadata is not None:
            from tungsten_cli.metadata import write_metadata

            write_metadata(loaded, metadata, sqlite.stem, force=force)
            env.stderr.write(f"wrote {metadata}: open with datasette {sqlite} -m {metadata}\n")
    if csv_dir is not None:
        counts = export_csv(loaded, csv_dir, force=force, bom=bom)
        env.stderr.write(f"wrote {csv_dir}: " + ", ".join(f"{table}.csv ({n})" for table, n in counts.items()) + "\n")
