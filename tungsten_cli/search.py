"""Full-text search: accent- and case-blind folding, entity spellings, and ranking by where text matches."""

from __future__ import annotations

from tungsten_cli.errors import UsageError
from tungsten_cli.records import FactSet, Record, party_names


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so `kairakty`, `Kairakty` and `Kaïrakty` compare equal."""
    import unicodedata  # only filters and search need it

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Where a term matches decides the rank: a name outranks everything below it, and so on down.
# Each term scores its best field; a record's score is the sum over the terms.
_WEIGHTS = {"name": 16, "linked": 8, "summary": 4, "quotes": 2, "notes": 1}


def _search_fields(record: Record, by_id: dict[str, Record]) -> dict[str, list[str]]:
    deposit = by_id.get(record.get("deposit") or "", {})
    notes = record.get("notes") or []
    return {
        "name": [record.get("name") or "", *(record.get("aliases") or [])],
        "linked": [record["id"], *party_names(record, by_id), deposit.get("name", ""), *(deposit.get("aliases") or [])],
        "summary": [record["summary"]],
        "quotes": [c["quote"] for c in record["citations"]],
        "notes": [part for note in notes for part in (note["text"], *(note.get("reference") or {}).values()) if isinstance(part, str)],
    }


def search(facts: FactSet, text: str) -> list[Record]:
    """Records holding every word of `text`, ranked by where the words match (see `tungsten search --help`).

    Each result carries `score` and `matched_quote`, the first quote holding a word (else the first quote).
    """
    terms = fold(text).split()
    if not terms:
        raise UsageError("search text is empty")
    by_id = facts.by_id()
    results = []
    for record in facts.records:
        fields = {k: [fold(v) for v in vs if v] for k, vs in _search_fields(record, by_id).items()}
        best = [max((w for k, w in _WEIGHTS.items() if any(t in v for v in fields[k])), default=0) for t in terms]
        if all(best):
            quotes = record["citations"]
            matched = next((c["quote"] for c in quotes if any(t in fold(c["quote"]) for t in terms)), quotes[0]["quote"])
            results.append({**record, "score": sum(best), "matched_quote": matched})
    results.sort(key=lambda r: (-r["score"], r["id"]))
    return results
