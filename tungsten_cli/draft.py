"""Draft records for a source: a proposal for every number no record holds yet, for a curator to check.

Nothing here reads a source or splits it on its own: the units and which of their numbers are
still uncited come from `coverage`, every number's value from `verify`'s reader, cells from
`tables`, country names from the vocabulary, measures from the measures the loaded facts already
use. Each proposal carries a `draft` note listing what a person must check; a field draft cannot
fill is a `<field>` placeholder, which `validate` refuses, so an unchecked guess never loads.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from tungsten_cli.binding import Quote, bind_field, record_values
from tungsten_cli.countries import display_name, subject_code
from tungsten_cli.coverage import GAPS, Covered, coverage
from tungsten_cli.errors import NotFoundError, UsageError
from tungsten_cli.quotes import NumberToken, Token, read_quote
from tungsten_cli.records import FactSet, Record
from tungsten_cli.source_files import SourceError, folders_of, read_pinned
from tungsten_cli.tables import Cell, Reading, Table, cell_years, find_cell, is_table_file, reading
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.verify import Tables, anchor_problem, estimate_rule, record_problems
from tungsten_cli.vocabulary import COUNTRIES, VOCAB

# A year a sentence or header dates its numbers by, never a value of its own.
_YEAR = re.compile(r"(?:19|20)\d{2}")
_YEAR_HEADER = re.compile(r"(?:FY )?((?:19|20)\d{2})(e?)")
_PERIOD = re.compile(r"\(((?:19|20)\d{2})\s*[–-]\s*(\d{2}|\d{4})\)")
# Column gaps of a layout-preserved table: segments are words joined by single spaces.
_SEGMENT = re.compile(r"\S+(?: \S+)*")
_GAP = re.compile(r"\S {3,}\S")
_ALIGN = 3  # columns a cell's right edge may sit from its header's (as verify allows)
_SCAN = 40  # lines above a row searched for its table's year header
_RANGE = re.compile(r"\s*%?\s*(?:-|–|bis|to)\s*")
_FOOTNOTE = re.compile(r"[,\d]+$")
_FIGURE_UNITS = {"percent": "pct", "tonnage": "t", "currency": "usd", "kilograms": "kg", "degrees": "degc"}
_MEASURE_FIELDS = {"rate_pct": "duty", "rate_cents_per_kg": "duty", "additional_duty_pct": "additional duty", "change_pct": "change"}
_HTS = re.compile(r"\b\d{4}\.\d{2}\.\d{4}\b")
# Words for kinds of deal and measure; German compounds ("Projektkredit", "Bergbauquote") hold them inside.
_DEAL_WORDS = {
    "loan": r"loan|darlehen|kredit",
    "joint-venture": r"joint.venture|gemeinschaftsunternehmen",
    "acquisition": r"acquisition|acquire|übernahme|erwerb|erwirbt|übernimmt",
    "investment": r"invest",
    "memorandum": r"memorandum|absichtserklärung",
    "letter-of-interest": r"letter of interest",
    "sale-agreement": r"sale agreement|kaufvertrag|liefervertrag",
}
_DEAL_ANY = re.compile("|".join([*_DEAL_WORDS.values(), r"\bdeal\b", "agreement", "vereinbarung", "abkommen", "vertrag"]), re.I)
_MEASURE_WORDS = {
    "mining-quota": r"quota|quote|kontingent",
    "export-control": r"export.?control|exportkontroll|ausfuhrkontroll",
    "tariff": r"tariff|zoll|zöll|\bdut(?:y|ies)\b",
}
# A duty on top of the existing rate ("an additional tariff of 25 %"), beside the reader's increase words.
_ADDITIONAL = re.compile(r"additional|zusätzlich", re.I)
_GERMAN = re.compile(r"\b(?:der|die|das|und|ist|von|mit|für|nicht|den|des|auf|wurde|sich|eine?)\b")
_ENGLISH = re.compile(r"\b(?:the|and|of|to|is|was|for|with|that|were|from|by)\b")


def placeholder(name: str) -> str:
    """What a field draft cannot fill holds; the model refuses it, so the record cannot load unfilled."""
    return f"<{name}>"


@dataclass(frozen=True)
class Passed:
    """A unit with uncited numbers that draft proposes nothing for, and why."""

    line: int
    text: str
    reason: str


@dataclass
class Draft:
    """What `tungsten draft` proposes for one source: a `sources` entry for a new file, and records."""

    source_id: str
    source: Record | None
    records: list[Record] = field(default_factory=list)
    passed: list[Passed] = field(default_factory=list)

    def entries(self) -> list[Record]:
        """The pack a curator edits: the new source entry first, then the records."""
        return ([self.source] if self.source else []) + self.records


# --- opening the source ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "source"


def guess_language(text: str) -> str:
    """de or en, by which language's commonest words the text uses more (a guess the curator checks)."""
    return "de" if len(_GERMAN.findall(text)) > len(_ENGLISH.findall(text)) else "en"


def new_source(path: Path, data: bytes, folders: Sequence[Path], taken: Iterable[str]) -> tuple[Record, Path]:
    """A `sources` entry for a file not in the facts, and the folder to read it from.

    The id comes from the file name (before its first dot), the SHA-256 from its bytes; the file
    is named relative to the first source folder that holds it, else by its bare name (to be
    copied there). Title, publisher and publication date are placeholders.
    """
    resolved = path.resolve()
    folder = next((f for f in folders if resolved.is_relative_to(f.resolve())), None)
    file = resolved.relative_to(folder.resolve()).as_posix() if folder else resolved.name
    base, n, ids = _slug(resolved.name.split(".")[0]), 1, set(taken)
    source_id = base
    while source_id in ids:
        n += 1
        source_id = f"{base}-{n}"
    sha256 = hashlib.sha256(data).hexdigest()
    text = read_pinned(folder or resolved.parent, file, sha256).text
    language = guess_language(text)
    checks = [f"language (guessed {language} from its commonest words)", "title", "publisher", "published"]
    if folder is None:
        checks.append(f"copy {resolved.name} into your source folder: it is in none of the folders given")
    entry: Record = {
        "kind": "source",
        "id": source_id,
        "title": placeholder("title"),
        "publisher": placeholder("publisher"),
        "published": placeholder("published"),
        "language": language,
        "file": file,
        "sha256": sha256,
    }
    if is_table_file(file):
        entry["key_columns"] = _key_columns(parse_table(text))
        checks.append("key_columns (guessed: the columns that hold no number)")
    entry["notes"] = [_note(checks)]
    return {name: entry[name] for name in VOCAB["fields"]["source"] if name in entry}, folder or resolved.parent


def _key_columns(table: Table) -> list[str]:
    """Columns with no number in any row: the labels that name a row (a guess)."""
    keys = [h for i, h in enumerate(table.header) if h and not any(i < len(r.cells) and reading(r.cells[i]) for r in table.rows)]
    return keys[:2] or table.header[:1]


def _note(checks: Sequence[str]) -> Record:
    return {"kind": "draft", "text": "Drafted by tungsten draft; check " + "; ".join(checks) + ". Delete this note when done."}


def open_source(facts: FactSet, target: str, folders: Sequence[Path]) -> tuple[FactSet, Draft, list[Path]]:
    """The fact set with the target source in it, an empty draft for it, and the folders to read from.

    `target` is a loaded source id, or a file: one whose bytes a loaded source pins is that source;
    any other file becomes a new `sources` entry.
    """
    if target in facts.sources:
        return facts, Draft(target, None), list(folders)
    path = Path(target)
    if not path.is_file():
        raise NotFoundError(f"no source '{target}': give a loaded source id (tungsten sources) or a text or CSV file")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NotFoundError(f"cannot read {path}: {err.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    known = next((sid for sid, s in facts.sources.items() if s["sha256"] == digest), None)
    if known is not None:
        return facts, Draft(known, None), list(folders)
    entry, folder = new_source(path, data, folders, facts.sources)
    sources = {**facts.sources, entry["id"]: entry}
    origins = {**facts.origins, entry["id"]: {"file": str(path), "line": 1}}
    return facts._replace(sources=sources, origins=origins), Draft(entry["id"], entry), [folder, *folders]


def draft(facts: FactSet, target: str, folders: Path | Sequence[Path] | None, only: str | None = None) -> Draft:
    """Proposals for every number of the source that no record holds (coverage's gaps), of kind `only` if given."""
    if only is not None and only not in VOCAB["kind"]:
        raise UsageError(f"unknown kind '{only}' for --only: {', '.join(VOCAB['kind'])}")
    facts, result, chosen = open_source(facts, target, folders_of(folders))
    report = coverage(_only_source(facts, result.source_id), chosen, [result.source_id])
    for problem in report.problems:
        if problem.record_id == result.source_id and "coverage_ignore" not in (problem.field or ""):
            raise SourceError(problem.message)
    source = facts.sources[result.source_id]
    text = read_pinned(chosen, source["file"], source["sha256"]).text
    doc = _Doc(result.source_id, source, text, facts)
    for covered in report.units:
        if covered.status in GAPS:
            proposed = doc.propose(covered)
            if isinstance(proposed, str):
                result.passed.append(Passed(covered.unit.line, covered.unit.text, proposed))
            else:
                result.records += [r for r in proposed if only is None or r["kind"] == only]
    _verified(result.records, facts, result.source_id, text)
    return result


def _verified(records: list[Record], facts: FactSet, source_id: str, text: str) -> None:
    """Each proposal checked by verify itself, as it will be once loaded; what it says joins the draft note."""
    origins = {**facts.origins, **{r["id"]: {"file": "draft", "line": 1, "citations": []} for r in records}}
    checked, tables = facts._replace(origins=origins), Tables()
    for record in records:
        problems = [p.message for p in record_problems(record, checked, {source_id: text}, tables)]
        if problems:
            note = record["notes"][-1]
            note["text"] = (
                note["text"].removesuffix(" Delete this note when done.")
                + "".join(f"; what verify says: {p}" for p in problems)
                + ". Delete this note when done."
            )


def _only_source(facts: FactSet, source_id: str) -> FactSet:
    """The source and the records citing it: all coverage needs to judge that source's units, without
    reading and splitting every other source (half the time of drafting the MCS 2025 chapter)."""
    cited = [r for r in facts.records if any(c["source"] == source_id for c in r["citations"])]
    return facts._replace(records=cited, sources={source_id: facts.sources[source_id]}, lookups=None)


# --- reading numbers ------------------------------------------------------------------------------


def _number(value: float) -> float | int:
    """A whole number as an int, so the pack reads `27`, not `27.0`."""
    return int(value) if float(value).is_integer() else value


# --- the document ---------------------------------------------------------------------------------


@cache
def _country_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of every English country name (longest first, so "South Korea" beats "Korea"), and each name's code."""
    by_name = {n: code for code, names in COUNTRIES.items() for n in names[2:] if len(n) > 3}
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(by_name, key=len, reverse=True))) + r")\b"), by_name


def _first(codes: list[str]) -> str | None:
    return codes[0] if codes else None


def countries_in(text: str) -> list[str]:
    """The countries a text names (English names from the vocabulary), in order, once each."""
    pattern, by_name = _country_names()
    return list(dict.fromkeys(by_name[m.group()] for m in pattern.finditer(text)))


# Cached: `resolve` folds every country name per call; a row label is read once per cell (drafting
# the MCS 2025 chapter: 123 ms uncached, 54 ms cached).
@cache
def subject_of(label: str) -> str | None:
    """A row label's country or aggregate: "China,8", "Korea, North", "World total (rounded)", "Other countries"."""
    name = _FOOTNOTE.sub("", re.sub(r"\(.*?\)", "", label).strip()).strip(" ,")
    head, _, tail = name.partition(", ")
    first = name.split(" ")[0].lower()
    for candidate in (name, f"{tail} {head}" if tail else "", first if first in ("world", "other", "others") else ""):
        try:
            if candidate:
                return subject_code(candidate)
        except UsageError:
            continue
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text))]


class _Doc:
    """One source's text or table with what every proposal needs: its measures, notation and defaults."""

    def __init__(self, source_id: str, source: Record, text: str, facts: FactSet) -> None:
        self.source_id, self.source, self.text = source_id, source, text
        self.language = source.get("language") or "en"
        self.lines = text.split("\n")
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line) + 1)
        counts = Counter(r["measure"] for r in facts.records if r["kind"] == "figure")
        self.measures = [m for m, _ in counts.most_common()]
        self.table = parse_table(text) if is_table_file(source["file"]) else None
        self.taken = {r["id"] for r in facts.records}
        head = " ".join(self.lines[:8])
        self.default_unit = "t" if re.search(r"metric tons|tonnes", head, re.I) else None
        self.default_basis = "W" if re.search(r"tungsten content|contained tungsten", head, re.I) else None
        statistics = re.search(r"Statistics\W+([A-Z][\w ]+)", text)
        self.home = _first(countries_in(statistics.group(1))) if statistics else None

    # measures and ids

    def measure(self, *contexts: str) -> tuple[str | None, bool]:
        """The best-matching measure the facts already use for the first context that matches one, and
        whether a header word carries USGS's estimate mark (`productione`)."""
        for context in contexts:
            found = _words(context)
            best, score = None, 0
            for slug in self.measures:
                parts = [p for p in slug.split("-") if p != "tungsten"]
                if parts and len(parts) > score and all(any(_stem(w, p) for w in found) for p in parts):
                    best, score = slug, len(parts)
            if best is not None:
                marked = any(w.endswith("e") and w[:-1] in best.split("-") for w in found)
                return best, marked
        return None, False

    def new_id(self, *parts: object) -> str:
        base = _slug("-".join(str(p) for p in (self.source_id, *parts) if p))
        record_id, n = base, 1
        while record_id in self.taken:
            n += 1
            record_id = f"{base}-{n}"
        self.taken.add(record_id)
        return record_id

    def citation(self, start: int, end: int) -> Record:
        """A quote of text[start:end]; where it is not unique, the shortest prefix and suffix (12, 24 or
        48 characters) that make it so, else its offsets."""
        quote: Record = {"source": self.source_id, "quote": self.text[start:end]}
        if anchor_problem(self.text, quote) is None:
            return quote
        for size in (12, 24, 48):
            prefix, suffix = self.text[max(0, start - size) : start], self.text[end : end + size]
            anchored = {**quote, **({"prefix": prefix} if prefix.strip() else {}), **({"suffix": suffix} if suffix.strip() else {})}
            if anchor_problem(self.text, anchored) is None:
                return anchored
        return {**quote, "start": start, "end": end}

    # dispatch

    def propose(self, covered: Covered) -> list[Record] | str:
        unit = covered.unit
        missing = [t for t, held in zip(unit.tokens, covered.held_by) if not held and t.text in covered.missing]
        if unit.cell is not None and self.table is not None:
            return self._csv_cell(covered)
        line = self.lines[unit.line - 1]
        if unit.end - unit.start == len(line.strip()) and _GAP.search(line.strip()):
            if _is_year_header(line):
                return "a table's year header: the records of the cells under it cite it"
            return self._row(covered, missing)
        return self._sentence(covered, missing)

    # CSV cells

    def _csv_cell(self, covered: Covered) -> list[Record] | str:
        assert self.table is not None and covered.unit.cell is not None
        line, column = covered.unit.cell
        row = next(r for r in self.table.rows if r.line == line)
        keys = {k: self.table.value(row, k) for k in self.source.get("key_columns") or []}
        cell = find_cell(self.table, self.source, {"row": keys, "column": column})
        found = reading(cell.text)
        if found is None:
            return "a text cell (a note), not a value"
        checks = []
        labels = " ".join(v for k, v in keys.items() if not _YEAR.fullmatch(v))
        subject = next((s for s in map(subject_of, keys.values()) if s), None)
        if subject is None:
            subject = _first(countries_in(f"{self.source.get('title', '')} {self.source.get('table', '')}"))
            checks.append("subject (from the source's title)" if subject else "subject")
        measure, _ = self.measure(column, f"{column} {labels}")
        years = cell_years(self.table, cell)
        record = self._figure(subject, measure, _date(years), checks)
        record.update(_reading_fields(found, cell.text))
        if any("(rounded)" in text for text in row.cells):  # verify's rounding rule: a "(rounded)" row hedges its values
            record["approximate"] = ["value"]
        estimate = self._estimate(cell, record)
        if estimate is not None:
            checks.append(f"estimated: {estimate}")
        record["unit"] = _unit_of(f"{column} {labels}", "t" if "t" in column.lower().split("_") else self.default_unit)
        if record["unit"] == "t" and re.search(r"tungsten content|contained tungsten", labels):
            record["basis"] = "W"
        record["citations"] = [{"source": self.source_id, "row": keys, "column": column, "quote": cell.text, "line": row.line}]
        checks += [f"measure (from column {column!r})", f"unit ({record['unit']})", "basis"]
        return [self._finish(record, checks, covered.unit.line)]

    def _estimate(self, cell: Cell, record: Record) -> str | None:
        """Marks the record estimated as verify's estimate rule reads the cell (column marker, metadata,
        a row note); where the rule cannot decide without a curator's note, says why."""
        assert self.table is not None
        problem = None
        for guess in (False, True):
            problem, _ = estimate_rule(self.table, cell, {**record, "estimated": guess})
            if problem is None:
                if guess:
                    record["estimated"] = True
                return None
        return problem

    # text table rows

    def _row(self, covered: Covered, missing: list[NumberToken]) -> list[Record] | str:
        unit = covered.unit
        number = unit.line - 1
        line = self.lines[number]
        segments = _segments(line)
        label = segments[0][2] if reading(segments[0][2]) is None and segments[0][2] != "—" else ""
        header = self._header(number)
        if header is None:
            return self._sentence(covered, missing, self._title(number))
        section = self._section(number, segments[0][0])
        subject = subject_of(label) if label else None
        title = header.title
        wanted = [t.start - self.offsets[number] for t in missing]
        read = self.read(self.offsets[number], self.offsets[number] + len(line))
        records = []
        for start, end, cell in segments[1 if label else 0 :]:
            found = reading(cell) if cell != "—" else None
            held = any(start <= column < end for column in wanted) or (cell in ("W", "NA") and covered.status == "uncited")
            if not held or (found is None and cell != "—"):
                continue
            checks: list[str] = []
            year, year_header = header.year_at(end)
            over = header.words_over(end)
            if subject is None:
                cell_subject = _first(countries_in(title)) or self.home
                checks.append(f"subject (from {title.strip()!r})" if cell_subject else "subject")
                measure, marked = self.measure(f"{section} {label}", f"{over} {section} {label} {title}")
            else:
                cell_subject = subject
                measure, marked = self.measure(over, f"{over} {section}")
            record = self._figure(cell_subject, measure, year, checks)
            record.update(_reading_fields(found, cell) if found else {"value": 0, "as_written": "—"})
            token = next((t for at, t in read.items() if start <= at - self.offsets[number] < end), None)
            if token is not None and token.approx_word:
                record["approximate"] = ["value"]
                checks.append(f"approximate (the row says {token.approx_word!r})")
            if marked or (year_header or "").endswith("e"):
                record["estimated"] = True
                checks.append("estimated (an 'e' mark in the header)")
            context = f"{label} {section} {over} {title}"
            record["unit"] = _unit_of(context, self.default_unit)
            if record["unit"] == "t" and self.default_basis:
                record["basis"] = self.default_basis
            lead = len(line) - len(line.lstrip())
            record["citations"] = [self.citation(self.offsets[number] + lead, self.offsets[number] + len(line.rstrip()))]
            if year_header:
                record["citations"].append({**self.citation(*header.span), "year_header": year_header})
            named_by = (f"{section} {label}" if subject is None else over or section).strip()
            checks += [f"measure (from {named_by!r})", f"unit and basis ({record['unit']}, from the page head)"]
            records.append(self._finish(record, checks, unit.line))
        return records or "a table row whose numbers draft cannot place under a header"

    def _title(self, number: int) -> str:
        """The title of the table a row without a year header sits in: the nearest line above whose
        first column ends in a colon ("Tariff:   Item   Number ...")."""
        for i in range(number - 1, max(-1, number - _SCAN), -1):
            segments = _segments(self.lines[i])
            if segments and segments[0][2].endswith(":") and len(segments) > 1:
                return " ".join(s[2] for s in segments)
        return ""

    def _header(self, number: int) -> _Header | None:
        """The year header above a table row: the nearest line above with a year column, and the layout lines
        between (column labels); a line of prose ending a sentence stops the search."""
        between: list[int] = []
        for i in range(number - 1, max(-1, number - _SCAN), -1):
            line = self.lines[i]
            stripped = line.strip()
            if not stripped:
                continue
            segments = _segments(line)
            if any(_YEAR_HEADER.fullmatch(s[2]) for s in segments):
                above = self.lines[i - 1] if i > 0 else ""
                top = i - 1 if above.strip() and _GAP.search(above.strip()) and not _YEAR_HEADER.search(above) else i
                first = self.offsets[top] + len(self.lines[top]) - len(self.lines[top].lstrip())
                labels = [i, *between] + ([top] if top != i else [])
                return _Header(self, segments, labels, (first, self.offsets[i] + len(line.rstrip())))
            if stripped.endswith(".") and not _GAP.search(stripped):
                return None
            column_labels = len(segments) > 1 or not stripped.endswith(":")  # a lone "Production:" is a section (_section)
            if column_labels and not any(reading(text) is not None or text == "—" for _, _, text in segments):
                between.append(i)  # column labels ("Potential   disposals"), not a data row above this one
        return None

    def _section(self, number: int, indent: int) -> str:
        """The label a row sits under ("Production:" above "Mine"): the nearest less-indented line ending in a colon."""
        for i in range(number - 1, max(-1, number - _SCAN), -1):
            line = self.lines[i]
            lead = len(line) - len(line.lstrip())
            if line.strip().endswith(":") and lead < indent:
                return line.strip()
            if _YEAR_HEADER.search(line) and _GAP.search(line.strip()):
                return ""
        return ""

    # prose

    def _sentence(self, covered: Covered, missing: list[NumberToken], context: str = "") -> list[Record] | str:
        """A sentence, or a table row without a year header (`context`: its table's title)."""
        unit = covered.unit
        body = self.text[unit.start : unit.end]
        codes = [(m.start() + unit.start, m.end() + unit.start) for m in _HTS.finditer(body)]
        read = self.read(unit.start, unit.end)
        tokens = [
            read[t.start]
            for t in missing
            if t.start in read and not read[t.start].year and read[t.start].notation != "word"
            if not _is_footnote(self.text, t) and not any(a <= t.start < b for a, b in codes)
        ]
        if not tokens:
            return "no value: only years, dates, codes, footnote markers or number words (an event, or coverage_ignore)"
        if re.match(r"\s*Import Sources\b", body):
            return self._import_shares(covered, tokens) or "an import-sources list draft cannot read"
        money = [t for t in tokens if t.unit == "currency"]
        if money and _DEAL_ANY.search(body):
            return [self._deal(covered, t) for t in money]
        rates = [t for t in tokens if t.unit in ("percent", "cents-per-kg")]
        kinds = [k for k, words in _MEASURE_WORDS.items() if re.search(words, f"{body} {context}", re.I)]
        if rates and kinds:
            return [self._measure_record(covered, t, kinds[0]) for t in rates]
        return [self._prose_figure(covered, low, high) for low, high in _ranges(self.text, tokens)]

    def read(self, start: int, end: int) -> dict[int, Token]:
        """`verify`'s reading of text[start:end], each token by its offset in the whole text."""
        return {
            start + t.start: replace(t, start=start + t.start, end=start + t.end) for t in read_quote(self.text[start:end], self.language)
        }

    def _span(self, covered: Covered, token: Token, whole: bool = False) -> tuple[int, int]:
        """The quote: from the sentence's start (or its clause's, after a ";") to the number and its unit word."""
        unit = covered.unit
        if whole or _GAP.search(self.text[unit.start : unit.end]):
            return unit.start, unit.end  # a table row: all of it, as its cells line up
        start = unit.start
        clause = self.text.rfind(";", unit.start, token.start)
        if clause != -1:
            start = clause + 1 + len(self.text[clause + 1 : token.start]) - len(self.text[clause + 1 : token.start].lstrip())
        end = token.end
        if token.unit_word and self.text.startswith(token.unit_word, self.text.find(token.unit_word, token.end)):
            end = self.text.find(token.unit_word, token.end) + len(token.unit_word)
        return start, min(end, unit.end)

    def _dated(self, covered: Covered) -> str | None:
        body = self.text[covered.unit.start : covered.unit.end]
        period = _PERIOD.search(body)
        if period:
            first, last = period.groups()
            return f"{first}/{first[:2] + last if len(last) == 2 else last}"
        year = next(
            (t.text for t in self.read(covered.unit.start, covered.unit.end).values() if t.year == "a year" and len(t.text) == 4), None
        )
        return year

    def _cited(self, record: Record, covered: Covered, span: tuple[int, int]) -> Record:
        """The record citing `span`; where a field does not bind to it as verify binds fields (a decrease
        word after the number), the whole sentence instead."""
        record["citations"] = [self.citation(*span)]
        if self.unbound(record) and span != (covered.unit.start, covered.unit.end):
            record["citations"] = [self.citation(covered.unit.start, covered.unit.end)]
        return record

    def unbound(self, record: Record) -> list[str]:
        quotes = [Quote(i, c["quote"], self.language) for i, c in enumerate(record["citations"])]
        found = (bind_field(record, name, value, quotes) for name, value in record_values(record, VOCAB["value_fields"][record["kind"]]))
        return [b.problem for b in found if b.problem]

    def _prose_figure(self, covered: Covered, token: Token, upper: Token | None) -> Record:
        start, end = self._span(covered, upper or token)
        quote = self.text[start:end]
        named = countries_in(quote) or countries_in(self.text[covered.unit.start : covered.unit.end])
        checks = ["subject" + (f" (the country named: {display_name(named[0])})" if len(named) == 1 else "")]
        measure, _ = self.measure(quote)
        record = self._figure(named[0] if len(named) == 1 else None, measure, self._dated(covered), checks)
        record.update(_qualified(token, "value"))
        if upper is not None:
            record["value_max"] = _number(upper.value)
        written = token.unit or (upper.unit if upper else None)  # "4 - 5 Milliarden US-Dollar": the range's unit
        record["unit"] = _FIGURE_UNITS.get(written or "", placeholder("unit"))
        checks += ["measure" + (f" (guessed {measure})" if measure else ""), "unit", "date", *_notation_check(token)]
        return self._finish(self._cited(record, covered, (start, end)), checks, covered.unit.line)

    def _import_shares(self, covered: Covered, tokens: list[Token]) -> list[Record]:
        unit = covered.unit
        date = self._dated(covered)
        body = self.text[unit.start : unit.end]
        forms_match = re.search(r"\):\s*(.*?):\d*\s", body, re.S)
        forms = " ".join(forms_match.group(1).split()).lower() if forms_match else None
        records = []
        for token in tokens:
            if token.unit != "percent":
                continue
            head = self.text[
                max(
                    unit.start, self.text.rfind(";", unit.start, token.start) + 1, self.text.rfind(":", unit.start, token.start) + 1
                ) : token.start
            ]
            name = re.sub(r"^\s*(?:\d+\s+)?(?:and\s+)?", "", head).strip().rstrip(",")
            partner = subject_of(name)
            partner = "other" if partner in ("other", "unspecified") else partner
            checks = [
                f"partner (read from {name.strip()!r})",
                "importer" + (f" ({self.home}, the country of the salient statistics)" if self.home else ""),
            ]
            record: Record = {
                "kind": "import_share",
                "id": self.new_id("import-share", partner or "partner", date),
                "summary": f"{_name(partner) if partner else 'A partner'} supplied {shown_number(token.value)}% of imports"
                + (f" ({forms})" if forms else "")
                + (f" in {date.replace('/', '–')}" if date else "")
                + ".",
                "importer": self.home or placeholder("importer"),
                "partner": partner or placeholder("partner"),
                **_qualified(token, "share_pct"),
                "forms": forms or placeholder("forms"),
                "date": date or placeholder("date"),
            }
            if self.home:
                record["country"] = self.home
            checks += ["forms", "date (the period in parentheses)", *_notation_check(token)]
            span = (unit.start, self._span(covered, token)[1])
            records.append(self._finish(self._cited(record, covered, span), checks, unit.line))
        return records

    def _deal(self, covered: Covered, token: Token) -> Record:
        body = self.text[covered.unit.start : covered.unit.end]
        kind = next((k for k, words in _DEAL_WORDS.items() if re.search(words, body, re.I)), None)
        named, date = countries_in(body), self._dated(covered)
        record: Record = {
            "kind": "deal",
            "id": self.new_id(kind or "deal", date),
            "summary": f"A {kind or 'deal'} of US$ {shown_number(token.value)}" + (f" ({date})" if date else "") + ".",
            "deal_kind": kind or placeholder("deal_kind"),
            "parties": [{"org": placeholder("org")}],
            **_qualified(token, "amount_usd"),
        }
        if date:
            record["date"] = date
        if len(named) == 1:
            record["country"] = named[0]
        checks = ["deal_kind" + (f" (from the word for {kind})" if kind else ""), "parties (organisation ids)", "date", "country", "status"]
        checks += _notation_check(token)
        return self._finish(self._cited(record, covered, self._span(covered, token)), checks, covered.unit.line)

    def _measure_record(self, covered: Covered, token: Token, kind: str) -> Record:
        body = self.text[covered.unit.start : covered.unit.end]
        if token.unit == "cents-per-kg":
            name = "rate_cents_per_kg"
        elif kind == "tariff":
            name = "additional_duty_pct" if token.increase_word or _ADDITIONAL.search(body) else "rate_pct"
        else:
            name = "change_pct"
        fields = _qualified(token, name)
        named = countries_in(body)
        code = _HTS.search(body)
        unit = " ¢/kg" if name == "rate_cents_per_kg" else " %"
        record: Record = {
            "kind": "measure",
            "id": self.new_id(kind, code.group() if code else None, self._dated(covered)),
            "summary": f"A {kind.replace('-', ' ')}: {_MEASURE_FIELDS[name]} {shown_number(fields[name])}{unit}.",
            "measure_kind": kind,
            "country": _first(named) or self.home or placeholder("country"),
            **fields,
        }
        if code:
            record["hts_code"] = code.group()
            label = _segments(body)[0][2]
            if label != code.group():
                record["products"] = label
                record["summary"] = f"{label} (HTS {code.group()}): {record['summary'][2:]}"
        date = self._dated(covered)
        if date:
            record["date"] = date
        checks = [
            f"measure_kind (from the word for {kind})",
            f"{name} (its sign and field)",
            "country (who imposes it)",
            "target_country",
            "date",
        ]
        return self._finish(self._cited(record, covered, self._span(covered, token)), checks, covered.unit.line)

    # shared shaping

    def _figure(self, subject: str | None, measure: str | None, date: str | None, checks: list[str]) -> Record:
        record: Record = {"kind": "figure", "id": self.new_id(measure or "figure", subject, date), "summary": ""}
        if date:
            record["date"] = date
        else:
            checks.append("date (none found)")
        record.update({"subject": subject or placeholder("subject"), "measure": measure or placeholder("measure")})
        if subject and subject in COUNTRIES:
            record["country"] = subject
        return record

    def _finish(self, record: Record, checks: list[str], line: int) -> Record:
        if record["kind"] == "figure":
            record["summary"] = _figure_summary(record, self.source_id)
        record["notes"] = [_note([f"line {line} of {self.source_id}", "summary", *checks])]
        return {name: record[name] for name in VOCAB["fields"][record["kind"]] if name in record}


@dataclass(frozen=True)
class _Header:
    """A text table's header: the year line, the column-label lines around it, and the span a header quote cites."""

    doc: _Doc
    segments: list[tuple[int, int, str]]
    lines: list[int]
    span: tuple[int, int]

    @property
    def title(self) -> str:
        return " ".join(s[2] for s in self.segments if not _YEAR_HEADER.fullmatch(s[2]))

    def year_at(self, end: int) -> tuple[str | None, str | None]:
        """The year (and its header as written) of the column whose right edge is at `end`."""
        for _, right, text in self.segments:
            match = _YEAR_HEADER.fullmatch(text)
            if match and abs(right - end) <= _ALIGN:
                return match.group(1), text
        return None, None

    def words_over(self, end: int) -> str:
        """The column labels over a cell: on each label line, the segment spanning its right edge, else
        the nearest one starting left of it."""
        found = []
        for i in self.lines:
            segments = [(a, b, t) for a, b, t in _segments(self.doc.lines[i]) if not _YEAR_HEADER.fullmatch(t)]
            over = [t for a, b, t in segments if a - _ALIGN <= end <= b + _ALIGN]
            left = [t for a, _, t in segments if a <= end]
            if over or left:
                found.append((over or left)[-1])
        return " ".join(found)


def _segments(line: str) -> list[tuple[int, int, str]]:
    """(start column, end column, text) of each column of a layout-preserved line."""
    return [(m.start(), m.end(), m.group()) for m in _SEGMENT.finditer(line)]


def _stem(word: str, part: str) -> bool:
    """A text word matches a measure's word when it starts with it ("concentrates", "productione",
    "Reserves10" read as "reserves"), or abbreviates it ("prod")."""
    return word.startswith(part) or (len(word) >= 4 and part.startswith(word))


def _ranges(text: str, tokens: list[Token]) -> list[tuple[Token, Token | None]]:
    """Numbers paired where the text joins two into a range ("0,13% - 0,15%", "4 bis 5"), else alone."""
    found: list[tuple[Token, Token | None]] = []
    for token in tokens:
        if found and found[-1][1] is None and _RANGE.fullmatch(text, found[-1][0].end, token.start):
            found[-1] = (found[-1][0], token)
        else:
            found.append((token, None))
    return found


def _notation_check(token: Token) -> list[str]:
    """Where the other notation reads the digits otherwise ("1.216 Millionen": 1,216 million in German
    notation, 1.216 million in English), the curator must say which the source means."""
    if token.other is None:
        return []
    return [
        f"{token.text!r} is {shown_number(token.value)} in {token.notation} notation, {shown_number(token.other)} in the other (a slip?)"
    ]


def _qualified(token: Token, name: str) -> Record:
    """A field from a token as verify reads it: its value in the source's notation, signed where a
    minus sign (or, for a change, a decrease word) says so, with its bound and hedge words."""
    down = token.negative or (name == "change_pct" and token.decrease_word is not None and token.increase_word is None)
    fields: Record = {name: _number(-token.value if down else token.value)}
    if token.bound and name == "value":
        fields["comparator"] = token.bound
    if token.approx_word:
        fields["approximate"] = [name]
    return fields


def _is_year_header(line: str) -> bool:
    """A table's header line: years as its only numbers (beside a title such as "Salient Statistics—United States:")."""
    cells = [s for _, _, s in _segments(line)]
    years = [s for s in cells if _YEAR_HEADER.fullmatch(s)]
    return bool(years) and all(s in years or (reading(s) is None and s != "—") for s in cells)


def _is_footnote(text: str, token: NumberToken) -> bool:
    """A footnote marker stands glued to a word or a comma ("China,8", "forms:1", "Reserves10")."""
    before = text[token.start - 1 : token.start]
    return len(token.text) <= 2 and bool(before) and (before.isalpha() or before in ",:") and text[token.end : token.end + 1] != "%"


def _date(years: tuple[int, int] | None) -> str | None:
    if years is None:
        return None
    return str(years[0]) if years[0] == years[1] else f"{years[0]}/{years[1]}"


def _reading_fields(found: Reading, written: str) -> Record:
    """A cell's reading as figure fields: value and comparator, or why there is no value."""
    value, comparator, unavailable = found
    if unavailable is not None or value is None:
        return {"unavailable": unavailable, "as_written": written}
    fields: Record = {"value": _number(value)}
    if comparator:
        fields.update(comparator=comparator, as_written=written)
    return fields


def _unit_of(context: str, default: str | None) -> str:
    words = set(_words(context))
    if words & {"percentage", "percent", "pct", "nir"}:
        return "pct"
    if "dollars" in words and "unit" in words:
        return "usd_per_mtu_wo3"
    if "dollars" in words:
        return "usd"
    return default or placeholder("unit")


def _name(code: str) -> str:
    """A country's name for a summary, "Other countries" and "The world" for the aggregates."""
    return display_name(code) or {"other": "Other countries", "world": "The world"}.get(code, code)


def shown_number(value: float) -> str:
    """A number as a summary or table shows it: thousands grouped, whole numbers without ".0"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _figure_summary(record: Record, source_id: str) -> str:
    name = _name(record["subject"])
    what = record["measure"].replace("-", " ") if not record["measure"].startswith("<") else "a figure"
    when = f" in {record['date'].replace('/', '–')}" if record.get("date") else ""
    if record.get("unavailable"):
        stated = f"{record['unavailable'].replace('-', ' ')} ({record['as_written']})"
    else:
        unit = {"t": " t", "pct": " %", "usd": " US$"}.get(record.get("unit", ""), "")
        stated = (
            (record.get("comparator") or "") + shown_number(record["value"]) + unit + (" (estimated)" if record.get("estimated") else "")
        )
    return f"{source_id}: {what} of {name}{when}, {stated}."
