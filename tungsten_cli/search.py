"""Full-text search: accent- and case-blind folding, entity spellings, and ranking by where text matches."""

from __future__ import annotations

from tungsten_cli.errors import UsageError
from tungsten_cli.records import FactSet, Record, party_names


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so `kairakty`, `Kairakty` and `Kaïrakty` compare equal."""
    import unicodedata  # only filters and search need it

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SEARCH_WEIGHTS = {"id": 3, "name": 5, "aliases": 4, "parties": 3, "summary": 2, "quotes": 1}


def _search_fields(record: Record, by_id: dict[str, Record]) -> dict[str, list[str]]:
    return {
        "id": [record["id"]],
        "name": [record.get("name") or ""],
        "aliases": list(record.get("aliases") or []),
        "parties": [*party_names(record, by_id), by_id.get(record.get("deposit") or "", {}).get("name", "")],
        "summary": [record["summary"]],
        "quotes": [c["quote"] for c in record["citations"]],
    }


def _entity_spellings(facts: FactSet, needle: str) -> list[str]:
    """All spellings of deposits and organisations the search text names, so one spelling finds the rest."""
    spellings: list[str] = []
    for record in facts.records:
        names = [record.get("name") or "", *(record.get("aliases") or [])]
        if record["kind"] in ("deposit", "organization") and any(needle in fold(n) for n in names):
            spellings += [fold(n) for n in names if n]
    return spellings


def search(facts: FactSet, text: str) -> list[Record]:
    """Records ranked by where the text matches; each result carries `score` and the best `matched_quote`."""
    needle = fold(text.strip())
    if not needle:
        raise UsageError("search text is empty")
    terms = [needle, *_entity_spellings(facts, needle)]
    by_id = facts.by_id()
    results = []
    for record in facts.records:
        fields = {k: [fold(v) for v in vs] for k, vs in _search_fields(record, by_id).items()}
        score = sum(w for k, w in _SEARCH_WEIGHTS.items() if any(t in v for t in terms for v in fields[k]))
        if score:
            quotes = record["citations"]
            best = next((c["quote"] for c in quotes if any(t in fold(c["quote"]) for t in terms)), quotes[0]["quote"])
            results.append({**record, "score": score, "matched_quote": best})
    results.sort(key=lambda r: (-r["score"], r["id"]))
    return results
