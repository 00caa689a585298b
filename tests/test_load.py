"""Bad fact packs end in one clear line per problem, exit 1, and never a traceback; the cache never lies."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from conftest import ACME, DATA, mini_pack, run

from tungsten_cli.errors import FactsError, NotFoundError
from tungsten_cli.load import MAX_FILE_BYTES, load_facts


def fails_with(path: Path, *needles: str) -> str:
    result = run("facts", "--facts", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return result.stderr


def test_good_pack_loads(tmp_path: Path) -> None:
    facts = load_facts([str(mini_pack(tmp_path, ACME))])
    assert [r["id"] for r in facts.records] == ["acme"]


def test_broken_yaml_syntax_names_file_and_line(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME + "- kind: [unclosed\n"), "pack.yaml:10:", "YAML syntax error")


def test_list_where_a_mapping_belongs(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, "- [a, b]\n"), "pack.yaml:1:3: expected a record (a mapping), found a list")


def test_top_level_mapping_is_rejected(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, "id: x\n"), "pack.yaml:1:1: expected a list of records, found a mapping")


def test_wrong_type_names_line_record_and_field(tmp_path: Path) -> None:
    text = (
        ACME
        + "- kind: deposit\n  id: d\n  name: D\n  country: KZ\n  summary: s\n  reserves_wo3_t: lots\n  citations: [{source: mini, quote: Acme}]\n"
    )
    fails_with(mini_pack(tmp_path, text), "pack.yaml:14:19: d: reserves_wo3_t: Input should be a valid number")


def test_unknown_field(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME + "  colour: red\n"), "pack.yaml:9:11: acme: colour: unknown field")


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = ACME.replace("org_kind: company", "org_kind: pirate") + "  colour: red\n"
    stderr = fails_with(mini_pack(tmp_path, text), "acme: org_kind:", "acme: colour: unknown field", "2 problem(s)")
    assert stderr.count("\n") == 3


def test_duplicate_id(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME + ACME), "pack.yaml:10:7: acme: id: duplicate id, first defined at")


def test_unknown_source(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME.replace("source: mini", "source: nowhere")), "acme: citations.0.source: unknown source 'nowhere'")


def test_unknown_source_in_a_later_citation(tmp_path: Path) -> None:
    """Every citation is looked at, not only a record's first: the pack is otherwise sound, so only what
    the records point at can tell that something is missing."""
    text = ACME + "    - source: nowhere\n      quote: Acme\n"
    fails_with(mini_pack(tmp_path, text), "acme: citations.1.source: unknown source 'nowhere'")


def test_unknown_organisation_reference(tmp_path: Path) -> None:
    text = (
        ACME
        + "- kind: deal\n  id: d\n  deal_kind: loan\n  summary: s\n  parties: [{org: ghost}]\n  citations: [{source: mini, quote: Acme}]\n"
    )
    fails_with(mini_pack(tmp_path, text), "d: parties.0.org: no organization with id 'ghost'")


def test_bad_country_code(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME + "  country: XX\n"), "acme: country: 'XX' is not an ISO 3166-1 alpha-2 country code")


def test_norway_is_not_false(tmp_path: Path) -> None:
    facts = load_facts([str(mini_pack(tmp_path, ACME + "  country: NO\n"))])
    assert facts.records[0]["country"] == "NO"


def test_empty_file(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ""), "pack.yaml: empty file: expected a list of records")


def test_not_utf8(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, ACME.encode() + b"# caf\xe9\n"), "pack.yaml: not UTF-8: byte 0xe9 at offset")


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    levels = ['  - &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    bomb = ACME + "  aliases:\n" + "\n".join(levels) + "\n"
    started = time.monotonic()
    fails_with(mini_pack(tmp_path, bomb), "pack.yaml: YAML anchors and aliases are not allowed in fact packs")
    assert time.monotonic() - started < 5


def test_ampersand_in_text_is_not_an_alias(tmp_path: Path) -> None:
    facts = load_facts([str(mini_pack(tmp_path, ACME.replace("Acme is a company.", "'Acme & Co *is* a company.'")))])
    assert facts.records[0]["summary"] == "Acme & Co *is* a company."


def test_huge_file_is_capped(tmp_path: Path) -> None:
    folder = mini_pack(tmp_path, ACME)
    with (folder / "huge.yaml").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    fails_with(folder, "huge.yaml: file is 52,428,801 bytes, over the 52,428,800-byte limit")


def test_missing_path_is_exit_1(tmp_path: Path) -> None:
    fails_with(tmp_path / "nope.yaml", "nope.yaml: no such file or folder")


def test_folder_without_yaml(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    fails_with(tmp_path / "empty", "empty: folder has no .yaml files")


def test_python_tags_cannot_construct_objects(tmp_path: Path) -> None:
    fails_with(mini_pack(tmp_path, "- !!python/object/apply:os.system ['echo hi']\n"), "pack.yaml:1:3: YAML syntax error")


def test_library_raises_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_facts([str(tmp_path / "missing")])
    with pytest.raises(FactsError) as caught:
        load_facts([str(mini_pack(tmp_path, "- 1\n"))])
    assert caught.value.problems[0].line == 1


# The cache: keyed by content, atomic, and never trusted blindly.


def test_changed_fact_file_is_picked_up(tmp_path: Path) -> None:
    folder = mini_pack(tmp_path, ACME)
    assert load_facts([str(folder)]).records[0]["summary"] == "Acme is a company."
    (folder / "pack.yaml").write_text(ACME.replace("Acme is a company.", "Acme is a firm."))
    assert load_facts([str(folder)]).records[0]["summary"] == "Acme is a firm."


def test_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    folder = mini_pack(tmp_path, ACME)
    load_facts([str(folder)])
    (entry,) = (tmp_path / "cache").glob("*.facts-cache")
    intact = entry.read_bytes()
    for damaged in (intact[: len(intact) // 2], intact[:-1] + bytes([intact[-1] ^ 1]), b"", b"{not a cache}" * 3):
        entry.write_bytes(damaged)
        assert [r["id"] for r in load_facts([str(folder)]).records] == ["acme"]
    header = marshal.dumps({"signature": "of other files", "sections": {}})
    other_layout = len(header).to_bytes(4, "big") + header
    entry.write_bytes(zlib.crc32(other_layout).to_bytes(4, "big") + other_layout)
    assert [r["id"] for r in load_facts([str(folder)]).records] == ["acme"]


def test_unwritable_cache_folder_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(blocker / "cache"))
    assert [r["id"] for r in load_facts([str(mini_pack(tmp_path, ACME))]).records] == ["acme"]


def test_concurrent_runs_leave_a_valid_cache(tmp_path: Path) -> None:
    env = {**os.environ, "TUNGSTEN_CACHE_DIR": str(tmp_path / "cache")}
    folder = mini_pack(tmp_path, ACME)
    cmd = [sys.executable, "-m", "tungsten_cli", "facts", "--facts", str(folder), "--json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert all(json.loads(out)[0]["id"] == "acme" for out, _ in outputs)
    entries = list((tmp_path / "cache").glob("*.facts-cache"))
    assert len(entries) == 1
    assert [r["id"] for r in load_facts([str(folder)]).records] == ["acme"]
    assert not _checked_out_to_validation(folder)
    assert not list((tmp_path / "cache").glob(".*"))


def _checked_out_to_validation(folder: Path) -> bool:
    """True when loading would have to validate again, i.e. the cache did not serve the facts."""
    from unittest import mock

    with mock.patch("tungsten_cli.validate._build", side_effect=AssertionError("validated")):
        try:
            load_facts([str(folder)])
        except AssertionError:
            return True
    return False


def test_cache_serves_only_the_kinds_asked_for(tmp_path: Path) -> None:
    folder = DATA / "mini"
    full = load_facts([str(folder)])
    deposits = load_facts([str(folder)], kinds=("deposit",))
    assert [r["id"] for r in deposits.records] == ["testberg"]
    assert deposits.origins == {} and full.origins["testberg"]["line"] == 20
    assert [r["id"] for r in load_facts([str(folder)]).records] == [r["id"] for r in full.records]


@pytest.mark.parametrize("kind", ["source", "record"])
def test_an_id_an_earlier_source_has_is_a_duplicate(tmp_path: Path, kind: str) -> None:
    """Sources and records share one set of ids: a second source `mini` (a copied sources entry) or a
    record named `mini`, read after the source (`tail.yaml` sorts after `sources.yaml`), is refused, not left to replace or shadow it."""
    text = (DATA / "mini" / "sources.yaml").read_text(encoding="utf-8") if kind == "source" else ACME.replace("id: acme", "id: mini")
    fails_with(mini_pack(tmp_path, text, name="tail.yaml"), "tail.yaml:2:7: mini: id: duplicate id, first defined at ")
