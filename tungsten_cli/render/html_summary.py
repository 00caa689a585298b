"""The report page's summary cards: the headline numbers of the filtered records, each linked to its evidence."""

from __future__ import annotations

from tungsten_cli.quantity import pct, usd
from tungsten_cli.records import Record
from tungsten_cli.render.html_page import Page, date_span, deal_kind, esc, has_stakes, share
from tungsten_cli.render.text import (
    CONTRADICTED_MARK,
    bounded_field,
    field_text,
    figure_value,
    grade_text,
    hedge,
    note_mark,
    reserves_text,
)

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


def _stated_text(page: Page, row: Record) -> str:
    """What the worst correction says was stated and what holds ("stated US$ 255 m → US$ 25.5 m"): both
    sides of the row's first numeric correction (else its first) in the field's unit, without hedges,
    a corrected bound as the value it bounds ("50 % → >50 %"), so a corrected date never sits beside
    the record's amount; without a structured correction (a wrong scope), the record's own value."""
    changes = row.get("corrections") or []
    change = next((c for c in changes if _numbers(c)), changes[0] if changes else None)
    if change is None:
        return f"stated {page.num(row['id'], row['record_value'])}" if row.get("record_value") else page.ref(row["id"])
    plain = {k: v for k, v in page.records.get(row["id"], {}).items() if k not in ("comparator", "unavailable")}
    plain |= {"approximate": [], "estimated": False}
    field, shown = change["field"], bounded_field(change["field"])
    stated, corrected = (field_text(plain | {field: change[side]}, shown) for side in ("stated", "corrected"))
    head = f"stated {page.num(row['id'], stated)}" if stated else page.ref(row["id"])
    return f'{head} <span class="nw">→ {esc(corrected)}</span>'


def _first_sentence(text: str) -> str:
    """A note's first sentence, for the summary (the whole note is in the evidence entry)."""
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def _card(title: str, items: list[str], tail: str = "") -> str:
    if not items:
        return ""
    return f'<article class="card"><h3>{esc(title)}</h3><ul>' + "".join(f"<li>{i}</li>" for i in items) + f"</ul>{tail}</article>"


def _deposits_card(page: Page, rows: list[Record]) -> str:
    largest = sorted((r for r in rows if r.get("reserves_wo3_t") is not None), key=lambda r: -r["reserves_wo3_t"])[:3]
    return _card(
        "Largest deposits",
        [
            f'<b>{esc(r["name"])}</b> <span class="muted">{esc(", ".join(filter(None, (r.get("country"), r.get("region")))))}</span><br>'
            f"{page.num(r['id'], reserves_text(r))}" + (f" · grade {page.num(r['id'], grade_text(r))}" if grade_text(r) else "")
            for r in largest
        ],
    )


def _deals_card(page: Page, rows: list[Record]) -> str:
    staked = [
        f"<b>{deal_kind(r)}</b> {date_span(r.get('date'))}: "
        + " · ".join(
            f"{esc(p.get('name') or p['org'])} {page.num(r['id'], pct(p['stake_pct']))}"
            for p in r["parties"]
            if p.get("stake_pct") is not None
        )
        for r in rows
        if has_stakes(r)
    ][:2]
    amounts = [
        f'{page.num(r["id"], usd(r["amount_usd"]))} <span class="muted">{esc(str(r.get("deal_kind") or "").replace("-", " "))}'
        f"{', ' + esc(r['date']) if r.get('date') else ''}</span>: {esc(_party_names(r))}"
        for r in sorted((r for r in rows if r.get("amount_usd") is not None), key=lambda r: -r["amount_usd"])[:3]
    ]
    return _card("Deals", staked + amounts)


def _party_names(record: Record) -> str:
    """Who made a deal, names only (the deals table gives their roles)."""
    return ", ".join(str(p.get("name") or p["org"]) for p in record.get("parties") or [])


def _imports_card(page: Page, imports: list[Record], quotas: list[Record]) -> str:
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for r in imports:
        groups.setdefault((r["importer"], str(r.get("date")), r["citations"][0]["source"]), []).append(r)
    items = []
    if groups:
        # The series the fewest corrections touch: the reference's shares before the article's restatement.
        chosen = min(groups.values(), key=lambda g: sum(note_mark(r) == CONTRADICTED_MARK for r in g))
        top = sorted((r for r in chosen if r["partner"] != "other"), key=lambda r: -r["share_pct"])[:4]
        items.append(
            f"<b>{esc(chosen[0]['importer'])} imports</b> {date_span(chosen[0].get('date'))}: "
            + ", ".join(f"{esc(r['partner'])} {page.num(r['id'], pct(r['share_pct']))}" for r in top)
        )
    items += [
        f"<b>{esc(r.get('country'))} {esc(str(r.get('measure_kind')).replace('-', ' '))}</b> {date_span(r.get('date'))}: "
        f"{page.num(r['id'], hedge(r, 'change_pct', pct(r['change_pct'])))}"
        for r in quotas
        if r.get("change_pct") is not None
    ][:2]
    return _card("Imports and quotas", items)


def _newest_edition(page: Page, rows: list[Record]) -> list[Record]:
    """The world total, then the largest countries, of the newest edition among `rows` (by publication date)."""

    def published(r: Record) -> str:
        return str(page.sources.get(r["citations"][0]["source"], {}).get("published") or "")

    editions = [r for r in rows if r.get("edition")]
    newest = max((published(r) for r in editions), default="")
    rows = [r for r in editions if published(r) == newest]
    largest = sorted((r for r in rows if r["subject"] not in ("world", "other") and r.get("value") is not None), key=lambda r: -r["value"])
    return [r for r in rows if r["subject"] == "world"] + largest


def _publisher(page: Page, r: Record) -> str:
    """Who states a record: its source's publisher (the article's "SunSirs"), else the source id."""
    source = r["citations"][0]["source"]
    return str(page.sources.get(source, {}).get("publisher") or source)


def _of_world(r: Record) -> str:
    return f"{esc(share(r))} of world" if share(r) else ""


def _reserves_card(page: Page, rows: list[Record], context: list[Record]) -> str:
    """A country's reserves as stated, with the edition or source stating them, beside the world total
    and the largest holders; without a country, those of the newest edition."""
    own_ids = {r["id"] for r in context if not r.get("context")}
    own = [r for r in rows if r["id"] in own_ids]
    others = [r for r in context if r.get("context")] or _newest_edition(page, rows)
    items = [
        f"<b>{esc(r.get('subject'))}</b> {page.num(r['id'], figure_value(r, with_basis=True))} "
        f'<span class="muted">({"; ".join(filter(None, (esc(r.get("edition") or _publisher(page, r)), _of_world(r))))})</span>'
        for r in own
    ]
    items += [
        f'<span class="muted">{esc(r["subject"])}</span> {page.num(r["id"], figure_value(r, with_basis=True))}'
        + (f' <span class="muted">({_of_world(r)})</span>' if share(r) else "")
        for r in others[: max(4 - len(items), 2)]
    ]
    edition = {str(r.get("edition")) for r in others if r.get("edition")}
    return _card(f"Reserves{', with context' if own else ''}{f' ({edition.pop()})' if len(edition) == 1 else ''}", items)


def _corrections_card(page: Page, rows: list[Record]) -> str:
    if not rows:
        return ""
    worst = _worst(rows)
    counts: dict[str, int] = {}
    for r in rows:
        for e in r["errors"]:
            counts[e] = counts.get(e, 0) + 1
    records = len({r["id"] for r in rows})
    return _card(
        "Corrected claims",
        [
            f'<a href="#corrections"><b>{records}</b> claim{"s" if records != 1 else ""} corrected</a> by outside references '
            f'<span class="muted">({", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))})</span>',
            f"<b>Worst</b>: {_stated_text(page, worst)} ({esc(', '.join(worst['errors']))}). {esc(_first_sentence(worst['correction']))}",
        ],
    )


def summary_cards(page: Page, data: dict[str, list[Record]]) -> str:
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
