"""Check citations against the source texts: file hash, verbatim quote, unique anchor, and numbers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tungsten_cli.errors import NotFoundError, Problem
from tungsten_cli.records import FactSet, Record
from tungsten_cli.source_files import SourceError, SourceReader

SOURCE_DIR_ENV = "TUNGSTEN_SOURCE_DIR"
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?:\s*(Millionen|Million|Milliarden|Milliarde|million|billion))?"
)
_SCALES = {"million": 1e6, "millionen": 1e6, "milliarde": 1e9, "milliarden": 1e9, "billion": 1e9}
# Number words the German translation spells out ("drei bis vier Jahrzehnten", "ein Dutzend", "dreimal").
_WORDS = {"zwei": 2, "zweiter": 2, "drei": 3, "dreimal": 3, "vier": 4, "fünf": 5, "dutzend": 12}
_DASHES = ("—",)
_RANGE = re.compile(r"\s*(?:-|–|bis)\s*")


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    citations: int
    records: int
    sources: int


def source_dir(explicit: str | None = None) -> Path:
    """`--source-dir`, else `TUNGSTEN_SOURCE_DIR`; a missing folder is an error, never a silent pass."""
    raw = explicit or os.environ.get(SOURCE_DIR_ENV)
    if not raw:
        raise NotFoundError(f"no source folder: pass --source-dir DIR or set {SOURCE_DIR_ENV}")
    folder = Path(raw)
    if not folder.is_dir():
        raise NotFoundError(f"source folder not found: {raw}")
    return folder


def _readings(token: str, scale: float) -> set[float]:
    found = set()
    for reading in {token.replace(".", "").replace(",", "."), token.replace(",", ""), token.replace(",", ".")}:
        try:
            value = float(reading)
        except ValueError:
            continue
        found.update({round(value, 6), round(value * scale, 6)})
    return found


def numbers_in(quote: str) -> set[float]:
    """Every value a quote can be read as, in German and English notation, with scale words.

    A scale word also applies to the lower bound of a range: "4 - 5 Milliarden" holds 4e9 and 5e9.
    """
    found: set[float] = set()
    matches = list(_NUMBER.finditer(quote))
    for i, match in enumerate(matches):
        scale = _SCALES.get((match.group(2) or "").lower(), 1.0)
        found |= _readings(match.group(1), scale)
        if scale != 1.0 and i and _RANGE.fullmatch(quote[matches[i - 1].end() : match.start()]):
            found |= _readings(matches[i - 1].group(1), scale)
    words = re.findall(r"[^\W\d_]+", quote.lower())
    found.update(float(_WORDS[w]) for w in words if w in _WORDS)
    if any(dash in quote for dash in _DASHES):
        found.add(0.0)
    return found


def record_values(record: Record, fields: list[str]) -> Iterator[tuple[str, float]]:
    """(field, value) for every number the record asserts, parties' stakes included."""
    for name in fields:
        if isinstance(record.get(name), (int, float)):
            yield name, float(record[name])
    for i, party in enumerate(record.get("parties") or []):
        if party.get("stake_pct") is not None:
            yield f"parties.{i}.stake_pct", float(party["stake_pct"])


def _occurrences(text: str, quote: str) -> list[int]:
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _anchored(text: str, citation: Record, hits: list[int]) -> list[int]:
    """The occurrences the citation's offsets or prefix/suffix context select."""
    if citation.get("start") is not None:
        return [citation["start"]] if citation["start"] in hits else []
    prefix, suffix, end = citation.get("prefix") or "", citation.get("suffix") or "", len(citation["quote"])
    return [i for i in hits if text.endswith(prefix, 0, i) and text.startswith(suffix, i + end)]


def anchor_problem(text: str, citation: Record) -> str | None:
    """None when the citation selects exactly one verbatim place in the text."""
    quote = citation["quote"]
    hits = _occurrences(text, quote)
    if not hits:
        return f"quote not found verbatim in {citation['source']}: {quote[:60]!r}"
    anchored = _anchored(text, citation, hits)
    if citation.get("start") is not None and not anchored:
        return f"quote is not at offsets {citation['start']}..{citation['end']} (found at {', '.join(map(str, hits[:3]))})"
    if len(anchored) != 1:
        return f"quote occurs {len(anchored)} times; add prefix, suffix or offsets to pick one"
    return None


def locate(text: str, citation: Record) -> int | None:
    """Offset of the cited place, honouring offsets and prefix/suffix anchors; None if it is not there."""
    anchored = _anchored(text, citation, _occurrences(text, citation["quote"]))
    return anchored[0] if anchored else None


def _source_problems(facts: FactSet, reader: SourceReader) -> tuple[dict[str, str], list[Problem]]:
    """Each source's text, read through the one reader; a source that fails is a problem, never checked."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for source_id in facts.sources:
        try:
            texts[source_id] = reader.read(source_id).text
        except SourceError as err:
            origin = facts.origins[source_id]
            problems.append(Problem(origin["file"], str(err), origin["line"], record_id=source_id))
    return texts, problems


def _record_problems(record: Record, facts: FactSet, texts: dict[str, str]) -> Iterator[Problem]:
    origin = facts.origins[record["id"]]
    numbers: set[float] = set()
    for i, citation in enumerate(record["citations"]):
        line = origin["citations"][i] if i < len(origin["citations"]) else origin["line"]
        numbers |= numbers_in(citation["quote"])
        text = texts.get(citation["source"])
        if text is None:
            continue
        problem = anchor_problem(text, citation)
        if problem:
            yield Problem(origin["file"], problem, line, record_id=record["id"])
    for name, value in record_values(record, facts.vocab["value_fields"][record["kind"]]):
        if round(abs(value), 6) not in numbers:
            yield Problem(
                origin["file"], f"{name} = {value:g} does not appear in any of its quotes", origin["line"], record_id=record["id"]
            )


def verify(facts: FactSet, folder: Path) -> Report:
    """Every problem with every citation of the loaded packs; an empty list means all holds."""
    texts, problems = _source_problems(facts, SourceReader(folder, facts.sources))
    citations = 0
    for record in facts.records:
        citations += len(record["citations"])
        problems.extend(_record_problems(record, facts, texts))
    return Report(problems, citations, len(facts.records), len(facts.sources))


@dataclass(frozen=True)
class Evidence:
    """A citation with the sentence around it, when the pinned source text is at hand.

    `unverified` says why there is no context (the file is missing, outside the folder, not
    matching its pin, not UTF-8); it is None when the quote was placed or no folder was given.
    """

    source: str
    quote: str
    before: str = ""
    after: str = ""
    start: int | None = None
    unverified: str | None = None


_SENTENCE_END = re.compile(r"[.;!?]\s|\n")
_CONTEXT_MAX = 240


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    head = text[max(0, start - _CONTEXT_MAX) : start]
    ends = list(_SENTENCE_END.finditer(head))
    before = head[ends[-1].end() :] if ends else head
    tail = text[end : end + _CONTEXT_MAX]
    stop = _SENTENCE_END.search(tail)
    after = tail[: stop.start() + 1] if stop else tail
    return before, after.rstrip("\r\n")


def evidence(facts: FactSet, record: Record, sources: SourceReader | Path | None) -> list[Evidence]:
    """Each citation placed in its sentence; the quote alone when the pinned text is not available.

    Context comes only from `SourceReader`, so no output built on this shows a byte of a file that
    is outside the source folder or does not match its pin. Pass one reader to read each source
    once across many records; a folder (or None) reads afresh.
    """
    reader = sources if isinstance(sources, SourceReader) else SourceReader(sources, facts.sources)
    found = []
    for citation in record["citations"]:
        try:
            text = reader.read(citation["source"]).text if reader.folder is not None else None
        except SourceError as err:
            found.append(Evidence(citation["source"], citation["quote"], unverified=str(err)))
            continue
        start = locate(text, citation) if text is not None else None
        if text is None or start is None:
            found.append(Evidence(citation["source"], citation["quote"]))
            continue
        before, after = _sentence_around(text, start, start + len(citation["quote"]))
        found.append(Evidence(citation["source"], citation["quote"], before, after, start))
    return found
