"""Check citations against the source texts: file hash, verbatim quote, unique anchor, and numbers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import NamedTuple

from tungsten_cli.errors import NotFoundError, Problem, UsageError
from tungsten_cli.records import FactSet, Record
from tungsten_cli.source_files import SourceError, SourceReader
from tungsten_cli.tables import Cell, CellError, Table, cell_years, describe, find_cell, is_table_file
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.tables import reading as cell_reading
from tungsten_cli.vocabulary import VOCAB

SOURCE_DIR_ENV = "TUNGSTEN_SOURCE_DIR"
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?:\s*(Millionen|Million|Milliarden|Milliarde|million|billion))?"
)
_SCALES = {"million": 1e6, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9, "billion": 1e9}
# Number words the German translation spells out ("drei bis vier Jahrzehnten", "ein Dutzend", "dreimal").
_WORDS = {"zwei": 2, "zweiter": 2, "drei": 3, "dreimal": 3, "vier": 4, "fünf": 5, "dutzend": 12}
_WORD = re.compile(r"[^\W\d_]+")
# USGS writes a zero as "—" in a table cell: the dash stands between column gaps (two or more
# spaces) or at a line's edge. A dash in prose ("prices — as reported", "Statistics—United") is not a number.
_CELL_DASH = re.compile(r"(?:^|(?<=\s\s)|(?<=\t))—(?=\s\s|\t|$)", re.MULTILINE)
_RANGE = re.compile(r"\s*(?:-|–|bis)\s*")
# A negative value is backed by a minus sign on its number or by a word saying it went down.
_MINUS = re.compile(r"(?<![\w.,])[-−]$")
_DECREASE = re.compile(
    r"\b(?:senkung|gesenkt|senkt|sank|gesunken|rückgang|zurückgegangen|kürzung|gekürzt|verringer\w*|reduzier\w*|abnahme|"
    r"decreas\w*|declin\w*|dropp?\w*|fell|reduc\w*|cut)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    citations: int
    records: int
    sources: int


def source_dirs(explicit: Sequence[str] = ()) -> list[Path]:
    """The `--source-dir` values in order, else `TUNGSTEN_SOURCE_DIR` (folders joined by the OS path
    separator); a missing folder is an error, never a silent pass.

    An empty `--source-dir ""` (an unset shell variable) is a usage error, not "use the default"."""
    if "" in explicit:
        raise UsageError("--source-dir is empty")
    raw = list(explicit) or [p for p in os.environ.get(SOURCE_DIR_ENV, "").split(os.pathsep) if p]
    if not raw:
        raise NotFoundError(f"no source folder: pass --source-dir DIR or set {SOURCE_DIR_ENV}")
    missing = [folder for folder in raw if not Path(folder).is_dir()]
    if missing:
        raise NotFoundError(f"source folder not found: {', '.join(missing)}")
    return [Path(folder) for folder in raw]


def _readings(token: str, scale: float) -> set[float]:
    """The values digits can stand for: German or English separators; with a scale word only the
    scaled value, its one separator a decimal mark ("1.216 Millionen" is 1,216,000, not 1.216 or 1.216e9)."""
    if scale != 1.0 and len(re.findall(r"[.,]", token)) == 1:
        spellings = {token.replace(",", ".")}
    else:
        spellings = {token.replace(".", "").replace(",", "."), token.replace(",", ""), token.replace(",", ".")}
    found = set()
    for reading in spellings:
        try:
            value = float(reading)
        except ValueError:
            continue
        found.add(round(value * scale, 6))
    return found


class NumberToken(NamedTuple):
    """One number as written in a text (digits with their scale word, a number word, or a lone dash)."""

    start: int
    end: int
    text: str
    readings: frozenset[float]
    negative: bool = False  # written with a minus sign


def number_tokens(text: str) -> list[NumberToken]:
    """Every number in a text with every value it can be read as, in German and English notation.

    A scale word also applies to the lower bound of a range: "4 - 5 Milliarden" holds 4e9 and 5e9.
    A dash counts as zero only where it stands alone, as in a table cell ("—" is USGS's zero), not
    where it joins words ("Statistics—United States").
    """
    tokens: list[NumberToken] = []
    matches = list(_NUMBER.finditer(text))
    for i, match in enumerate(matches):
        scale = _SCALES.get((match.group(2) or "").lower(), 1.0)
        following = matches[i + 1] if i + 1 < len(matches) else None
        if scale == 1.0 and following is not None and _RANGE.fullmatch(text[match.end() : following.start()]):
            scale = _SCALES.get((following.group(2) or "").lower(), 1.0)  # the range's bounds share its scale
        negative = bool(_MINUS.search(text, max(0, match.start() - 2), match.start()))
        tokens.append(NumberToken(match.start(), match.end(), match.group(0), frozenset(_readings(match.group(1), scale)), negative))
    for word in _WORD.finditer(text):
        if word.group(0).lower() in _WORDS:
            tokens.append(NumberToken(word.start(), word.end(), word.group(0), frozenset({float(_WORDS[word.group(0).lower()])})))
    tokens += [NumberToken(m.start(), m.end(), m.group(0), frozenset({0.0})) for m in _CELL_DASH.finditer(text)]
    return sorted(tokens)


def numbers_in(quote: str) -> set[float]:
    """Every value a quote can be read as (the union of its tokens' readings)."""
    return {value for token in number_tokens(quote) for value in token.readings}


def decreases_in(quote: str) -> set[float]:
    """The values a quote backs as negative: numbers with a minus sign, or all of them when a word
    says something went down ("sank um 6,45%", "decreased by 5%")."""
    tokens = number_tokens(quote)
    if _DECREASE.search(quote):
        return {value for token in tokens for value in token.readings}
    return {value for token in tokens if token.negative for value in token.readings}


def unsigned_in(quote: str) -> set[float]:
    """The values a quote backs as positive: numbers written without a minus sign ("-7" backs only -7)."""
    return {value for token in number_tokens(quote) if not token.negative for value in token.readings}


def _documents_sign(record: Record) -> bool:
    """A record may state a positive value for a number its source writes with a minus sign only when a
    curator note says why: an `interpretation`, or a `contradicted` note correcting the value."""
    return any(
        note.get("kind") == "interpretation" or (note.get("kind") == "contradicted" and "value" in (note.get("errors") or []))
        for note in record.get("notes") or []
    )


def record_values(record: Record, fields: list[str]) -> Iterator[tuple[str, float]]:
    """(field, value) for every number the record asserts, parties' stakes included."""
    for name in fields:
        if isinstance(record.get(name), (int, float)):
            yield name, float(record[name])
    for i, party in enumerate(record.get("parties") or []):
        if party.get("stake_pct") is not None:
            yield f"parties.{i}.stake_pct", float(party["stake_pct"])


def _occurrences(text: str, quote: str) -> list[int]:
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _anchored(text: str, citation: Record, hits: list[int]) -> list[int]:
    """The occurrences the citation's offsets or prefix/suffix context select."""
    if citation.get("start") is not None:
        return [citation["start"]] if citation["start"] in hits else []
    prefix, suffix, end = citation.get("prefix") or "", citation.get("suffix") or "", len(citation["quote"])
    return [i for i in hits if text.endswith(prefix, 0, i) and text.startswith(suffix, i + end)]


def anchor_problem(text: str, citation: Record) -> str | None:
    """None when the citation selects exactly one verbatim place in the text."""
    quote = citation["quote"]
    hits = _occurrences(text, quote)
    if not hits:
        return f"quote not found verbatim in {citation['source']}: {quote[:60]!r}"
    anchored = _anchored(text, citation, hits)
    if citation.get("start") is not None and not anchored:
        return f"quote is not at offsets {citation['start']}..{citation['end']} (found at {', '.join(map(str, hits[:3]))})"
    if len(anchored) == 1:
        return None
    prefix, suffix = citation.get("prefix"), citation.get("suffix")
    if not (prefix or suffix):
        return f"quote occurs {len(hits)} times; add prefix, suffix or offsets to pick one"
    anchors = " and ".join(f"{name} {value!r}" for name, value in (("prefix", prefix), ("suffix", suffix)) if value)
    if anchored:
        fit, them = ("fit", "them") if prefix and suffix else ("fits", "it")
        return f"{anchors} {fit} {len(anchored)} of the quote's {len(hits)} places; lengthen {them} or give offsets"
    found, them = ("once", "it") if len(hits) == 1 else (f"{len(hits)} times", "any of them")
    end = len(citation["quote"])
    if prefix and not any(text.endswith(prefix, 0, i) for i in hits):
        return f"the quote is found {found}, but prefix {prefix!r} is not the text just before {them}"
    if suffix and not any(text.startswith(suffix, i + end) for i in hits):
        return f"the quote is found {found}, but suffix {suffix!r} is not the text just after {them}"
    return f"the quote is found {found}, but none has both prefix {prefix!r} before it and suffix {suffix!r} after it"


def locate(text: str, citation: Record) -> int | None:
    """Offset of the cited place, honouring offsets and prefix/suffix anchors; None if it is not there."""
    anchored = _anchored(text, citation, _occurrences(text, citation["quote"]))
    return anchored[0] if anchored else None


def read_sources(facts: FactSet, reader: SourceReader) -> tuple[dict[str, str], list[Problem]]:
    """Each source's text, read through the one reader; a source that fails is a problem, never checked.

    `verify` and `coverage` both start here, so they agree on which sources can be read."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for source_id in facts.sources:
        try:
            texts[source_id] = reader.read(source_id).text
        except SourceError as err:
            origin = facts.origins[source_id]
            problems.append(Problem(origin["file"], str(err), origin["line"], record_id=source_id))
    return texts, problems


def _record_problems(record: Record, facts: FactSet, texts: dict[str, str], tables: _Tables) -> Iterator[Problem]:
    origin = facts.origins[record["id"]]
    numbers: set[float] = set()
    negatives: set[float] = set()
    positives: set[float] = set()
    fields = VOCAB["value_fields"][record["kind"]]
    for i, citation in enumerate(record["citations"]):
        line = origin["citations"][i] if i < len(origin["citations"]) else origin["line"]
        numbers |= numbers_in(citation["quote"])
        negatives |= decreases_in(citation["quote"])
        positives |= unsigned_in(citation["quote"])
        text = texts.get(citation["source"])
        if text is None:
            continue
        source = facts.sources[citation["source"]]
        if is_table_file(source["file"]):
            problem = cell_problem(tables.get(source, text), source, citation, record, fields)
        elif citation.get("column") is not None:
            problem = f"row and column name a table cell, but {citation['source']} is not a CSV source"
        else:
            problem = anchor_problem(text, citation) or header_problem(text, record, citation)
        if problem:
            yield Problem(origin["file"], problem, line, record_id=record["id"])
    for name, value in record_values(record, fields):
        if round(abs(value), 6) not in numbers:
            yield Problem(
                origin["file"], f"{name} = {_shown(value)} does not appear in any of its quotes", origin["line"], record_id=record["id"]
            )
        elif value < 0 and round(-value, 6) not in negatives:
            message = f"{name} = {_shown(value)} is negative, but no quote has a minus sign on {_shown(-value)} or a word for a decrease"
            yield Problem(origin["file"], message, origin["line"], record_id=record["id"])
        elif value > 0 and round(value, 6) not in positives and not _documents_sign(record):
            message = (
                f"{name} = {_shown(value)} is positive, but every quote writes {_shown(value)} with a minus sign;"
                " make it negative or explain it in an interpretation note"
            )
            yield Problem(origin["file"], message, origin["line"], record_id=record["id"])


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ALIGN = 3  # columns a cell's right edge may sit from its header's in the layout-preserved text


def _token(quote: str, token: str) -> re.Match[str] | None:
    return re.search(rf"(?<!\S){re.escape(token)}(?!\S)", quote)


def _right_edge(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1)


def header_problem(text: str, record: Record, citation: Record) -> str | None:
    """A citation of a table's header row names, in `year_header`, the column that dates the record.

    The header must stand in the quote; its year must be the record's (the end year of an interval,
    as a fiscal year ends); an `e` column (estimates) needs `estimated` or a withheld/NA cell; and the
    cell of the record's row (the citation before the header: a record may cite two tables) that sits under the header, right-aligned as the
    layout keeps it, must state the record's value. Where no cell sits under it (a header spanning
    two columns, as "FY 2024" does), the year is still checked.
    """
    header = citation.get("year_header")
    if header is None:
        return None
    found = _token(citation["quote"], header)
    if found is None:
        return f"year_header {header!r} is not a column header in the quote"
    years, date = _YEAR.findall(header), record.get("date") or ""
    if years != [(date.partition("/")[2] or date)[:4]]:
        return f"column {header!r} is for {', '.join(years) or 'no year'}, the record is dated {date or 'nothing'}"
    if header.endswith("e") and not (record.get("estimated") or record.get("unavailable")):
        return f"column {header!r} holds estimates, but the record is not marked estimated"
    row = _row_before(record, citation)
    header_at, row_at = locate(text, citation), locate(text, row)
    if header_at is None or row_at is None or row is citation:
        return None
    edge = _right_edge(text, header_at + found.end())
    under = [m for m in re.finditer(r"\S+", row["quote"]) if abs(_right_edge(text, row_at + m.end()) - edge) <= _ALIGN]
    if not under:
        return None
    cell = under[-1].group()
    states = cell in {"withheld": ("W",), "not-available": ("NA",)}.get(record.get("unavailable") or "", ())
    if not record.get("unavailable"):
        states = record.get("value") is not None and round(abs(float(record["value"])), 6) in numbers_in(cell)
    return None if states else f"the cell under {header!r} reads {cell!r}, not the record's value"


def _row_before(record: Record, header: Record) -> Record:
    """The row a header citation dates: the nearest citation before it that is not itself a header."""
    citations = record["citations"]
    before = citations[: next(i for i, c in enumerate(citations) if c is header)]
    return next((c for c in reversed(before) if c.get("year_header") is None), citations[0])


class _Tables:
    """CSV sources parsed once per run, however many records cite them."""

    def __init__(self) -> None:
        self._parsed: dict[str, Table] = {}

    def get(self, source: Record, text: str) -> Table:
        if source["id"] not in self._parsed:
            self._parsed[source["id"]] = parse_table(text)
        return self._parsed[source["id"]]


def _shown(value: float) -> str:
    """A record's number in a message as typed, every digit kept: 2500001, not 2.5e+06 (which reads like "2.5 Millionen")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _stated(record: Record, fields: list[str]) -> str:
    if record.get("unavailable"):
        return str(record["unavailable"])
    values = [_shown(value) for _, value in record_values(record, fields)]
    return (record.get("comparator") or "") + (" / ".join(values) or "no value")


def _reading_problem(cell: Cell, record: Record, fields: list[str]) -> str | None:
    """The record must state what the cell states: W is withheld, NA not-available, >50 is 50 with ">"."""
    found = cell_reading(cell.text)
    if found is None:
        return None
    if found.unavailable is not None:
        matches = record.get("unavailable") == found.unavailable
    else:
        values = {round(value, 6) for _, value in record_values(record, fields)}
        matches = found.value is not None and round(found.value, 6) in values and record.get("comparator") == found.comparator
    return None if matches else f"cell reads {cell.text!r}, the record states {_stated(record, fields)}"


def _year_problem(table: Table, cell: Cell, record: Record) -> str | None:
    """A cell's year (header or the row's Year) must be the record's date, so a neighbour column fails."""
    years = cell_years(table, cell)
    if years is None:
        return None
    span = str(years[0]) if years[0] == years[1] else f"{years[0]}/{years[1]}"
    date = record.get("date")
    start, _, end = (date or "").partition("/")
    if date and (int(start[:4]), int((end or start)[:4])) == years:
        return None
    return f"column {cell.column!r} is for {span}, the record is dated {date or 'nothing'}"


def cell_problem(table: Table, source: Record, citation: Record, record: Record, fields: list[str]) -> str | None:
    """None when the citation names one cell whose text is the quote and whose value and year are the record's."""
    if citation.get("column") is None:
        return f"{source['id']} is a CSV source: cite a cell by row and column"
    try:
        cell = find_cell(table, source, citation)
    except CellError as err:
        return str(err)
    where = f"cell {cell.column!r} of row {describe(citation['row'])}"
    if cell.text != citation["quote"]:
        return f"{where} reads {cell.text!r}, not the quote {citation['quote']!r}"
    problem = _reading_problem(cell, record, fields) or _year_problem(table, cell, record)
    return f"{where}: {problem}" if problem else None


def verify(facts: FactSet, folders: Path | Sequence[Path]) -> Report:
    """Every problem with every citation of the loaded packs; an empty list means all holds.

    Each source is looked for in `folders` in order; the first copy matching its pin is read."""
    texts, problems = read_sources(facts, SourceReader(folders, facts.sources))
    tables = _Tables()
    citations = 0
    for record in facts.records:
        citations += len(record["citations"])
        problems.extend(_record_problems(record, facts, texts, tables))
    return Report(problems, citations, len(facts.records), len(facts.sources))


@dataclass(frozen=True)
class Evidence:
    """A citation with the sentence around it, or a cell with its row beside the header, when the pinned source is at hand.

    `unverified` says why there is no context (the file is missing, outside the folder, not
    matching its pin, not UTF-8); it is None when the quote was placed or no folder was given.
    """

    source: str
    quote: str
    before: str = ""
    after: str = ""
    start: int | None = None
    unverified: str | None = None
    cells: tuple[tuple[str, str], ...] = ()  # (header, cell) of the cited row
    column: str | None = None
    line: int | None = None


_SENTENCE_END = re.compile(r"[.;!?]\s|\n")
_CONTEXT_MAX = 240


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    head = text[max(0, start - _CONTEXT_MAX) : start]
    ends = list(_SENTENCE_END.finditer(head))
    before = head[ends[-1].end() :] if ends else head
    tail = text[end : end + _CONTEXT_MAX]
    stop = _SENTENCE_END.search(tail)
    after = tail[: stop.start() + 1] if stop else tail
    return before, after.rstrip("\r\n")


def _cell_evidence(text: str, source: Record, citation: Record) -> Evidence:
    try:
        table = parse_table(text)
        cell = find_cell(table, source, citation)
    except CellError:
        return Evidence(citation["source"], citation["quote"])
    pairs = tuple((header, value) for header, value in zip_longest(table.header, cell.row.cells, fillvalue="") if header or value)
    return Evidence(citation["source"], citation["quote"], cells=pairs, column=cell.column, line=cell.row.line)


def evidence(facts: FactSet, record: Record, sources: SourceReader | Path | Sequence[Path] | None) -> list[Evidence]:
    """Each citation placed in its sentence or its table row; the quote alone when the pinned text is not available.

    Context comes only from `SourceReader`, so no output built on this shows a byte of a file that
    is outside the source folder or does not match its pin. Pass one reader to read each source
    once across many records; folders (a folder, or none) read afresh.
    """
    reader = sources if isinstance(sources, SourceReader) else SourceReader(sources, facts.sources)
    found = []
    for citation in record["citations"]:
        try:
            text = reader.read(citation["source"]).text if reader.folders else None
        except SourceError as err:
            found.append(Evidence(citation["source"], citation["quote"], unverified=str(err)))
            continue
        source = facts.sources.get(citation["source"])
        if text is not None and source is not None and citation.get("column") is not None:
            found.append(_cell_evidence(text, source, citation))
            continue
        start = locate(text, citation) if text is not None else None
        if text is None or start is None:
            found.append(Evidence(citation["source"], citation["quote"]))
            continue
        before, after = _sentence_around(text, start, start + len(citation["quote"]))
        found.append(Evidence(citation["source"], citation["quote"], before, after, start))
    return found
