"""`tungsten report --html`: one self-contained page (inline CSS, JS and SVG) where every number leads to its quote.

Built with string.Template and html.escape from the standard library: the page has one shape, so
a template engine would add an import and a dependency for little. Every piece of pack text goes
through `_e` (control characters escaped, then HTML-escaped); URLs are linked only when http(s).
Without JavaScript each number is a link to its evidence entry; with it, hovering or focusing a
number shows that entry beside it and a click pins it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from string import Template
from typing import IO, NamedTuple

from tungsten_cli.errors import UsageError
from tungsten_cli.quantity import number, pct, usd
from tungsten_cli.records import Record
from tungsten_cli.render.chart import Panel, panels, scale_of
from tungsten_cli.render.text import (
    CONTRADICTED_MARK,
    NOTE_MARK,
    clean,
    field_text,
    figure_value,
    grade_text,
    hedge,
    note_mark,
    parties_short,
    reserves_text,
    value_text,
)

_TEMPLATE = Path(__file__).with_name("report.html")


def _e(value: object) -> str:
    return html.escape(clean("" if value is None else str(value)), quote=True)


# What each note mark says on the page: its tooltip, and its label in the evidence list.
_MARKS = {CONTRADICTED_MARK: ("contra", "contradicted by an outside reference"), NOTE_MARK: ("", "curator notes")}


def _mark(record: Record, tag: str, *, label: bool = False) -> str:
    """The record's note mark as an HTML element (`sup` beside a number, `span` in the evidence list)."""
    mark = note_mark(record)
    if not mark:
        return ""
    cls, meaning = _MARKS[mark]
    text = f"{mark} {meaning}" if label else mark
    return f'<{tag} class="{f"mark {cls}".rstrip()}" title="{meaning}">{text}</{tag}>'


def _date(value: object) -> str:
    """A date kept on one line: 2025-09 must not break at its hyphen."""
    return f'<span class="nw">{_e(value)}</span>' if value else ""


class _Page:
    """Collects which records the page cites, so the evidence list holds exactly those, each under
    the endnote number it got when the page first cited it (printed beside every number on paper)."""

    def __init__(self, records: dict[str, Record], sources: dict[str, Record]) -> None:
        self.records = records
        self.sources = sources
        self.cited: dict[str, int] = {}

    def note_no(self, record_id: str) -> int:
        """The record's endnote number, given in the order the page first cites records."""
        return self.cited.setdefault(record_id, len(self.cited) + 1)

    def num(self, record_id: str, text: str, *, cls: str = "num") -> str:
        """A number that reveals its evidence: a link without JS, a pop-up with it, an endnote number on paper."""
        if not text:
            return ""
        n = self.note_no(record_id)
        record = self.records.get(record_id, {})
        endnote = f'<sup class="en">{n}</sup>' if cls == "num" else ""
        return f'<a class="{cls}" href="#ev-{_e(record_id)}" data-ref="{_e(record_id)}">{_e(text)}</a>{_mark(record, "sup")}{endnote}'

    def ref(self, record_id: str | None) -> str:
        return self.num(record_id, record_id, cls="ref") if record_id else ""

    def table(self, headers: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
        """A table that becomes one card per row on a phone: each cell carries its column's label."""
        right = set(numeric)
        labels = [f' data-label="{_e(h)}"' for h in headers]
        head = "".join(f"<th{' class=r' if i in right else ''}>{_e(h)}</th>" for i, h in enumerate(headers))
        body = "".join(
            "<tr>" + "".join(f"<td{' class=r' if i in right else ''}{labels[i]}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
            for row in rows
        )
        return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def chart(self, records: list[Record], context: Collection[str] = (), note: str = "") -> str:
        """Bars, one panel per basis; each bar and value is a number that reveals its quote. Rows
        whose id is in `context` are drawn apart (grey) as context, not the subject's own records."""
        try:
            found, _ = panels(records, keep_order=False)
        except UsageError:
            return ""
        return "".join(self._panel(panel, context, note) for panel in found)

    def _panel(self, panel: Panel, context: Collection[str], note: str) -> str:
        """HTML rows with an SVG bar each, so labels keep their CSS size at every width (a scaled
        SVG shrank them below 9 px on a phone); the bar's length is a percentage of its track."""
        scale = scale_of(panel.rows)
        rows = []
        for p in panel.rows:
            n = self.note_no(p.id)
            share = 0.0 if p.value is None or not scale else max(abs(p.value) / scale * 100, 0.5)
            cls = "bar neg" if p.value is not None and p.value < 0 else "bar"
            ctx = " ctx" if p.id in context else ""
            rows.append(
                f'<a href="#ev-{_e(p.id)}" data-ref="{_e(p.id)}" class="svgnum{ctx}"><span class="lbl">{_e(p.marked_label)}</span>'
                f'<svg class="track" aria-hidden="true"><rect class="{cls}" width="{share:.1f}%" height="100%" rx="2"/></svg>'
                f'<span class="val">{_e(p.text)}<sup class="en">{n}</sup></span></a>'
            )
        label_w = max(len(p.marked_label) for p in panel.rows) + 1
        value_w = max(len(p.text) for p in panel.rows) + 3
        caption = _e(panel.heading) + (f' <span class="ctxnote">{_e(note)}</span>' if note else "")
        return (
            f'<figure class="chart"><figcaption>{caption}</figcaption>'
            f'<div class="bars" style="--lw:{label_w}ch;--vw:{value_w}ch">' + "".join(rows) + "</div></figure>"
        )

    def evidence(self) -> str:
        """One entry per cited record: summary, quotes with their source, curator notes with references."""
        entries = []
        for record_id, n in self.cited.items():
            record = self.records.get(record_id)
            if record is None:
                continue
            quotes = "".join(self._quote(c) for c in record.get("citations", []))
            notes = "".join(self._note(n) for n in record.get("notes") or [])
            noted = f" {_mark(record, 'span', label=True)}" if notes else ""
            entries.append(
                f'<div class="ev{" noted" if notes else ""}" id="ev-{_e(record_id)}"><h3><span class="en-n">{n}</span><code>{_e(record_id)}</code>{noted}</h3>'
                f'<p class="sum">{_e(record.get("summary"))}</p>{quotes}' + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</div>"
            )
        return "".join(entries)

    def _quote(self, citation: Record) -> str:
        source = self.sources.get(citation.get("source", ""), {})
        where = ", ".join(_e(source.get(k)) for k in ("title", "publisher", "published") if source.get(k))
        lang = f' lang="{_e(source["language"])}"' if source.get("language") else ""
        return f'<blockquote{lang}>{_e(citation.get("quote", "").strip())}</blockquote><p class="src">— {where} (<code>{_e(citation.get("source"))}</code>)</p>'

    @staticmethod
    def _note(note: Record) -> str:
        ref = note.get("reference") or {}
        text = f"<li><b>{_e(note.get('kind'))}</b>: {_e(note.get('text'))}"
        if ref:
            label = ", ".join(_e(ref[k]) for k in ("publisher", "title", "date") if ref.get(k))
            url = str(ref.get("url") or "")
            if url.startswith(("https://", "http://")):
                label = f'<a href="{_e(url)}" rel="noreferrer">{label or _e(url)}</a>'
            text += f' <span class="refd">(reference: {label})</span>'
        return text + "</li>"


def _deposit_rows(page: _Page, rows: list[Record]) -> list[list[str]]:
    return [
        [
            f"<b>{_e(r['name'])}</b>",
            _e(r.get("country")),
            _e(r.get("region")),
            _e(r.get("status")),
            page.num(r["id"], reserves_text(r)),
            page.num(r["id"], grade_text(r)),
            page.ref(r["id"]),
        ]
        for r in rows
    ]


def _stake_bar(record: Record) -> str:
    """The ownership split of a joint venture as one stacked bar; each part's width is its stake, so
    the bar reads the same at every width (its text wraps inside a narrow part)."""
    parties = [p for p in record.get("parties") or [] if p.get("stake_pct") is not None]
    parts = [
        f'<span class="s{n % 3}" style="flex-grow:{p["stake_pct"]:g}">{_e(p.get("name") or p["org"])} {_e(pct(p["stake_pct"]))}</span>'
        for n, p in enumerate(parties)
    ]
    rest = 100 - sum(p["stake_pct"] for p in parties)
    if rest > 0:
        parts.append(f'<span class="rest" style="flex-grow:{rest:g}"></span>')
    return f'<div class="stakes" role="img" aria-label="ownership">{"".join(parts)}</div>' if parties else ""


def _stakes(page: _Page, record: Record) -> str:
    return " / ".join(page.num(record["id"], pct(p["stake_pct"])) for p in record["parties"] if p.get("stake_pct") is not None)


def _has_stakes(record: Record) -> bool:
    return any(p.get("stake_pct") is not None for p in record.get("parties") or [])


def _deal_kind(record: Record) -> str:
    return _e(str(record.get("deal_kind") or "deal").replace("-", " ").capitalize())


def _deals(page: _Page, rows: list[Record]) -> str:
    cards = "".join(
        f'<article class="featured"><h3>{_deal_kind(r)}: {_e(parties_short(r))}</h3>'
        f"{_stake_bar(r)}<p>{_e(r.get('date'))} · {_e(r.get('status') or 'status not stated')} · stakes {_stakes(page, r)}"
        + (f" · offtake {page.num(r['id'], pct(r['offtake_pct']))}" if r.get("offtake_pct") is not None else "")
        + f'</p><p class="sum">{_e(r.get("summary"))}</p></article>'
        for r in rows
        if _has_stakes(r)
    )
    table = page.table(
        ["date", "kind", "parties", "amount", "status", "record"],
        (
            [
                _date(r.get("date")),
                _e(r.get("deal_kind")),
                _e(parties_short(r)),
                page.num(r["id"], usd(r.get("amount_usd"))),
                _e(r.get("status")),
                page.ref(r["id"]),
            ]
            for r in rows
        ),
        numeric=[3],
    )
    return cards + table


def _share(r: Record) -> str:
    if r.get("share_of_world_pct") is None:
        return ""
    return (r.get("share_comparator") or ("~" if r.get("share_approximate") else "")) + pct(r["share_of_world_pct"])


def _context_note(rows: list[Record], subject: str) -> str:
    """What the grey bars are: whose figures, from which edition, and that they are not the subject's own."""
    editions = sorted({str(r.get("edition") or r["citations"][0]["source"]) for r in rows if r.get("context")})
    derived = " Its own figure is restated in W (derived) to share their scale." if any(r.get("derived") for r in rows) else ""
    return f"Grey: context from {', '.join(editions)} (the world total and the largest countries), not {subject}'s own records.{derived}"


def _figures(page: _Page, rows: list[Record], context: list[Record], subject: str) -> str:
    """A country's figures: drawn beside their context when the report has one, then the table of its own records."""
    if context:
        chart = page.chart(context, {r["id"] for r in context if r.get("context")}, _context_note(context, subject))
    else:
        chart = page.chart(rows)
    table = page.table(
        ["subject", "date", "value", "share of world", "basis", "source"],
        (
            [
                _e(r.get("subject")),
                _date(r.get("date")),
                page.num(r["id"], figure_value(r)),
                _e(_share(r)),
                _e(r.get("basis")),
                _e(r["citations"][0]["source"]),
            ]
            for r in rows
        ),
        numeric=[2, 3],
    )
    return chart + f"<details><summary>Table</summary>{table}</details>"


def _imports(page: _Page, rows: list[Record]) -> str:
    table = page.table(
        ["importer", "partner", "share", "period", "forms", "source"],
        (
            [
                _e(r["importer"]),
                _e(r["partner"]),
                page.num(r["id"], pct(r["share_pct"])),
                _date(r.get("date")),
                _e(r.get("forms")),
                _e(r["citations"][0]["source"]),
            ]
            for r in rows
        ),
        numeric=[2],
    )
    return page.chart(rows) + table


def _measures(page: _Page, rows: list[Record]) -> str:
    return page.table(
        ["measure", "country", "target", "rate / change", "date", "status", "summary"],
        (
            [
                _e(r.get("measure_kind")),
                _e(r.get("country")),
                _e(r.get("target_country")),
                page.num(r["id"], f"{r['rate_cents_per_kg']:g}¢/kg" if r.get("rate_cents_per_kg") is not None else value_text(r)),
                _date(r.get("date")),
                _e(r.get("status")),
                _e(r.get("summary")),
            ]
            for r in rows
        ),
        numeric=[3],
    )


def _corrections(page: _Page, rows: list[Record]) -> str:
    """What outside references correct, one row per note; the note's text is in the record's evidence entry."""
    return page.table(
        ["record", "stated", "error", "reference"],
        (
            [
                page.ref(r["id"]),
                page.num(r["id"], r.get("stated") or ""),
                _e(", ".join(r["errors"])),
                _e(", ".join(str(r[f"reference_{k}"]) for k in ("publisher", "date") if r.get(f"reference_{k}"))),
            ]
            for r in rows
        ),
    )


def _conflicts(page: _Page, rows: list[Record]) -> str:
    return page.table(
        ["quantity", "value", "unit", "basis", "source", "record"],
        (
            [
                _e(r["quantity"]),
                page.num(r["id"], (r.get("comparator") or "") + number(r["value"]) if r.get("value") is not None else ""),
                _e(r.get("unit")),
                _e(r.get("basis")),
                _e(r.get("source")),
                page.ref(r["id"]),
            ]
            for r in rows
        ),
        numeric=[1],
    )


def _crosscheck(page: _Page, rows: list[Record]) -> str:
    return page.table(
        ["quantity", "verdict", "detail", "article", "reference"],
        (
            [
                _e(r["quantity"]),
                f'<span class="verdict v-{_e(r["verdict"])}">{_e(r["verdict"])}</span>',
                _e(r.get("detail")),
                page.ref(r.get("left_id")),
                page.ref(r.get("right_id")),
            ]
            for r in rows
        ),
    )


def _quoted_sources(data: dict[str, list[Record]], records: dict[str, Record]) -> list[Record]:
    """The sources the report's rows quote: a source no shown record cites has no place in a filtered report."""
    ids = {r.get(k) for name, rows in data.items() if name != "sources" for r in rows for k in ("id", "left_id", "right_id")}
    quoted = {c.get("source") for i in ids if i in records for c in records[str(i)].get("citations", [])}
    return [r for r in data["sources"] if r["id"] in quoted]


def _sources(page: _Page, rows: list[Record]) -> str:
    return page.table(
        ["id", "title", "publisher", "published", "language", "records", "SHA-256"],
        (
            [
                f"<code>{_e(r['id'])}</code>",
                _e(r.get("title")),
                _e(r.get("publisher")),
                _e(r.get("published")),
                _e(r.get("language")),
                _e(r.get("records")),
                f'<code class="sha">{_e(r.get("sha256"))}</code>',
            ]
            for r in rows
        ),
        numeric=[5],
    )


# --------------------------------------------------------------------------- the summary


# Which corrections weigh most: a wrong number before a wrong scope, unit, name, place or date.
_SEVERITY = ("value", "scope", "unit", "name", "place", "date")


def _numbers(change: Record) -> tuple[float, float] | None:
    stated, corrected = change["stated"], change["corrected"]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (stated, corrected))
    return (float(stated), float(corrected)) if numeric else None


def _factor(row: Record) -> float:
    """How far a row's structured corrections move a number, either way (10 for US$ 255 m -> 25.5 m);
    0 when none corrects a number."""
    pairs = [pair for change in row.get("corrections") or [] for pair in [_numbers(change)] if pair]
    return max((max(a / b, b / a) for a, b in pairs), default=0.0)


def _worst(corrections: list[Record]) -> Record:
    """The correction a reader should hear of first: the gravest kind of error, then the number moved
    furthest (the structured corrections), then the most kinds at once; among equals, the first listed."""
    return min(corrections, key=lambda r: (min(_SEVERITY.index(e) for e in r["errors"]), -_factor(r), -len(r["errors"])))


def _corrected_text(page: _Page, row: Record) -> str:
    """ "→ 25.5 m": the corrected value of the row's first numeric correction (else its first), in the
    field's unit, without the stated value's hedges; empty without a structured correction."""
    changes = row.get("corrections") or []
    change = next((c for c in changes if _numbers(c)), changes[0] if changes else None)
    if change is None:
        return ""
    record = {**page.records.get(row["id"], {}), change["field"]: change["corrected"], "approximate": [], "estimated": False}
    record = {k: v for k, v in record.items() if k not in ("comparator", "unavailable")}
    return f' <span class="nw">→ {_e(field_text(record, change["field"]))}</span>'


def _first_sentence(text: str) -> str:
    """A note's first sentence, for the summary (the whole note is in the evidence entry)."""
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def _card(title: str, items: list[str], tail: str = "") -> str:
    if not items:
        return ""
    return f'<article class="card"><h3>{_e(title)}</h3><ul>' + "".join(f"<li>{i}</li>" for i in items) + f"</ul>{tail}</article>"


def _deposits_card(page: _Page, rows: list[Record]) -> str:
    largest = sorted((r for r in rows if r.get("reserves_wo3_t") is not None), key=lambda r: -r["reserves_wo3_t"])[:3]
    return _card(
        "Largest deposits",
        [
            f'<b>{_e(r["name"])}</b> <span class="muted">{_e(", ".join(filter(None, (r.get("country"), r.get("region")))))}</span><br>'
            f"{page.num(r['id'], reserves_text(r))}" + (f" · grade {page.num(r['id'], grade_text(r))}" if grade_text(r) else "")
            for r in largest
        ],
    )


def _deals_card(page: _Page, rows: list[Record]) -> str:
    staked = [
        f"<b>{_deal_kind(r)}</b> {_date(r.get('date'))}: "
        + " · ".join(
            f"{_e(p.get('name') or p['org'])} {page.num(r['id'], pct(p['stake_pct']))}"
            for p in r["parties"]
            if p.get("stake_pct") is not None
        )
        for r in rows
        if _has_stakes(r)
    ][:2]
    amounts = [
        f'{page.num(r["id"], usd(r["amount_usd"]))} <span class="muted">{_e(str(r.get("deal_kind") or "").replace("-", " "))}'
        f"{', ' + _e(r['date']) if r.get('date') else ''}</span>: {_e(_party_names(r))}"
        for r in sorted((r for r in rows if r.get("amount_usd") is not None), key=lambda r: -r["amount_usd"])[:3]
    ]
    return _card("Deals", staked + amounts)


def _party_names(record: Record) -> str:
    """Who made a deal, names only (the deals table gives their roles)."""
    return ", ".join(str(p.get("name") or p["org"]) for p in record.get("parties") or [])


def _imports_card(page: _Page, imports: list[Record], quotas: list[Record]) -> str:
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for r in imports:
        groups.setdefault((r["importer"], str(r.get("date")), r["citations"][0]["source"]), []).append(r)
    items = []
    if groups:
        # The series the fewest corrections touch: the reference's shares before the article's restatement.
        chosen = min(groups.values(), key=lambda g: sum(note_mark(r) == CONTRADICTED_MARK for r in g))
        top = sorted((r for r in chosen if r["partner"] != "other"), key=lambda r: -r["share_pct"])[:4]
        items.append(
            f"<b>{_e(chosen[0]['importer'])} imports</b> {_date(chosen[0].get('date'))}: "
            + ", ".join(f"{_e(r['partner'])} {page.num(r['id'], pct(r['share_pct']))}" for r in top)
        )
    items += [
        f"<b>{_e(r.get('country'))} {_e(str(r.get('measure_kind')).replace('-', ' '))}</b> {_date(r.get('date'))}: "
        f"{page.num(r['id'], hedge(r, 'change_pct', pct(r['change_pct'])))}"
        for r in quotas
        if r.get("change_pct") is not None
    ][:2]
    return _card("Imports and quotas", items)


def _newest_edition(page: _Page, rows: list[Record]) -> list[Record]:
    """The world total, then the largest countries, of the newest edition among `rows` (by publication date)."""

    def published(r: Record) -> str:
        return str(page.sources.get(r["citations"][0]["source"], {}).get("published") or "")

    editions = [r for r in rows if r.get("edition")]
    newest = max((published(r) for r in editions), default="")
    rows = [r for r in editions if published(r) == newest]
    largest = sorted((r for r in rows if r["subject"] not in ("world", "other") and r.get("value") is not None), key=lambda r: -r["value"])
    return [r for r in rows if r["subject"] == "world"] + largest


def _publisher(page: _Page, r: Record) -> str:
    """Who states a record: its source's publisher (the article's "SunSirs"), else the source id."""
    source = r["citations"][0]["source"]
    return str(page.sources.get(source, {}).get("publisher") or source)


def _of_world(r: Record) -> str:
    return f"{_e(_share(r))} of world" if _share(r) else ""


def _reserves_card(page: _Page, rows: list[Record], context: list[Record]) -> str:
    """A country's reserves as stated, with the edition or source stating them, beside the world total
    and the largest holders; without a country, those of the newest edition."""
    own_ids = {r["id"] for r in context if not r.get("context")}
    own = [r for r in rows if r["id"] in own_ids]
    others = [r for r in context if r.get("context")] or _newest_edition(page, rows)
    items = [
        f"<b>{_e(r.get('subject'))}</b> {page.num(r['id'], figure_value(r, with_basis=True))} "
        f'<span class="muted">({"; ".join(filter(None, (_e(r.get("edition") or _publisher(page, r)), _of_world(r))))})</span>'
        for r in own
    ]
    items += [
        f'<span class="muted">{_e(r["subject"])}</span> {page.num(r["id"], figure_value(r, with_basis=True))}'
        + (f' <span class="muted">({_of_world(r)})</span>' if _share(r) else "")
        for r in others[: max(4 - len(items), 2)]
    ]
    edition = {str(r.get("edition")) for r in others if r.get("edition")}
    return _card(f"Reserves{', with context' if own else ''}{f' ({edition.pop()})' if len(edition) == 1 else ''}", items)


def _corrections_card(page: _Page, rows: list[Record]) -> str:
    if not rows:
        return ""
    worst = _worst(rows)
    counts: dict[str, int] = {}
    for r in rows:
        for e in r["errors"]:
            counts[e] = counts.get(e, 0) + 1
    records = len({r["id"] for r in rows})
    stated = (
        f"stated {page.num(worst['id'], worst['stated'])}{_corrected_text(page, worst)}" if worst.get("stated") else page.ref(worst["id"])
    )
    return _card(
        "Corrected claims",
        [
            f'<a href="#corrections"><b>{records}</b> claim{"s" if records != 1 else ""} corrected</a> by outside references '
            f'<span class="muted">({", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))})</span>',
            f"<b>Worst</b>: {stated} ({_e(', '.join(worst['errors']))}). {_e(_first_sentence(worst['correction']))}",
        ],
    )


def _summary(page: _Page, data: dict[str, list[Record]]) -> str:
    """The headline numbers of the filtered records, each linked to its evidence like every number below."""
    return "".join(
        (
            _deposits_card(page, data["deposits"]),
            _deals_card(page, data["deals"]),
            _reserves_card(page, data["reserves"], data.get("reserves_context", [])),
            _imports_card(page, data["imports"], data["quotas"]),
            _corrections_card(page, data.get("corrections", [])),
        )
    )


# --------------------------------------------------------------------------- the page


class _Section(NamedTuple):
    anchor: str
    title: str
    rows: str  # the key in the report's data whose rows the section shows; none: the section is left out
    body: Callable[[_Page, dict[str, list[Record]]], str]


def _sections(subject: str) -> tuple[_Section, ...]:
    """Every section in reading order; `subject` names whose records a country report shows."""
    return (
        _Section(
            "deposits",
            "Deposits",
            "deposits",
            lambda page, data: page.table(
                ["name", "country", "region", "status", "reserves", "grade WO3", "record"],
                _deposit_rows(page, data["deposits"]),
                numeric=[4, 5],
            ),
        ),
        _Section("imports", "Import shares", "imports", lambda page, data: _imports(page, data["imports"])),
        _Section("measures", "Quotas and other measures", "quotas", lambda page, data: _measures(page, data["quotas"])),
        _Section("deals", "Deals", "deals", lambda page, data: _deals(page, data["deals"])),
        _Section(
            "production",
            "Mine production",
            "production",
            lambda page, data: _figures(page, data["production"], data.get("production_context", []), subject),
        ),
        _Section(
            "reserves",
            "Reserves",
            "reserves",
            lambda page, data: _figures(page, data["reserves"], data.get("reserves_context", []), subject),
        ),
        _Section("corrections", "Corrected claims", "corrections", lambda page, data: _corrections(page, data["corrections"])),
        _Section("conflicts", "Conflicting claims", "conflicts", lambda page, data: _conflicts(page, data["conflicts"])),
        _Section("crosscheck", "Cross-check verdicts", "crosscheck", lambda page, data: _crosscheck(page, data["crosscheck"])),
        _Section("sources", "Sources", "sources", lambda page, data: _sources(page, data["sources"])),
    )


def write_html(
    data: dict[str, list[Record]],
    records: dict[str, Record],
    sources: dict[str, Record],
    filters: str,
    version: str,
    out: IO[str],
    *,
    subject: str = "",
) -> None:
    """The page. A section whose rows are empty is left out and named once in the contents as not in
    these sources; `subject` (a country's name) says whose records the context charts stand beside."""
    page = _Page(records, sources)
    data = {**data, "sources": _quoted_sources(data, records)}
    summary = _summary(page, data)
    shown = [s for s in _sections(subject) if data.get(s.rows)]
    absent = [s.title for s in _sections(subject) if not data.get(s.rows)]
    body = "".join(f'<section id="{s.anchor}"><h2>{_e(s.title)}</h2>{s.body(page, data)}</section>' for s in shown)
    if summary:
        body = f'<section id="summary" class="summary"><h2>Summary</h2><div class="cards">{summary}</div></section>' + body
    toc = (
        ('<li><a href="#summary">Summary</a></li>' if summary else "")
        + "".join(f'<li><a href="#{s.anchor}">{_e(s.title)}</a></li>' for s in shown)
        + '<li><a href="#evidence">Evidence</a></li>'
        + (f'<li class="absent">Not in these sources: {_e(", ".join(absent))}</li>' if absent else "")
    )
    out.write(
        Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
            filters=_e(filters or "all records"),
            version=_e(version),
            toc=toc,
            body=body,
            evidence=page.evidence(),
            marks=_e(f"{CONTRADICTED_MARK} marks a record an outside reference contradicts, {NOTE_MARK} one with other curator notes"),
        )
    )
