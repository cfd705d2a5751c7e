"""Reading a YAML stream an admin sent, with bounds on what it may cost.

PyYAML's own loaders build the document tree recursively: libyaml's (the fast one) in C, where
a file nested some ten thousand brackets deep overflows the thread's stack and kills the whole
process, and the pure-Python one, which runs into the recursion limit. Here the parser only
produces events (both parsers do that with a stack of their own, without recursing), and the
tree is built from them in a loop that refuses, before it grows: nesting deeper than MAX_DEPTH,
more than MAX_NODES values, and anchors or aliases (a "billion laughs" file expands a few
aliases into billions of values; the course files `content export` writes have none). Numbers
too long to be any field's value are reported by path instead of being converted (Python
refuses to read an integer of more than 4,300 digits, and reading a long one costs time).

The tree is then turned into Python values by PyYAML's safe constructor, with a repeated key
refused: plain YAML would keep only its last value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

# libyaml's parser when PyYAML was built with it (the wheels are): a course file near the
# upload limit of 1 MB is read several times faster. Both produce the same events.
try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover (a PyYAML built without libyaml)
    from yaml.loader import BaseLoader as _Parser  # type: ignore[assignment]

# A course file needs 7 levels (document, lessons, a lesson, its exercises, an exercise, its
# options, an option); the bound leaves room for mistakes that are reported by path.
MAX_DEPTH = 20
# A 1 MB course file of 5,000 small modules holds about 130,000 values.
MAX_NODES = 300_000
# No field takes a number longer than this (the largest allowed is 10,000).
MAX_NUMBER_CHARS = 30
# A key is a field's name: a longer one is shown shortened in a problem's path.
_KEY_SHOWN = 40

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"


class YamlRefused(Exception):
    """The stream cannot be read: `problem` says where and why (one line)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(slots=True)
class ValueProblem:
    """A value refused while reading: `path` in the document (`lessons[0].xp`)."""

    document: int
    path: str
    message: str


@dataclass(slots=True)
class Documents:
    """The stream's documents (numbered from 1, empty ones left out) and the values refused in
    them; a refused value reads as null, so the field checks can still look at the rest."""

    documents: list[tuple[int, object]] = field(default_factory=list)
    problems: list[ValueProblem] = field(default_factory=list)


@dataclass(slots=True)
class _Frame:
    node: SequenceNode | MappingNode
    parent: _Frame | None
    label: str
    key: Node | None = None  # a mapping's key waiting for its value


def read_documents(text: str, on_document: Callable[[int], None] | None = None) -> Documents:
    """Every document of `text` as Python values; YamlRefused for a stream that is not YAML or
    breaks a bound. `on_document(n)` is told as each document is read (for progress)."""
    result = Documents()
    constructor = _StrictConstructor()
    for number, root in enumerate(_compose(text, result), start=1):
        if on_document is not None:
            on_document(number)
        if root is None:
            continue
        try:
            data = constructor.construct_document(root)
        except yaml.YAMLError as exc:
            raise YamlRefused(describe_yaml_error(exc)) from None
        if data is not None:
            result.documents.append((number, data))
    return result


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return f"line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: {what}"
    return f"YAML syntax error: {exc}"


def _events(text: str) -> Iterator[Event]:
    parser = _Parser(text)
    try:
        while True:
            try:
                event = parser.get_event()
            except yaml.YAMLError as exc:
                raise YamlRefused(describe_yaml_error(exc)) from None
            if event is None:  # past the end (StreamEndEvent returns first)
                return
            yield event
            if isinstance(event, StreamEndEvent):
                return
    finally:
        parser.dispose()


def _where(event: Event) -> str:
    mark: Any = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _path(frame: _Frame | None, child: str) -> str:
    """The path of a node about to be added under `frame` (`lessons[0].xp`)."""
    labels = [child]
    while frame is not None:
        labels.append(frame.label)
        frame = frame.parent
    path = ""
    for label in reversed(labels):
        path += label if not path or not label or label.startswith("[") else "." + label
    return path


def _child_label(frame: _Frame | None) -> str:
    """The label of the node about to be added under `frame`: its index or its key."""
    if frame is None:
        return ""
    if isinstance(frame.node, SequenceNode):
        return f"[{len(frame.node.value)}]"
    key = frame.key
    if key is None:
        return "(a key)"
    if isinstance(key, ScalarNode):
        name = str(key.value)
        return name if len(name) <= _KEY_SHOWN else name[: _KEY_SHOWN - 1] + "…"
    return "(a key)"


def _compose(text: str, result: Documents) -> Iterator[Node | None]:
    """The root node of each document, built without recursion and within the bounds."""
    resolve: Callable[..., str] = Resolver().resolve
    nodes = 0
    document = 0
    root: Node | None = None
    top: _Frame | None = None
    depth = 0
    for event in _events(text):
        # Dispatch on the exact class: this loop runs once per value of a 1 MB file.
        cls = type(event)
        if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
            assert isinstance(event, NodeEvent)
            if event.anchor:
                raise YamlRefused(_alias_problem(top, event))
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlRefused(
                    f"{_where(event)}: the file holds more than {MAX_NODES:,} values: "
                    "split it into smaller files"
                )
            # Marks of libyaml's parser are of its own class, read the same way.
            start: Any = event.start_mark
            node: Node
            if cls is ScalarEvent:
                assert isinstance(event, ScalarEvent)
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, value, event.implicit)
                if tag in (_INT_TAG, _FLOAT_TAG) and len(value) > MAX_NUMBER_CHARS:
                    result.problems.append(_long_number(document, top, len(value)))
                    tag, value = _NULL_TAG, ""
                # No end mark: problems name where a value starts, and 300,000 marks cost.
                node = ScalarNode(tag, value, start, None, event.style)
                top, root = _attach(top, root, node)
                continue
            assert isinstance(event, CollectionStartEvent)
            if depth >= MAX_DEPTH:
                where = _path(top, _child_label(top)) or "document"
                raise YamlRefused(
                    f"{where}: {_where(event)}: nested more than {MAX_DEPTH} levels deep "
                    "(a course file needs 7)"
                )
            kind = MappingNode if cls is MappingStartEvent else SequenceNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(kind, None, event.implicit)
            label = _child_label(top)
            node = kind(tag, [], start, None, flow_style=event.flow_style)
            top, root = _attach(top, root, node)
            top = _Frame(node, top, label)
            depth += 1
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            assert top is not None
            top = top.parent
            depth -= 1
        elif cls is DocumentStartEvent:
            document += 1
            root, top, depth = None, None, 0
        elif cls is DocumentEndEvent:
            yield root
        elif cls is AliasEvent:
            raise YamlRefused(_alias_problem(top, event))


def _alias_problem(top: _Frame | None, event: Event) -> str:
    where = _path(top, _child_label(top)) or "document"
    return (
        f"{where}: {_where(event)}: anchors and aliases (&name, *name) are not allowed in a "
        "course file: write the value out where it is used"
    )


def _long_number(document: int, top: _Frame | None, length: int) -> ValueProblem:
    path = _path(top, _child_label(top))
    if top is not None and isinstance(top.node, MappingNode) and top.key is None:
        path += " (a key)"
    return ValueProblem(
        document,
        path or "document",
        f"a number {length:,} characters long is out of range (quote it if it is meant as text)",
    )


def _attach(top: _Frame | None, root: Node | None, node: Node) -> tuple[_Frame | None, Node | None]:
    if top is None:
        return None, node
    if isinstance(top.node, SequenceNode):
        top.node.value.append(node)
    elif top.key is None:
        top.key = node
    else:
        top.node.value.append((top.key, node))
        top.key = None
    return top, root


class _StrictConstructor(SafeConstructor):
    """SafeConstructor that refuses a repeated key and says where a value it cannot read is,
    instead of letting Python's ValueError (a date like 2024-13-40) escape."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"cannot read this value ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports that itself below
            if repeated:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)
