"""The YAML event reader: a safe loader (dates stay text, only true/false are booleans, repeated keys
noted), the fast path from parser events to plain data, the node path that keeps marks for locating
problems, and helpers that walk node trees. It knows YAML, not records: validate.py does the schema."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import yaml

from tungsten_cli.errors import Problem

# A record is at depth 2 (the file's list, its mapping) and its deepest field, a note's reference,
# at 5; far deeper is a mistake or an attack (900 levels ended in a RecursionError).
MAX_DEPTH = 20
INT_RANGE = 2**63 - 1  # SQLite's INTEGER; a larger number cannot be exported, and no tungsten fact needs one
_OCTAL = re.compile(r"[-+]?0[0-7_]+")  # YAML 1.1: 010 is 8
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")  # YAML 1.1: 1:30 is 90
_MERGE = "tag:yaml.org,2002:merge"
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
def fact_loader() -> type[yaml.SafeLoader]:
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


def tree(blob: bytes) -> yaml.Node | None:
    try:
        loader = fact_loader()(blob.decode("utf-8"))
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except (UnicodeDecodeError, yaml.YAMLError):
        return None


def field_node(tree: yaml.Node | None, line: int, field: str) -> yaml.Node | None:
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


def read_events(blob: bytes) -> tuple[list[dict[str, Any]], list[int], list[list[int]]] | None:
    """A file's records read straight from parser events, no node tree built, with each record's line
    and its citations' lines; None whenever anything is wrong or merely unusual (bad bytes or syntax,
    an anchor, a tag, a repeated key, a record that is not a mapping), for `parse` to report."""
    try:
        loader = fact_loader()(blob.decode("utf-8"))
        try:
            return _data_from_events(loader)
        finally:
            loader.dispose()
    except (UnicodeDecodeError, yaml.YAMLError):
        return None


_CONSTRUCTED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
_NO_KEY = object()


def _data_from_events(loader: Any) -> tuple[list[dict[str, Any]], list[int], list[list[int]]] | None:
    """A file's records built from parser events, with each record's line and its citations' lines;
    None for anything `_builder` would not build the plain way, or `parse` would refuse."""
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
                    resolved = plain[value] = plain_scalar(loader, resolvers, constructors, value)
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
            if len(stack) > MAX_DEPTH:
                return None
            container, key = new, no_key
        elif kind is yaml.DocumentEndEvent:
            return (root, lines, citation_lines) if type(get_event()) is yaml.StreamEndEvent else None
        else:
            return None  # an alias


# A plain number in its simplest spelling is what int() or float() makes of it, as in YAML 1.1 (where
# a leading 0 means octal, so that takes the long way): 0.37 -> 0.34 s per 10,000 records.
_SIMPLE_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(\.[0-9]+)?")


def plain_scalar(loader: Any, resolvers: dict[str, Any], constructors: dict[str, Any], text: str) -> Any:
    """What `_resolve` and the safe constructor make of an untagged plain scalar; `_NO_KEY` for a
    merge key or anything else that is not text, a number, a boolean or null."""
    simple = _SIMPLE_NUMBER.fullmatch(text)
    if simple:
        number = float(text) if simple.group(1) else int(text)
        return _NO_KEY if number_problem(text, number) else number
    for tag, pattern in resolvers.get(text[:1], ()):
        if pattern.match(text):
            if tag not in _CONSTRUCTED:
                return _NO_KEY
            value = constructors[tag](loader, yaml.ScalarNode(tag, text))
            return _NO_KEY if number_problem(text, value) else value
    return text


def number_problem(text: str, value: Any) -> str | None:
    """Why a plain scalar read as a number cannot stand in a fact pack; None when it can.

    YAML 1.1, which PyYAML reads, turns `010` into 8 and `1:30` into 90 without a word; a number
    past SQLite's integer range passes validation and breaks the export.
    """
    if type(value) not in (int, float):
        return None
    if _OCTAL.fullmatch(text) and text.strip("+-0_"):
        return f"{text} is an octal number in YAML 1.1 (it reads as {value}): quote it ('{text}') if it is text, or write the plain number"
    if _SEXAGESIMAL.fullmatch(text):
        return f"{text} is a base-60 number in YAML 1.1 (it reads as {value}): quote it ('{text}') if it is text, or write the plain number"
    if math.isfinite(value) and abs(value) > INT_RANGE:  # .nan and .inf: the schema refuses them by field
        return f"{text} is out of range: a number in a fact pack is at most {INT_RANGE:,} in size (SQLite's integer range)"
    return None


def parse(name: str, blob: bytes, problems: list[Problem]) -> tuple[list[Any], yaml.SequenceNode, list[yaml.Node]] | None:
    """A file's data with its node tree and repeated keys (the slow path, which keeps marks); None with a
    problem appended when the bytes, the syntax or the top level are wrong."""
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, f"not UTF-8: byte 0x{blob[err.start]:02x} at offset {err.start}"))
        return None
    try:
        shape = _shape_problem(name, text)
        if shape is not None:
            problems.append(shape)
            return None
        loader = fact_loader()(text)
        loader.duplicate_keys = []  # type: ignore[attr-defined]
        try:
            node = loader.get_single_node()
            found = _scalar_problems(name, loader, node)
            if found:
                problems.extend(found)
                return None
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
        problems.append(Problem(name, f"expected a list of records, found {kind_of(data)}", *line_column(node)))
        return None
    return data, node, loader.duplicate_keys  # type: ignore[attr-defined]


def _shape_problem(name: str, text: str) -> Problem | None:
    """An anchor or alias, or nesting deeper than MAX_DEPTH, read off the parser's events before a
    tree is built: building one 900 levels deep ends in a RecursionError."""
    alias = _ALIAS_HINT.search(text) is not None  # the cheap regex may hit quoted text; the events decide
    depth = 0
    for event in yaml.parse(text, Loader=fact_loader()):
        if alias and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)):
            return Problem(name, "YAML anchors and aliases are not allowed in fact packs")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                place = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
                return Problem(name, f"nested more than {MAX_DEPTH} levels deep; a fact pack needs 5", *place)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _scalar_problems(name: str, loader: Any, root: yaml.Node | None) -> list[Problem]:
    """Merge keys and numbers no fact can hold (`number_problem`), each at its line and column.

    A merge key (`<<: {...}`) copies fields in around the repeated-key check, so a record's
    `reserves_wo3_t: 12500` could be shadowed unseen; a pack never needs one. Walked with a list,
    not recursion (the depth is bounded already, but a wide file is not)."""
    found: list[Problem] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            message = None
            if node.tag == _MERGE:
                message = "merge keys (<<) are not allowed in fact packs: write each field out"
            elif node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and not node.style:  # plain, not quoted
                message = number_problem(node.value, loader.yaml_constructors[node.tag](loader, node))
            if message:
                found.append(Problem(name, message, *line_column(node)))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in reversed(node.value) for part in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return found


def first_id(node: yaml.Node) -> str | None:
    """The record's first `id`: with a repeated `id`, the one a reader of the file sees first."""
    return next((v.value for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)), None)


def path_to(node: yaml.Node, key: yaml.Node) -> tuple[list[Any], yaml.MappingNode] | None:
    """The field path to the mapping holding `key`, and that mapping (only on the error path)."""
    children: list[tuple[Any, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        if any(k is key for k, _ in node.value):
            return [], node
        children = [(k.value, v) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(enumerate(node.value))
    for step, child in children:
        found = path_to(child, key)
        if found is not None:
            return [step, *found[0]], found[1]
    return None


def node_at(node: yaml.Node, loc: list[Any]) -> yaml.Node:
    """The node at a validation error's location, or the deepest one that exists on the way."""
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


def line_column(node: yaml.Node) -> tuple[int, int]:
    """A node's 1-based line and column, as problems give them."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def kind_of(value: Any) -> str:
    """What a value is, in words, for a problem that expected something else."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} ({value!r:.40})"


def citation_lines(node: yaml.Node) -> list[int]:
    """The line of each item of a record's `citations` (verify points at the citation, not the record)."""
    citations = node_at(node, ["citations"])
    if not isinstance(citations, yaml.SequenceNode):
        return []
    return [c.start_mark.line + 1 for c in citations.value]
