"""`tungsten draft`: proposals for what no record holds, read as verify reads, loadable only once checked."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import run
from tungsten_cli.binding import Quote, bind_field, record_values
from tungsten_cli.commands.draft import yaml_pack
from tungsten_cli.draft import draft
from tungsten_cli.load import builtin_dir, load_facts
from tungsten_cli.quotes import read_quote
from tungsten_cli.records import Record
from tungsten_cli.source_files import read_pinned
from tungsten_cli.verify import anchor_problem
from tungsten_cli.verify import verify as run_verify
from tungsten_cli.vocabulary import VOCAB

# A USGS-style chapter the drafting code was never tuned on: another commodity, other partners and numbers.
UNSEEN = """                                                     COBALT
                           (Data in metric tons, cobalt content, unless otherwise specified)

 Domestic Production and Use: A mine in Idaho produced cobalt concentrate. The value of cobalt consumed
 in 2024 was estimated to be $1.2 billion.

  Salient Statistics—United States:                                      2020      2021       2022       2023      2024e
  Production:
    Mine                                                                  600       650         800        500       300
  Net import reliance as a percentage of apparent consumption            76        68          69         70        72

 Import Sources (2020–23): Norway, 20%; Canada, 14%; Japan, 12%; Finland, 10%; and other, 44%.
"""


def _copy_without(tmp_path: Path, *removed: str) -> Path:
    """A copy of the shipped facts without some files, as a curator's folder before a source is drafted."""
    target = tmp_path / "facts"
    shutil.copytree(builtin_dir(), target)
    for name in removed:
        (target / name).unlink()
    return target


def _key(record: Record) -> tuple[Any, ...]:
    value = record.get("value")
    return (record["subject"], (record.get("date") or "")[:4], record.get("unavailable") if value is None else float(value))


def test_shipped_sources_propose_nothing(source_dir: Path) -> None:
    """Coverage is complete, so every loaded source drafts to nothing, and says so."""
    facts = load_facts(None)
    for source_id in facts.sources:
        result = draft(facts, source_id, [source_dir])
        assert (result.records, result.passed) == ([], []), source_id
    result = run("draft", "usgs-mcs-2025")
    assert result.exit_code == 0 and "nothing to draft" in result.stderr


def test_recall_of_the_usgs_chapter(source_dir: Path, tmp_path: Path) -> None:
    """Without the chapter's production and reserves records, draft proposes >= 90 % of them again
    (same subject, year and value), and the drafts load and verify as drafted."""
    chapter = builtin_dir() / "usgs-mcs-2025"
    removed = [r for n in ("production.yaml", "reserves.yaml") for r in yaml.safe_load((chapter / n).read_text(encoding="utf-8"))]
    assert len(removed) > 30
    folder = _copy_without(tmp_path, "usgs-mcs-2025/production.yaml", "usgs-mcs-2025/reserves.yaml")
    result = draft(load_facts([str(folder)], use_cache=False), "usgs-mcs-2025", [source_dir])
    proposed = {_key(r) for r in result.records if r["kind"] == "figure"}
    found = [r["id"] for r in removed if _key(r) in proposed]
    assert len(found) / len(removed) >= 0.9, sorted({r["id"] for r in removed} - set(found))
    (folder / "draft.yaml").write_text(yaml_pack(result), encoding="utf-8")
    facts = load_facts([str(folder)], use_cache=False)
    assert run_verify(facts, [source_dir]).problems == []


def test_article_quotes_are_verbatim_and_read_as_verify_reads(source_dir: Path, tmp_path: Path) -> None:
    """The German article without its records: every proposed quote is in the text, once or anchored,
    and every value is one of verify's readings of the quote, in German notation."""
    names = ("deals", "deposits", "events", "figures", "imports", "measures")
    folder = _copy_without(tmp_path, *(f"sunsirs-2025-11-21/{n}.yaml" for n in names))
    facts = load_facts([str(folder)], use_cache=False)
    source = facts.sources["sunsirs-2025-11-21"]
    text = read_pinned(source_dir, source["file"], source["sha256"]).text
    result = draft(facts, "sunsirs-2025-11-21", [source_dir])
    assert len(result.records) >= 30
    values, unbound = set(), 0
    for record in result.records:
        quotes = [c["quote"] for c in record["citations"]]
        for citation in record["citations"]:
            assert anchor_problem(text, citation) is None, (record["id"], citation)
        fields = VOCAB["value_fields"][record["kind"]]
        for name, value in record_values(record, fields):
            assert any(round(abs(value), 6) in {t.value for t in read_quote(q, "de")} for q in quotes), (record["id"], name, value)
            values.add(value)
        assert record["notes"][-1]["kind"] == "draft"
        bound = [bind_field(record, n, v, [Quote(i, q, "de") for i, q in enumerate(quotes)]) for n, v in record_values(record, fields)]
        assert all(b.problem is None or b.problem in record["notes"][-1]["text"] for b in bound), record["id"]
        unbound += sum(b.problem is not None for b in bound)
    assert unbound <= len(result.records) // 10
    # German notation: "231.500", "0,132%", "2.906", "6,45%" lower (a negative change); "1.216 Millionen"
    # as German notation reads it, its English reading named in the note for the curator to choose
    assert {231500, 0.132, 2906, -6.45, 1216000000} <= values
    slip = next(r for r in result.records if r.get("value") == 1216000000)
    assert "'1.216 Millionen' is 1,216,000,000 in de notation, 1,216,000 in the other" in slip["notes"][-1]["text"]


def _unseen(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "sources"
    folder.mkdir()
    path = folder / "usgs-mcs-2025-cobalt.en.txt"
    path.write_text(UNSEEN, encoding="utf-8")
    return folder, path


def test_unseen_usgs_text(tmp_path: Path) -> None:
    """A new file: pinned, and import shares, a dollar value and year cells proposed with verbatim quotes."""
    folder, path = _unseen(tmp_path)
    result = run("draft", str(path), "--source-dir", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    source, records = entries[0], entries[1:]
    assert source["id"] == "usgs-mcs-2025-cobalt" and source["file"] == path.name and source["language"] == "en"
    assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and source["title"] == "<title>"
    shares = {r["partner"]: r["share_pct"] for r in records if r["kind"] == "import_share"}
    assert shares == {"NO": 20, "CA": 14, "JP": 12, "FI": 10, "other": 44}
    assert {r["importer"] for r in records if r["kind"] == "import_share"} == {"US"}
    assert {r["date"] for r in records if r["kind"] == "import_share"} == {"2020/2023"}
    dollars = [r for r in records if r.get("unit") == "usd"]
    assert [d["value"] for d in dollars] == [1.2e9]
    mine = {r["date"]: r["value"] for r in records if r.get("measure") == "mine-production"}
    assert mine == {"2020": 600, "2021": 650, "2022": 800, "2023": 500, "2024": 300}
    reliance = [r for r in records if r.get("measure") == "net-import-reliance"]
    assert len(reliance) == 5 and {r["unit"] for r in reliance} == {"pct"}
    assert all("measure (from 'Net import reliance as a percentage of apparent consumption')" in r["notes"][0]["text"] for r in reliance)
    cells = [r for r in records if len(r["citations"]) == 2]
    assert len(cells) == 10 and {r["citations"][1]["year_header"] for r in cells} == {"2020", "2021", "2022", "2023", "2024e"}
    assert all(r.get("estimated", False) == (r["date"] == "2024") for r in cells)
    for record in records:
        for citation in record["citations"]:
            assert anchor_problem(UNSEEN, citation) is None
        assert record["notes"][0]["kind"] == "draft"


def test_unchecked_drafts_do_not_load(tmp_path: Path) -> None:
    """Placeholders fail validate, naming the field; filled in, the same pack validates and verifies."""
    folder, path = _unseen(tmp_path)
    result = run("draft", str(path), "--source-dir", str(folder))
    pack = tmp_path / "cobalt.yaml"
    pack.write_text(result.stdout, encoding="utf-8")
    refused = run("validate", "builtin", str(pack))
    assert refused.exit_code == 1 and "title: <title> is a placeholder: fill it in" in refused.stderr
    entries = yaml.safe_load(result.stdout)
    filled = {
        "title": "Cobalt",
        "publisher": "USGS",
        "published": "2025-01",
        "measure": "consumption-value",
        "subject": "US",
        "forms": "all",
    }
    left = {name for entry in entries for name, value in entry.items() if str(value).startswith("<")}
    assert left == set(filled)
    for entry in entries:
        entry.update({name: filled[name] for name, value in entry.items() if str(value).startswith("<")})
    pack.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert run("validate", "builtin", str(pack)).exit_code == 0
    checked = run("verify", "--facts", str(pack), "--source-dir", str(folder))
    assert checked.exit_code == 0, checked.stdout


def test_only_format_and_bad_input(tmp_path: Path) -> None:
    folder, path = _unseen(tmp_path)
    only = json.loads(run("draft", str(path), "--source-dir", str(folder), "--only", "import_share", "-f", "json").stdout)
    assert {e["kind"] for e in only} == {"source", "import_share"}
    table = run("draft", str(path), "--source-dir", str(folder), "--format", "table")
    assert table.exit_code == 0 and "import-share-no-2020-2023" in table.stdout and "<title>" not in table.stdout
    for args, message in (
        (["--format", "csv"], "draft writes yaml, json, table"),
        (["--only", "deposits"], "unknown kind 'deposits' for --only"),
    ):
        bad = run("draft", str(path), "--source-dir", str(folder), *args)
        assert bad.exit_code == 2 and message in bad.stderr and "Traceback" not in bad.stderr
    empty_source = run("draft", "")
    assert empty_source.exit_code == 2 and "SOURCE: is empty" in empty_source.stderr
    missing = run("draft", "no-such-source")
    assert missing.exit_code != 0 and "no source 'no-such-source'" in missing.stderr and len(missing.stderr.splitlines()) == 1
    empty = tmp_path / "sources" / "words.txt"
    empty.write_text("No numbers here at all.\n", encoding="utf-8")
    none = run("draft", str(empty), "--source-dir", str(folder), "-f", "json")
    assert none.exit_code == 0 and "nothing to draft" in none.stderr


def test_csv_cells_verify_as_drafted(source_dir: Path, tmp_path: Path) -> None:
    """A data release's world table without its records: each cell drafted validates and verifies."""
    folder = _copy_without(tmp_path, "usgs-mcs-2023/production.yaml", "usgs-mcs-2023/reserves.yaml")
    result = draft(load_facts([str(folder)], use_cache=False), "usgs-mcs-2023-world", [source_dir])
    assert len(result.records) >= 25 and all("row" in r["citations"][0] for r in result.records)
    (folder / "draft.yaml").write_text(yaml_pack(result), encoding="utf-8")
    assert run_verify(load_facts([str(folder)], use_cache=False), [source_dir]).problems == []


def test_a_quote_written_twice_is_anchored(tmp_path: Path) -> None:
    """The same sentence twice: each proposal's quote is anchored to its own place (prefix, suffix or offsets)."""
    from tungsten_cli.verify import locate

    text = "In 2024, Austria produced 900 tons of tungsten.\nIt was a record.\nIn 2024, Austria produced 900 tons of tungsten.\n"
    path = tmp_path / "twice.en.txt"
    path.write_text(text, encoding="utf-8")
    records = json.loads(run("draft", str(path), "--source-dir", str(tmp_path), "-f", "json").stdout)[1:]
    citations = [r["citations"][0] for r in records]
    assert len(citations) == 2 and all(anchor_problem(text, c) is None for c in citations)
    assert sorted(locate(text, c) for c in citations) == [0, text.rindex("In 2024")]
