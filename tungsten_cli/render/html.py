"""`tungsten report --html`: one self-contained page (inline CSS, JS and SVG) where every number leads to its quote.

Built with string.Template and html.escape from the standard library: the page has one shape, so
a template engine would add an import and a dependency for little. Every piece of pack text goes
through `html_page.esc` (control characters escaped, then HTML-escaped); URLs are linked only when http(s).
Without JavaScript each number is a link to its evidence entry; with it, hovering or focusing a
number shows that entry beside it and a click pins it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import IO, NamedTuple

from tungsten_cli.quantity import number, pct, usd
from tungsten_cli.records import Record
from tungsten_cli.render.html_page import Page, date_span, deal_kind, esc, has_stakes, share
from tungsten_cli.render.html_summary import summary_cards
from tungsten_cli.render.text import (
    CONTRADICTED_MARK,
    NOTE_MARK,
    figure_value,
    grade_text,
    parties_short,
    reserves_text,
    value_text,
)

_TEMPLATE = Path(__file__).with_name("report.html")


def _deposit_rows(page: Page, rows: list[Record]) -> list[list[str]]:
    return [
        [
            f"<b>{esc(r['name'])}</b>",
            esc(r.get("country")),
            esc(r.get("region")),
            esc(r.get("status")),
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
        f'<span class="s{n % 3}" style="flex-grow:{p["stake_pct"]:g}">{esc(p.get("name") or p["org"])} {esc(pct(p["stake_pct"]))}</span>'
        for n, p in enumerate(parties)
    ]
    rest = 100 - sum(p["stake_pct"] for p in parties)
    if rest > 0:
        parts.append(f'<span class="rest" style="flex-grow:{rest:g}"></span>')
    return f'<div class="stakes" role="img" aria-label="ownership">{"".join(parts)}</div>' if parties else ""


def _stakes(page: Page, record: Record) -> str:
    return " / ".join(page.num(record["id"], pct(p["stake_pct"])) for p in record["parties"] if p.get("stake_pct") is not None)


def _deals(page: Page, rows: list[Record]) -> str:
    cards = "".join(
        f'<article class="featured"><h3>{deal_kind(r)}: {esc(parties_short(r))}</h3>'
        f"{_stake_bar(r)}<p>{esc(r.get('date'))} · {esc(r.get('status') or 'status not stated')} · stakes {_stakes(page, r)}"
        + (f" · offtake {page.num(r['id'], pct(r['offtake_pct']))}" if r.get("offtake_pct") is not None else "")
        + f'</p><p class="sum">{esc(r.get("summary"))}</p></article>'
        for r in rows
        if has_stakes(r)
    )
    table = page.table(
        ["date", "kind", "parties", "amount", "status", "record"],
        (
            [
                date_span(r.get("date")),
                esc(r.get("deal_kind")),
                esc(parties_short(r)),
                page.num(r["id"], usd(r.get("amount_usd"))),
                esc(r.get("status")),
                page.ref(r["id"]),
            ]
            for r in rows
        ),
        numeric=[3],
    )
    return cards + table


def _context_note(rows: list[Record], subject: str) -> str:
    """What the grey bars are: whose figures, from which edition, and that they are not the subject's own."""
    editions = sorted({str(r.get("edition") or r["citations"][0]["source"]) for r in rows if r.get("context")})
    derived = " Its own figure is restated in W (derived) to share their scale." if any(r.get("derived") for r in rows) else ""
    return f"Grey: context from {', '.join(editions)} (the world total and the largest countries), not {subject}'s own records.{derived}"


def _figures(page: Page, rows: list[Record], context: list[Record], subject: str) -> str:
    """A country's figures: drawn beside their context when the report has one, then the table of its own records."""
    if context:
        chart = page.chart(context, {r["id"] for r in context if r.get("context")}, _context_note(context, subject))
    else:
        chart = page.chart(rows)
    table = page.table(
        ["subject", "date", "value", "share of world", "basis", "source"],
        (
            [
                esc(r.get("subject")),
                date_span(r.get("date")),
                page.num(r["id"], figure_value(r)),
                esc(share(r)),
                esc(r.get("basis")),
                esc(r["citations"][0]["source"]),
            ]
            for r in rows
        ),
        numeric=[2, 3],
    )
    return chart + f"<details><summary>Table</summary>{table}</details>"


def _imports(page: Page, rows: list[Record]) -> str:
    table = page.table(
        ["importer", "partner", "share", "period", "forms", "source"],
        (
            [
                esc(r["importer"]),
                esc(r["partner"]),
                page.num(r["id"], pct(r["share_pct"])),
                date_span(r.get("date")),
                esc(r.get("forms")),
                esc(r["citations"][0]["source"]),
            ]
            for r in rows
        ),
        numeric=[2],
    )
    return page.chart(rows) + table


def _measures(page: Page, rows: list[Record]) -> str:
    return page.table(
        ["measure", "country", "target", "rate / change", "date", "status", "summary"],
        (
            [
                esc(r.get("measure_kind")),
                esc(r.get("country")),
                esc(r.get("target_country")),
                page.num(r["id"], f"{r['rate_cents_per_kg']:g}¢/kg" if r.get("rate_cents_per_kg") is not None else value_text(r)),
                date_span(r.get("date")),
                esc(r.get("status")),
                esc(r.get("summary")),
            ]
            for r in rows
        ),
        numeric=[3],
    )


def _corrections(page: Page, rows: list[Record]) -> str:
    """What outside references correct, one row per note; the note's text is in the record's evidence entry."""
    return page.table(
        ["record", "record value", "error", "reference"],
        (
            [
                page.ref(r["id"]),
                page.num(r["id"], r.get("record_value") or ""),
                esc(", ".join(r["errors"])),
                esc(", ".join(str(r[f"reference_{k}"]) for k in ("publisher", "date") if r.get(f"reference_{k}"))),
            ]
            for r in rows
        ),
    )


def _conflicts(page: Page, rows: list[Record]) -> str:
    return page.table(
        ["quantity", "value", "unit", "basis", "source", "record"],
        (
            [
                esc(r["quantity"]),
                page.num(r["id"], (r.get("comparator") or "") + number(r["value"]) if r.get("value") is not None else ""),
                esc(r.get("unit")),
                esc(r.get("basis")),
                esc(r.get("source")),
                page.ref(r["id"]),
            ]
            for r in rows
        ),
        numeric=[1],
    )


def _crosscheck(page: Page, rows: list[Record]) -> str:
    return page.table(
        ["quantity", "verdict", "detail", "article", "reference"],
        (
            [
                esc(r["quantity"]),
                f'<span class="verdict v-{esc(r["verdict"])}">{esc(r["verdict"])}</span>',
                esc(r.get("detail")),
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


def _sources(page: Page, rows: list[Record]) -> str:
    return page.table(
        ["id", "title", "publisher", "published", "language", "records", "SHA-256"],
        (
            [
                f"<code>{esc(r['id'])}</code>",
                esc(r.get("title")),
                esc(r.get("publisher")),
                esc(r.get("published")),
                esc(r.get("language")),
                esc(r.get("records")),
                f'<code class="sha">{esc(r.get("sha256"))}</code>',
            ]
            for r in rows
        ),
        numeric=[5],
    )


# --------------------------------------------------------------------------- the page


class _Section(NamedTuple):
    anchor: str
    title: str
    rows: str  # the key in the report's data whose rows the section shows; none: the section is left out
    body: Callable[[Page, dict[str, list[Record]]], str]


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
    page = Page(records, sources)
    data = {**data, "sources": _quoted_sources(data, records)}
    summary = summary_cards(page, data)
    shown = [s for s in _sections(subject) if data.get(s.rows)]
    absent = [s.title for s in _sections(subject) if not data.get(s.rows)]
    body = "".join(f'<section id="{s.anchor}"><h2>{esc(s.title)}</h2>{s.body(page, data)}</section>' for s in shown)
    if summary:
        body = f'<section id="summary" class="summary"><h2>Summary</h2><div class="cards">{summary}</div></section>' + body
    toc = (
        ('<li><a href="#summary">Summary</a></li>' if summary else "")
        + "".join(f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in shown)
        + '<li><a href="#evidence">Evidence</a></li>'
        + (f'<li class="absent">Not in these sources: {esc(", ".join(absent))}</li>' if absent else "")
    )
    out.write(
        Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
            filters=esc(filters or "all records"),
            version=esc(version),
            toc=toc,
            body=body,
            evidence=page.evidence(),
            marks=esc(f"{CONTRADICTED_MARK} marks a record an outside reference contradicts, {NOTE_MARK} one with other curator notes"),
        )
    )
