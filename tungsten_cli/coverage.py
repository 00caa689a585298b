"""Coverage: split each source into passages, read their numbers, and find the records that hold them.

`verify` proves that every quote is in its source; coverage proves the converse, that every
number-bearing passage of a source (a sentence, a table row, a CSV cell) is held by some record or
listed, with a reason, in its source's `coverage_ignore`. Numbers are read with `verify`'s reader,
so both commands agree on what "2.906", "1.216 Millionen" or a lone "—" mean.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from tungsten_cli import kinds
from tungsten_cli.binding import record_values
from tungsten_cli.errors import Problem
from tungsten_cli.query import resolve_choice
from tungsten_cli.quotes import NumberToken, number_tokens, numbers_in
from tungsten_cli.records import FactSet, Record
from tungsten_cli.source_files import SourceReader
from tungsten_cli.tables import CellError, Table, find_cell, is_table_file, selected_rows
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.verify import locate, read_sources

GAPS = ("uncited", "partly-cited")

# A run of three or more spaces between two words is a column gap: the line is a table row.
_COLUMN_GAP = re.compile(r"\S {3,}\S")
# Layout-preserved pages wrap prose at about 120 characters; a longer line is a paragraph of its own.
_WRAPPED_WIDTH = 160
# A sentence ends at . ! or ? (and any closing quote) before whitespace and a capital letter.
_SENTENCE_END = re.compile(r"[.!?][\"'”“)]?\s+(?=[\"'„“(]?[A-ZÄÖÜ])")
_LAST_WORD = re.compile(r"(\S+)[.!?]\S*$")
# Words a period may follow inside a sentence: German and English abbreviations, company suffixes,
# and the article's "WO." (a mangled WO3).
_ABBREVIATIONS = frozenset("ca bzw usw vgl nr evtl ggf inkl mio mrd corp inc co ltd dr st wo u.s e.g i.e".split())
_MONTHS = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember "
    "january february march june july october december".split()
)
# Fields whose text states numbers a record holds besides its value fields (an HTS code, "Section 301").
_TEXT_VALUE_FIELDS = ("as_written", "hts_code", "legal_basis")


@dataclass(frozen=True)
class Passage:
    """One sentence, table row or CSV cell of a source, with the numbers written in it."""

    source: str
    line: int
    text: str
    tokens: tuple[NumberToken, ...]
    start: int = 0
    end: int = 0
    cell: tuple[int, str] | None = None  # a CSV cell: its row's line and its column


@dataclass(frozen=True)
class Covered:
    """A passage's verdict: which numbers are held, by which records, or why they may be left out."""

    passage: Passage
    status: str
    records: tuple[str, ...]
    missing: tuple[str, ...]
    reason: str | None
    held_by: tuple[tuple[str, ...], ...] = ()  # per number, the records stating it

    def as_row(self) -> Record:
        return {
            "source": self.passage.source,
            "line": self.passage.line,
            "text": self.passage.text,
            "numbers": [t.text for t in self.passage.tokens],
            "status": self.status,
            "records": list(self.records),
            "reason": self.reason,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class CoverageReport:
    passages: list[Covered]
    problems: list[Problem]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_layout_line(line: str) -> bool:
    """A table row, or a lone label such as a page number, footnote marker or running head."""
    stripped = line.strip()
    if _COLUMN_GAP.search(stripped):
        return True
    return bool(stripped) and " " not in stripped and not stripped.endswith((".", ",", ";", ":", "!", "?", ")"))


def _splits_here(paragraph: str, end: re.Match[str]) -> bool:
    """False for a period after an abbreviation, an initial ("M.", "z. B.") or a day before a month."""
    if paragraph[end.start()] != ".":
        return True
    word = _LAST_WORD.search(paragraph, 0, end.start() + 1)
    before = word.group(1).lower().lstrip("(\"'„“") if word else ""
    if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
        return False
    following = paragraph[end.end() :].split(maxsplit=1)
    return not (before.isdigit() and following and following[0].lower().strip(",.") in _MONTHS)


def sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, without surrounding whitespace."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(paragraph):
        if _splits_here(paragraph, end):
            stop = end.start() + len(end.group(0).rstrip())
            spans.append((start, stop))
            start = end.end()
    spans.append((start, len(paragraph.rstrip())))
    return [(a + len(paragraph[a:b]) - len(paragraph[a:b].lstrip()), b) for a, b in spans if paragraph[a:b].strip()]


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(line number, offset, line) for every physical line; a form feed counts as whitespace."""
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, offset, line
        offset += len(line) + 1


def _passage(source: str, text: str, start: int, end: int) -> Passage:
    body = text[start:end]
    tokens = tuple(t._replace(start=t.start + start, end=t.end + start) for t in number_tokens(body))
    return Passage(source, text.count("\n", 0, start) + 1, _collapse(body), tokens, start, end)


def text_passages(source: str, text: str) -> list[Passage]:
    """Table rows one per line; prose split into sentences.

    On a layout-preserved page (every prose line shorter than 160 characters) prose lines are
    wrapped and a blank line or a table row ends a paragraph; otherwise each line is a paragraph.
    """
    lines = list(_lines(text))
    prose = [line for _, _, line in lines if line.strip() and not _is_layout_line(line)]
    wrapped = all(len(line) < _WRAPPED_WIDTH for line in prose)
    passages: list[Passage] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if block:
            first, joined = block[0][0], "\n".join(line for _, line in block)
            passages.extend(_passage(source, text, first + a, first + b) for a, b in sentences(joined))
            block.clear()

    for _, offset, line in lines:
        if not line.strip() or _is_layout_line(line):
            flush()
            if line.strip():
                lead = len(line) - len(line.lstrip())
                passages.append(_passage(source, text, offset + lead, offset + len(line.rstrip())))
            continue
        block.append((offset, line))
        if not wrapped:
            flush()
    flush()
    return passages


def csv_passages(source_id: str, source: Record, table: Table) -> list[Passage]:
    """One passage per non-empty cell outside `key_columns`, in the rows that `rows` selects."""
    keys = list(source.get("key_columns") or [])
    skip = set(keys) | set(source.get("rows") or {})
    passages = []
    for row in selected_rows(table, source):
        label = ", ".join(f"{k}={table.value(row, k)}" for k in keys)
        for column, cell in zip(table.header, row.cells):
            if column in skip or not cell.strip():
                continue
            text = f"{label} | {column} = {cell}" if label else f"{column} = {cell}"
            passages.append(Passage(source_id, row.line, text, tuple(number_tokens(cell)), cell=(row.line, column)))
    return passages


def held_values(record: Record, value_fields: list[str]) -> set[float]:
    """Every number a record states: value fields, the parts of its dates, numbers in its labels.

    A date's parts count ("2024-12-31" holds 2024, 12, 31 and the short year 24, as in "2020-23"),
    so a year in a sentence is held by the record dated in it.
    """
    held = {round(abs(value), 6) for _, value in record_values(record, value_fields)}
    for name in ("date", "reserves_as_of"):
        for part in re.findall(r"\d+", record.get(name) or ""):
            held.add(float(int(part)))
            if len(part) == 4:
                held.add(float(int(part) % 100))
    for name in _TEXT_VALUE_FIELDS:
        if isinstance(record.get(name), str):
            held |= numbers_in(record[name])
    return held


class _Citing:
    """Who cites where: spans of text sources and cells of CSV sources, each with the record's values."""

    def __init__(self, facts: FactSet, texts: dict[str, str], tables: dict[str, Table]) -> None:
        self.spans: dict[str, list[tuple[int, int, str, set[float]]]] = {}
        self.cells: dict[tuple[str, int, str], list[tuple[str, set[float]]]] = {}
        for record in facts.records:
            values = held_values(record, kinds.value_fields(record["kind"]))
            for citation in record["citations"]:
                self._add(facts, texts, tables, record["id"], citation, values)

    def _add(
        self, facts: FactSet, texts: dict[str, str], tables: dict[str, Table], record_id: str, citation: Record, values: set[float]
    ) -> None:
        """Place one citation; one that does not resolve places nothing (`verify` reports it)."""
        source_id = citation["source"]
        if source_id in tables:
            try:
                cell = find_cell(tables[source_id], facts.sources[source_id], citation)
            except (CellError, KeyError):
                return
            self.cells.setdefault((source_id, cell.row.line, cell.column), []).append((record_id, values))
            return
        text = texts.get(source_id)
        start = locate(text, citation) if text is not None else None
        if start is not None:
            self.spans.setdefault(source_id, []).append((start, start + len(citation["quote"]), record_id, values))

    def holders(self, passage: Passage, token: NumberToken | None) -> list[tuple[str, set[float]]]:
        """Records citing the passage (or, given a token, the quotes that contain that token)."""
        if passage.cell is not None:
            return self.cells.get((passage.source, *passage.cell), [])
        low, high = (token.start, token.end) if token else (passage.start, passage.end)
        return [(rid, values) for start, end, rid, values in self.spans.get(passage.source, []) if start < high and low < end]


class _Ignore(NamedTuple):
    source: str
    position: int
    entry: Record


def _problem(facts: FactSet, ignore: _Ignore, message: str) -> Problem:
    origin = facts.origins.get(ignore.source, {})
    where = f"coverage_ignore.{ignore.position}"
    return Problem(
        origin.get("file", "?"), f"{message}: {ignore.entry['text'][:80]!r}", origin.get("line"), record_id=ignore.source, field=where
    )


def _ignore_index(
    facts: FactSet, passages: list[Passage], scope: Collection[str], problems: list[Problem]
) -> dict[tuple[str, str], list[_Ignore]]:
    """Ignore entries of the sources in `scope` (chosen and read) by passage text; an entry that
    matches no passage, or names a number it lacks, is stale. A source not chosen, or whose text is
    not at hand (reported apart), has no passages to match: its entries are not judged."""
    texts: dict[tuple[str, str], list[Passage]] = {}
    for passage in passages:
        texts.setdefault((passage.source, passage.text), []).append(passage)
    index: dict[tuple[str, str], list[_Ignore]] = {}
    for source_id in scope:
        for i, entry in enumerate(facts.sources[source_id].get("coverage_ignore") or []):
            ignore = _Ignore(source_id, i, entry)
            matched = texts.get((source_id, entry["text"]), [])
            written = {t.text for p in matched for t in p.tokens}
            absent = [n for n in entry.get("numbers") or [] if n not in written]
            if not matched:
                problems.append(_problem(facts, ignore, "matches no unit of the source"))
            elif absent:
                problems.append(_problem(facts, ignore, f"the unit has no number written {absent[0]!r}"))
            else:
                index.setdefault((source_id, entry["text"]), []).append(ignore)
    return index


def _judge(passage: Passage, citing: _Citing, ignores: list[_Ignore], used: set[tuple[str, int]]) -> Covered:
    held_by, missing, reasons = [], [], []
    for token in passage.tokens:
        held_by.append(tuple(dict.fromkeys(rid for rid, values in citing.holders(passage, token) if values & token.readings)))
        if held_by[-1]:
            continue
        ignore = next((i for i in ignores if not i.entry.get("numbers") or token.text in i.entry["numbers"]), None)
        if ignore is None:
            missing.append(token.text)
        else:
            used.add((ignore.source, ignore.position))
            reasons.append(ignore.entry["reason"])
    records = tuple(dict.fromkeys(rid for rid, _ in citing.holders(passage, None)))
    if not passage.tokens:
        status = "no-numbers"
    elif missing:
        status = "partly-cited" if any(held_by) else "uncited"
    else:
        status = "cited" if any(held_by) else "ignored"
    return Covered(passage, status, records, tuple(missing), "; ".join(dict.fromkeys(reasons)) or None, tuple(held_by))


def coverage(facts: FactSet, folders: Path | Sequence[Path], only: Sequence[str] = ()) -> CoverageReport:
    """Every passage of the chosen sources (all by default) with its status, and every stale ignore entry."""
    for source_id in only:
        resolve_choice(source_id, "source", facts.sources)
    chosen = list(only) or list(facts.sources)
    texts, read_problems = read_sources(facts, SourceReader(folders, facts.sources))
    problems = [p for p in read_problems if p.record_id in chosen]
    tables = {sid: parse_table(text) for sid, text in texts.items() if is_table_file(facts.sources[sid]["file"])}
    passages: list[Passage] = []
    for source_id, text in texts.items():
        source = facts.sources[source_id]
        passages += csv_passages(source_id, source, tables[source_id]) if source_id in tables else text_passages(source_id, text)
    index = _ignore_index(facts, passages, [sid for sid in chosen if sid in texts], problems)
    citing = _Citing(facts, texts, tables)
    used: set[tuple[str, int]] = set()
    judged = [_judge(p, citing, index.get((p.source, p.text), []), used) for p in passages if p.source in chosen]
    problems += [
        _problem(facts, ignore, "ignores nothing: records hold every number it names")
        for ignores in index.values()
        for ignore in ignores
        if (ignore.source, ignore.position) not in used and ignore.source in chosen
    ]
    return CoverageReport(judged, problems)


def summary(report: CoverageReport) -> list[Record]:
    """Per source: passages, numbers, and how many passages are cited, partly cited, uncited or ignored."""
    rows: dict[str, Record] = {}
    for covered in report.passages:
        row = rows.setdefault(
            covered.passage.source,
            {"source": covered.passage.source, "units": 0, "numbers": 0, "cited": 0, "partly-cited": 0, "uncited": 0, "ignored": 0},
        )
        row["units"] += 1
        row["numbers"] += len(covered.passage.tokens)
        if covered.status in row:
            row[covered.status] += 1
    for row in rows.values():
        counted = row["cited"] + row["partly-cited"] + row["uncited"] + row["ignored"]
        row["covered_pct"] = round(100 * (row["cited"] + row["ignored"]) / counted, 1) if counted else 100.0
    return list(rows.values())
