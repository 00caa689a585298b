"""The cache key covers everything a validation depends on, so a cached answer is never stale."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from conftest import DATA, run

from tungsten_cli import cachefile, load
from tungsten_cli.load import VALIDATING_MODULES, load_facts
from tungsten_cli.views import VIEWS


def test_every_module_a_validation_imports_is_in_the_cache_key() -> None:
    code = "import sys, tungsten_cli.validate, tungsten_cli.index; print(' '.join(m for m in sys.modules if m.startswith('tungsten_cli.')))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    missing = {name.removeprefix("tungsten_cli.") + ".py" for name in imported} - set(VALIDATING_MODULES)
    assert not missing, f"add {sorted(missing)} to load.VALIDATING_MODULES"


MINI = DATA / "mini"


def _pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(MINI, folder)
    return folder


def _validates(paths: list[str]) -> bool:
    """True when loading has to validate, i.e. the cache did not serve the facts."""
    with mock.patch("tungsten_cli.validate._build", side_effect=AssertionError("validated")):
        try:
            load_facts(paths)
        except AssertionError:
            return True
    return False


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    records = folder / "records.yaml"
    assert load_facts([str(folder)]).by_id()["beta"]["summary"] == "Beta is a bank."
    before = records.stat()
    time.sleep(0.05)  # the kernel's ctime clock is coarse
    records.write_text(records.read_text().replace("Beta is a bank.", "Beta is a fund."))  # same size, same inode
    os.utime(records, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` or `rsync -t` would
    assert records.stat().st_size == before.st_size and records.stat().st_mtime_ns == before.st_mtime_ns
    assert load_facts([str(folder)]).by_id()["beta"]["summary"] == "Beta is a fund."


def test_a_library_upgrade_invalidates_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "version.py"
    library.write_text("VERSION = '2.0'\n")
    monkeypatch.setattr(load, "_libraries", lambda: load._stats([(str(library), 0, 0, 0)]))
    # A cache of its own: one another test wrote for MINI names the real libraries, and would serve.
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    load_facts([str(MINI)])
    assert not _validates([str(MINI)])
    time.sleep(0.05)
    library.write_text("VERSION = '2.1'\n")
    assert _validates([str(MINI)])


def test_origins_name_files_as_typed_in_this_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _pack(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_facts(["pack"]).origins["acme"]["file"] == os.path.join("pack", "records.yaml")
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert not _validates([os.path.join("..", "pack")])
    cached = load_facts([os.path.join("..", "pack")])
    assert cached.origins["acme"]["file"] == os.path.join("..", "pack", "records.yaml")
    assert cached.files == [os.path.join("..", "pack", name) for name in ("records.yaml", "sources.yaml")]
    assert str(folder)


@pytest.mark.parametrize("how", ["option", "variable"])
def test_no_cache_neither_reads_nor_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    args = ["facts", "--facts", str(MINI), "--json"]
    if how == "option":
        args.insert(0, "--no-cache")
    else:
        monkeypatch.setenv("TUNGSTEN_NO_CACHE", "1")
    assert run(*args).exit_code == 0
    assert not (tmp_path / "cache").exists()
    monkeypatch.delenv("TUNGSTEN_NO_CACHE", raising=False)
    load_facts([str(MINI)])
    if how == "option":
        args.remove("--no-cache")
        args.insert(0, "--no-cache")
    else:
        monkeypatch.setenv("TUNGSTEN_NO_CACHE", "1")
    with mock.patch("tungsten_cli.load._read_cache", side_effect=AssertionError("read the cache")):
        assert run(*args).exit_code == 0


def test_verbose_reports_cache_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(blocker / "cache"))
    quiet = run("facts", "--facts", str(MINI), "--json")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    loud = run("--verbose", "facts", "--facts", str(MINI), "--json")
    assert loud.exit_code == 0
    assert loud.stderr == f"tungsten: cache: cannot write {blocker / 'cache'}: Not a directory\n"
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    load_facts([str(MINI)])
    (entry,) = (tmp_path / "cache").glob("*.facts-cache")
    entry.write_bytes(entry.read_bytes()[:-1])
    damaged = run("-v", "facts", "--facts", str(MINI), "--json")
    assert damaged.stderr == f"tungsten: cache: {entry} is damaged (size); validating again\n"


def _flip_byte_in(entry: Path, section: str) -> None:
    """Corrupt one byte in the middle of a cache section (a kind's records: `records:KIND`)."""
    data = bytearray(entry.read_bytes())
    header = cachefile.CacheFile(memoryview(bytes(data))).header
    kind = section.removeprefix("records:")
    start, stop, _ = header["spans"][kind] if section != kind else header["sections"][section][0]  # a table's first part
    data[cachefile.PREFIX + (start + stop) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("section", "command"),
    [
        ("records:deposit", ["deposits", "--json"]),  # read by the listing itself: a miss, validated again
        ("index:search", ["search", "kairakty", "--json"]),  # read lazily, after the hit was taken
        ("index:country", ["facts", "--country", "KZ", "--json"]),
        ("index:id", ["show", "upper-kairakty", "--json"]),
    ],
)
def test_a_damaged_section_is_noticed_and_the_answer_stays_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str, command: list[str]
) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    expected = run(*command)
    assert expected.exit_code == 0 and expected.stdout.strip() not in ("", "[]")
    (entry,) = (tmp_path / "cache").glob("*.facts-cache")
    _flip_byte_in(entry, section)
    damaged = run("-v", *command)
    assert (damaged.exit_code, damaged.stdout) == (0, expected.stdout)
    assert damaged.stderr == f"tungsten: cache: {entry} is damaged (checksum); validating again\n"
    assert not _validates([load.BUILTIN]), "the damaged cache was not rewritten"


def test_no_home_folder_means_no_cache_and_nothing_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "nonexistent"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("TUNGSTEN_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    result = run("deposits", "--json")
    assert result.exit_code == 0, result.stderr
    assert not home.exists()


def test_ctrl_c_while_writing_the_cache_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))

    add = cachefile.Body.add

    def interrupted(self: cachefile.Body, blob: bytes) -> tuple[int, int, int]:
        add(self, blob)  # part of the file is written
        raise KeyboardInterrupt

    monkeypatch.setattr(cachefile.Body, "add", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_facts([str(MINI)])
    assert list((tmp_path / "cache").iterdir()) == []


VIEW_COMMANDS = [[name] for name in VIEWS if name != "search"] + [
    ["search", "kairakty"],
    ["show", "upper-kairakty"],
    ["sources"],
    ["facts", "--kind", "deal"],
]


@pytest.mark.parametrize("command", VIEW_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_cold_and_warm_cache_give_identical_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], fmt: str) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    args = [*command, "--format", fmt, "--facts", "builtin", "--facts", str(MINI)]
    cold = run(*args)
    assert cold.exit_code == 0, cold.stderr
    assert list((tmp_path / "cache").glob("*.facts-cache")), "the cold run wrote no cache"
    with mock.patch("tungsten_cli.validate._build", side_effect=AssertionError("validated")):
        warm = run(*args)
    assert warm.exit_code == 0, warm.stderr
    assert warm.stdout == cold.stdout
    assert cold.stdout.strip() not in ("", "[]")


def test_a_large_table_is_written_in_parts_and_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cachefile, "PART", 50)
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    expected = run("--no-cache", "search", "kairakty", "--json").stdout
    run("search", "kairakty", "--json")
    (entry,) = (tmp_path / "cache").glob("*.facts-cache")
    header = cachefile.CacheFile(memoryview(entry.read_bytes())).header
    assert len(header["sections"]["index:search"]) > 5
    with mock.patch("tungsten_cli.validate._build", side_effect=AssertionError("validated")):
        warm = run("search", "kairakty", "--json")
    assert warm.stdout == expected and expected.strip() not in ("", "[]")
    records = len(load_facts([load.BUILTIN], use_cache=False).records)
    assert len(cachefile.CacheFile(memoryview(entry.read_bytes())).section("index:search")) == records  # not one entry lost


@pytest.mark.parametrize("size", [0, 1, 7, 8, 14, 15, 22])
def test_a_table_in_parts_keeps_every_entry_in_order(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(cachefile, "PART", 7)
    table = {f"id-{n}": n for n in range(size)}
    parts = list(cachefile.parts(table))
    assert [entry for part in parts for entry in part.items()] == list(table.items())
    assert all(len(part) <= 7 for part in parts) and len(parts) == max(1, -(-size // 7))


def test_pruning_keeps_the_newest_cache_files_and_only_their_kept_views(tmp_path: Path) -> None:
    """The newest `KEEP` files stay (the one just written among them, or every run would be cold), the
    older go, and so do the views kept beside those; a view whose cache file stays, stays."""
    names = [f"{n:08x}{cachefile.SUFFIX}" for n in range(cachefile.KEEP + 3)]
    for age, name in enumerate(names):  # names[0] the newest, the last the oldest
        (tmp_path / name).write_bytes(b"cache")
        (tmp_path / f"{name}.revisions").write_bytes(b"kept")
        os.utime(tmp_path / name, (1_000_000 - age * 60, 1_000_000 - age * 60))
    cachefile.prune(tmp_path)
    assert sorted(p.name for p in tmp_path.glob(f"*{cachefile.SUFFIX}")) == names[: cachefile.KEEP]
    assert sorted(p.name for p in tmp_path.glob(f"*{cachefile.SUFFIX}.revisions")) == [f"{n}.revisions" for n in names[: cachefile.KEEP]]
