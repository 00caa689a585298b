"""Several source folders: every `--source-dir` is looked in, in order, and the pin picks the copy."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli import source_files
from tungsten_cli.source_files import SourceError, read_pinned

MINI_TEXT = (DATA / "sources" / "mini.txt").read_bytes()
QUOTE = "Im Mai 2025 gab Acme ein Darlehen"
MINE_TEXT = b"Die Grube Musterberg hat 5.000 Tonnen WO3.\n"
MINE_QUOTE = "Die Grube Musterberg hat 5.000 Tonnen WO3."


def _sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _pack(path: Path, source: str, file: str, blob: bytes, record: str, quote: str, reserves: str = "") -> Path:
    """One source pinned to `blob` and one deposit citing it."""
    path.write_text(
        f"- kind: source\n  id: {source}\n  title: T\n  publisher: P\n  published: '2025'\n  language: de\n"
        f"  file: {json.dumps(file)}\n  sha256: {_sha(blob)}\n"
        f"- kind: deposit\n  id: {record}\n  name: {record}\n  country: KZ\n  summary: {record}.\n{reserves}"
        f"  citations:\n    - source: {source}\n      quote: {json.dumps(quote)}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A packs/ folder with two packs, each citing a file that lies in its own source folder."""
    (tmp_path / "packs").mkdir()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "mini.txt").write_bytes(MINI_TEXT)
    (second / "mine.txt").write_bytes(MINE_TEXT)
    _pack(tmp_path / "packs" / "a.yaml", "mini", "mini.txt", MINI_TEXT, "testberg", QUOTE)
    _pack(tmp_path / "packs" / "b.yaml", "mine", "mine.txt", MINE_TEXT, "musterberg", MINE_QUOTE, "  reserves_wo3_t: 5000\n")
    return tmp_path / "packs", first, second


def test_verify_reads_from_two_source_folders(two: tuple[Path, Path, Path]) -> None:
    packs, first, second = two
    result = run("verify", "--facts", str(packs), "--source-dir", str(first), "--source-dir", str(second))
    assert result.exit_code == 0, result.output
    assert result.stderr == "checked 2 citations in 2 records against 2 sources: 0 problem(s)\n"
    result = run("verify", "--facts", str(packs), "--source-dir", str(second), "--source-dir", str(first))
    assert result.exit_code == 0, result.output


def test_one_folder_alone_misses_the_other_packs_source(two: tuple[Path, Path, Path]) -> None:
    packs, first, _ = two
    result = run("verify", "--facts", str(packs), "--source-dir", str(first))
    assert result.exit_code == 1
    assert result.stdout == f"{packs / 'b.yaml'}:1: mine: source file missing: {first / 'mine.txt'}\n"


def test_coverage_and_show_take_two_folders(two: tuple[Path, Path, Path]) -> None:
    packs, first, second = two
    folders = ("--source-dir", str(first), "--source-dir", str(second))
    result = run("coverage", "--facts", str(packs), *folders, "--json")
    units = json.loads(result.stdout)
    assert {unit["source"] for unit in units} == {"mini", "mine"}
    out = run("show", "musterberg", "--facts", str(packs), *folders)
    assert out.exit_code == 0 and out.stderr == "" and f"»{MINE_QUOTE}«" in out.stdout
    out = run("show", "testberg", "--facts", str(packs), *folders)
    assert f"»{QUOTE}« in Höhe von 255 Millionen" in out.stdout and out.stderr == ""


def test_the_environment_names_several_folders(two: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    packs, first, second = two
    monkeypatch.setenv("TUNGSTEN_SOURCE_DIR", f"{first}{os.pathsep}{second}")
    result = run("verify", "--facts", str(packs))
    assert result.exit_code == 0, result.output


def test_the_pin_picks_the_copy_not_the_order(two: tuple[Path, Path, Path]) -> None:
    """A same-named file with other bytes in an earlier folder does not shadow the pinned one."""
    packs, first, second = two
    (first / "mine.txt").write_bytes(b"Eine andere Fassung.\n")
    folders = ("--source-dir", str(first), "--source-dir", str(second))
    assert run("verify", "--facts", str(packs), *folders).exit_code == 0
    out = run("show", "musterberg", "--facts", str(packs), *folders)
    assert out.stderr == "" and "unverified" not in out.stdout


def test_no_copy_matching_its_pin_is_one_line_naming_every_copy(two: tuple[Path, Path, Path]) -> None:
    packs, first, second = two
    (first / "mine.txt").write_bytes(b"Eine andere Fassung.\n")
    (second / "mine.txt").write_bytes(b"Noch eine.\n")
    result = run("verify", "--facts", str(packs), "--source-dir", str(first), "--source-dir", str(second))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{packs / 'b.yaml'}:1: mine: no copy of mine.txt matches its pin: "
        f"SHA-256 of {first / 'mine.txt'} is {_sha(b'Eine andere Fassung.' + bytes([10]))}, expected {_sha(MINE_TEXT)}; "
        f"SHA-256 of {second / 'mine.txt'} is {_sha(b'Noch eine.' + bytes([10]))}, expected {_sha(MINE_TEXT)}\n"
    )


def test_a_file_in_no_folder_is_one_line_naming_them(two: tuple[Path, Path, Path]) -> None:
    packs, first, second = two
    (second / "mine.txt").unlink()
    result = run("verify", "--facts", str(packs), "--source-dir", str(first), "--source-dir", str(second))
    assert result.exit_code == 1
    assert result.stdout == f"{packs / 'b.yaml'}:1: mine: source file missing: mine.txt is in none of {first}, {second}\n"


def test_a_missing_folder_among_several_is_named(two: tuple[Path, Path, Path]) -> None:
    packs, first, second = two
    result = run("verify", "--facts", str(packs), "--source-dir", str(first), "--source-dir", str(second / "nowhere"))
    assert result.exit_code == 1
    assert result.stderr == f"tungsten: error: source folder not found: {second / 'nowhere'}\n"


@pytest.mark.parametrize("command", [["verify"], ["coverage"], ["show", "testberg"]], ids=" ".join)
def test_an_empty_second_folder_is_a_usage_error(two: tuple[Path, Path, Path], command: list[str]) -> None:
    packs, first, _ = two
    result = run(*command, "--facts", str(packs), "--source-dir", str(first), "--source-dir", "")
    assert result.exit_code == 2 and result.stderr == "tungsten: error: Invalid value for --source-dir: is empty\n"


def test_every_folder_confines_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`../d1/x` lies inside a folder named d1 one level down, but outside a second folder: refused there."""
    monkeypatch.setattr(source_files, "inside_folder", lambda file: True)
    (tmp_path / "deep" / "d1").mkdir(parents=True)
    (tmp_path / "d1").mkdir()
    (tmp_path / "f2").mkdir()
    (tmp_path / "d1" / "secret.txt").write_bytes(MINI_TEXT)
    with pytest.raises(SourceError, match="must be a path inside the source folder"):
        read_pinned([tmp_path / "deep" / "d1", tmp_path / "f2"], "../d1/secret.txt", _sha(MINI_TEXT))


def test_show_warns_when_the_environment_names_a_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`show` works without sources, but a TUNGSTEN_SOURCE_DIR that is not there is said, not ignored."""
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("TUNGSTEN_SOURCE_DIR", str(missing))
    result = run("show", "testberg", "--facts", str(DATA / "mini"))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"tungsten: warning: source folder not found: {missing}; quotes are shown unverified, without context\n"
    monkeypatch.delenv("TUNGSTEN_SOURCE_DIR")
    result = run("show", "testberg", "--facts", str(DATA / "mini"))
    assert result.exit_code == 0 and result.stderr == ""
