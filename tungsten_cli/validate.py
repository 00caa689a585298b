"""Validate parsed YAML packs against the schema and across records, locating each problem at file:line:column."""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import cache, partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tungsten_cli import kinds, yamlio
from tungsten_cli.errors import FactsError, Problem
from tungsten_cli.model import SUM_TOLERANCE_PCT, ordered_fields
from tungsten_cli.parallel import ordered_map, processes_for
from tungsten_cli.records import FactSet, Record, gc_paused

Origin = dict[str, Any]
Pointed = tuple[set[str], set[tuple[str, str]]]  # cited source ids, linked (kind, id)


Read = Callable[[Path], bytes]


def build(files: list[Path], read: Read) -> FactSet:
    """Validate all files (their bytes as `read` gives them) and cross-check them; raise one FactsError
    listing every problem."""
    return build_derived(files, read)[0]


def build_derived(
    files: list[Path], read: Read, derive: Callable[[Record], Any] | None = None
) -> tuple[FactSet, Callable[[], dict[str, Any]]]:
    """`build`, with `derive(record)` for every record but sources, made where its file is read: in
    the worker processes of a parallel load, beside the parse, not after it in this one. They are
    kept marshalled, one blob a file, until the function returned is called: it gives them by id."""
    with gc_paused():
        built = _build(files, read, derive)
        # Everything built so far lives as long as the command: without this the first collections
        # after the pause walk all of it again (1.1 s CPU of a 100,000-record cold load: 13.1 -> 11.9).
        gc.freeze()
    return built


def _build(files: list[Path], read: Read, derive: Callable[[Record], Any] | None) -> tuple[FactSet, Callable[[], dict[str, Any]]]:
    problems: list[Problem] = []
    entries: list[tuple[Record, Origin]] = []
    made: list[tuple[list[str], bytes]] = []
    processes = processes_for([os.stat(file).st_size for file in files])
    # Each file's records are decoded as the workers send them, while they read the files after it.
    # The workers read the files themselves: this process never holds the packs' bytes (86 MB at 100,000 records).
    cited: set[str] = set()
    linked: set[tuple[str, str]] = set()
    # Closed on leaving, not when collected: a Ctrl-C between two files' results leaves the generator
    # held by the traceback while the CLI exits by os._exit, and its workers ran on, orphaned (1 run in 8).
    with closing(ordered_map(partial(_read_packed, read=read, derive=derive), files, processes)) as results:
        for packed, derived, (file_cited, file_linked), file_problems in results:
            file_entries: list[tuple[Record, Origin]] = marshal.loads(packed)
            entries.extend(file_entries)
            cited |= file_cited
            linked |= file_linked
            if derived is not None:
                made.append(([record["id"] for record, _ in file_entries], derived))
            problems.extend(file_problems)
    facts = _assemble(entries, problems, [str(f) for f in files], (cited, linked))
    problems.extend(_share_sum_problems(facts))
    if problems:
        raise FactsError(_placed(problems, {str(file): file for file in files}, read))
    return facts, partial(_unpacked, made)


def _unpacked(made: list[tuple[list[str], bytes]]) -> dict[str, Any]:
    """What `derive` made, by record id; each file's blob is dropped once decoded."""
    found: dict[str, Any] = {}
    made.reverse()
    while made:
        ids, blob = made.pop()
        found.update(zip(ids, marshal.loads(blob)))
    return found


def read_file(name: str, blob: bytes) -> tuple[list[tuple[Record, Origin]], list[Problem]]:
    """One file's records with where each was written, and the file's own problems: all that a file
    says without the others, so files can be read in any process and merged in order."""
    problems: list[Problem] = []
    fast = _fast_file(name, blob)
    if fast is not None:
        return fast, problems
    parsed = yamlio.parse(name, blob, problems)
    return (_validate_file(name, *parsed, problems) if parsed is not None else []), problems


def _read_packed(file: Path, read: Read, derive: Callable[[Record], Any] | None) -> tuple[bytes, bytes | None, Pointed, list[Problem]]:
    """`read_file` with its records marshalled, as a worker sends them, what `derive` makes of each
    record but sources, and what the records point at (`_pointed_at`): marshal writes and reads plain
    records about twice as fast as the pickle a process pool would use."""
    entries, problems = read_file(str(file), read(file))
    made = marshal.dumps([None if record["kind"] == "source" else derive(record) for record, _ in entries]) if derive is not None else None
    return marshal.dumps(entries), made, _pointed_at(entries), problems


def _pointed_at(entries: list[tuple[Record, Origin]]) -> Pointed:
    """What a file's records but sources point at: the sources they cite and the (kind, id) of each record they link to."""
    records = [record for record, _ in entries if record["kind"] != "source"]
    cited = {citation["source"] for record in records for citation in record["citations"]}
    linked = {(kind, target) for record in records for _, kind, target in kinds.reference_fields(record)}
    return cited, linked


def _placed(problems: list[Problem], files: dict[str, Path], read: Read) -> list[Problem]:
    """Problems between records (a link to a missing record, a duplicate id, shares over 100 %) are
    found after the node trees are gone, so they carry the record's line; here, on the error path
    only, each file concerned is read and parsed again to give the field's own line and column."""
    trees: dict[str, yaml.Node | None] = {}
    placed = []
    for problem in problems:
        if problem.field is not None and problem.column is None and problem.line is not None and problem.file in files:
            if problem.file not in trees:
                trees[problem.file] = yamlio.tree(read(files[problem.file]))
            node = yamlio.field_node(trees[problem.file], problem.line, problem.field)
            if node is not None:
                problem = problem._replace(line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        placed.append(problem)
    return placed


def _fast_file(name: str, blob: bytes) -> list[tuple[Record, Origin]] | None:
    """The happy path: YAML events straight to Python objects, one pydantic call for the file.

    No node tree is built, so nothing can be located here: None whenever anything is wrong or
    merely unusual (bad bytes or syntax, an anchor, a tag, a repeated key, a record that is not a
    mapping, a failed validation), and the node path (`yamlio.parse`) loads the file again and reports
    exactly what it always reported. Per 10,000-record file: 0.32 s where regex, nodes and builder
    took 0.52 s; a 100,000-record cold load from 912 MB peak memory to 657 MB (no node trees).
    """
    parsed = yamlio.read_events(blob)
    if parsed is None:
        return None
    items, lines, citation_lines = parsed
    try:
        models = kinds.list_adapter().validate_python(items)
    except ValidationError:
        return None
    return [
        (_record(model), {"file": name, "line": line, "citations": citations})
        for model, line, citations in zip(models, lines, citation_lines)
    ]


def _validate_file(
    name: str, items: list[Any], node: yaml.SequenceNode, duplicates: list[yaml.Node], problems: list[Problem]
) -> list[tuple[Record, Origin]]:
    """One pydantic call validates a whole file; only a file that fails goes record by record, to locate
    each problem in its node tree. The node tree is dropped when this returns: only line numbers are kept."""
    pairs: list[tuple[dict[str, Any], yaml.Node]] = []
    for item, item_node in zip(items, node.value):
        if isinstance(item, dict):
            pairs.append((item, item_node))
        else:
            problems.append(Problem(name, f"expected a record (a mapping), found {yamlio.kind_of(item)}", *yamlio.line_column(item_node)))
    if not duplicates:
        try:
            models = kinds.list_adapter().validate_python([item for item, _ in pairs])
        except ValidationError:
            pass
        else:
            return [(_record(model), _origin(name, item_node)) for model, (_, item_node) in zip(models, pairs)]
    return list(_validate_items(name, pairs, duplicates, problems))


def _validate_items(
    name: str, pairs: list[tuple[dict[str, Any], yaml.Node]], duplicates: list[yaml.Node], problems: list[Problem]
) -> Iterator[tuple[Record, Origin]]:
    adapter = kinds.entry_adapter()
    for item, item_node in pairs:
        record_id = item.get("id") if isinstance(item.get("id"), str) else None
        repeated = [key for key in duplicates if item_node.start_mark.index <= key.start_mark.index < item_node.end_mark.index]
        if repeated:
            problems.extend(_duplicate_key(name, yamlio.first_id(item_node), item_node, key) for key in repeated)
            continue
        try:
            model = adapter.validate_python(item)
        except ValidationError as err:
            problems.extend(_locate(name, record_id, item_node, error) for error in err.errors(include_url=False))
            continue
        yield _record(model), _origin(name, item_node)


def _origin(name: str, node: yaml.Node) -> Origin:
    """Where a record was written: its file and line, and the line of each citation (for verify)."""
    return {"file": name, "line": node.start_mark.line + 1, "citations": yamlio.citation_lines(node)}


def _duplicate_key(name: str, record_id: str | None, node: yaml.Node, key: yaml.Node) -> Problem:
    path, mapping = yamlio.path_to(node, key) or ([], node)
    first = next(k for k, _ in mapping.value if k.value == key.value)
    return Problem(
        name,
        f"duplicate key (first at line {first.start_mark.line + 1}); YAML would keep only the last",
        *yamlio.line_column(key),
        record_id=record_id,
        field=".".join(map(str, [*path, key.value])),
    )


def _locate(name: str, record_id: str | None, node: yaml.Node, error: Any) -> Problem:
    loc = ["kind"] if error["type"].startswith("union_tag") else list(error["loc"])[1:]
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return Problem(
        name, message, *yamlio.line_column(yamlio.node_at(node, loc)), record_id=record_id, field=".".join(map(str, loc)) or None
    )


@cache
def _field_order(model: type[BaseModel]) -> list[str]:
    return ordered_fields(model) if model in kinds.record_models().values() else list(model.model_fields)


# Values that go into a record as they are, passed over without a call.
_PLAIN = frozenset({str, int, bool, type(None)})


def _record(model: BaseModel) -> Record:
    """A validated record as a plain JSON-ready dict, its fields in output order (`ordered_fields`).

    Read off the model's attributes rather than dumped by pydantic and then put in order: 0.105 ->
    0.07 s per 10,000 records. tests/test_cold_load.py holds it to pydantic's `model_dump`.
    """
    values = model.__dict__
    return {
        key: value if type(value := values[key] if key in values else getattr(model, key)) in _PLAIN else _plain(value)
        for key in _field_order(type(model))
    }


def _plain(value: Any) -> Any:
    """Whole floats become ints so JSON says 81000, not 81000.0; nested objects keep their fields'
    order and omit empty keys."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is list:
        return [v if type(v) in _PLAIN else _plain(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _PLAIN else _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, BaseModel):
        values = value.__dict__
        return {k: v if type(v) in _PLAIN else _plain(v) for k in _field_order(type(value)) if (v := values[k]) is not None}
    raise TypeError(f"a {kind.__name__} in a record has no JSON form here")


def _assemble(entries: list[tuple[Record, Origin]], problems: list[Problem], files: list[str], pointed: Pointed) -> FactSet:
    sources: dict[str, Record] = {}
    records: list[Record] = []
    origins: dict[str, Origin] = {}
    kind_of: dict[str, str] = {}
    for record, origin in entries:
        if record["id"] in origins:
            first = origins[record["id"]]
            message = f"duplicate id, first defined at {first['file']}:{first['line']}"
            problems.append(Problem(origin["file"], message, origin["line"], record_id=record["id"], field="id"))
            continue
        origins[record["id"]] = origin
        if record["kind"] == "source":
            sources[record["id"]] = record
        else:
            records.append(record)
            kind_of[record["id"]] = record["kind"]
    cited, linked = pointed
    # Every record is looked at only when something pointed at is missing: at 100,000 records the
    # look took 0.2 s of the parent's time after the last file; the workers gather what is pointed at.
    if not cited <= sources.keys() or any(kind_of.get(target) != kind for kind, target in linked):
        # A record rejected above is already reported: links to it are not a second, misleading problem.
        rejected = {p.record_id for p in problems if p.record_id is not None}
        problems.extend(_reference_problems(records, sources, origins, rejected, kind_of))
    _attach_party_names(records)
    return FactSet(records, sources, origins, files)


def _share_sum_problems(facts: FactSet) -> Iterator[Problem]:
    """Import shares of one importer, period, forms and source are parts of one whole: at most 100 %.

    Two claims about the same partner count once, with the smaller value, so a conflict between
    statements is left to `conflicts` and only shares that cannot all hold are rejected here.
    """
    wholes: dict[tuple[str, str, str, str], dict[str, float]] = {}
    last: dict[tuple[str, str, str, str], Record] = {}
    for record in facts.records:
        if record["kind"] == "import_share":
            key = (record["importer"], record["date"], record["forms"], record["citations"][0]["source"])
            parts = wholes.setdefault(key, {})
            parts[record["partner"]] = min(parts.get(record["partner"], 100.0), record["share_pct"])
            last[key] = record
    for key, parts in wholes.items():
        total = sum(parts.values())
        if total > 100 + SUM_TOLERANCE_PCT:
            record = last[key]
            origin = facts.origins[record["id"]]
            message = f"import shares of {key[0]} for {key[1]} ({key[2]}) in {key[3]} sum to {total:g} %, over 100 % (rounding tolerance {SUM_TOLERANCE_PCT:g})"
            yield Problem(origin["file"], message, origin["line"], record_id=record["id"], field="share_pct")


def _reference_problems(
    records: list[Record], sources: dict[str, Record], origins: dict[str, dict[str, Any]], rejected: set[str], kind_of: dict[str, str]
) -> Iterator[Problem]:
    for record in records:
        origin = origins[record["id"]]
        for i, citation in enumerate(record["citations"]):
            if citation["source"] not in sources and citation["source"] not in rejected:
                line = origin["citations"][i] if i < len(origin["citations"]) else origin["line"]
                yield Problem(
                    origin["file"], f"unknown source '{citation['source']}'", line, record_id=record["id"], field=f"citations.{i}.source"
                )
        for field_name, kind, target in kinds.reference_fields(record):
            if kind_of.get(target) != kind and target not in rejected:
                yield Problem(origin["file"], f"no {kind} with id '{target}'", origin["line"], record_id=record["id"], field=field_name)


def _attach_party_names(records: list[Record]) -> None:
    """Parties carry their organisation's name and country so JSON readers need no join."""
    orgs = {r["id"]: r for r in records if r["kind"] == "organization"}
    for record in records:
        for party in record.get("parties") or []:
            org = orgs.get(party["org"], {})
            party["name"] = org.get("name")
            party["country"] = org.get("country")
