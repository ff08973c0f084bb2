"""YAML text to plain data, remembering where each value was written.

A sources file is read from the parser's events rather than with ``yaml.compose``, which
recurses once per nesting level (a file of 1000 ``[`` would crash it) and has no size limit.
What is capped is what can grow beyond the file itself: nesting, the length of one value,
and aliases (how often they are used, and how many values they repeat in all, which stops a
"billion laughs" file before it is expanded). What is written out plainly is limited only by
the file's size (:data:`~citeaudit.catalog.reader.MAX_BYTES`): a link list of 100,000 sources
is honest work. Then the nodes become plain data, each value's line and column recorded, and
what YAML would hide (duplicate keys, loops through aliases, tags a sources file has no use
for) is reported.
"""

from __future__ import annotations

import gc
import operator
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
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
    pack,
    pos,
    short,
    shown,
    unpack,
    yaml_syntax,
)

MAX_DEPTH: Final = 64
"""Nesting deeper than this is refused: the catalog itself is six levels deep."""

MAX_ALIASES: Final = 200_000
"""Aliases (``*name``) a file may use: two for each of 100,000 sources."""

MAX_EXPANDED: Final = 1_000_000
"""Values aliases may repeat in all, counted before any is expanded: a "billion laughs"
file (aliases of aliases, each ten times the last) is stopped while it is read."""

MAX_SCALAR: Final = 100_000
"""Characters one value may hold: a long quote is a few thousand."""

_YAML = "tag:yaml.org,2002:"
_STR, NULL_TAG, _BOOL = _YAML + "str", _YAML + "null", _YAML + "bool"
_INT, _FLOAT, _TIMESTAMP = _YAML + "int", _YAML + "float", _YAML + "timestamp"
_SEQ, _MAP, _MERGE, _VALUE = _YAML + "seq", _YAML + "map", _YAML + "merge", _YAML + "value"
_SCALAR_TAGS: Final = {_STR, NULL_TAG, _BOOL, _INT, _FLOAT, _TIMESTAMP, _VALUE}


class Alias(Node):
    """Where an alias was used and the node it stands for (None when its anchor is undefined).

    Kept apart from its target so that an alias looping back into itself can be reported where
    it was written.
    """

    def __init__(self, target: Node | None, at: int) -> None:
        super().__init__(target.tag if target else NULL_TAG, None, _as_mark(at), None)
        self.target = target


class Stop(Exception):
    """Reading cannot go on (YAML syntax error, alias bomb): report what was found so far."""


class _Open:
    """A list or mapping being read: its node, a key waiting for its value, and how many
    values it holds so far with its aliases expanded."""

    __slots__ = ("key", "node", "size")

    def __init__(self, node: CollectionNode) -> None:
        self.node = node
        self.key: Node | None = None
        self.size = 1


@dataclass
class YamlTree(Located):
    """Reads one file's YAML into nodes, then into plain data with every value located.

    Each node keeps its position packed in one number (:func:`~citeaudit.catalog.problems.pack`)
    where PyYAML keeps a mark (an object of six fields), shared with :attr:`marks`.
    """

    constructor: SafeConstructor = field(default_factory=SafeConstructor)
    anchored: set[int] = field(default_factory=set)
    """The nodes an anchor names (by id): kept whole while walking, aliases repeat them."""

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
                self.anchored.clear()
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
            with _collector_paused():
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
        """Build the node tree of one document without recursion, with caps on what expands:
        nesting, one value's length, and aliases. Run once per event of the file (a million
        for 100,000 sources), so the common case comes first and nothing is done twice."""
        anchors: dict[str, Node] = {}
        sizes: dict[int, int] = {}  # values each anchored node holds, aliases expanded
        stack: list[_Open] = []
        parent: _Open | None = None  # stack[-1]
        aliases = expanded = 0
        # Most scalars (ids, URLs, titles) are quoted, or start with a character that no
        # implicit resolver looks at: the resolver would call them text, which is known here
        # without asking it, at a sixth of the cost. Plain ones it is asked about are mostly
        # keys, asked about again and again: its answers are kept.
        resolvers = loader.yaml_implicit_resolvers
        plain_text = None not in resolvers and not loader.yaml_path_resolvers
        text_tag = loader.DEFAULT_SCALAR_TAG
        resolved: dict[str, str] = {}
        node: Node
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is SequenceEndEvent or kind is MappingEndEvent:
                closed = stack.pop()
                if id(closed.node) in self.anchored:
                    sizes[id(closed.node)] = closed.size
                if not stack:
                    return closed.node
                node, size = closed.node, closed.size
                parent = stack[-1]
            else:
                start = event.start_mark
                at = pack(start.line + 1, start.column + 1)
                size = 1
                if kind is ScalarEvent:
                    assert isinstance(event, ScalarEvent)
                    tag, value, implicit = event.tag, event.value, event.implicit
                    if len(value) > MAX_SCALAR:
                        self.add(
                            unpack(at),
                            f"this value is {len(value):,} characters long: a value in a "
                            f"sources file holds at most {MAX_SCALAR:,} (is this really a "
                            "sources file?)",
                        )
                        raise Stop
                    if tag is None or tag == "!":
                        if not implicit[0] or (value and value[0] not in resolvers):
                            tag = text_tag if plain_text else None
                        elif plain_text and implicit == (True, False) and len(value) < 40:
                            tag = resolved.get(value)
                            if tag is None and len(resolved) < 10_000:
                                tag = resolved[value] = loader.resolve(ScalarNode, value, implicit)
                        else:
                            tag = None
                        if tag is None:
                            tag = loader.resolve(ScalarNode, value, implicit)
                    node = _new_scalar(tag, value, at, None, event.style)
                elif kind is AliasEvent:
                    assert isinstance(event, AliasEvent)
                    aliases += 1
                    target = anchors.get(event.anchor or "")
                    if target is None:
                        self.add(
                            unpack(at),
                            f"alias *{_name(event.anchor)} names no anchor: define "
                            f"&{_name(event.anchor)} before using it",
                        )
                    else:  # an alias of a list or mapping still open loops: said when walked
                        size = sizes.get(id(target), 1)
                        expanded += size
                    if aliases > MAX_ALIASES or expanded > MAX_EXPANDED:
                        self.add(unpack(at), _too_many_aliases(aliases > MAX_ALIASES))
                        raise Stop
                    node = Alias(target, at)
                elif kind is SequenceStartEvent or kind is MappingStartEvent:
                    assert isinstance(event, SequenceStartEvent | MappingStartEvent)
                    if len(stack) >= MAX_DEPTH:
                        self.add(unpack(at), f"nested more than {MAX_DEPTH} levels deep")
                        raise Stop
                    made = _new_sequence if kind is SequenceStartEvent else _new_mapping
                    tag = event.tag
                    if tag is None or tag == "!":
                        which = SequenceNode if kind is SequenceStartEvent else MappingNode
                        tag = loader.resolve(which, None, event.implicit)
                    node = made(tag, [], at, None, event.flow_style)
                else:  # the parser never sends anything else inside a document
                    raise yaml.YAMLError(f"unexpected {kind.__name__}")
                if kind is not AliasEvent and event.anchor is not None:
                    self.anchor(anchors, event.anchor, node, at)
                    sizes[id(node)] = 1  # a list or mapping's size is known when it closes
                if kind is SequenceStartEvent or kind is MappingStartEvent:
                    assert isinstance(node, CollectionNode)
                    parent = _Open(node)
                    stack.append(parent)
                    continue
                if parent is None:
                    return node
            # A finished value (a scalar, an alias, a closed list or mapping) into its parent.
            assert parent is not None
            parent.size += size
            if parent.key is not None:
                parent.node.value.append((parent.key, node))
                parent.key = None
            elif isinstance(parent.node, SequenceNode):
                parent.node.value.append(node)
            else:
                parent.key = node

    def anchor(self, anchors: dict[str, Node], name: str, node: Node, at: int) -> None:
        """Record that ``name`` names ``node``; a name used twice is reported."""
        if name in anchors:
            line, column = _at(anchors[name])
            self.add(
                unpack(at),
                f"anchor &{_name(name)} is already defined at line {line}, column {column}: "
                "give this one another name",
            )
        anchors[name] = node
        self.anchored.add(id(node))

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

    def walk(
        self, node: Node, path: Path_, depth: int, active: set[int], keep: bool = False
    ) -> object:
        """Turn ``node`` into plain data, recording marks and reporting what YAML hides.

        A list or mapping no anchor names (``keep`` false) lets go of each item once it is
        read, so that the nodes of a large file are freed as its plain data is made rather
        than both being held at once.
        """
        self.marks.packed[path] = _packed(node)
        if depth > MAX_DEPTH:
            self.add(_at(node), f"nested more than {MAX_DEPTH} levels deep")
            raise Stop
        if isinstance(node, Alias):
            if node.target is None:  # reported where it was composed
                self.reported.add(path)
                return INVALID
            if id(node.target) in active:
                self.add(_at(node), "this alias repeats the list or mapping it is in, forever")
                self.reported.add(path)
                return INVALID
            node, keep = node.target, True
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_SEQ, _MAP):
            return self.bad_tag(node, path)
        keep = keep or id(node) in self.anchored
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items: list[Node | None] = node.value
                if not keep:
                    node.value = []
                result = []
                for index, child in enumerate(items):
                    if not keep:
                        items[index] = None
                    assert child is not None
                    result.append(self.walk(child, (*path, index), depth + 1, active, keep))
                return result
            assert isinstance(node, MappingNode)
            return self.mapping(node, path, depth, active, keep)
        finally:
            active.discard(id(node))

    def mapping(
        self, node: MappingNode, path: Path_, depth: int, active: set[int], keep: bool
    ) -> object:
        """A mapping's keys and values; duplicate keys are reported, ``<<`` merges honoured."""
        result: dict[str, object] = {}
        first_seen: dict[str, Node] = {}
        merges: list[Node] = []
        pairs: list[tuple[str, Node, Node]] = []
        for written_key, value_node in node.value:
            key_node = _deref(written_key)
            if type(key_node) is ScalarNode and key_node.tag == _STR:
                key = key_node.value  # nearly every key: text, known without asking
            elif key_node is None:
                continue
            elif isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            elif (key := self.key(key_node)) is None:
                continue
            if key in first_seen:
                line, column = _at(first_seen[key])
                self.add(
                    _at(key_node),
                    f"duplicate key {key!r}: it is already given at line {line}, column "
                    f"{column} (YAML would silently keep only the last): remove one",
                )
                continue
            first_seen[key] = key_node
            pairs.append((key, key_node, value_node))
        if not keep:
            node.value = []
        for merge in merges:
            target = _deref(merge)
            sources = target.value if isinstance(target, SequenceNode) else [merge]
            for source in reversed(sources):  # earlier mappings win, as YAML says
                found = _deref(source)
                if found is None:
                    continue
                if not isinstance(found, MappingNode):
                    self.add(
                        _at(source),
                        "'<<' must be followed by an alias to a mapping (or a list of them)",
                    )
                    continue
                merged = self.walk(source, path, depth, active, keep)
                if isinstance(merged, dict):
                    result.update(merged)
        self.marks.packed[path] = _packed(node)
        marks, key_marks = self.marks.packed, self.key_marks.packed
        for key, key_node, value_node in pairs:
            here = (*path, key)
            key_marks[here] = _packed(key_node)
            if type(value_node) is ScalarNode and value_node.tag == _STR and depth < MAX_DEPTH:
                marks[here] = _packed(value_node)  # text, as :meth:`walk` would make it
                result[key] = value_node.value
            else:
                result[key] = self.walk(value_node, here, depth + 1, active, keep)
        return result

    def key(self, node: Node) -> str | None:
        """A mapping key as written (``5:`` is the key '5'); None, reported, when unusable."""
        if not isinstance(node, ScalarNode):
            self.add(_at(node), "a key must be plain text, not a list or mapping")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.add(_at(node), tag_message(node.tag))
            return None
        return str(node.value)

    def scalar(self, node: ScalarNode, path: Path_) -> object:
        """A scalar's value as YAML reads it; unreadable tagged values are reported.

        What was written is kept (in :attr:`raw`) for values YAML does not read as text, for
        messages that show them as written: for text it is the value itself.
        """
        tag = node.tag
        if tag in (_STR, _VALUE):
            return str(node.value)
        self.raw[path] = str(node.value)
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
            self.add(_at(node), f"cannot read {short(node.value)} as {kind}{why}")
            self.reported.add(path)
            return INVALID

    def bad_tag(self, node: Node, path: Path_) -> object:
        self.add(_at(node), tag_message(node.tag))
        self.reported.add(path)
        return INVALID


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off while nodes are made: it would walk the growing tree over
    and over (a million nodes for 100,000 sources) to find nothing, three times the work of
    making them. The command line keeps it off anyway; a library caller may not."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _deref(node: Node) -> Node | None:
    """The node an alias stands for (None for an undefined one); any other node itself."""
    return node.target if isinstance(node, Alias) else node


def _as_mark(packed: int) -> Mark:
    """A packed position kept where a node keeps its mark (see :class:`YamlTree`)."""
    return typing.cast("Mark", packed)


#: Where a node was written, as :meth:`YamlTree.compose_document` kept it (in its mark).
_packed: Callable[[Node], int] = operator.attrgetter("start_mark")
#: PyYAML's nodes, made with a packed position where they take a mark.
_new_scalar = typing.cast("Callable[[str, str, int, None, str | None], ScalarNode]", ScalarNode)
_new_sequence = typing.cast(
    "Callable[[str, list[Node], int, None, bool | None], SequenceNode]", SequenceNode
)
_new_mapping = typing.cast(
    "Callable[[str, list[tuple[Node, Node]], int, None, bool | None], MappingNode]", MappingNode
)


def _at(node: Node) -> Pos:
    """Where ``node`` was written, as a line and column."""
    return unpack(_packed(node))


def _name(anchor: str | None) -> str:
    """An anchor's name as a message may show it (libyaml allows more than letters)."""
    return shown(anchor or "")


def _too_many_aliases(uses: bool) -> str:
    if uses:
        return f"the file uses more than {MAX_ALIASES:,} aliases (*name): write it out plainly"
    return (
        f"the file expands to more than {MAX_EXPANDED:,} values through its aliases (each "
        "*name repeats all that its &name holds, aliases included): write it out plainly"
    )


def tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    return f"unsupported YAML tag {shown!r}: a sources file holds plain values; remove the tag"
