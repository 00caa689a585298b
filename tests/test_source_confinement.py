"""A fact pack reaches no file outside the source folder, and no output shows text of a file off its pin."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli import source_files
from tungsten_cli.load import load_facts
from tungsten_cli.model import json_schema
from tungsten_cli.source_files import SourceError, read_pinned
from tungsten_cli.verify import evidence, verify

SECRET = b"BEGIN OPENSSH PRIVATE KEY\nb3BlbnNzaC1rZXktdjEAAAAA-SECRET-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n"
MINI_TEXT = (DATA / "sources" / "mini.txt").read_bytes()
QUOTE = "Im Mai 2025 gab Acme ein Darlehen"


def _sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _pack(folder: Path, file: str, sha256: str, quote: str = QUOTE, anchor: str = "") -> Path:
    """One source and one record citing it; `file` is written as given (double-quoted YAML)."""
    pack = folder / "pack.yaml"
    pack.write_text(
        "- kind: source\n  id: src\n  title: T\n  publisher: P\n  published: '2025'\n  language: de\n"
        f"  file: {json.dumps(file)}\n  sha256: {sha256}\n"
        "- kind: deposit\n  id: testberg\n  name: Testberg\n  country: KZ\n  summary: Testberg.\n"
        f"  citations:\n    - source: src\n      quote: {json.dumps(quote)}\n{anchor}",
        encoding="utf-8",
    )
    return pack


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/secret.txt beside tmp/sources/, which holds mini.txt and sub/mini.txt."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "sources" / "sub").mkdir(parents=True)
    (tmp_path / "sources" / "mini.txt").write_bytes(MINI_TEXT)
    (tmp_path / "sources" / "sub" / "mini.txt").write_bytes(MINI_TEXT)
    return tmp_path


def _outputs(*args: str) -> tuple[int, str]:
    result = run(*args)
    return result.exit_code, result.stdout + result.stderr


def _leaked(output: str, quote: str) -> list[str]:
    """Pieces of the secret file, apart from the pack's own quote, that appear in the output."""
    pieces = SECRET.decode().replace(quote, "\n").splitlines()
    return [piece.strip() for piece in pieces if piece.strip() and piece.strip() in output]


OUTSIDE = ["../secret.txt", "sub/../../secret.txt", "sub/..", "/etc/passwd", "//server/share/x", "C:\\Users\\me\\x", "C:x", "é:x"]
OUTSIDE += ["sub\\mini.txt", ".", "./.", "a\0b", "a\x1b[2Jb", "a\x85b", "a\u202eb", "a\nb"]
INSIDE = ["mini.txt", "sub/mini.txt", "./mini.txt", "sub/./mini.txt", "..mini", "sub/a:b", "a b.txt"]


@pytest.mark.parametrize("file", OUTSIDE)
def test_validate_refuses_paths_outside_the_folder(tree: Path, file: str) -> None:
    pack = _pack(tree, file, _sha(SECRET))
    result = run("validate", str(pack))
    assert result.exit_code == 1
    assert f"{pack}:7:9: src: file: must be a path inside the source folder\n" in result.stderr


@pytest.mark.parametrize(("file", "inside"), [(f, False) for f in OUTSIDE] + [(f, True) for f in INSIDE])
def test_the_schema_pattern_for_editors_agrees(file: str, inside: bool) -> None:
    pattern = json_schema("source")["properties"]["file"]["pattern"]
    assert source_files.inside_folder(file) is inside
    assert bool(re.search(pattern, file)) is inside


# Every command that could show source text, with the arguments it needs besides --facts and --source-dir.
READERS = [
    ["show", "testberg"],
    ["show", "testberg", "--json"],
    ["verify"],
    ["coverage"],
    ["coverage", "--json"],
    ["report", "--html", "-"],
]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
@pytest.mark.parametrize("absolute", [False, True])
def test_a_pack_pointing_outside_prints_no_byte_of_the_file(tree: Path, command: list[str], absolute: bool) -> None:
    file = str(tree / "secret.txt") if absolute else "../secret.txt"
    pack = _pack(tree, file, _sha(SECRET), "BEGIN OPENSSH")
    code, output = _outputs(*command, "--facts", str(pack), *_folder(command, tree))
    assert code == 1
    assert "must be a path inside the source folder" in output
    assert _leaked(output, "BEGIN OPENSSH") == []


def _folder(command: list[str], tree: Path) -> list[str]:
    """`--source-dir` for the commands that take it; `report` reads no source (its quotes come from the pack)."""
    return [] if command[0] == "report" else ["--source-dir", str(tree / "sources")]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_no_command_shows_text_of_a_file_off_its_pin(tree: Path, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned file was replaced by a secret: only the pack's own quote may appear, never the file."""
    monkeypatch.setenv("TUNGSTEN_SOURCE_DIR", str(tree / "sources"))
    (tree / "sources" / "mini.txt").write_bytes(SECRET)
    pack = _pack(tree, "mini.txt", _sha(MINI_TEXT), "BEGIN OPENSSH")
    code, output = _outputs(*command, "--facts", str(pack), *_folder(command, tree))
    assert _leaked(output, "BEGIN OPENSSH") == []
    if command[0] == "report":
        assert code == 0 and ">BEGIN OPENSSH<" in output  # the quote, from the pack
        return
    assert "expected " + _sha(MINI_TEXT) in output
    assert code == (0 if command[0] == "show" else 1)  # show warns and goes on; the checks fail


def test_the_reader_refuses_outside_paths_even_past_validation(tree: Path) -> None:
    facts = load_facts([str(_pack(tree, "mini.txt", _sha(MINI_TEXT), "BEGIN OPENSSH"))], use_cache=False)
    facts.sources["src"]["file"] = "../secret.txt"
    facts.sources["src"]["sha256"] = _sha(SECRET)
    (found,) = evidence(facts, facts.records[0], tree / "sources")
    assert found.before == found.after == "" and found.start is None
    assert found.unverified == f"'../secret.txt': {source_files.OUTSIDE}"
    (problem,) = verify(facts, tree / "sources").problems
    assert problem.message == f"'../secret.txt': {source_files.OUTSIDE}"


def test_the_folder_check_stands_without_the_lexical_one(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_files, "inside_folder", lambda file: True)
    with pytest.raises(SourceError, match="must be a path inside the source folder"):
        read_pinned(tree / "sources", "../secret.txt", _sha(SECRET))
    with pytest.raises(SourceError, match="must be a path inside the source folder"):
        read_pinned(tree / "sources", str(tree / "secret.txt"), _sha(SECRET))


def test_a_pin_mismatch_shows_no_context(tree: Path) -> None:
    changed = MINI_TEXT.replace(b"Testberg", b"Testborg")
    (tree / "sources" / "mini.txt").write_bytes(changed)
    pack = _pack(tree, "mini.txt", _sha(MINI_TEXT))
    result = run("show", "testberg", "--facts", str(pack), "--source-dir", str(tree / "sources"))
    assert result.exit_code == 0, result.output
    context = changed.decode().replace(QUOTE, "\0")
    assert all(piece.strip() not in result.stdout for piece in context.split("\0") if piece.strip())
    assert f"»{QUOTE}«" in result.stdout and "(unverified)" in result.stdout
    warning = result.stderr.splitlines()
    assert len(warning) == 1 and warning[0].startswith("tungsten: warning: src: SHA-256 of ") and "expected" in warning[0]
    (shown,) = json.loads(run("show", "testberg", "--json", "--facts", str(pack), "--source-dir", str(tree / "sources")).stdout)
    assert "start" not in shown["citations"][0]


def test_verify_still_names_a_pin_mismatch(tree: Path) -> None:
    pack = _pack(tree, "mini.txt", "f" * 64)
    result = run("verify", "--facts", str(pack), "--source-dir", str(tree / "sources"))
    assert result.exit_code == 1
    assert result.stdout == f"{pack}:1: src: SHA-256 of {tree / 'sources' / 'mini.txt'} is {_sha(MINI_TEXT)}, expected {'f' * 64}\n"


def test_a_subfolder_path_works(tree: Path) -> None:
    pack = _pack(tree, "sub/mini.txt", _sha(MINI_TEXT))
    assert run("verify", "--facts", str(pack), "--source-dir", str(tree / "sources")).exit_code == 0
    out = run("show", "testberg", "--facts", str(pack), "--source-dir", str(tree / "sources")).stdout
    assert f"»{QUOTE}« in Höhe von 255 Millionen US-Dollar bekannt." in out


def test_symlinks_the_user_made_are_followed(tree: Path) -> None:
    """A linked file (as the benchmark packs make) and a linked source folder both work."""
    elsewhere = tree / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.txt").write_bytes(MINI_TEXT)
    (tree / "sources" / "linked.txt").symlink_to(elsewhere / "real.txt")
    (tree / "linked-sources").symlink_to(tree / "sources", target_is_directory=True)
    pack = _pack(tree, "linked.txt", _sha(MINI_TEXT))
    for folder in ("sources", "linked-sources"):
        result = run("show", "testberg", "--facts", str(pack), "--source-dir", str(tree / folder))
        assert f"»{QUOTE}« in Höhe" in result.stdout, result.output


def test_crlf_offsets_from_show_are_accepted_by_verify(tree: Path) -> None:
    crlf = b"Kopfzeile ohne Punkt\r\n\r\n" + MINI_TEXT.replace(b"\n", b"\r\n")
    (tree / "sources" / "mini.txt").write_bytes(crlf)
    pack = _pack(tree, "mini.txt", _sha(crlf))
    args = ("--facts", str(pack), "--source-dir", str(tree / "sources"))
    (shown,) = json.loads(run("show", "testberg", "--json", *args).stdout)
    citation = shown["citations"][0]
    assert crlf.decode()[citation["start"] : citation["end"]] == QUOTE
    _pack(tree, "mini.txt", _sha(crlf), anchor=f"      start: {citation['start']}\n      end: {citation['end']}\n")
    result = run("verify", *args)
    assert result.exit_code == 0, result.stdout
    # stdout_bytes: CliRunner's `stdout` turns CRLF into LF and would hide a stray CR
    out = run("show", "testberg", *args).stdout_bytes.decode()
    assert f"»{QUOTE}« in Höhe von 255 Millionen US-Dollar bekannt.\n" in out and "\r" not in out
    _pack(tree, "mini.txt", _sha(crlf), quote="Kopfzeile")
    out = run("show", "testberg", *args).stdout_bytes.decode()
    assert "»Kopfzeile« ohne Punkt\n" in out and "\r" not in out


def test_a_non_utf8_source_gives_one_clear_line(tree: Path) -> None:
    latin1 = MINI_TEXT.decode().encode("latin-1")
    (tree / "sources" / "mini.txt").write_bytes(latin1)
    pack = _pack(tree, "mini.txt", _sha(latin1))
    args = ("--facts", str(pack), "--source-dir", str(tree / "sources"))
    result = run("show", "testberg", *args)
    assert result.exit_code == 0 and result.exception is None
    offset = latin1.index(b"\xf6")
    assert result.stderr == (
        f"tungsten: warning: src: {tree / 'sources' / 'mini.txt'} is not UTF-8: byte 0xf6 at offset {offset}; "
        "its quotes are shown unverified, without context\n"
    )
    result = run("verify", *args)
    assert result.exit_code == 1 and f"src: {tree / 'sources' / 'mini.txt'} is not UTF-8" in result.stdout


def test_a_byte_order_mark_is_not_part_of_the_text(tree: Path) -> None:
    with_bom = b"\xef\xbb\xbf" + MINI_TEXT
    (tree / "sources" / "mini.txt").write_bytes(with_bom)
    facts = load_facts([str(_pack(tree, "mini.txt", _sha(with_bom)))], use_cache=False)
    (found,) = evidence(facts, facts.records[0], tree / "sources")
    assert found.start == MINI_TEXT.decode().index(QUOTE)


def test_an_unreadable_source_is_one_problem(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    facts = load_facts([str(_pack(tree, "mini.txt", _sha(MINI_TEXT)))], use_cache=False)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    (problem,) = verify(facts, tree / "sources").problems
    assert problem.message == f"cannot read {tree / 'sources' / 'mini.txt'}: Permission denied"


def test_a_name_too_long_is_one_problem(tree: Path) -> None:
    pack = _pack(tree, "a" * 300 + ".txt", _sha(MINI_TEXT))
    result = run("verify", "--facts", str(pack), "--source-dir", str(tree / "sources"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stdout.endswith(": File name too long\n") and result.stdout.count("\n") == 1


def test_a_csv_source_off_its_pin_shows_no_row(tmp_path: Path) -> None:
    shutil.copytree(DATA / "sources" / "tables", tmp_path / "tables")
    world = tmp_path / "tables" / "world.csv"
    world.write_bytes(world.read_bytes().replace(b"1800000", b"1800001"))
    for fmt in ("table", "json"):
        result = run("show", "cn-2021", "--format", fmt, "--facts", str(DATA / "cells"), "--source-dir", str(tmp_path))
        assert result.exit_code == 0, result.output
        assert "1800001" not in result.stdout and "Prod_t_est_2022" not in result.stdout
        assert result.stderr.startswith("tungsten: warning: cells-world: SHA-256 of ") and result.stderr.count("\n") == 1


def test_a_pack_folder_cannot_link_to_a_file_outside_it(tree: Path) -> None:
    """A shared pack folder (a clone, an archive) holds the stranger's symlinks, unlike the source folder."""
    (tree / "tokens.yaml").write_text("- sk-live-SECRET-TOKEN\n", encoding="utf-8")
    folder = tree / "pack"
    folder.mkdir()
    _pack(folder, "mini.txt", _sha(MINI_TEXT))
    (folder / "inside.yaml").symlink_to("pack.yaml")  # a link within the folder is harmless
    (folder / "x.yaml").symlink_to(tree / "tokens.yaml")
    result = run("facts", "--facts", str(folder))
    assert result.exit_code == 1 and "SECRET" not in result.output
    assert result.stderr.startswith(f"{folder / 'x.yaml'}: a symlink out of the pack folder; name the file it points to if you mean it\n")
    (folder / "x.yaml").unlink()
    assert run("deposits", "--facts", str(folder), "--json").exit_code == 0
