"""YAML text to plain data, remembering where each value was written.

A sources file is read from the parser's events rather than with ``yaml.compose``, which
recurses once per nesting level (a file of 1000 ``[`` would crash it) and has no size limit:
here nesting and the number of values (aliases counted each time they are used, which stops
alias bombs early) are capped. Then the nodes become plain data, each value's line and
column recorded, and what YAML would hide (duplicate keys, loops through aliases, tags a
sources file has no use for) is reported.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Final

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from citeaudit.catalog.problems import (
    INVALID,
    Located,
    Path_,
    Pos,
    line_col,
    pos,
    short,
    yaml_syntax,
)

MAX_NODES: Final = 200_000
"""Values read (aliases counted each time they are used): stops alias bombs early."""

MAX_DEPTH: Final = 64
"""Nesting deeper than this is refused: the catalog itself is six levels deep."""

_YAML = "tag:yaml.org,2002:"
_STR, NULL_TAG, _BOOL = _YAML + "str", _YAML + "null", _YAML + "bool"
_INT, _FLOAT, _TIMESTAMP = _YAML + "int", _YAML + "float", _YAML + "timestamp"
_SEQ, _MAP, _MERGE, _VALUE = _YAML + "seq", _YAML + "map", _YAML + "merge", _YAML + "value"
_SCALAR_TAGS: Final = {_STR, NULL_TAG, _BOOL, _INT, _FLOAT, _TIMESTAMP, _VALUE}
_OPENS: Final = (SequenceStartEvent, MappingStartEvent)


class Alias(Node):
    """Where an alias was used and the node it stands for (None when its anchor is undefined).

    Kept apart from its target so that an alias looping back into itself can be reported where
    it was written.
    """

    def __init__(self, target: Node | None, mark: Mark | None) -> None:
        super().__init__(target.tag if target else NULL_TAG, None, mark, None)
        self.target = target


class Stop(Exception):
    """Reading cannot go on (YAML syntax error, alias bomb): report what was found so far."""


@dataclass
class YamlTree(Located):
    """Reads one file's YAML into nodes, then into plain data with every value located."""

    walked: int = 0
    constructor: SafeConstructor = field(default_factory=SafeConstructor)

    # -----------------------------------------------------------------------------------------
    # YAML text to nodes

    def compose(self, text: str) -> Node | None:
        """Parse the one YAML document in ``text`` into nodes, or None when there is none.

        Done from parser events rather than with ``yaml.compose`` because that recurses once
        per nesting level (a file of 1000 ``[`` would crash it) and has no size limit.

        libyaml's parser (when PyYAML has it) reads a valid file about fifteen times faster
        than the pure-Python one, with the same events and the same line and column marks;
        a file it finds invalid is read again with the pure-Python parser, so that every
        problem is reported in that parser's words, as always.
        """
        fast = getattr(yaml, "CSafeLoader", None)
        # The characters the pure-Python reader refuses are left to it to name.
        if fast is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
            known = len(self.problems)
            try:
                return self._compose(fast(text))
            except yaml.YAMLError:
                del self.problems[known:]
        try:
            loader = yaml.SafeLoader(text)
        except yaml.reader.ReaderError as exc:
            self.reader_error(exc, text)
            raise Stop from None
        try:
            return self._compose(loader)
        except yaml.MarkedYAMLError as exc:
            self.yaml_error(exc, text)
            raise Stop from None
        except yaml.reader.ReaderError as exc:
            self.reader_error(exc, text)
            raise Stop from None
        except yaml.YAMLError as exc:
            self.add((1, 1), f"invalid YAML: {exc}")
            raise Stop from None

    def _compose(self, loader: yaml.SafeLoader) -> Node | None:
        """The document's node tree from ``loader``'s events; YAML errors propagate."""
        try:
            loader.get_event()  # stream start
            if loader.check_event(StreamEndEvent):
                return None
            loader.get_event()  # document start
            root = self.compose_document(loader)
            loader.get_event()  # document end
            if not loader.check_event(StreamEndEvent):
                second = loader.get_event()
                self.add(
                    pos(second.start_mark),
                    "a second YAML document starts here: a sources file holds one; remove "
                    "the '---' line or move what follows into the first document",
                )
            if isinstance(root, ScalarNode) and root.tag == NULL_TAG and not root.value:
                return None
            return root
        finally:
            loader.dispose()

    def compose_document(self, loader: yaml.SafeLoader) -> Node:
        """Build the node tree of one document without recursion, with caps on size and depth."""
        anchors: dict[str, Node] = {}
        stack: list[tuple[CollectionNode, list[Node]]] = []  # open collections, pending key
        count = 0
        # Most scalars (ids, URLs, titles) are quoted, or start with a character that no
        # implicit resolver looks at: the resolver would call them text, which is known here
        # without asking it, at a sixth of the cost.
        resolvers = loader.yaml_implicit_resolvers
        plain_text = None not in resolvers and not loader.yaml_path_resolvers
        while True:
            event = loader.get_event()
            if isinstance(event, CollectionEndEvent):
                closed, _ = stack.pop()
                closed.end_mark = _mark(event.end_mark)
                if not stack:
                    return closed
                continue
            count += 1
            if count > MAX_NODES:
                self.add(pos(event.start_mark), f"the file holds more than {MAX_NODES} values")
                raise Stop
            node: Node
            if isinstance(event, AliasEvent):
                target = anchors.get(event.anchor or "")
                if target is None:
                    self.add(
                        pos(event.start_mark),
                        f"alias *{event.anchor} names no anchor: define &{event.anchor} before "
                        "using it",
                    )
                node = Alias(target, _mark(event.start_mark))
            elif isinstance(event, ScalarEvent):
                tag, value, implicit = event.tag, event.value, event.implicit
                if tag is None or tag == "!":
                    if plain_text and (not implicit[0] or (value and value[0] not in resolvers)):
                        tag = loader.DEFAULT_SCALAR_TAG
                    else:
                        tag = loader.resolve(ScalarNode, value, implicit)
                node = ScalarNode(tag, value, _mark(event.start_mark), style=event.style)
            elif isinstance(event, _OPENS):
                kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                node = kind(tag, [], _mark(event.start_mark), flow_style=event.flow_style)
            else:  # the parser never sends anything else inside a document
                raise yaml.YAMLError(f"unexpected {type(event).__name__}")
            if not isinstance(event, AliasEvent) and event.anchor is not None:
                if event.anchor in anchors:
                    line, column = pos(anchors[event.anchor].start_mark)
                    self.add(
                        pos(event.start_mark),
                        f"anchor &{event.anchor} is already defined at line {line}, column "
                        f"{column}: give this one another name",
                    )
                anchors[event.anchor] = node
            if stack:
                parent, pending = stack[-1]
                if isinstance(parent, SequenceNode):
                    parent.value.append(node)
                elif pending:
                    parent.value.append((pending.pop(), node))
                else:
                    pending.append(node)
            if isinstance(event, _OPENS):
                if len(stack) >= MAX_DEPTH:
                    self.add(pos(event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
                    raise Stop
                assert isinstance(node, CollectionNode)
                stack.append((node, []))
            elif not stack:
                return node

    def yaml_error(self, exc: yaml.MarkedYAMLError, text: str = "") -> None:
        """A YAML syntax error in plain words where it is recognised (see
        :func:`~citeaudit.catalog.problems.yaml_syntax`), else in PyYAML's."""
        mark = exc.problem_mark or exc.context_mark
        if exc.problem and exc.problem_mark is not None:
            context_at = pos(exc.context_mark) if exc.context_mark is not None else None
            plain = yaml_syntax(text, exc.problem, pos(exc.problem_mark), exc.context, context_at)
            if plain is not None:
                self.add(*plain)
                return
        message = f"invalid YAML: {exc.problem or exc.context or 'cannot be parsed'}"
        if exc.problem and exc.context:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                line, column = pos(exc.context_mark)
                message += f" at line {line}, column {column}"
            message += ")"
        if "'\\t'" in message:
            message += "; YAML does not allow tabs for indentation: use spaces"
        self.add(pos(mark) if mark is not None else (1, 1), message)

    def reader_error(self, exc: yaml.reader.ReaderError, text: str) -> None:
        char = exc.character
        code = char if isinstance(char, int) else ord(char[:1] or "\0")
        position = min(max(exc.position, 0), len(text))
        self.add(
            line_col(text, position),
            f"the file contains the character U+{code:04X}, which YAML does not allow: remove it",
        )

    # -----------------------------------------------------------------------------------------
    # Nodes to plain data, remembering where each value was written

    def walk(self, node: Node, path: Path_, depth: int, active: set[int]) -> object:
        """Turn ``node`` into plain data, recording marks and reporting what YAML hides."""
        self.walked += 1
        if self.walked > MAX_NODES:
            self.add(
                pos(node.start_mark),
                f"the file expands to more than {MAX_NODES} values (through aliases?): "
                "write it out plainly",
            )
            raise Stop
        self.marks[path] = pos(node.start_mark)
        if depth > MAX_DEPTH:
            self.add(pos(node.start_mark), f"nested more than {MAX_DEPTH} levels deep")
            raise Stop
        if isinstance(node, Alias):
            if node.target is None:  # reported where it was composed
                self.reported.add(path)
                return INVALID
            if id(node.target) in active:
                self.add(
                    pos(node.start_mark),
                    "this alias repeats the list or mapping it is in, forever",
                )
                self.reported.add(path)
                return INVALID
            node = node.target
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_SEQ, _MAP):
            return self.bad_tag(node, path)
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.walk(child, (*path, index), depth + 1, active)
                    for index, child in enumerate(node.value)
                ]
            assert isinstance(node, MappingNode)
            return self.mapping(node, path, depth, active)
        finally:
            active.discard(id(node))

    def mapping(self, node: MappingNode, path: Path_, depth: int, active: set[int]) -> object:
        """A mapping's keys and values; duplicate keys are reported, ``<<`` merges honoured."""
        result: dict[str, object] = {}
        first_seen: dict[str, Pos] = {}
        merges: list[Node] = []
        pairs: list[tuple[str, Pos, Node]] = []
        for written_key, value_node in node.value:
            key_node = _deref(written_key)
            if key_node is None:
                continue
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.key(key_node)
            if key is None:
                continue
            where = pos(key_node.start_mark)
            if key in first_seen:
                line, column = first_seen[key]
                self.add(
                    where,
                    f"duplicate key {key!r}: it is already given at line {line}, column "
                    f"{column} (YAML would silently keep only the last): remove one",
                )
                continue
            first_seen[key] = where
            pairs.append((key, where, value_node))
        for merge in merges:
            target = _deref(merge)
            sources = target.value if isinstance(target, SequenceNode) else [merge]
            for source in reversed(sources):  # earlier mappings win, as YAML says
                found = _deref(source)
                if found is None:
                    continue
                if not isinstance(found, MappingNode):
                    self.add(
                        pos(source.start_mark),
                        "'<<' must be followed by an alias to a mapping (or a list of them)",
                    )
                    continue
                merged = self.walk(source, path, depth, active)
                if isinstance(merged, dict):
                    result.update(merged)
        self.marks[path] = pos(node.start_mark)
        for key, where, value_node in pairs:
            self.key_marks[(*path, key)] = where
            result[key] = self.walk(value_node, (*path, key), depth + 1, active)
        return result

    def key(self, node: Node) -> str | None:
        """A mapping key as written (``5:`` is the key '5'); None, reported, when unusable."""
        if not isinstance(node, ScalarNode):
            self.add(pos(node.start_mark), "a key must be plain text, not a list or mapping")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.add(pos(node.start_mark), tag_message(node.tag))
            return None
        return str(node.value)

    def scalar(self, node: ScalarNode, path: Path_) -> object:
        """A scalar's value as YAML reads it; unreadable tagged values are reported."""
        self.raw[path] = str(node.value)
        tag = node.tag
        if tag in (_STR, _VALUE):
            return str(node.value)
        if tag == NULL_TAG:
            return None
        if tag not in _SCALAR_TAGS:
            return self.bad_tag(node, path)
        try:
            if tag == _BOOL:
                return self.constructor.construct_yaml_bool(node)
            if tag == _INT:
                return self.constructor.construct_yaml_int(node)
            if tag == _FLOAT:
                return self.constructor.construct_yaml_float(node)
            return self.constructor.construct_yaml_timestamp(node)
        except Exception as exc:  # noqa: BLE001 - PyYAML raises whatever int() or date() raise
            if tag == _TIMESTAMP:
                return str(node.value)  # a date field says what is wrong with it; text is text
            kind = (
                "a whole number" if tag == _INT else "a number" if tag == _FLOAT else "true/false"
            )
            why = ": it has too many digits" if "digits" in str(exc) else ""
            self.add(pos(node.start_mark), f"cannot read {short(node.value)} as {kind}{why}")
            self.reported.add(path)
            return INVALID

    def bad_tag(self, node: Node, path: Path_) -> object:
        self.add(pos(node.start_mark), tag_message(node.tag))
        self.reported.add(path)
        return INVALID


def _deref(node: Node) -> Node | None:
    """The node an alias stands for (None for an undefined one); any other node itself."""
    return node.target if isinstance(node, Alias) else node


def _mark(mark: object) -> Mark | None:
    """The parser's mark, typed as the pure-Python one it always is here."""
    return typing.cast("Mark | None", mark)


def tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    return f"unsupported YAML tag {shown!r}: a sources file holds plain values; remove the tag"
