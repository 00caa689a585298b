"""Every write is a regular file or nothing: the cache and the files the user names refuse links
(cache), FIFOs, devices and folders, name the user's path in errors, write a CSV set whole, and
leave no temporary file, interrupted or not. FIFOs, nodes and links are made under tmp_path only."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, deadline, run

from tungsten_cli import environment

MINI = str(DATA / "mini")


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A write that opens a FIFO blocks for ever: fail the test after 60 s instead."""
    with deadline(60, "hung: a FIFO was opened"):
        yield


def _node(path: Path) -> None:
    """A character device (the null device's numbers) inside tmp_path, or a skip where mknod is not allowed."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod needs root")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp"))


# --- the cache ---------------------------------------------------------------------------------


def _cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    assert run("deals", "--facts", MINI).exit_code == 0
    (entry,) = (tmp_path / "cache").glob("*.facts-cache")
    return entry


def test_a_symlink_at_the_cache_path_is_never_written_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _cache_file(tmp_path, monkeypatch)
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    entry.unlink()
    entry.symlink_to(victim)
    result = run("-v", "deals", "--facts", MINI, "--json")
    assert result.exit_code == 0 and "acme-loan" in result.stdout
    assert f"tungsten: cache: cannot read {entry}: is a symlink\n" in result.stderr
    assert f"tungsten: cache: cannot write {entry}: is a symlink; tungsten writes only regular files\n" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep" and entry.is_symlink()
    assert _leftovers(tmp_path / "cache") == []


@pytest.mark.parametrize("make", [os.mkfifo, _node], ids=["fifo", "device"])
def test_a_fifo_or_node_at_the_cache_path_neither_hangs_nor_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    entry = _cache_file(tmp_path, monkeypatch)
    entry.unlink()
    make(entry)
    kind = stat.S_IFMT(entry.lstat().st_mode)
    result = run("-v", "deals", "--facts", MINI, "--json")
    assert result.exit_code == 0 and "acme-loan" in result.stdout
    assert f"tungsten: cache: cannot use {entry}: is a " in result.stderr
    assert stat.S_IFMT(entry.lstat().st_mode) == kind


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HOME": ""}, None),  # was /.cache/tungsten
        ({"HOME": "relative/home"}, None),
        ({"HOME": "."}, None),  # a folder that exists, but relative: the cache would follow the working folder
        ({"HOME": "{tmp}", "XDG_CACHE_HOME": "rel/cache"}, "{tmp}/.cache/tungsten"),  # a relative XDG value is ignored
        ({"HOME": "", "XDG_CACHE_HOME": "{tmp}/xdg"}, "{tmp}/xdg/tungsten"),
        ({"HOME": "{tmp}"}, "{tmp}/.cache/tungsten"),
        ({"HOME": "{tmp}/missing"}, None),
    ],
)
def test_the_cache_folder_comes_only_from_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    found = environment.cache_rules({name: value.format(tmp=tmp_path) for name, value in env.items()}).folder
    assert (None if found is None else str(found)) == (None if expected is None else expected.format(tmp=tmp_path))


@pytest.mark.parametrize(
    ("value", "wanted"), [("", True), ("0", True), ("false", True), ("False", True), ("no", True), ("1", False), ("yes", False)]
)
def test_tungsten_no_cache_reads_false_as_false(tmp_path: Path, value: str, wanted: bool) -> None:
    assert (environment.cache_rules({"TUNGSTEN_NO_CACHE": value, "HOME": str(tmp_path)}).folder is not None) is wanted


# --- files the user names ----------------------------------------------------------------------


def _report(target: Path | str) -> Any:
    return run("report", "--html", str(target), "--facts", MINI)


@pytest.mark.parametrize(
    ("make", "words"),
    [(os.mkfifo, "is a FIFO (named pipe)"), (_node, "is a device"), (os.mkdir, "is a folder")],
    ids=["fifo", "device", "folder"],
)
def test_report_refuses_a_fifo_a_node_or_a_folder(tmp_path: Path, make: Any, words: str) -> None:
    target = tmp_path / "r.html"
    make(target)
    kind = stat.S_IFMT(target.lstat().st_mode)
    for named in (target, tmp_path / "link.html"):
        if named != target:
            named.symlink_to(target)
        result = _report(named)
        assert (result.exit_code, result.stderr) == (2, f"tungsten: error: {named}: {words}; tungsten writes only regular files\n")
    assert stat.S_IFMT(target.lstat().st_mode) == kind
    assert _leftovers(tmp_path) == []


def test_report_errors_name_the_users_path(tmp_path: Path) -> None:
    result = _report(tmp_path / "no" / "r.html")
    assert (result.exit_code, result.stderr) == (1, f"tungsten: error: {tmp_path / 'no'}: no such folder\n")


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000, 2_000))


def test_a_full_disk_during_report_names_the_file_not_standard_output(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "tungsten_cli", "--no-cache", "report", "--html", str(target), "--facts", MINI],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (1, f"tungsten: error: {target}: File too large\n")
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_fifo_database_and_a_fifo_csv(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.db")
    result = run("export", "--sqlite", str(tmp_path / "x.db"), "--facts", MINI)
    assert (result.exit_code, result.stderr) == (
        2,
        f"tungsten: error: {tmp_path / 'x.db'}: is a FIFO (named pipe); tungsten writes only regular files\n",
    )
    (tmp_path / "out").mkdir()
    os.mkfifo(tmp_path / "out" / "deals.csv")
    result = run("export", "--csv", str(tmp_path / "out"), "--facts", MINI, "--force")
    assert (result.exit_code, result.stderr) == (
        2,
        f"tungsten: error: {tmp_path / 'out' / 'deals.csv'}: is a FIFO (named pipe); tungsten writes only regular files\n",
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["deals.csv"]


def test_a_bad_csv_target_stops_the_database_too(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    result = run("export", "--sqlite", str(tmp_path / "x.db"), "--csv", str(tmp_path / "file.txt"), "--facts", MINI)
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def _csv_set(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError(28, "No space left on device")], ids=["ctrl-c", "full-disk"])
def test_an_interrupted_csv_export_leaves_the_earlier_set_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Any) -> None:
    from tungsten_cli import export_csv

    out = tmp_path / "out"
    assert run("export", "--csv", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = _csv_set(out)
    written: list[str] = []
    real = export_csv._header

    def header(table: Any) -> str:
        written.append(table.name)
        if len(written) == 4:
            raise error
        return real(table)

    monkeypatch.setattr(export_csv, "_header", header)
    result = run("export", "--csv", str(out), "--facts", MINI, "--force")
    assert result.exit_code in (1, 130)
    assert _csv_set(out) == before
    assert _leftovers(tmp_path) == []


def test_a_new_csv_folder_appears_whole(tmp_path: Path) -> None:
    result = run("export", "--csv", str(tmp_path / "out"), "--facts", MINI)
    assert result.exit_code == 0, result.stderr
    assert len(list((tmp_path / "out").iterdir())) >= 8
    assert _leftovers(tmp_path) == []
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_TERM_DURING = """
import importlib, os, signal, sys
target = importlib.import_module("tungsten_cli.{module}")
real = target.{function}
def slow(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return real(*args, **kwargs)
target.{function} = slow
sys.argv = ["tungsten", "--no-cache", *sys.argv[1:]]
from tungsten_cli.entry import main
main()
"""


@pytest.mark.parametrize(
    ("module", "function", "args"),
    [
        ("export", "_fill", ["export", "--sqlite", "{tmp}/x.db"]),
        ("export_csv", "_header", ["export", "--csv", "{tmp}/out"]),
        ("render.html", "write_html", ["report", "--html", "{tmp}/r.html"]),
    ],
)
def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path, module: str, function: str, args: list[str]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _TERM_DURING.format(module=module, function=function),
            *(a.format(tmp=tmp_path) for a in args),
            "--facts",
            MINI,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (143, "tungsten: error: terminated\n")
    assert list(tmp_path.iterdir()) == []
