"""`tungsten report --html`: one self-contained page (inline CSS, JS and SVG) where every number leads to its quote.

Built with string.Template and html.escape from the standard library: the page has one shape, so
a template engine would add an import and a dependency for little. Every piece of pack text goes
through `_e` (control characters escaped, then HTML-escaped); URLs are linked only when http(s).
Without JavaScript each number is a link to its evidence entry; with it, hovering or focusing a
number shows that entry beside it and a click pins it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from string import Template
from typing import IO

from tungsten_cli.errors import UsageError
from tungsten_cli.records import Record
from tungsten_cli.render.chart import Panel, panels, scale_of
from tungsten_cli.render.text import (
    CONTRADICTED_MARK,
    NOTE_MARK,
    clean,
    figure_value,
    grade_text,
    note_mark,
    number,
    parties_short,
    pct,
    reserves_text,
    usd,
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
    """Collects which records the page cites, so the evidence list holds exactly those."""

    def __init__(self, records: dict[str, Record], sources: dict[str, Record]) -> None:
        self.records = records
        self.sources = sources
        self.cited: dict[str, None] = {}

    def num(self, record_id: str, text: str, *, cls: str = "num") -> str:
        """A number that reveals its evidence: a link without JS, a pop-up with it."""
        if not text:
            return ""
        self.cited[record_id] = None
        record = self.records.get(record_id, {})
        return f'<a class="{cls}" href="#ev-{_e(record_id)}" data-ref="{_e(record_id)}">{_e(text)}</a>{_mark(record, "sup")}'

    def ref(self, record_id: str | None) -> str:
        return self.num(record_id, record_id, cls="ref") if record_id else ""

    def table(self, headers: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
        right = set(numeric)
        head = "".join(f"<th{' class=r' if i in right else ''}>{_e(h)}</th>" for i, h in enumerate(headers))
        body = "".join(
            "<tr>" + "".join(f"<td{' class=r' if i in right else ''}>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows
        )
        return (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            if body
            else '<p class="none">No records under these filters.</p>'
        )

    def svg_chart(self, records: list[Record]) -> str:
        """Inline SVG bars, one panel per basis; each bar and value is a number that reveals its quote."""
        try:
            found, _ = panels(records, keep_order=False)
        except UsageError:
            return ""
        return "".join(self._svg_panel(panel) for panel in found)

    def _svg_panel(self, panel: Panel) -> str:
        row_h, label_w, bar_w, text_w = 22, 150, 360, 150
        scale = scale_of(panel.rows)
        height = row_h * len(panel.rows) + 8
        parts = []
        for n, p in enumerate(panel.rows):
            y = 4 + n * row_h
            self.cited[p.id] = None
            width = 0 if p.value is None or not scale else max(abs(p.value) / scale * bar_w, 1)
            cls = "bar neg" if p.value is not None and p.value < 0 else "bar"
            quote = self.records.get(p.id, {}).get("citations", [{}])[0].get("quote", "")
            parts.append(
                f'<a href="#ev-{_e(p.id)}" data-ref="{_e(p.id)}" class="svgnum"><title>{_e(p.text)}: {_e(quote)}</title>'
                f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(p.marked_label)}</text>'
                f'<rect class="{cls}" x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" rx="2"/>'
                f'<text class="val" x="{label_w + width + 6:.1f}" y="{y + 15}">{_e(p.text)}</text></a>'
            )
        return (
            f"<figure><figcaption>{_e(panel.heading)}</figcaption>"
            f'<svg viewBox="0 0 {label_w + bar_w + text_w} {height}" width="100%" role="img" aria-label="{_e(panel.heading)}">'
            + "".join(parts)
            + "</svg></figure>"
        )

    def evidence(self) -> str:
        """One entry per cited record: summary, quotes with their source, curator notes with references."""
        entries = []
        for record_id in self.cited:
            record = self.records.get(record_id)
            if record is None:
                continue
            quotes = "".join(self._quote(c) for c in record.get("citations", []))
            notes = "".join(self._note(n) for n in record.get("notes") or [])
            noted = f" {_mark(record, 'span', label=True)}" if notes else ""
            entries.append(
                f'<div class="ev{" noted" if notes else ""}" id="ev-{_e(record_id)}"><h3><code>{_e(record_id)}</code>{noted}</h3>'
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
    """The ownership split of a joint venture as one stacked SVG bar."""
    parties = [p for p in record.get("parties") or [] if p.get("stake_pct") is not None]
    x, parts = 0.0, []
    for n, party in enumerate(parties):
        width = party["stake_pct"] * 6
        parts.append(
            f'<rect class="stake s{n % 3}" x="{x:.1f}" y="0" width="{width:.1f}" height="34"/>'
            f'<text x="{x + 8:.1f}" y="22">{_e(party.get("name") or party["org"])} {_e(pct(party["stake_pct"]))}</text>'
        )
        x += width
    return (
        f'<svg class="stakes" viewBox="0 0 600 34" width="100%" role="img" aria-label="ownership">{"".join(parts)}</svg>' if parts else ""
    )


def _deals(page: _Page, rows: list[Record]) -> str:
    featured = [r for r in rows if any(p.get("stake_pct") is not None for p in r.get("parties") or [])]
    cards = "".join(
        f'<article class="featured"><h3>{_e(r.get("deal_kind", "deal").replace("-", " ").capitalize())}: {_e(parties_short(r))}</h3>'
        f"{_stake_bar(r)}<p>{_e(r.get('date'))} · {_e(r.get('status') or 'status not stated')} · "
        f"stakes {' / '.join(page.num(r['id'], pct(p['stake_pct'])) for p in r['parties'] if p.get('stake_pct') is not None)}"
        + (f" · offtake {page.num(r['id'], pct(r['offtake_pct']))}" if r.get("offtake_pct") is not None else "")
        + f'</p><p class="sum">{_e(r.get("summary"))}</p></article>'
        for r in featured
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


def _figures(page: _Page, rows: list[Record]) -> str:
    def share(r: Record) -> str:
        if r.get("share_of_world_pct") is None:
            return ""
        return (r.get("share_comparator") or ("~" if r.get("share_approximate") else "")) + pct(r["share_of_world_pct"])

    table = page.table(
        ["subject", "date", "value", "share of world", "basis", "source"],
        (
            [
                _e(r.get("subject")),
                _date(r.get("date")),
                page.num(r["id"], figure_value(r)),
                _e(share(r)),
                _e(r.get("basis")),
                _e(r["citations"][0]["source"]),
            ]
            for r in rows
        ),
        numeric=[2, 3],
    )
    return page.svg_chart(rows) + f"<details><summary>Table</summary>{table}</details>"


def _sections(page: _Page, data: dict[str, list[Record]]) -> list[tuple[str, str, str]]:
    """(anchor, title, body) of every section, in reading order."""
    imports = data["imports"]
    return [
        (
            "deposits",
            "Deposits",
            page.table(
                ["name", "country", "region", "status", "reserves", "grade WO3", "record"],
                _deposit_rows(page, data["deposits"]),
                numeric=[4, 5],
            ),
        ),
        (
            "imports",
            "Import shares",
            page.svg_chart(imports)
            + page.table(
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
                    for r in imports
                ),
                numeric=[2],
            ),
        ),
        (
            "measures",
            "Quotas and other measures",
            page.table(
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
                    for r in data["quotas"]
                ),
                numeric=[3],
            ),
        ),
        ("deals", "Deals", _deals(page, data["deals"])),
        ("production", "Mine production", _figures(page, data["production"])),
        ("reserves", "Reserves", _figures(page, data["reserves"])),
        (
            "conflicts",
            "Conflicting claims",
            page.table(
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
                    for r in data["conflicts"]
                ),
                numeric=[1],
            ),
        ),
        (
            "crosscheck",
            "Cross-check verdicts",
            page.table(
                ["quantity", "verdict", "detail", "article", "reference"],
                (
                    [
                        _e(r["quantity"]),
                        f'<span class="verdict v-{_e(r["verdict"])}">{_e(r["verdict"])}</span>',
                        _e(r.get("detail")),
                        page.ref(r.get("left_id")),
                        page.ref(r.get("right_id")),
                    ]
                    for r in data["crosscheck"]
                ),
            ),
        ),
        (
            "sources",
            "Sources",
            page.table(
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
                    for r in data["sources"]
                ),
                numeric=[5],
            ),
        ),
    ]


def write_html(
    data: dict[str, list[Record]], records: dict[str, Record], sources: dict[str, Record], filters: str, version: str, out: IO[str]
) -> None:
    page = _Page(records, sources)
    sections = _sections(page, data)
    body = "".join(f'<section id="{a}"><h2>{_e(title)}</h2>{content}</section>' for a, title, content in sections)
    toc = "".join(f'<li><a href="#{a}">{_e(title)}</a></li>' for a, title, _ in sections) + '<li><a href="#evidence">Evidence</a></li>'
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
