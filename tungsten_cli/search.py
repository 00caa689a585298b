"""Full-text search: accent- and case-blind folding, entity spellings, and ranking by where text matches."""

from __future__ import annotations

from collections.abc import Callable

from tungsten_cli.errors import UsageError
from tungsten_cli.kinds import reference_fields
from tungsten_cli.records import FactSet, Index, Record

Lookup = Callable[[str], Record | None]


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so `kairakty`, `Kairakty` and `Kaïrakty` compare equal."""
    if text.isascii():  # nothing to decompose: 100,000 records' search text folds in 0.2 s instead of 2.5 s
        return text.casefold()
    import re  # with unicodedata: 0.3-0.4 ms that a query without a name filter or search never pays
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Only the runs of non-ASCII characters are looked at one by one (a quote has a few umlauts among
    # hundreds of letters): 100,000 copies of the shipped records fold in 0.5 s instead of 2.0 s.
    return re.sub(r"[^\x00-\x7f]+", lambda run: "".join(ch for ch in run[0] if not unicodedata.combining(ch)), decomposed)


# Where a term matches decides the rank: a name outranks everything below it, and so on down.
# Each term scores its best field; a record's score is the sum over the terms.
_WEIGHTS = {"name": 16, "linked": 8, "summary": 4, "quotes": 2, "notes": 1}


def _own_fields(record: Record) -> dict[str, list[str]]:
    """What a record says itself, by where a search finds it: all but the names of what it links to."""
    notes = record.get("notes") or []
    return {
        "name": [record.get("name") or "", *(record.get("aliases") or [])],
        "linked": [record["id"], *_org_ids(record)],
        "summary": [record["summary"]],
        "quotes": [c["quote"] for c in record["citations"]],
        "notes": [part for note in notes for part in (note["text"], *(note.get("reference") or {}).values()) if isinstance(part, str)],
    }


def _org_ids(record: Record) -> list[str]:
    return [target for _, kind, target in reference_fields(record) if kind == "organization"]


def _linked_names(record: Record, lookup: Lookup) -> list[str]:
    """Names and aliases of its organisations (`kinds.party_names` less the ids), then its deposit's."""
    deposit = lookup(record.get("deposit") or "") or {}
    orgs = [lookup(org_id) or {} for org_id in _org_ids(record)]
    names = [name for org in orgs for name in (org.get("name", ""), *(org.get("aliases") or []))]
    return [*names, deposit.get("name", ""), *(deposit.get("aliases") or [])]


def _search_fields(record: Record, lookup: Lookup) -> dict[str, list[str]]:
    fields = _own_fields(record)
    fields["linked"] += _linked_names(record, lookup)
    return fields


def own_text(record: Record) -> str | tuple[str, str]:
    """The folded search text of what a record says itself: the whole text when it names no
    organisation or deposit (as most records), else the lines before their names (its names, id and
    organisations' ids) and those after (summary, quotes, notes). It needs no other record, so a
    parallel load makes it in the worker process that reads the record's file."""
    fields = _own_fields(record)
    head = fold("\n".join([*fields["name"], *fields["linked"]]))
    tail = fold("\n".join([*fields["summary"], *fields["quotes"], *fields["notes"]]))
    linked = len(fields["linked"]) > 1 or record.get("deposit")  # else `_linked_names` is [""]
    return (head, tail) if linked else f"{head}\n\n{tail}"


def search_text(record: Record, lookup: Lookup, own: str | tuple[str, str] | None = None) -> str:
    """Every field a search looks in, folded, one per line: the cache's search index. `own` is the
    record's `own_text` when already made: folding is per character, so the parts join as the whole would.

    A term holds no line break, so a term found here lies within one field. Scanning 100,000 of
    these for a term takes 15 ms; building them costs 0.5 s of a cold load, where a word index cost 1.9 s.
    """
    own = own_text(record) if own is None else own
    if isinstance(own, str):
        return own
    head, tail = own
    linked = fold("\n".join(_linked_names(record, lookup)))
    return f"{head}\n{linked}\n{tail}"


def _candidates(index: Index, terms: list[str]) -> list[str]:
    """Ids of the records whose search text holds every term; scoring decides among them."""
    return [record_id for record_id, text in index.table("search").items() if all(term in text for term in terms)]


def search(facts: FactSet, text: str) -> list[Record]:
    """Records holding every word of `text`, ranked by where the words match (see `tungsten search --help`).

    Each result carries `score` and `matched_quote`, the first quote holding a word (else the first quote).
    The cache's token index narrows the records to score; scoring decides.
    """
    terms = fold(text).split()
    if not terms:
        raise UsageError("search text is empty")
    index, lookup = facts.lookups, facts.lookup()
    results = []
    for record in facts.records if index is None else index.records(_candidates(index, terms)):
        fields = {k: [fold(v) for v in vs if v] for k, vs in _search_fields(record, lookup).items()}
        best = [max((w for k, w in _WEIGHTS.items() if any(t in v for v in fields[k])), default=0) for t in terms]
        if all(best):
            quotes = record["citations"]
            matched = next((c["quote"] for c in quotes if any(t in fold(c["quote"]) for t in terms)), quotes[0]["quote"])
            results.append({**record, "score": sum(best), "matched_quote": matched})
    results.sort(key=lambda r: (-r["score"], r["id"]))
    return results
