"""Check citations against the source texts: file hash, verbatim quote, unique anchor, and numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from tungsten_cli import environment, kinds
from tungsten_cli.binding import Binding, Quote, bind_field, record_values, shown
from tungsten_cli.environment import SOURCE_DIR_ENV
from tungsten_cli.errors import NotFoundError, Problem, UsageError
from tungsten_cli.quantity import Quantity
from tungsten_cli.quotes import numbers_in
from tungsten_cli.records import YEAR_KEY, FactSet, Record
from tungsten_cli.source_files import SourceError, SourceReader
from tungsten_cli.tables import Cell, CellError, Table, cell_years, describe, find_cell, is_table_file
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.tables import reading as cell_reading


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    citations: int
    records: int
    sources: int


def source_dirs(explicit: Sequence[str] = (), named: Sequence[str] | None = None) -> list[Path]:
    """The `--source-dir` values in order, else the folders `TUNGSTEN_SOURCE_DIR` names (`named`, the
    Environment's `source_dirs`; None: this process's); a missing folder is an error, never a silent pass.

    An empty `--source-dir ""` (an unset shell variable) is a usage error, not "use the default"."""
    if "" in explicit:
        raise UsageError("--source-dir is empty")
    if named is None:
        named = environment.read().source_dirs
    raw = list(explicit) or list(named)
    if not raw:
        raise NotFoundError(f"no source folder: pass --source-dir DIR or set {SOURCE_DIR_ENV}")
    missing = [folder for folder in raw if not Path(folder).is_dir()]
    if missing:
        raise NotFoundError(f"source folder not found: {', '.join(missing)}")
    return [Path(folder) for folder in raw]


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


def _language(facts: FactSet, source_id: str) -> str:
    return str((facts.sources.get(source_id) or {}).get("language") or "en")


def text_quotes(record: Record, facts: FactSet) -> list[Quote]:
    """The record's quotes of texts, each with its source's language; a CSV cell of text (a note) counts as a text."""
    return [
        Quote(i, c["quote"], _language(facts, c["source"]))
        for i, c in enumerate(record["citations"])
        if c.get("column") is None or cell_reading(c["quote"]) is None
    ]


def _cell_backed(record: Record) -> bool:
    """A record citing a CSV cell that holds a number is checked by that cell (value, W/NA, bound, estimate, rounding)."""
    return any(c.get("column") is not None and cell_reading(c["quote"]) is not None for c in record["citations"])


def bindings(record: Record, facts: FactSet) -> list[Binding]:
    """Each numeric field bound to its quote token; a record citing a number cell is bound by its cells instead."""
    if _cell_backed(record):
        return []
    quotes = text_quotes(record, facts)
    return [bind_field(record, name, value, quotes) for name, value in record_values(record, kinds.value_fields(record["kind"]))]


def record_problems(record: Record, facts: FactSet, texts: dict[str, str], tables: Tables) -> Iterator[Problem]:
    """Every problem of one record: its citations against the pre-read source texts, then each field against its token."""
    origin = facts.origins[record["id"]]
    fields = kinds.value_fields(record["kind"])
    for i, citation in enumerate(record["citations"]):
        line = origin["citations"][i] if i < len(origin["citations"]) else origin["line"]
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
    for binding in bindings(record, facts):
        if binding.problem:
            yield Problem(origin["file"], binding.problem, origin["line"], record_id=record["id"])
    rounding = _rounding_problem(record, facts, texts, tables)
    if rounding:
        yield Problem(origin["file"], rounding, origin["line"], record_id=record["id"])


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


class Tables:
    """CSV sources parsed once per run, however many records cite them."""

    def __init__(self) -> None:
        self._parsed: dict[str, Table] = {}

    def get(self, source: Record, text: str) -> Table:
        if source["id"] not in self._parsed:
            self._parsed[source["id"]] = parse_table(text)
        return self._parsed[source["id"]]


# A column header or a Year cell that marks estimates: `Prod_t_est_2023`, `Prod_t_Est_2021`, `2023_estimated`.
_EST_MARK = re.compile(r"(?:^|_)est(?:imated)?(?:_|$)", re.IGNORECASE)
_NOTE_ESTIMATED = re.compile(r"estimated: (true|false)")


def _latest_year(table: Table) -> int | None:
    """The most recent year a table covers (its headers' years and its Year column): the one the metadata calls estimated."""
    found = [int(y) for header in table.header for y in _YEAR.findall(header)]
    if YEAR_KEY in table.header:
        found += [int(y) for row in table.rows for y in _YEAR.findall(table.value(row, YEAR_KEY))]
    return max(found) if found else None


_ALSO_ESTIMATED = re.compile(r"((?:19|20)\d{2}) is also estimated")


def estimate_rule(table: Table, cell: Cell, record: Record) -> tuple[str | None, str]:
    """(problem, rule): `estimated` against the column's `_est` marker (or a `2023_estimated` row), the metadata's
    "estimated for the most recent year" and a row note "Production in 2021 is also estimated"; where the marker and
    the metadata disagree (MCS 2024's world header), the record's interpretation note naming the column decides,
    saying `estimated: true` or `false`."""
    if record["kind"] != "figure" or record.get("unavailable") or cell_reading(cell.text) is None:
        return None, "estimate: not checked (no number in the cell)"
    years = cell_years(table, cell)
    row_year = table.value(cell.row, YEAR_KEY) if YEAR_KEY in table.header else ""
    marker = bool(_EST_MARK.search(cell.column) or _EST_MARK.search(row_year))
    latest = _latest_year(table)
    by_metadata = years is not None and years[1] == latest
    also = [m for text in cell.row.cells for m in _ALSO_ESTIMATED.finditer(text) if years is not None and int(m.group(1)) == years[1]]
    if also:
        expected, basis = True, f"the row's note ({also[0].group(0)!r})"
    elif not marker or by_metadata:
        expected = by_metadata
        basis = f"{'the column marker and ' if marker else ''}the metadata (only the most recent year, {latest}, is estimated)"
    else:
        notes = [
            (i, _NOTE_ESTIMATED.search(n["text"]))
            for i, n in enumerate(record.get("notes") or [])
            if n.get("kind") == "interpretation" and cell.column in n["text"]
        ]
        decided = [(i, found) for i, found in notes if found]
        if not decided:
            return (
                f"{cell.column!r} is marked estimated, but the metadata estimates only the most recent year ({latest}); "
                f"an interpretation note naming {cell.column} must say which is followed (estimated: true or false) [rule: estimate]"
            ), "estimate"
        i, found = decided[0]
        expected = found.group(1) == "true"
        basis = f"note {i + 1} (interpretation), deciding where the column marker and the metadata ({latest} alone is estimated) disagree,"
    recorded, wanted = str(bool(record.get("estimated"))).lower(), str(expected).lower()
    if recorded != wanted:
        return f"estimated is {recorded}, but {basis} says {wanted} [rule: estimate]", "estimate"
    return None, f"estimate: {basis.rstrip(',')} says {wanted}"


def _stated(record: Record, fields: list[str]) -> str:
    if record.get("unavailable"):
        return str(record["unavailable"])
    values = [shown(value) for _, value in record_values(record, fields)]
    return (record.get("comparator") or "") + (" / ".join(values) or "no value")


def _reading_problem(cell: Cell, record: Record, fields: list[str]) -> str | None:
    """The record must state what the cell states: W is withheld, NA not-available, >50 is 50 with ">"."""
    found = cell_reading(cell.text)
    if found is None:
        return None
    if record["kind"] == "figure":  # the cell's quantity and the record's state the same: value exactly, bound, W/NA
        matches = (
            Quantity(found.value, comparator=found.comparator, unavailable=found.unavailable).statement == Quantity.of(record).statement
        )
    elif found.unavailable is not None:
        matches = record.get("unavailable") == found.unavailable
    else:
        values = {round(value, 6) for _, value in record_values(record, fields)}
        matches = found.value is not None and round(found.value, 6) in values and record.get("comparator") == found.comparator
    return None if matches else f"cell reads {cell.text!r}, the record states {_stated(record, fields)} [rule: cell]"


def _rounding_problem(record: Record, facts: FactSet, texts: dict[str, str], tables: Tables) -> str | None:
    """A figure from a table row labelled "(rounded)" lists its value in `approximate`, and only such a figure does."""
    if record["kind"] != "figure" or record.get("value") is None or not _cell_backed(record):
        return None
    rounded = False
    for citation in record["citations"]:
        source, text = facts.sources.get(citation["source"]), texts.get(citation["source"])
        if citation.get("column") is None or source is None or text is None:
            continue
        try:
            cell = find_cell(tables.get(source, text), source, citation)
        except CellError:
            return None  # reported as the citation's own problem
        rounded = rounded or any("(rounded)" in cell_text for cell_text in cell.row.cells)
    if rounded == ("value" in (record.get("approximate") or [])):
        return None
    if rounded:
        return "value: a cited row is labelled '(rounded)'; list value in approximate [rule: approximation]"
    return "value is listed in approximate, but no cited row says it is rounded [rule: approximation]"


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
    problem = _reading_problem(cell, record, fields) or _year_problem(table, cell, record) or estimate_rule(table, cell, record)[0]
    return f"{where}: {problem}" if problem else None


def verify(facts: FactSet, folders: Path | Sequence[Path]) -> Report:
    """Every problem with every citation of the loaded packs; an empty list means all holds.

    Each source is looked for in `folders` in order; the first copy matching its pin is read."""
    texts, problems = read_sources(facts, SourceReader(folders, facts.sources))
    tables = Tables()
    citations = 0
    for record in facts.records:
        citations += len(record["citations"])
        problems.extend(record_problems(record, facts, texts, tables))
    return Report(problems, citations, len(facts.records), len(facts.sources))


def _cell_lines(facts: FactSet, record: Record, texts: dict[str, str], tables: Tables) -> Iterator[str]:
    for i, citation in enumerate(record["citations"]):
        source, text = facts.sources.get(citation["source"]), texts.get(citation["source"])
        if citation.get("column") is None or source is None or text is None:
            continue
        try:
            table = tables.get(source, text)
            cell = find_cell(table, source, citation)
        except CellError as err:
            yield f"    citation {i + 1}: {err}"
            continue
        found = cell_reading(cell.text)
        what = "text, no number" if found is None else (found.unavailable or f"{found.comparator or ''}{shown(found.value or 0.0)}")
        yield f"    citation {i + 1}: cell {cell.column!r} of row {describe(citation['row'])} (line {cell.row.line}) reads {cell.text!r} ({what})"
        if found is not None:
            yield f"      {estimate_rule(table, cell, record)[1]}"


def explain(facts: FactSet, record_id: str, folders: Path | Sequence[Path]) -> tuple[list[str], list[Problem]]:
    """For each numeric field of one record, the quote token (or table cell) that backs it and the rules that
    applied; and the record's problems. The text `tungsten verify --explain ID` prints."""
    record = facts.lookup()(record_id)
    if record is None:
        raise NotFoundError(f"no record {record_id!r}")
    texts, _ = read_sources(facts, SourceReader(folders, facts.sources))
    tables = Tables()
    lines = [f"{record_id} ({record['kind']})"]
    fields = kinds.value_fields(record["kind"])
    if _cell_backed(record):
        lines.append(f"  {_stated(record, fields)}: backed by table cells (value, W/NA and bound as the cell writes them)")
        lines += _cell_lines(facts, record, texts, tables)
    for binding in bindings(record, facts):
        lines.append(f"  {binding.name} = {shown(binding.value)}")
        if binding.token is None or binding.quote is None:
            lines.append(f"    problem: {binding.problem}")
            continue
        source = record["citations"][binding.quote.index]["source"]
        lines.append(f"    token: {binding.token.text!r} in quote {binding.quote.index + 1} ({source}, language {binding.quote.language})")
        lines += [f"    {rule}" for rule in binding.rules]
    if len(lines) == 1:
        lines.append("  no numeric field")
    return lines, list(record_problems(record, facts, texts, tables))


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
