"""`tungsten export`: written whole or not at all, never over someone else's file, through symlinks, umask modes."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, run

from tungsten_cli.export import APPLICATION_ID, is_export

MINI = str(DATA / "mini")


def export(target: Path, *extra: str) -> Any:
    return run("export", "--sqlite", str(target), "--facts", MINI, *extra)


def test_export_is_marked_and_holds_the_records(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    assert export(target).exit_code == 0
    db = sqlite3.connect(target)
    assert db.execute("pragma application_id").fetchone() == (APPLICATION_ID,)
    assert db.execute("select id, amount_usd from deals").fetchall() == [("acme-loan", 255000000)]
    assert db.execute("select record_id, position from citations where record_id = 'acme-loan'").fetchall() == [
        ("acme-loan", 0),
        ("acme-loan", 1),
    ]
    assert is_export(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.db"]


@pytest.mark.parametrize("content", [b"my notes\n", b"", b"SQLite format 3\x00" + bytes(84)])
def test_an_existing_file_is_kept_without_force(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "mine.db"
    target.write_bytes(content)
    result = export(target)
    assert result.exit_code == 2
    assert result.stderr == f"tungsten: error: {target}: exists and is not a tungsten export; pass --force to replace it\n"
    assert target.read_bytes() == content
    assert export(target, "--force").exit_code == 0
    assert is_export(target)


def test_an_earlier_export_is_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    assert export(target).exit_code == 0
    inode = target.stat().st_ino
    assert export(target).exit_code == 0
    assert target.stat().st_ino != inode  # replaced by rename, not rewritten in place


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "real.db"
    link = tmp_path / "link.db"
    assert export(real).exit_code == 0
    link.symlink_to(real)
    assert export(link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert is_export(real)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["real.db"]


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_mode_follows_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        assert export(tmp_path / "out.db").exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out.db").stat().st_mode & 0o777 == 0o666 & ~umask


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_full_disk_ends_in_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    done = subprocess.run(
        [sys.executable, "-m", "tungsten_cli", "export", "--sqlite", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"tungsten: error: {target}: cannot write the database: ")
    assert done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_ends_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*args: object, dir: str, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", os.path.join(dir, ".out.db.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = export(tmp_path / "out.db")
    assert result.exit_code == 1
    assert result.stderr == f"tungsten: error: {tmp_path / 'out.db'}: cannot write the database: Permission denied\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    result = export(folder / "out.db")
    assert result.exit_code == 1
    assert "Permission denied" in result.stderr
    assert list(folder.iterdir()) == []


def test_ctrl_c_while_writing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tungsten_cli import export as export_module

    def interrupted(db: sqlite3.Connection, facts: object) -> None:
        db.execute("CREATE TABLE half (x)")
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "_fill", interrupted)
    result = export(tmp_path / "out.db")
    assert result.exit_code == 130
    assert list(tmp_path.iterdir()) == []
