"""`tungsten new KIND` and `schema KIND --summary`: read off the models, and a filled-in template validates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run

from tungsten_cli.model import RECORD_MODELS, value_fields
from tungsten_cli.template import _EXAMPLES, field_docs

# A required field's line: `name: <name>  # type; e.g. EXAMPLE`.
_PLACEHOLDER = re.compile(r"<(\w+)>(\s+#.*; e\.g\. (.*))$", re.MULTILINE)
# Records the others point at (citations name a source, deals an organisation, figures a deposit).
_TARGETS = ("source", "organization", "deposit")


def _new(kind: str) -> str:
    result = run("new", kind)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def _filled(template: str) -> str:
    """Each placeholder replaced by the example its comment gives, as an author would."""
    return _PLACEHOLDER.sub(lambda m: m.group(3) + m.group(2), template)


def _validate(tmp_path: Path, text: str) -> object:
    pack = tmp_path / "pack.yaml"
    pack.write_text(text, encoding="utf-8")
    return run("validate", str(pack))


def test_new_deposit_filled_in_validates(tmp_path: Path) -> None:
    deposit = _new("deposit")
    assert "<country>" in deposit and "# reserves_wo3_t: 1000" in deposit
    result = _validate(tmp_path, _filled(_new("source")) + _filled(deposit))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stderr.startswith("1 records and 1 sources in 1 file(s): no problems")  # type: ignore[attr-defined]


def test_new_deposit_as_printed_does_not_validate(tmp_path: Path) -> None:
    """A placeholder is never a valid value, so an unfilled field cannot slip through."""
    result = _validate(tmp_path, _filled(_new("source")) + _new("deposit"))
    assert result.exit_code == 1
    assert "testberg" not in result.stderr and "country: '<country>' is not an ISO 3166-1 alpha-2 country code" in result.stderr


@pytest.mark.parametrize("kind", sorted(RECORD_MODELS))
def test_every_kind_filled_in_validates(tmp_path: Path, kind: str) -> None:
    text = "".join(_filled(_new(k)) for k in dict.fromkeys([*_TARGETS, kind]))
    if kind == "figure":  # a figure needs a value or `unavailable`: the model's rule, not a single field's
        text = text.replace("  # value: 1000", "  value: 1000")
    result = _validate(tmp_path, text)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", sorted(RECORD_MODELS))
def test_required_fields_come_first_with_kind_leading(kind: str) -> None:
    docs = field_docs(kind)
    assert docs[0].name == "kind" and docs[0].example == kind
    flags = [d.required for d in docs]
    assert flags == sorted(flags, reverse=True)
    assert {d.name for d in docs} == set(RECORD_MODELS[kind].model_fields)


@pytest.mark.parametrize("kind", sorted(RECORD_MODELS))
def test_every_value_field_has_a_unit(kind: str) -> None:
    units = {d.name: d.unit for d in field_docs(kind)}
    assert [name for name in value_fields(RECORD_MODELS[kind]) if not units[name]] == []


def test_every_example_names_a_field() -> None:
    """An example left behind by a renamed field would otherwise go unnoticed."""

    def names(docs: list) -> set[str]:  # type: ignore[type-arg]
        return {d.name for d in docs} | {n for d in docs for n in names(list(d.nested))}

    fields = set().union(*(names(field_docs(kind)) for kind in RECORD_MODELS))
    assert sorted(set(_EXAMPLES) - fields) == []


def test_summary_is_the_same_information_as_a_table() -> None:
    result = run("schema", "deposit", "--summary")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert lines["field"].split() == ["field", "required", "type", "unit", "example", "meaning"]
    assert re.fullmatch(r"reserves_wo3_t +number >= 0 +t of WO3 +1000 +WO3 reserves, tonnes", lines["reserves_wo3_t"])
    assert re.fullmatch(r"country +yes +ISO 3166-1 alpha-2 country code +KZ +Country it lies in, .*", lines["country"])
    assert re.fullmatch(r"citations\[\]\.quote +yes +text +Die Mine .*", lines["citations[].quote"])
    deposit = _new("deposit")
    for doc in field_docs("deposit"):
        assert doc.name in lines and f"{doc.name}: " in deposit and doc.type in deposit and doc.type in lines[doc.name]


def test_summary_takes_the_output_options_its_footer_suggests() -> None:
    rows = json.loads(run("schema", "deposit", "--summary", "--json").stdout)
    assert {"field": "reserves_wo3_t", "required": "", "type": "number >= 0", "unit": "t of WO3", "example": "1000"}.items() <= rows[
        [r["field"] for r in rows].index("reserves_wo3_t")
    ].items()
    out = run("schema", "deposit", "--summary", "--fields", "field,example", "--format", "csv").stdout
    assert out.splitlines()[:2] == ["field,example", "kind,deposit"]


def test_raw_schema_is_unchanged_by_the_hints() -> None:
    result = run("schema", "deposit")
    assert result.stdout.startswith("{") and "Hint" not in result.stdout and "e.g." not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"), [(["new", "mine"], "unknown kind 'mine'"), (["schema", "--summary"], "--summary describes one")]
)
def test_bad_kind_is_a_usage_error(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and message in result.stderr
