"""One source's text or table read into proposals: a record for each uncited table cell, table row or sentence."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from tungsten_cli import draft_guess
from tungsten_cli.binding import Quote, bind_field, record_values
from tungsten_cli.countries import display_name
from tungsten_cli.coverage import Covered
from tungsten_cli.quotes import NumberToken, Token, read_quote
from tungsten_cli.records import FactSet, Record
from tungsten_cli.tables import Cell, cell_years, find_cell, is_table_file, reading
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.verify import anchor_problem, estimate_rule
from tungsten_cli.vocabulary import COUNTRIES, VOCAB


class Doc:
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
        self.home = draft_guess.first_code(draft_guess.countries_in(statistics.group(1))) if statistics else None

    # measures and ids

    def measure(self, *contexts: str) -> tuple[str | None, bool]:
        """The best-matching measure the facts already use for the first context that matches one, and
        whether a header word carries USGS's estimate mark (`productione`)."""
        for context in contexts:
            found = draft_guess.words_of(context)
            best, score = None, 0
            for slug in self.measures:
                parts = [p for p in slug.split("-") if p != "tungsten"]
                if parts and len(parts) > score and all(any(draft_guess.stem(w, p) for w in found) for p in parts):
                    best, score = slug, len(parts)
            if best is not None:
                marked = any(w.endswith("e") and w[:-1] in best.split("-") for w in found)
                return best, marked
        return None, False

    def new_id(self, *parts: object) -> str:
        base = draft_guess.slug_of("-".join(str(p) for p in (self.source_id, *parts) if p))
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
        passage = covered.passage
        missing = [t for t, held in zip(passage.tokens, covered.held_by) if not held and t.text in covered.missing]
        if passage.cell is not None and self.table is not None:
            return self._csv_cell(covered)
        line = self.lines[passage.line - 1]
        if passage.end - passage.start == len(line.strip()) and draft_guess.GAP.search(line.strip()):
            if draft_guess.is_year_header(line):
                return "a table's year header: the records of the cells under it cite it"
            return self._row(covered, missing)
        return self._sentence(covered, missing)

    # CSV cells

    def _csv_cell(self, covered: Covered) -> list[Record] | str:
        assert self.table is not None and covered.passage.cell is not None
        line, column = covered.passage.cell
        row = next(r for r in self.table.rows if r.line == line)
        keys = {k: self.table.value(row, k) for k in self.source.get("key_columns") or []}
        cell = find_cell(self.table, self.source, {"row": keys, "column": column})
        found = reading(cell.text)
        if found is None:
            return "a text cell (a note), not a value"
        checks = []
        labels = " ".join(v for k, v in keys.items() if not draft_guess.YEAR.fullmatch(v))
        subject = next((s for s in map(draft_guess.subject_of, keys.values()) if s), None)
        if subject is None:
            subject = draft_guess.first_code(draft_guess.countries_in(f"{self.source.get('title', '')} {self.source.get('table', '')}"))
            checks.append("subject (from the source's title)" if subject else "subject")
        measure, _ = self.measure(column, f"{column} {labels}")
        years = cell_years(self.table, cell)
        record = self._figure(subject, measure, draft_guess.date_of(years), checks)
        record.update(draft_guess.reading_fields(found, cell.text))
        if any("(rounded)" in text for text in row.cells):  # verify's rounding rule: a "(rounded)" row hedges its values
            record["approximate"] = ["value"]
        estimate = self._estimate(cell, record)
        if estimate is not None:
            checks.append(f"estimated: {estimate}")
        record["unit"] = draft_guess.unit_of(f"{column} {labels}", "t" if "t" in column.lower().split("_") else self.default_unit)
        if record["unit"] == "t" and re.search(r"tungsten content|contained tungsten", labels):
            record["basis"] = "W"
        record["citations"] = [{"source": self.source_id, "row": keys, "column": column, "quote": cell.text, "line": row.line}]
        checks += [f"measure (from column {column!r})", f"unit ({record['unit']})", "basis"]
        return [self._finish(record, checks, covered.passage.line)]

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
        passage = covered.passage
        number = passage.line - 1
        line = self.lines[number]
        segments = draft_guess.segments_of(line)
        label = segments[0][2] if reading(segments[0][2]) is None and segments[0][2] != "—" else ""
        header = self._header(number)
        if header is None:
            return self._sentence(covered, missing, self._title(number))
        section = self._section(number, segments[0][0])
        subject = draft_guess.subject_of(label) if label else None
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
                cell_subject = draft_guess.first_code(draft_guess.countries_in(title)) or self.home
                checks.append(f"subject (from {title.strip()!r})" if cell_subject else "subject")
                measure, marked = self.measure(f"{section} {label}", f"{over} {section} {label} {title}")
            else:
                cell_subject = subject
                measure, marked = self.measure(over, f"{over} {section}")
            record = self._figure(cell_subject, measure, year, checks)
            record.update(draft_guess.reading_fields(found, cell) if found else {"value": 0, "as_written": "—"})
            token = next((t for at, t in read.items() if start <= at - self.offsets[number] < end), None)
            if token is not None and token.approx_word:
                record["approximate"] = ["value"]
                checks.append(f"approximate (the row says {token.approx_word!r})")
            if marked or (year_header or "").endswith("e"):
                record["estimated"] = True
                checks.append("estimated (an 'e' mark in the header)")
            context = f"{label} {section} {over} {title}"
            record["unit"] = draft_guess.unit_of(context, self.default_unit)
            if record["unit"] == "t" and self.default_basis:
                record["basis"] = self.default_basis
            lead = len(line) - len(line.lstrip())
            record["citations"] = [self.citation(self.offsets[number] + lead, self.offsets[number] + len(line.rstrip()))]
            if year_header:
                record["citations"].append({**self.citation(*header.span), "year_header": year_header})
            named_by = (f"{section} {label}" if subject is None else over or section).strip()
            checks += [f"measure (from {named_by!r})", f"unit and basis ({record['unit']}, from the page head)"]
            records.append(self._finish(record, checks, passage.line))
        return records or "a table row whose numbers draft cannot place under a header"

    def _title(self, number: int) -> str:
        """The title of the table a row without a year header sits in: the nearest line above whose
        first column ends in a colon ("Tariff:   Item   Number ...")."""
        for i in range(number - 1, max(-1, number - draft_guess.SCAN), -1):
            segments = draft_guess.segments_of(self.lines[i])
            if segments and segments[0][2].endswith(":") and len(segments) > 1:
                return " ".join(s[2] for s in segments)
        return ""

    def _header(self, number: int) -> _Header | None:
        """The year header above a table row: the nearest line above with a year column, and the layout lines
        between (column labels); a line of prose ending a sentence stops the search."""
        between: list[int] = []
        for i in range(number - 1, max(-1, number - draft_guess.SCAN), -1):
            line = self.lines[i]
            stripped = line.strip()
            if not stripped:
                continue
            segments = draft_guess.segments_of(line)
            if any(draft_guess.YEAR_HEADER.fullmatch(s[2]) for s in segments):
                above = self.lines[i - 1] if i > 0 else ""
                top = i - 1 if above.strip() and draft_guess.GAP.search(above.strip()) and not draft_guess.YEAR_HEADER.search(above) else i
                first = self.offsets[top] + len(self.lines[top]) - len(self.lines[top].lstrip())
                labels = [i, *between] + ([top] if top != i else [])
                return _Header(self, segments, labels, (first, self.offsets[i] + len(line.rstrip())))
            if stripped.endswith(".") and not draft_guess.GAP.search(stripped):
                return None
            column_labels = len(segments) > 1 or not stripped.endswith(":")  # a lone "Production:" is a section (_section)
            if column_labels and not any(reading(text) is not None or text == "—" for _, _, text in segments):
                between.append(i)  # column labels ("Potential   disposals"), not a data row above this one
        return None

    def _section(self, number: int, indent: int) -> str:
        """The label a row sits under ("Production:" above "Mine"): the nearest less-indented line ending in a colon."""
        for i in range(number - 1, max(-1, number - draft_guess.SCAN), -1):
            line = self.lines[i]
            lead = len(line) - len(line.lstrip())
            if line.strip().endswith(":") and lead < indent:
                return line.strip()
            if draft_guess.YEAR_HEADER.search(line) and draft_guess.GAP.search(line.strip()):
                return ""
        return ""

    # prose

    def _sentence(self, covered: Covered, missing: list[NumberToken], context: str = "") -> list[Record] | str:
        """A sentence, or a table row without a year header (`context`: its table's title)."""
        passage = covered.passage
        body = self.text[passage.start : passage.end]
        codes = [(m.start() + passage.start, m.end() + passage.start) for m in draft_guess.HTS_CODE.finditer(body)]
        read = self.read(passage.start, passage.end)
        tokens = [
            read[t.start]
            for t in missing
            if t.start in read and not read[t.start].year and read[t.start].notation != "word"
            if not draft_guess.is_footnote(self.text, t) and not any(a <= t.start < b for a, b in codes)
        ]
        if not tokens:
            return "no value: only years, dates, codes, footnote markers or number words (an event, or coverage_ignore)"
        if re.match(r"\s*Import Sources\b", body):
            return self._import_shares(covered, tokens) or "an import-sources list draft cannot read"
        money = [t for t in tokens if t.unit == "currency"]
        if money and draft_guess.DEAL_ANY.search(body):
            return [self._deal(covered, t) for t in money]
        rates = [t for t in tokens if t.unit in ("percent", "cents-per-kg")]
        kinds = [k for k, words in draft_guess.MEASURE_WORDS.items() if re.search(words, f"{body} {context}", re.I)]
        if rates and kinds:
            return [self._measure_record(covered, t, kinds[0]) for t in rates]
        return [self._prose_figure(covered, low, high) for low, high in draft_guess.ranges(self.text, tokens)]

    def read(self, start: int, end: int) -> dict[int, Token]:
        """`verify`'s reading of text[start:end], each token by its offset in the whole text."""
        return {
            start + t.start: replace(t, start=start + t.start, end=start + t.end) for t in read_quote(self.text[start:end], self.language)
        }

    def _span(self, covered: Covered, token: Token, whole: bool = False) -> tuple[int, int]:
        """The quote: from the sentence's start (or its clause's, after a ";") to the number and its unit word."""
        passage = covered.passage
        if whole or draft_guess.GAP.search(self.text[passage.start : passage.end]):
            return passage.start, passage.end  # a table row: all of it, as its cells line up
        start = passage.start
        clause = self.text.rfind(";", passage.start, token.start)
        if clause != -1:
            start = clause + 1 + len(self.text[clause + 1 : token.start]) - len(self.text[clause + 1 : token.start].lstrip())
        end = token.end
        if token.unit_word and self.text.startswith(token.unit_word, self.text.find(token.unit_word, token.end)):
            end = self.text.find(token.unit_word, token.end) + len(token.unit_word)
        return start, min(end, passage.end)

    def _dated(self, covered: Covered) -> str | None:
        body = self.text[covered.passage.start : covered.passage.end]
        period = draft_guess.PERIOD.search(body)
        if period:
            first, last = period.groups()
            return f"{first}/{first[:2] + last if len(last) == 2 else last}"
        year = next(
            (t.text for t in self.read(covered.passage.start, covered.passage.end).values() if t.year == "a year" and len(t.text) == 4),
            None,
        )
        return year

    def _cited(self, record: Record, covered: Covered, span: tuple[int, int]) -> Record:
        """The record citing `span`; where a field does not bind to it as verify binds fields (a decrease
        word after the number), the whole sentence instead."""
        record["citations"] = [self.citation(*span)]
        if self.unbound(record) and span != (covered.passage.start, covered.passage.end):
            record["citations"] = [self.citation(covered.passage.start, covered.passage.end)]
        return record

    def unbound(self, record: Record) -> list[str]:
        quotes = [Quote(i, c["quote"], self.language) for i, c in enumerate(record["citations"])]
        found = (bind_field(record, name, value, quotes) for name, value in record_values(record, VOCAB["value_fields"][record["kind"]]))
        return [b.problem for b in found if b.problem]

    def _prose_figure(self, covered: Covered, token: Token, upper: Token | None) -> Record:
        start, end = self._span(covered, upper or token)
        quote = self.text[start:end]
        named = draft_guess.countries_in(quote) or draft_guess.countries_in(self.text[covered.passage.start : covered.passage.end])
        checks = ["subject" + (f" (the country named: {display_name(named[0])})" if len(named) == 1 else "")]
        measure, _ = self.measure(quote)
        record = self._figure(named[0] if len(named) == 1 else None, measure, self._dated(covered), checks)
        record.update(draft_guess.qualified(token, "value"))
        if upper is not None:
            record["value_max"] = draft_guess.whole_number(upper.value)
        written = token.unit or (upper.unit if upper else None)  # "4 - 5 Milliarden US-Dollar": the range's unit
        record["unit"] = draft_guess.FIGURE_UNITS.get(written or "", draft_guess.placeholder("unit"))
        checks += ["measure" + (f" (guessed {measure})" if measure else ""), "unit", "date", *draft_guess.notation_check(token)]
        return self._finish(self._cited(record, covered, (start, end)), checks, covered.passage.line)

    def _import_shares(self, covered: Covered, tokens: list[Token]) -> list[Record]:
        passage = covered.passage
        date = self._dated(covered)
        body = self.text[passage.start : passage.end]
        forms_match = re.search(r"\):\s*(.*?):\d*\s", body, re.S)
        forms = " ".join(forms_match.group(1).split()).lower() if forms_match else None
        records = []
        for token in tokens:
            if token.unit != "percent":
                continue
            head = self.text[
                max(
                    passage.start,
                    self.text.rfind(";", passage.start, token.start) + 1,
                    self.text.rfind(":", passage.start, token.start) + 1,
                ) : token.start
            ]
            name = re.sub(r"^\s*(?:\d+\s+)?(?:and\s+)?", "", head).strip().rstrip(",")
            partner = draft_guess.subject_of(name)
            partner = "other" if partner in ("other", "unspecified") else partner
            checks = [
                f"partner (read from {name.strip()!r})",
                "importer" + (f" ({self.home}, the country of the salient statistics)" if self.home else ""),
            ]
            record: Record = {
                "kind": "import_share",
                "id": self.new_id("import-share", partner or "partner", date),
                "summary": f"{draft_guess.country_name(partner) if partner else 'A partner'} supplied {draft_guess.shown_number(token.value)}% of imports"
                + (f" ({forms})" if forms else "")
                + (f" in {date.replace('/', '–')}" if date else "")
                + ".",
                "importer": self.home or draft_guess.placeholder("importer"),
                "partner": partner or draft_guess.placeholder("partner"),
                **draft_guess.qualified(token, "share_pct"),
                "forms": forms or draft_guess.placeholder("forms"),
                "date": date or draft_guess.placeholder("date"),
            }
            if self.home:
                record["country"] = self.home
            checks += ["forms", "date (the period in parentheses)", *draft_guess.notation_check(token)]
            span = (passage.start, self._span(covered, token)[1])
            records.append(self._finish(self._cited(record, covered, span), checks, passage.line))
        return records

    def _deal(self, covered: Covered, token: Token) -> Record:
        body = self.text[covered.passage.start : covered.passage.end]
        kind = next((k for k, words in draft_guess.DEAL_WORDS.items() if re.search(words, body, re.I)), None)
        named, date = draft_guess.countries_in(body), self._dated(covered)
        record: Record = {
            "kind": "deal",
            "id": self.new_id(kind or "deal", date),
            "summary": f"A {kind or 'deal'} of US$ {draft_guess.shown_number(token.value)}" + (f" ({date})" if date else "") + ".",
            "deal_kind": kind or draft_guess.placeholder("deal_kind"),
            "parties": [{"org": draft_guess.placeholder("org")}],
            **draft_guess.qualified(token, "amount_usd"),
        }
        if date:
            record["date"] = date
        if len(named) == 1:
            record["country"] = named[0]
        checks = ["deal_kind" + (f" (from the word for {kind})" if kind else ""), "parties (organisation ids)", "date", "country", "status"]
        checks += draft_guess.notation_check(token)
        return self._finish(self._cited(record, covered, self._span(covered, token)), checks, covered.passage.line)

    def _measure_record(self, covered: Covered, token: Token, kind: str) -> Record:
        body = self.text[covered.passage.start : covered.passage.end]
        if token.unit == "cents-per-kg":
            name = "rate_cents_per_kg"
        elif kind == "tariff":
            name = "additional_duty_pct" if token.increase_word or draft_guess.ADDITIONAL.search(body) else "rate_pct"
        else:
            name = "change_pct"
        fields = draft_guess.qualified(token, name)
        named = draft_guess.countries_in(body)
        code = draft_guess.HTS_CODE.search(body)
        unit = " ¢/kg" if name == "rate_cents_per_kg" else " %"
        record: Record = {
            "kind": "measure",
            "id": self.new_id(kind, code.group() if code else None, self._dated(covered)),
            "summary": f"A {kind.replace('-', ' ')}: {draft_guess.MEASURE_FIELDS[name]} {draft_guess.shown_number(fields[name])}{unit}.",
            "measure_kind": kind,
            "country": draft_guess.first_code(named) or self.home or draft_guess.placeholder("country"),
            **fields,
        }
        if code:
            record["hts_code"] = code.group()
            label = draft_guess.segments_of(body)[0][2]
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
        return self._finish(self._cited(record, covered, self._span(covered, token)), checks, covered.passage.line)

    # shared shaping

    def _figure(self, subject: str | None, measure: str | None, date: str | None, checks: list[str]) -> Record:
        record: Record = {"kind": "figure", "id": self.new_id(measure or "figure", subject, date), "summary": ""}
        if date:
            record["date"] = date
        else:
            checks.append("date (none found)")
        record.update({"subject": subject or draft_guess.placeholder("subject"), "measure": measure or draft_guess.placeholder("measure")})
        if subject and subject in COUNTRIES:
            record["country"] = subject
        return record

    def _finish(self, record: Record, checks: list[str], line: int) -> Record:
        if record["kind"] == "figure":
            record["summary"] = draft_guess.figure_summary(record, self.source_id)
        record["notes"] = [draft_guess.draft_note([f"line {line} of {self.source_id}", "summary", *checks])]
        return {name: record[name] for name in VOCAB["fields"][record["kind"]] if name in record}


@dataclass(frozen=True)
class _Header:
    """A text table's header: the year line, the column-label lines around it, and the span a header quote cites."""

    doc: Doc
    segments: list[tuple[int, int, str]]
    lines: list[int]
    span: tuple[int, int]

    @property
    def title(self) -> str:
        return " ".join(s[2] for s in self.segments if not draft_guess.YEAR_HEADER.fullmatch(s[2]))

    def year_at(self, end: int) -> tuple[str | None, str | None]:
        """The year (and its header as written) of the column whose right edge is at `end`."""
        for _, right, text in self.segments:
            match = draft_guess.YEAR_HEADER.fullmatch(text)
            if match and abs(right - end) <= draft_guess.ALIGN:
                return match.group(1), text
        return None, None

    def words_over(self, end: int) -> str:
        """The column labels over a cell: on each label line, the segment spanning its right edge, else
        the nearest one starting left of it."""
        found = []
        for i in self.lines:
            segments = [(a, b, t) for a, b, t in draft_guess.segments_of(self.doc.lines[i]) if not draft_guess.YEAR_HEADER.fullmatch(t)]
            over = [t for a, b, t in segments if a - draft_guess.ALIGN <= end <= b + draft_guess.ALIGN]
            left = [t for a, _, t in segments if a <= end]
            if over or left:
                found.append((over or left)[-1])
        return " ".join(found)
