"""The report page's citing machinery: escaping, note marks, and the Page that numbers each cited record and writes the evidence list."""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable

from tungsten_cli.errors import UsageError
from tungsten_cli.quantity import pct
from tungsten_cli.records import Record
from tungsten_cli.render.chart import Panel, panels, scale_of
from tungsten_cli.render.text import (
    CONTRADICTED_MARK,
    NOTE_MARK,
    clean,
    note_mark,
)


def esc(value: object) -> str:
    return html.escape(clean("" if value is None else str(value)), quote=True)


# What each note mark says on the page: its tooltip, and its label in the evidence list.
_MARKS = {CONTRADICTED_MARK: ("contra", "contradicted by an outside reference"), NOTE_MARK: ("", "curator notes")}


def mark_html(record: Record, tag: str, *, label: bool = False) -> str:
    """The record's note mark as an HTML element (`sup` beside a number, `span` in the evidence list)."""
    mark = note_mark(record)
    if not mark:
        return ""
    cls, meaning = _MARKS[mark]
    text = f"{mark} {meaning}" if label else mark
    return f'<{tag} class="{f"mark {cls}".rstrip()}" title="{meaning}">{text}</{tag}>'


def date_span(value: object) -> str:
    """A date kept on one line: 2025-09 must not break at its hyphen."""
    return f'<span class="nw">{esc(value)}</span>' if value else ""


class Page:
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
        return (
            f'<a class="{cls}" href="#ev-{esc(record_id)}" data-ref="{esc(record_id)}">{esc(text)}</a>{mark_html(record, "sup")}{endnote}'
        )

    def ref(self, record_id: str | None) -> str:
        return self.num(record_id, record_id, cls="ref") if record_id else ""

    def table(self, headers: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
        """A table that becomes one card per row on a phone: each cell carries its column's label."""
        right = set(numeric)
        labels = [f' data-label="{esc(h)}"' for h in headers]
        head = "".join(f"<th{' class=r' if i in right else ''}>{esc(h)}</th>" for i, h in enumerate(headers))
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
                f'<a href="#ev-{esc(p.id)}" data-ref="{esc(p.id)}" class="svgnum{ctx}"><span class="lbl">{esc(p.marked_label)}</span>'
                f'<svg class="track" aria-hidden="true"><rect class="{cls}" width="{share:.1f}%" height="100%" rx="2"/></svg>'
                f'<span class="val">{esc(p.text)}<sup class="en">{n}</sup></span></a>'
            )
        label_w = max(len(p.marked_label) for p in panel.rows) + 1
        value_w = max(len(p.text) for p in panel.rows) + 3
        caption = esc(panel.heading) + (f' <span class="ctxnote">{esc(note)}</span>' if note else "")
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
            noted = f" {mark_html(record, 'span', label=True)}" if notes else ""
            entries.append(
                f'<div class="ev{" noted" if notes else ""}" id="ev-{esc(record_id)}"><h3><span class="en-n">{n}</span><code>{esc(record_id)}</code>{noted}</h3>'
                f'<p class="sum">{esc(record.get("summary"))}</p>{quotes}' + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</div>"
            )
        return "".join(entries)

    def _quote(self, citation: Record) -> str:
        source = self.sources.get(citation.get("source", ""), {})
        where = ", ".join(esc(source.get(k)) for k in ("title", "publisher", "published") if source.get(k))
        lang = f' lang="{esc(source["language"])}"' if source.get("language") else ""
        return f'<blockquote{lang}>{esc(citation.get("quote", "").strip())}</blockquote><p class="src">— {where} (<code>{esc(citation.get("source"))}</code>)</p>'

    @staticmethod
    def _note(note: Record) -> str:
        ref = note.get("reference") or {}
        text = f"<li><b>{esc(note.get('kind'))}</b>: {esc(note.get('text'))}"
        if ref:
            label = ", ".join(esc(ref[k]) for k in ("publisher", "title", "date") if ref.get(k))
            url = str(ref.get("url") or "")
            if url.startswith(("https://", "http://")):
                label = f'<a href="{esc(url)}" rel="noreferrer">{label or esc(url)}</a>'
            text += f' <span class="refd">(reference: {label})</span>'
        return text + "</li>"


def has_stakes(record: Record) -> bool:
    return any(p.get("stake_pct") is not None for p in record.get("parties") or [])


def deal_kind(record: Record) -> str:
    return esc(str(record.get("deal_kind") or "deal").replace("-", " ").capitalize())


def share(r: Record) -> str:
    if r.get("share_of_world_pct") is None:
        return ""
    return (r.get("share_comparator") or ("~" if r.get("share_approximate") else "")) + pct(r["share_of_world_pct"])
