"""`revisions` from the rows kept beside the cache (Index.kept, stored_rows.JsonRows) against the rows
built from the records (--no-cache): byte for byte, in every format and with every option, on the
shipped set and on a pack of copies; and the kept file's life: made once, made again when damaged or
of another cache, pruned with its cache."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from pathlib import Path
from unittest import mock

import pytest
from conftest import ROOT, run

from tungsten_cli.claims import _revisions, revision_groups
from tungsten_cli.load import BUILTIN, load_facts
from tungsten_cli.render.formats import write_json, write_jsonl
from tungsten_cli.stored_rows import PART_ROWS, JsonRows, json_text, store

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack  # the benchmark's pack of shipped-record copies

FORMATS = [["--json"], ["--format", "jsonl"], ["--format", "csv"], ["--format", "yaml"], ["--format", "markdown"], []]
OPTIONS = [
    [],
    ["--fields", "quantity,change,verdict,claims"],
    ["--fields", "values,change"],  # column labels
    ["--sort", "quantity"],
    ["--sort", "-change_pct"],
    ["--limit", "7"],
    ["--limit", "0"],
    ["--country", "CN"],
    ["--country", "other"],
    ["--measure", "mine-production"],
    ["--year", "2022"],
    ["--min-change", "5"],
    ["--source", "usgs-mcs-2024-world"],
    ["--note", "interpretation"],
    ["--note", "translation"],  # no row
    ["--country", "CN", "--min-change", "10", "--sort", "quantity", "--limit", "3"],
]
CASES = [(fmt, []) for fmt in FORMATS] + [(fmt, opts) for fmt in (["--json"], ["--format", "csv"]) for opts in OPTIONS[1:]]
CASES += [(["--format", "jsonl"], ["--limit", "7"]), ([], ["--cite", "--limit", "5"]), ([], ["--chart", "--limit", "5"])]


@pytest.fixture(scope="module", params=["built-in", "built-in+copies"])
def packs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if request.param == "built-in":
        return ["--facts", BUILTIN]
    folder = tmp_path_factory.mktemp("copies")
    make_pack.generate_copies(300, folder, per_file=150)
    return ["--facts", BUILTIN, "--facts", str(folder / "pack")]


@pytest.fixture(scope="module")
def cache(packs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    with mock.patch.dict("os.environ", {"TUNGSTEN_CACHE_DIR": str(folder)}):
        assert run("revisions", "--json", *packs).exit_code == 0  # cold: writes the cache
        assert run("revisions", "--json", *packs).exit_code == 0  # the first warm run keeps the rows
    assert len(list(folder.glob("*.facts-cache.revisions"))) == 1
    return folder


@pytest.mark.parametrize(("fmt", "options"), CASES, ids=[" ".join(f + o) or "table" for f, o in CASES])
def test_stored_rows_give_what_the_records_give(
    packs: list[str], cache: Path, monkeypatch: pytest.MonkeyPatch, fmt: list[str], options: list[str]
) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(cache))
    plain = run("--no-cache", "revisions", *fmt, *options, *packs)
    as_kept = fmt in (["--json"], ["--format", "jsonl"]) and not options  # written without decoding
    decoded = mock.patch.object(JsonRows, "_decoded", side_effect=AssertionError("decoded")) if as_kept else contextlib.nullcontext()
    with mock.patch("tungsten_cli.claims._revisions", side_effect=AssertionError("rows built, not read")), decoded:
        stored = run("revisions", *fmt, *options, *packs)
    assert stored.exit_code == plain.exit_code == 0, stored.stderr + plain.stderr
    assert (stored.stdout, stored.stderr) == (plain.stdout, plain.stderr)


def test_the_rows_survive_their_parts_and_every_way_of_reading_them() -> None:
    facts = load_facts([BUILTIN], use_cache=False)
    rows = _revisions(facts, revision_groups(facts))
    many = rows * (2 * PART_ROWS // len(rows) + 1)  # over two parts
    stored = JsonRows(store(many))
    assert len(stored) == len(many) and list(stored) == many and stored[-1] == many[-1]
    assert list(stored[5 : PART_ROWS + 9]) == many[5 : PART_ROWS + 9] and list(stored[3:3]) == []
    for indent in (None, 2):
        ours, theirs = io.StringIO(), io.StringIO()
        write_json(JsonRows(store(many)), ours, indent)
        write_json(many, theirs, indent)
        assert ours.getvalue() == theirs.getvalue() == json_text(many, indent) + "\n"  # row by row, as json.dumps makes the list
    ours, theirs = io.StringIO(), io.StringIO()
    write_jsonl(stored, ours)
    write_jsonl(many, theirs)
    assert ours.getvalue() == theirs.getvalue()
    empty, none = io.StringIO(), io.StringIO()
    write_json(JsonRows(store([])), empty, None)
    write_json([], none, None)
    assert empty.getvalue() == none.getvalue() == "[]\n" and len(JsonRows(store([]))) == 0


def _kept_run(folder: Path) -> tuple[str, int]:
    """A `revisions --json` run on the shipped set with the cache in `folder`: its output and how many
    times it built the rows."""
    built = mock.Mock(side_effect=_revisions)
    with mock.patch.dict("os.environ", {"TUNGSTEN_CACHE_DIR": str(folder)}), mock.patch("tungsten_cli.claims._revisions", built):
        result = run("revisions", "--json")
    assert result.exit_code == 0, result.stderr
    return result.stdout, built.call_count


def test_the_kept_rows_are_made_once_and_again_when_damaged_or_of_another_cache(tmp_path: Path) -> None:
    expected = run("--no-cache", "revisions", "--json").stdout
    assert _kept_run(tmp_path) == (expected, 1)  # cold: built from the records, nothing kept
    assert _kept_run(tmp_path) == (expected, 1)  # the first warm run builds and keeps them
    (kept,) = tmp_path.glob("*.facts-cache.revisions")
    assert _kept_run(tmp_path) == (expected, 0)
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    assert _kept_run(tmp_path) == (expected, 1)  # damaged: made again, and kept again
    assert _kept_run(tmp_path) == (expected, 0)
    kept.write_bytes(bytes(16) + kept.read_bytes()[16:])  # the key of another cache file
    assert _kept_run(tmp_path) == (expected, 1)
    assert _kept_run(tmp_path) == (expected, 0)


def test_kept_rows_go_with_their_cache_and_a_link_fifo_or_folder_in_their_place_is_left_alone(tmp_path: Path) -> None:
    _kept_run(tmp_path)
    _kept_run(tmp_path)
    (cache,) = tmp_path.glob("*.facts-cache")
    kept = cache.with_name(cache.name + ".revisions")
    orphan = tmp_path / f"00000000{cache.suffix}.revisions"  # kept beside a cache file pruned since
    orphan.write_bytes(kept.read_bytes())
    writing = tmp_path / f".{kept.name}.abc.tmp"  # another run's kept file being written
    writing.write_bytes(b"")
    cache.unlink()
    assert _kept_run(tmp_path)[1] == 1  # cold: writes the cache anew (the same bytes) and prunes the folder
    assert not orphan.exists() and writing.exists()
    assert _kept_run(tmp_path)[1] == 0  # the same cache file again: its kept rows still fit
    kept.unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"theirs")
    kept.symlink_to(elsewhere)
    assert _kept_run(tmp_path)[1] == 1 and _kept_run(tmp_path)[1] == 1  # never read through nor replaced
    assert kept.is_symlink() and elsewhere.read_bytes() == b"theirs"
    kept.unlink()
    os.mkfifo(kept)
    assert _kept_run(tmp_path)[1] == 1  # never blocks on it
    assert stat.S_ISFIFO(kept.lstat().st_mode)
    kept.unlink()
    (kept / "theirs").mkdir(parents=True)
    assert _kept_run(tmp_path)[1] == 1  # a folder: neither read (an error once) nor replaced
    assert (kept / "theirs").is_dir()


def test_pruning_leaves_a_folder_named_like_a_cache_file_and_goes_on(tmp_path: Path) -> None:
    from tungsten_cli.cachefile import SUFFIX, prune

    folders = [tmp_path / f"00000000{SUFFIX}.revisions", tmp_path / f"11111111{SUFFIX}"]
    for folder in folders:
        folder.mkdir()
    orphans = [tmp_path / f"{name}{SUFFIX}.revisions" for name in ("22222222", "aaaaaaaa", "ffffffff")]
    for orphan in orphans:
        orphan.write_bytes(b"kept")
    prune(tmp_path)
    assert all(folder.is_dir() for folder in folders) and not any(orphan.exists() for orphan in orphans)
