"""The cold path: one pydantic call per file, a lean YAML builder, and the same records and messages as record by record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from pydantic import BaseModel
from test_strict_packs import ORGS, rejected

from tungsten_cli import validate as validate_module
from tungsten_cli import yamlio
from tungsten_cli.load import builtin_dir, fact_files
from tungsten_cli.model import entry_adapter, ordered_fields
from tungsten_cli.records import gc_paused


@pytest.mark.parametrize("path", fact_files([str(builtin_dir())]), ids=lambda p: p.name)
def test_whole_file_validation_gives_what_record_by_record_gives(path: Path) -> None:
    problems: list[object] = []
    with gc_paused():
        parsed = yamlio.parse(str(path), path.read_bytes(), problems)  # type: ignore[arg-type]
        assert parsed is not None and not problems
        items, node, duplicates = parsed
        fast = validate_module._validate_file(str(path), items, node, duplicates, problems)  # type: ignore[arg-type]
        pairs = list(zip(items, node.value))
        slow = list(validate_module._validate_items(str(path), pairs, duplicates, problems))  # type: ignore[arg-type]
    assert fast == slow and not problems
    assert all(isinstance(origin["line"], int) for _, origin in fast)


def _node_path(path: Path) -> list[object]:
    problems: list[object] = []
    parsed = yamlio.parse(str(path), path.read_bytes(), problems)  # type: ignore[arg-type]
    assert parsed is not None and not problems
    return validate_module._validate_file(str(path), *parsed, problems)  # type: ignore[arg-type,return-value]


def _pack_files(tmp_path: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_pack

    make_pack.generate(300, tmp_path, per_file=300)
    return [*fact_files([str(builtin_dir())]), *fact_files([str(tmp_path / "pack")])]


def test_events_path_gives_what_the_node_path_gives(tmp_path: Path) -> None:
    """Records and origins (record and citation lines) alike, for every shipped file and a synthetic one."""
    with gc_paused():
        for path in _pack_files(tmp_path):
            assert validate_module._fast_file(str(path), path.read_bytes()) == _node_path(path), path


_RECORD = "- kind: organization\n  id: gamma\n  name: Gamma\n  org_kind: bank\n  summary: G.\n  citations: [{source: mini, quote: Acme}]\n"


@pytest.mark.parametrize(
    "text",
    [
        _RECORD.replace("  name: Gamma\n", "  name: Gamma\n  name: Delta\n"),
        _RECORD.replace("quote: Acme}", "quote: Acme, quote: Beta}"),
        _RECORD.replace("name: Gamma", "name: &n Gamma") + _RECORD.replace("gamma", "delta").replace("name: Gamma", "name: *n"),
        _RECORD.replace("name: Gamma", "name: &n Gamma"),
        _RECORD.replace("name: Gamma", "name: !!str Gamma"),
        _RECORD.replace("citations: [", "citations: !cited ["),
        _RECORD.replace("  <<", "").replace("  name: Gamma\n", "  <<: {name: Gamma}\n"),
        _RECORD.replace("  name: Gamma\n", "  [name]: Gamma\n"),
        _RECORD.replace("org_kind: bank", "org_kind: bnak"),
        _RECORD + "- just text\n",
        _RECORD + "---\n" + _RECORD,
        "kind: organization\n",
        "",
        "# only a comment\n",
        _RECORD + "- [unclosed\n",
        "- name: \xff\n",
    ],
    ids=[
        "duplicate-key",
        "duplicate-key-in-citation",
        "alias",
        "anchor",
        "explicit-tag",
        "unknown-tag-on-a-list",
        "merge-key",
        "list-as-key",
        "invalid-record",
        "record-not-a-mapping",
        "two-documents",
        "not-a-list",
        "empty",
        "comment-only",
        "syntax-error",
        "not-utf8",
    ],
)
def test_events_path_leaves_the_unusual_and_the_wrong_to_the_node_path(text: str) -> None:
    """The node path reports it (or loads what is merely unusual) exactly as before."""
    blob = text.encode("utf-8") if "\xff" not in text else text.replace("\xff", "").encode() + b"\xff\n"
    assert validate_module._fast_file("pack.yaml", blob) is None
    assert validate_module._fast_file("pack.yaml", _RECORD.encode()) is not None


def test_one_bad_record_among_good_ones_is_located_and_the_rest_still_checked(tmp_path: Path) -> None:
    bad = "- kind: organization\n  id: gamma\n  name: Gamma\n  org_kind: bnak\n  summary: G.\n  citations: [{source: mini, quote: Acme}]\n"
    rejected(
        tmp_path,
        bad + ORGS.replace("acme", "delta").replace("beta", "epsilon"),
        "20:13: gamma: org_kind: Input should be 'company', 'state-company', 'state-body', 'bank', 'sovereign-fund', 'exchange', 'research-body' or 'media'",
    )


def test_merge_keys_are_refused_and_non_text_keys_keep_yaml_semantics(tmp_path: Path) -> None:
    merged = "- kind: organization\n  id: gamma\n  <<: {name: Gamma, org_kind: bank}\n  summary: Gamma.\n  citations: [{source: mini, quote: Acme}]\n"
    rejected(tmp_path, merged, "19:3: merge keys (<<) are not allowed in fact packs: write each field out")
    plain = "- kind: organization\n  id: gamma\n  name: Gamma\n  org_kind: bank\n  summary: Gamma.\n  citations: [{source: mini, quote: Acme}]\n"
    numeric_key = plain.replace("  summary: Gamma.\n", "  summary: Gamma.\n  1: one\n")
    rejected(tmp_path, numeric_key, "17:3: gamma: 1: Keys should be strings")


@pytest.mark.parametrize(
    "text",
    ["0", "-0", "+5", "57000", "0123", "0o17", "0x1F", "1_000", "1.5", "-2.25", "+0.5", "1.0", "-0.0", "00.5", ".5", "1.", "1e3",
     "1.5e+3", "190:20:30", "1:30.5", ".inf", "-.inf", ".nan", "true", "NO", "null", "~", "2024", "2024-05", "12abc", "٣"],
)  # fmt: skip
def test_a_plain_scalar_means_on_the_events_path_what_it_means_to_yaml(text: str) -> None:
    """The shortcut for simple numbers agrees with PyYAML's resolvers and constructors, type and all."""
    loader = yamlio.fact_loader()("")
    ours = yamlio.plain_scalar(loader, loader.yaml_implicit_resolvers, loader.yaml_constructors, text)
    theirs = yaml.load(f"- {text}\n", Loader=yamlio.fact_loader())[0]
    if text in ("0123", "190:20:30", "1:30.5"):  # YAML 1.1 octal and base-60: the node path refuses them
        assert ours is yamlio._NO_KEY and yamlio.number_problem(text, theirs)
    else:
        assert (type(ours), repr(ours)) == (type(theirs), repr(theirs))


def _dumped(model: BaseModel) -> object:
    """What pydantic's serializer makes of a record, in the output order, whole floats as ints, nested empty keys left out."""

    def tidy(value: object) -> object:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, list):
            return [tidy(v) for v in value]
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items() if v is not None}
        return value

    dumped = model.model_dump(mode="json")
    return {key: tidy(dumped[key]) for key in ordered_fields(type(model))}


def test_records_are_what_pydantic_would_dump(tmp_path: Path) -> None:
    """Every shipped and synthetic record, key order included (compared as JSON text)."""
    adapter = entry_adapter()
    for path in _pack_files(tmp_path):
        for item in yaml.load(path.read_bytes(), Loader=yamlio.fact_loader()):
            model = adapter.validate_python(item)
            assert json.dumps(validate_module._record(model)) == json.dumps(_dumped(model)), item.get("id")


def test_what_is_built_with_the_collector_paused_is_frozen_in_a_run_of_one_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the console script's run (records.freeze_after_pauses), gc_paused freezes what it saw built:
    plain data the collections after it would walk again and again (4.26 -> 2.86 s of a warm
    `timeline --json` at 100,000 copies); elsewhere (these tests, a server) it freezes nothing."""
    import gc

    from tungsten_cli import records

    for one_command in (False, True):
        monkeypatch.setattr(records, "_freezing", one_command)
        with gc_paused():
            assert not gc.isenabled()
            before = gc.get_freeze_count()
            built = [{"id": str(i), "citations": [{"quote": "q"}]} for i in range(1000)]
        assert gc.isenabled()
        assert (gc.get_freeze_count() >= before + 3 * len(built)) is one_command
