"""Draft records for a source: a proposal for every number no record holds yet, for a curator to check.

Nothing here reads a source or splits it on its own: the passages and which of their numbers are
still uncited come from `coverage`, every number's value from `verify`'s reader, cells from
`tables`, country names from the vocabulary, measures from the measures the loaded facts already
use. Each proposal carries a `draft` note listing what a person must check; a field draft cannot
fill is a `<field>` placeholder, which `validate` refuses, so an unchecked guess never loads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tungsten_cli.coverage import GAPS, coverage
from tungsten_cli.draft_guess import draft_note, placeholder, slug_of
from tungsten_cli.draft_propose import Doc
from tungsten_cli.errors import NotFoundError, UsageError
from tungsten_cli.records import FactSet, Record
from tungsten_cli.source_files import SourceError, folders_of, read_pinned
from tungsten_cli.tables import Table, is_table_file, reading
from tungsten_cli.tables import parse as parse_table
from tungsten_cli.verify import Tables, record_problems
from tungsten_cli.vocabulary import VOCAB

_GERMAN = re.compile(r"\b(?:der|die|das|und|ist|von|mit|für|nicht|den|des|auf|wurde|sich|eine?)\b")
_ENGLISH = re.compile(r"\b(?:the|and|of|to|is|was|for|with|that|were|from|by)\b")


@dataclass(frozen=True)
class Passed:
    """A passage with uncited numbers that draft proposes nothing for, and why."""

    line: int
    text: str
    reason: str


@dataclass
class Draft:
    """What `tungsten draft` proposes for one source: a `sources` entry for a new file, and records."""

    source_id: str
    source: Record | None
    records: list[Record] = field(default_factory=list)
    passed: list[Passed] = field(default_factory=list)

    def entries(self) -> list[Record]:
        """The pack a curator edits: the new source entry first, then the records."""
        return ([self.source] if self.source else []) + self.records


# --- opening the source ---------------------------------------------------------------------------


def guess_language(text: str) -> str:
    """de or en, by which language's commonest words the text uses more (a guess the curator checks)."""
    return "de" if len(_GERMAN.findall(text)) > len(_ENGLISH.findall(text)) else "en"


def new_source(path: Path, data: bytes, folders: Sequence[Path], taken: Iterable[str]) -> tuple[Record, Path]:
    """A `sources` entry for a file not in the facts, and the folder to read it from.

    The id comes from the file name (before its first dot), the SHA-256 from its bytes; the file
    is named relative to the first source folder that holds it, else by its bare name (to be
    copied there). Title, publisher and publication date are placeholders.
    """
    resolved = path.resolve()
    folder = next((f for f in folders if resolved.is_relative_to(f.resolve())), None)
    file = resolved.relative_to(folder.resolve()).as_posix() if folder else resolved.name
    base, n, ids = slug_of(resolved.name.split(".")[0]), 1, set(taken)
    source_id = base
    while source_id in ids:
        n += 1
        source_id = f"{base}-{n}"
    sha256 = hashlib.sha256(data).hexdigest()
    text = read_pinned(folder or resolved.parent, file, sha256).text
    language = guess_language(text)
    checks = [f"language (guessed {language} from its commonest words)", "title", "publisher", "published"]
    if folder is None:
        checks.append(f"copy {resolved.name} into your source folder: it is in none of the folders given")
    entry: Record = {
        "kind": "source",
        "id": source_id,
        "title": placeholder("title"),
        "publisher": placeholder("publisher"),
        "published": placeholder("published"),
        "language": language,
        "file": file,
        "sha256": sha256,
    }
    if is_table_file(file):
        entry["key_columns"] = _key_columns(parse_table(text))
        checks.append("key_columns (guessed: the columns that hold no number)")
    entry["notes"] = [draft_note(checks)]
    return {name: entry[name] for name in VOCAB["fields"]["source"] if name in entry}, folder or resolved.parent


def _key_columns(table: Table) -> list[str]:
    """Columns with no number in any row: the labels that name a row (a guess)."""
    keys = [h for i, h in enumerate(table.header) if h and not any(i < len(r.cells) and reading(r.cells[i]) for r in table.rows)]
    return keys[:2] or table.header[:1]


def open_source(facts: FactSet, target: str, folders: Sequence[Path]) -> tuple[FactSet, Draft, list[Path]]:
    """The fact set with the target source in it, an empty draft for it, and the folders to read from.

    `target` is a loaded source id, or a file: one whose bytes a loaded source pins is that source;
    any other file becomes a new `sources` entry.
    """
    if target in facts.sources:
        return facts, Draft(target, None), list(folders)
    path = Path(target)
    if not path.is_file():
        raise NotFoundError(f"no source '{target}': give a loaded source id (tungsten sources) or a text or CSV file")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NotFoundError(f"cannot read {path}: {err.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    known = next((sid for sid, s in facts.sources.items() if s["sha256"] == digest), None)
    if known is not None:
        return facts, Draft(known, None), list(folders)
    entry, folder = new_source(path, data, folders, facts.sources)
    sources = {**facts.sources, entry["id"]: entry}
    origins = {**facts.origins, entry["id"]: {"file": str(path), "line": 1}}
    return facts._replace(sources=sources, origins=origins), Draft(entry["id"], entry), [folder, *folders]


def draft(facts: FactSet, target: str, folders: Path | Sequence[Path] | None, only: str | None = None) -> Draft:
    """Proposals for every number of the source that no record holds (coverage's gaps), of kind `only` if given."""
    if only is not None and only not in VOCAB["kind"]:
        raise UsageError(f"unknown kind '{only}' for --only: {', '.join(VOCAB['kind'])}")
    facts, result, chosen = open_source(facts, target, folders_of(folders))
    report = coverage(_only_source(facts, result.source_id), chosen, [result.source_id])
    for problem in report.problems:
        if problem.record_id == result.source_id and "coverage_ignore" not in (problem.field or ""):
            raise SourceError(problem.message)
    source = facts.sources[result.source_id]
    text = read_pinned(chosen, source["file"], source["sha256"]).text
    doc = Doc(result.source_id, source, text, facts)
    for covered in report.passages:
        if covered.status in GAPS:
            proposed = doc.propose(covered)
            if isinstance(proposed, str):
                result.passed.append(Passed(covered.passage.line, covered.passage.text, proposed))
            else:
                result.records += [r for r in proposed if only is None or r["kind"] == only]
    _verified(result.records, facts, result.source_id, text)
    return result


def _verified(records: list[Record], facts: FactSet, source_id: str, text: str) -> None:
    """Each proposal checked by verify itself, as it will be once loaded; what it says joins the draft note."""
    origins = {**facts.origins, **{r["id"]: {"file": "draft", "line": 1, "citations": []} for r in records}}
    checked, tables = facts._replace(origins=origins), Tables()
    for record in records:
        problems = [p.message for p in record_problems(record, checked, {source_id: text}, tables)]
        if problems:
            note = record["notes"][-1]
            note["text"] = (
                note["text"].removesuffix(" Delete this note when done.")
                + "".join(f"; what verify says: {p}" for p in problems)
                + ". Delete this note when done."
            )


def _only_source(facts: FactSet, source_id: str) -> FactSet:
    """The source and the records citing it: all coverage needs to judge that source's passages, without
    reading and splitting every other source (half the time of drafting the MCS 2025 chapter)."""
    cited = [r for r in facts.records if any(c["source"] == source_id for c in r["citations"])]
    return facts._replace(records=cited, sources={source_id: facts.sources[source_id]}, lookups=None)
