"""Parse YAML packs safely and validate them against the schema, locating each problem at file:line:column."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from tungsten_cli.errors import FactsError, Problem
from tungsten_cli.model import RECORD_MODELS, SUM_TOLERANCE_PCT, Entry, entry_adapter, ordered_fields
from tungsten_cli.records import FactSet, Record, gc_paused, reference_fields

Origin = dict[str, Any]
_ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:])[&*][^\s,\[\]{}]")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


def _construct_mapping(self: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """Note each repeated key (YAML would let the last one win silently), then build as usual.

    The C parser still calls this Python constructor, so the check costs one set per mapping.
    """
    seen: set[Any] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                self.duplicate_keys.append(key)
            seen.add(key.value)
    return super(type(self), self).construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


@cache
def _loader() -> type[yaml.SafeLoader]:
    """A safe loader that leaves dates as text and reads only true/false as booleans (`NO` is Norway)."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    namespace = {"construct_mapping": _construct_mapping, "resolve": _resolve, "descend_resolver": _no_path, "ascend_resolver": _no_path}
    loader: type[yaml.SafeLoader] = type("FactLoader", (base,), namespace)
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
    return loader


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _resolve(self: Any, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
    """PyYAML's Resolver.resolve without path resolvers (none are registered): the parser calls it per node.

    With `_no_path` it took a 10,000-record file's parse from 2.4 s to 1.6 s.
    """
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                if pattern.match(value):
                    return str(tag)
        return _STR
    return _SEQ if kind is yaml.SequenceNode else _MAP


def _no_path(self: Any, *args: Any) -> None:
    """Path resolvers are not used, so the parser's per-node bookkeeping for them can be skipped."""


def _builder(loader: Any, duplicates: list[yaml.Node]) -> Callable[[yaml.Node], Any]:
    """Plain str/map/seq nodes straight to Python objects, repeated keys noted; anything else (numbers,
    booleans, null, explicit tags) goes to the safe constructor. Six times faster than construct_document (0.35 s against 2.2 s for 10,000 records)."""
    construct = loader.construct_object

    def build(node: yaml.Node) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR else construct(node)
        if kind is yaml.MappingNode and node.tag == _MAP:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                    return construct(node, deep=True)
                key = key_node.value if key_node.tag == _STR else construct(key_node)
                if key in mapping:
                    duplicates.append(key_node)
                mapping[key] = build(value_node)
            return mapping
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [build(item) for item in node.value]
        return construct(node, deep=True)

    return build


def build(files: list[Path], blobs: list[bytes]) -> FactSet:
    """Validate all files and cross-check them; raise one FactsError listing every problem."""
    with gc_paused():
        facts = _build(files, blobs)
        # Everything built so far lives as long as the command: without this the first collections
        # after the pause walk all of it again (1.1 s CPU of a 100,000-record cold load: 13.1 -> 11.9).
        gc.freeze()
    return facts


def _build(files: list[Path], blobs: list[bytes]) -> FactSet:
    problems: list[Problem] = []
    entries: list[tuple[Record, Origin]] = []
    for path, blob in zip(files, blobs):
        fast = _fast_file(str(path), blob)
        if fast is not None:
            entries.extend(fast)
            continue
        parsed = _parse(str(path), blob, problems)
        if parsed is not None:
            entries.extend(_validate_file(str(path), *parsed, problems))
        del parsed  # a file's node tree goes before the next one is built
    facts = _assemble(entries, problems, [str(f) for f in files])
    problems.extend(_share_sum_problems(facts))
    if problems:
        raise FactsError(_placed(problems, dict(zip(map(str, files), blobs))))
    return facts


def _placed(problems: list[Problem], blobs: dict[str, bytes]) -> list[Problem]:
    """Problems between records (a link to a missing record, a duplicate id, shares over 100 %) are
    found after the node trees are gone, so they carry the record's line; here, on the error path
    only, each file concerned is parsed again to give the field's own line and column."""
    trees: dict[str, yaml.Node | None] = {}
    placed = []
    for problem in problems:
        if problem.field is not None and problem.column is None and problem.line is not None and problem.file in blobs:
            if problem.file not in trees:
                trees[problem.file] = _tree(blobs[problem.file])
            node = _field_node(trees[problem.file], problem.line, problem.field)
            if node is not None:
                problem = problem._replace(line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        placed.append(problem)
    return placed


def _tree(blob: bytes) -> yaml.Node | None:
    try:
        loader = _loader()(blob.decode("utf-8"))
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except (UnicodeDecodeError, yaml.YAMLError):
        return None


def _field_node(tree: yaml.Node | None, line: int, field: str) -> yaml.Node | None:
    """The value node of `field` (dotted, list items by index) in the record written at or before `line`."""
    if not isinstance(tree, yaml.SequenceNode):
        return None
    node: yaml.Node | None = None
    for item in tree.value:
        if item.start_mark.line + 1 <= line:
            node = item
    for step in field.split("."):
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and step.isdigit() and int(step) < len(node.value):
            node = node.value[int(step)]
        else:
            return None
    return node


def _fast_file(name: str, blob: bytes) -> list[tuple[Record, Origin]] | None:
    """The happy path: YAML events straight to Python objects, one pydantic call for the file.

    No node tree is built, so nothing can be located here: None whenever anything is wrong or
    merely unusual (bad bytes or syntax, an anchor, a tag, a repeated key, a record that is not a
    mapping, a failed validation), and the node path (`_parse`) loads the file again and reports
    exactly what it always reported. Per 10,000-record file: 0.32 s where regex, nodes and builder
    took 0.52 s; a 100,000-record cold load from 912 MB peak memory to 657 MB (no node trees).
    """
    try:
        loader = _loader()(blob.decode("utf-8"))
        try:
            parsed = _data_from_events(loader)
        finally:
            loader.dispose()
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    if parsed is None:
        return None
    items, lines, citation_lines = parsed
    try:
        models = _list_adapter().validate_python(items)
    except ValidationError:
        return None
    return [
        (_record(model), {"file": name, "line": line, "citations": citations})
        for model, line, citations in zip(models, lines, citation_lines)
    ]


_CONSTRUCTED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_NO_KEY = object()


def _data_from_events(loader: Any) -> tuple[list[dict[str, Any]], list[int], list[list[int]]] | None:
    """A file's records built from parser events, with each record's line and its citations' lines;
    None for anything `_builder` would not build the plain way, or `_parse` would refuse."""
    get_event, resolvers, constructors = loader.get_event, loader.yaml_implicit_resolvers, loader.yaml_constructors
    # Names bound here, scalars first, a cache miss found by one lookup: 0.39 -> 0.37 s per 10,000 records.
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end, no_key = yaml.MappingEndEvent, yaml.SequenceEndEvent, _NO_KEY
    plain: dict[str, Any] = {}  # plain scalars repeat (kinds, countries, units): each resolved once
    stack: list[tuple[Any, Any]] = []
    container: Any = None
    key: Any = no_key
    root: list[dict[str, Any]] = []
    lines: list[int] = []
    citation_lines: list[list[int]] = []
    citations: Any = None  # the current record's `citations` list, whose items' lines are kept
    if type(get_event()) is not yaml.StreamStartEvent or type(get_event()) is not yaml.DocumentStartEvent:
        return None
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar:
            if event.tag is not None or event.anchor is not None:
                return None
            value = event.value
            if event.implicit[0]:
                resolved = plain.get(value, no_key)
                if resolved is no_key:
                    resolved = plain[value] = _plain_scalar(loader, resolvers, constructors, value)
                    if resolved is no_key:
                        return None
                value = resolved
            if key is not no_key:
                container[key] = value
                key = no_key
            elif type(container) is dict:
                if value in container:
                    return None
                key = value
            elif container is None:
                return None
            else:  # a text as a record fails validation below
                if container is citations:
                    citation_lines[-1].append(event.start_mark.line + 1)
                container.append(value)
        elif kind is mapping_end or kind is sequence_end:
            container, key = stack.pop()
            key = no_key
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None or event.anchor is not None:
                return None
            new: Any = {} if kind is mapping_start else []
            if container is None:
                if kind is not sequence_start:
                    return None
                new = root
            elif key is not no_key:
                container[key] = new
                if key == "citations" and len(stack) == 2:
                    citations = new
            elif type(container) is dict:
                return None  # a mapping or list as a key
            elif container is root:
                if kind is not mapping_start:
                    return None
                lines.append(event.start_mark.line + 1)
                citation_lines.append([])
                container.append(new)
            else:
                if container is citations:
                    citation_lines[-1].append(event.start_mark.line + 1)
                container.append(new)
            stack.append((container, key))
            container, key = new, no_key
        elif kind is yaml.DocumentEndEvent:
            return (root, lines, citation_lines) if type(get_event()) is yaml.StreamEndEvent else None
        else:
            return None  # an alias


# A plain number in its simplest spelling is what int() or float() makes of it, as in YAML 1.1 (where
# a leading 0 means octal, so that takes the long way): 0.37 -> 0.34 s per 10,000 records.
_SIMPLE_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(\.[0-9]+)?")


def _plain_scalar(loader: Any, resolvers: dict[str, Any], constructors: dict[str, Any], text: str) -> Any:
    """What `_resolve` and the safe constructor make of an untagged plain scalar; `_NO_KEY` for a
    merge key or anything else that is not text, a number, a boolean or null."""
    simple = _SIMPLE_NUMBER.fullmatch(text)
    if simple:
        return float(text) if simple.group(1) else int(text)
    for tag, pattern in resolvers.get(text[:1], ()):
        if pattern.match(text):
            return constructors[tag](loader, yaml.ScalarNode(tag, text)) if tag in _CONSTRUCTED else _NO_KEY
    return text


def _parse(name: str, blob: bytes, problems: list[Problem]) -> tuple[list[Any], yaml.SequenceNode, list[yaml.Node]] | None:
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, f"not UTF-8: byte 0x{blob[err.start]:02x} at offset {err.start}"))
        return None
    try:
        if _ALIAS_HINT.search(text) and _has_alias(text):
            problems.append(Problem(name, "YAML anchors and aliases are not allowed in fact packs"))
            return None
        loader = _loader()(text)
        loader.duplicate_keys = []  # type: ignore[attr-defined]
        try:
            node = loader.get_single_node()
            data = _builder(loader, loader.duplicate_keys)(node) if node is not None else None  # type: ignore[attr-defined]
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problems.append(Problem(name, f"YAML syntax error: {err.problem or err.context}", line, column))
        return None
    except yaml.YAMLError as err:
        problems.append(Problem(name, f"YAML error: {err}"))
        return None
    if node is None:
        problems.append(Problem(name, "empty file: expected a list of records"))
        return None
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(name, f"expected a list of records, found {_kind_of(data)}", *_mark(node)))
        return None
    return data, node, loader.duplicate_keys  # type: ignore[attr-defined]


def _has_alias(text: str) -> bool:
    """The cheap regex may hit quoted text; the parser's events decide."""
    return any(isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) for event in yaml.parse(text, Loader=_loader()))


@cache
def _list_adapter() -> TypeAdapter[list[Entry]]:
    return TypeAdapter(list[Entry])


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
            problems.append(Problem(name, f"expected a record (a mapping), found {_kind_of(item)}", *_mark(item_node)))
    if not duplicates:
        try:
            models = _list_adapter().validate_python([item for item, _ in pairs])
        except ValidationError:
            pass
        else:
            return [(_record(model), _origin(name, item_node)) for model, (_, item_node) in zip(models, pairs)]
    return list(_validate_items(name, pairs, duplicates, problems))


def _validate_items(
    name: str, pairs: list[tuple[dict[str, Any], yaml.Node]], duplicates: list[yaml.Node], problems: list[Problem]
) -> Iterator[tuple[Record, Origin]]:
    adapter = entry_adapter()
    for item, item_node in pairs:
        record_id = item.get("id") if isinstance(item.get("id"), str) else None
        repeated = [key for key in duplicates if item_node.start_mark.index <= key.start_mark.index < item_node.end_mark.index]
        if repeated:
            problems.extend(_duplicate_key(name, _first_id(item_node), item_node, key) for key in repeated)
            continue
        try:
            model = adapter.validate_python(item)
        except ValidationError as err:
            problems.extend(_locate(name, record_id, item_node, error) for error in err.errors(include_url=False))
            continue
        yield _record(model), _origin(name, item_node)


def _origin(name: str, node: yaml.Node) -> Origin:
    """Where a record was written: its file and line, and the line of each citation (for verify)."""
    return {"file": name, "line": node.start_mark.line + 1, "citations": _citation_lines(node)}


def _first_id(node: yaml.Node) -> str | None:
    """The record's first `id`: with a repeated `id`, the one a reader of the file sees first."""
    return next((v.value for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)), None)


def _duplicate_key(name: str, record_id: str | None, node: yaml.Node, key: yaml.Node) -> Problem:
    path, mapping = _path_to(node, key) or ([], node)
    first = next(k for k, _ in mapping.value if k.value == key.value)
    return Problem(
        name,
        f"duplicate key (first at line {first.start_mark.line + 1}); YAML would keep only the last",
        *_mark(key),
        record_id=record_id,
        field=".".join(map(str, [*path, key.value])),
    )


def _path_to(node: yaml.Node, key: yaml.Node) -> tuple[list[Any], yaml.MappingNode] | None:
    """The field path to the mapping holding `key`, and that mapping (only on the error path)."""
    children: list[tuple[Any, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        if any(k is key for k, _ in node.value):
            return [], node
        children = [(k.value, v) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(enumerate(node.value))
    for step, child in children:
        found = _path_to(child, key)
        if found is not None:
            return [step, *found[0]], found[1]
    return None


def _locate(name: str, record_id: str | None, node: yaml.Node, error: Any) -> Problem:
    loc = ["kind"] if error["type"].startswith("union_tag") else list(error["loc"])[1:]
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return Problem(name, message, *_mark(_node_at(node, loc)), record_id=record_id, field=".".join(map(str, loc)) or None)


def _node_at(node: yaml.Node, loc: list[Any]) -> yaml.Node:
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [value for k, value in node.value if k.value == key]
            if not match:
                return node
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} ({value!r:.40})"


@cache
def _field_order(model: type[BaseModel]) -> list[str]:
    return ordered_fields(model) if model in _RECORD_TYPES else list(model.model_fields)


_RECORD_TYPES = set(RECORD_MODELS.values())
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


def _assemble(entries: list[tuple[Record, Origin]], problems: list[Problem], files: list[str]) -> FactSet:
    sources: dict[str, Record] = {}
    records: list[Record] = []
    origins: dict[str, Origin] = {}
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
    # A record rejected above is already reported: links to it are not a second, misleading problem.
    rejected = {p.record_id for p in problems if p.record_id is not None}
    problems.extend(_reference_problems(records, sources, origins, rejected))
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


def _citation_lines(node: yaml.Node) -> list[int]:
    citations = _node_at(node, ["citations"])
    if not isinstance(citations, yaml.SequenceNode):
        return []
    return [c.start_mark.line + 1 for c in citations.value]


def _reference_problems(
    records: list[Record], sources: dict[str, Record], origins: dict[str, dict[str, Any]], rejected: set[str]
) -> Iterator[Problem]:
    kinds = {r["id"]: r["kind"] for r in records}
    for record in records:
        origin = origins[record["id"]]
        for i, citation in enumerate(record["citations"]):
            if citation["source"] not in sources and citation["source"] not in rejected:
                line = origin["citations"][i] if i < len(origin["citations"]) else origin["line"]
                yield Problem(
                    origin["file"], f"unknown source '{citation['source']}'", line, record_id=record["id"], field=f"citations.{i}.source"
                )
        for field_name, kind, target in reference_fields(record):
            if kinds.get(target) != kind and target not in rejected:
                yield Problem(origin["file"], f"no {kind} with id '{target}'", origin["line"], record_id=record["id"], field=field_name)


def _attach_party_names(records: list[Record]) -> None:
    """Parties carry their organisation's name and country so JSON readers need no join."""
    orgs = {r["id"]: r for r in records if r["kind"] == "organization"}
    for record in records:
        for party in record.get("parties") or []:
            org = orgs.get(party["org"], {})
            party["name"] = org.get("name")
            party["country"] = org.get("country")
