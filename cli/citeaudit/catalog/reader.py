"""Load a sources file and check it, reporting every problem at once as ``FILE:LINE:COL``.

A user fixing a sources file wants the whole list of what is wrong, each with the place to
look, not one traceback at a time. So this module reads YAML into nodes (keeping where each
value was written), turns the nodes into plain data, validates that with the pydantic models
in :mod:`citeaudit.catalog.entries`, and maps every error back to a line and column. Ids that
clash and evidence that names no source are checked on the same data, even when other entries are
broken, so one run shows everything.

The input may be hostile or simply wrong (a binary file, an alias bomb, a deeply nested
list): whatever it holds, the only exception that leaves :func:`parse_catalog` and
:func:`load_catalog` is :class:`~citeaudit.errors.CatalogError`.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, TypeAlias

import yaml
from pydantic import BaseModel, ValidationError
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

from citeaudit.catalog.entries import (
    SLUG,
    Catalog,
    Claim,
    Document,
    Evidence,
    Locator,
    Source,
    Span,
)
from citeaudit.errors import CatalogError, Problem

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_catalog", "parse_catalog"]

MAX_BYTES: Final = 10 * 1024 * 1024
"""Larger files are refused: a sources file is a few hundred kilobytes at most."""

MAX_NODES: Final = 200_000
"""Values read (aliases counted each time they are used): stops alias bombs early."""

MAX_DEPTH: Final = 64
"""Nesting deeper than this is refused: the catalog itself is six levels deep."""

Path_: TypeAlias = tuple[str | int, ...]
Pos: TypeAlias = tuple[int, int]

_YAML = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL = _YAML + "str", _YAML + "null", _YAML + "bool"
_INT, _FLOAT, _TIMESTAMP = _YAML + "int", _YAML + "float", _YAML + "timestamp"
_SEQ, _MAP, _MERGE, _VALUE = _YAML + "seq", _YAML + "map", _YAML + "merge", _YAML + "value"
_SCALAR_TAGS: Final = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _VALUE}

_EXAMPLE: Final = (
    "sources: [{id: smith-2020, url: 'https://example.org/report'}] and "
    "claims: [{id: c1, text: '...', evidence: [{source: smith-2020, locator: 'p. 3'}]}]"
)
_MODEL_NAMES: Final[dict[type[BaseModel], str]] = {
    Catalog: "the top level",
    Document: "document",
    Source: "source",
    Claim: "claim",
    Evidence: "evidence",
    Locator: "locator",
    Span: "span",
}
_SLUG = re.compile(SLUG)
_OPENS: Final = (SequenceStartEvent, MappingStartEvent)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


class _Invalid:
    """Stands in for a value already reported, so pydantic's own complaint about it is dropped."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Final = _Invalid()


class _Alias(Node):
    """Where an alias was used and the node it stands for (None when its anchor is undefined).

    Kept apart from its target so that an alias looping back into itself can be reported where
    it was written.
    """

    def __init__(self, target: Node | None, mark: Mark | None) -> None:
        super().__init__(target.tag if target else _NULL, None, mark, None)
        self.target = target


class _Stop(Exception):
    """Reading cannot go on (YAML syntax error, alias bomb): report what was found so far."""


# ---------------------------------------------------------------------------------------------
# Public API


def load_catalog(path: Path) -> Catalog:
    """Read and check the sources file at ``path``; raise CatalogError listing every problem."""
    name = str(path)
    try:
        if path.is_dir():
            return _fail(name, "this is a directory; pass the path of a sources file inside it")
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return _fail(name, "no such file; create one or pass its path")
    except IsADirectoryError:
        return _fail(name, "this is a directory; pass the path of a sources file inside it")
    except PermissionError:
        return _fail(name, "cannot read the file: permission denied")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _fail(name, f"cannot read the file: {reason}")
    return parse_catalog(data, name)


def parse_catalog(data: str | bytes, filename: str) -> Catalog:
    """Check a sources file's contents; raise CatalogError listing every problem found.

    ``filename`` is only used to label the problems.
    """
    reader = _Reader(filename)
    try:
        return reader.read(data)
    except CatalogError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is that nothing else escapes
        # A bug here must still not show a user a traceback; say what happened instead.
        message = f"internal error while reading this file ({type(exc).__name__}: {exc})"
        raise CatalogError([*reader.problems, Problem(filename, 1, 1, message)]) from exc


def _fail(filename: str, message: str) -> Catalog:
    raise CatalogError([Problem(filename, 1, 1, message)])


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Reader:
    """One reading of one file: the problems found and where each value was written."""

    filename: str
    problems: list[Problem] = field(default_factory=list)
    marks: dict[Path_, Pos] = field(default_factory=dict)
    key_marks: dict[Path_, Pos] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)
    walked: int = 0
    constructor: SafeConstructor = field(default_factory=SafeConstructor)

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.filename, max(pos[0], 1), max(pos[1], 1), message))

    def fail(self) -> CatalogError:
        unique = dict.fromkeys(self.problems)
        return CatalogError(sorted(unique, key=lambda p: (p.line, p.column)))

    def read(self, data: str | bytes) -> Catalog:
        text = self.decode(data)
        if text is None:
            raise self.fail()
        try:
            root = self.compose(text)
        except _Stop:
            raise self.fail() from None
        if root is None:
            self.add((1, 1), f"file is empty: a sources file holds, for example, {_EXAMPLE}")
            raise self.fail()
        if isinstance(root, _Alias):
            raise self.fail()
        if not isinstance(root, MappingNode):
            if isinstance(root, SequenceNode):
                what = "a list"
            elif root.tag == _NULL:
                what = "an empty value"
            else:
                what = f"the value {_short(root.value)}"
            self.add(
                _pos(root.start_mark),
                "the top level must be a mapping with the keys document, sources and claims, "
                f"not {what}",
            )
            raise self.fail()
        try:
            value = self.walk(root, (), 0, set())
        except _Stop:
            raise self.fail() from None
        catalog = self.validate(value) if isinstance(value, dict) else None
        if isinstance(value, dict):
            self.cross_check(value)
        if self.problems or catalog is None:
            raise self.fail()
        return catalog

    def decode(self, data: str | bytes) -> str | None:
        """Bytes to text, refusing what is too big or not UTF-8; a leading BOM is dropped."""
        if len(data) > MAX_BYTES:
            size = MAX_BYTES // (1024 * 1024)
            self.add((1, 1), f"file is larger than {size} MB: is it really a sources file?")
            return None
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.add((1, 1), "the file is UTF-16 text: save it as UTF-8")
            return None
        data = data.removeprefix(b"\xef\xbb\xbf")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start].decode("utf-8")
            self.add(
                _line_col(before, len(before)),
                f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be read here; "
                "save the file as UTF-8",
            )
            return None

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
            raise _Stop from None
        try:
            return self._compose(loader)
        except yaml.MarkedYAMLError as exc:
            self.yaml_error(exc)
            raise _Stop from None
        except yaml.reader.ReaderError as exc:
            self.reader_error(exc, text)
            raise _Stop from None
        except yaml.YAMLError as exc:
            self.add((1, 1), f"invalid YAML: {exc}")
            raise _Stop from None

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
                    _pos(second.start_mark),
                    "a second YAML document starts here: a sources file holds one; remove "
                    "the '---' line or move what follows into the first document",
                )
            if isinstance(root, ScalarNode) and root.tag == _NULL and not root.value:
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
                self.add(_pos(event.start_mark), f"the file holds more than {MAX_NODES} values")
                raise _Stop
            node: Node
            if isinstance(event, AliasEvent):
                target = anchors.get(event.anchor or "")
                if target is None:
                    self.add(
                        _pos(event.start_mark),
                        f"alias *{event.anchor} names no anchor: define &{event.anchor} before "
                        "using it",
                    )
                node = _Alias(target, _mark(event.start_mark))
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
                    line, column = _pos(anchors[event.anchor].start_mark)
                    self.add(
                        _pos(event.start_mark),
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
                    self.add(_pos(event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
                    raise _Stop
                assert isinstance(node, CollectionNode)
                stack.append((node, []))
            elif not stack:
                return node

    def yaml_error(self, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark or exc.context_mark
        message = f"invalid YAML: {exc.problem or exc.context or 'cannot be parsed'}"
        if exc.problem and exc.context:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                line, column = _pos(exc.context_mark)
                message += f" at line {line}, column {column}"
            message += ")"
        if "'\\t'" in message:
            message += "; YAML does not allow tabs for indentation: use spaces"
        self.add(_pos(mark) if mark is not None else (1, 1), message)

    def reader_error(self, exc: yaml.reader.ReaderError, text: str) -> None:
        char = exc.character
        code = char if isinstance(char, int) else ord(char[:1] or "\0")
        position = min(max(exc.position, 0), len(text))
        self.add(
            _line_col(text, position),
            f"the file contains the character U+{code:04X}, which YAML does not allow: remove it",
        )

    # -----------------------------------------------------------------------------------------
    # Nodes to plain data, remembering where each value was written

    def walk(self, node: Node, path: Path_, depth: int, active: set[int]) -> object:
        """Turn ``node`` into plain data, recording marks and reporting what YAML hides."""
        self.walked += 1
        if self.walked > MAX_NODES:
            self.add(
                _pos(node.start_mark),
                f"the file expands to more than {MAX_NODES} values (through aliases?): "
                "write it out plainly",
            )
            raise _Stop
        self.marks[path] = _pos(node.start_mark)
        if depth > MAX_DEPTH:
            self.add(_pos(node.start_mark), f"nested more than {MAX_DEPTH} levels deep")
            raise _Stop
        if isinstance(node, _Alias):
            if node.target is None:  # reported where it was composed
                self.reported.add(path)
                return _INVALID
            if id(node.target) in active:
                self.add(
                    _pos(node.start_mark),
                    "this alias repeats the list or mapping it is in, forever",
                )
                self.reported.add(path)
                return _INVALID
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
            where = _pos(key_node.start_mark)
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
                        _pos(source.start_mark),
                        "'<<' must be followed by an alias to a mapping (or a list of them)",
                    )
                    continue
                merged = self.walk(source, path, depth, active)
                if isinstance(merged, dict):
                    result.update(merged)
        self.marks[path] = _pos(node.start_mark)
        for key, where, value_node in pairs:
            self.key_marks[(*path, key)] = where
            result[key] = self.walk(value_node, (*path, key), depth + 1, active)
        return result

    def key(self, node: Node) -> str | None:
        """A mapping key as written (``5:`` is the key '5'); None, reported, when unusable."""
        if not isinstance(node, ScalarNode):
            self.add(_pos(node.start_mark), "a key must be plain text, not a list or mapping")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.add(_pos(node.start_mark), _tag_message(node.tag))
            return None
        return str(node.value)

    def scalar(self, node: ScalarNode, path: Path_) -> object:
        """A scalar's value as YAML reads it; unreadable tagged values are reported."""
        self.raw[path] = str(node.value)
        tag = node.tag
        if tag in (_STR, _VALUE):
            return str(node.value)
        if tag == _NULL:
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
            self.add(_pos(node.start_mark), f"cannot read {_short(node.value)} as {kind}{why}")
            self.reported.add(path)
            return _INVALID

    def bad_tag(self, node: Node, path: Path_) -> object:
        self.add(_pos(node.start_mark), _tag_message(node.tag))
        self.reported.add(path)
        return _INVALID

    # -----------------------------------------------------------------------------------------
    # Plain data to models

    def validate(self, data: dict[str, Any]) -> Catalog | None:
        """Validate with the models, turning each pydantic error into a located problem."""
        self.check_dates(Catalog, data, ())
        try:
            return Catalog.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        unions: dict[Path_, list[str]] = {}
        for error in errors:
            loc: Path_ = tuple(error["loc"])
            path = _existing(data, loc)
            if any(path[:size] in self.reported for size in range(len(path) + 1)):
                continue
            kind = error["type"]
            given = _at(data, path)
            if kind == "too_short" and isinstance(given, list) and given:
                continue  # pydantic adds this after its items failed; they are reported
            if len(path) < len(loc) and kind != "missing":
                unions.setdefault(path, []).append(kind)  # one error per member of a union
                continue
            self.explain(error, loc, path, data)
        for path, kinds in unions.items():
            wanted = sorted({_KIND_WORDS.get(k.split("_")[0], "something else") for k in kinds})
            value = _at(data, path)
            self.add(
                self.marks.get(path, (1, 1)),
                f"{_field(path)} must be {' or '.join(wanted)}, not {self.describe(path, value)}",
            )
        return None

    def explain(self, error: Any, loc: Path_, path: Path_, data: dict[str, Any]) -> None:
        """One pydantic error as a sentence a user can act on, at the right place."""
        kind: str = error["type"]
        value = error.get("input")
        where = self.marks.get(path, (1, 1))
        name = _field(loc)
        if kind == "missing":
            message = f"missing required key {loc[-1]!r} in {self.what(path, data)}"
        elif kind == "extra_forbidden":
            where = self.key_marks.get(path, where)
            message = self.unknown_key(path, data)
        elif kind in ("value_error", "assertion_error"):
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            message = message.removeprefix("Assertion failed, ")
        elif kind == "string_pattern_mismatch":
            message = (
                f"{name} {value!r} is not a valid id: use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit"
            )
        elif kind in ("string_type", "tuple_type", "list_type") and value is None:
            hint = "write its value" if kind == "string_type" else "list its entries under it"
            message = f"{name} is empty: {hint}" + (
                "" if _required(path) else " or leave out the key"
            )
        elif kind == "string_type":
            message = f"{name} must be text, not {self.describe(path, value)}"
            if isinstance(value, int | float | date) and path in self.raw:
                message += f": put it in quotes, {name}: '{self.raw[path]}'"
        elif kind.startswith("date"):
            message = f"{name} {self.describe(path, value)} is not a date: write YYYY-MM-DD"
        elif kind in ("tuple_type", "list_type"):
            message = (
                f"{name} must be a list (one '- ' line per entry), not {self.describe(path, value)}"
            )
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            given = self.describe(path, value)
            message = f"{self.what(path, data)} must be a mapping of keys to values, not {given}"
        elif kind == "too_short" and name == "evidence":
            message = (
                f"{self.what(path[:-1], data)} has no evidence: list at least one source "
                "under evidence"
            )
        elif kind == "too_short":
            message = f"{name} must not be empty"
        elif kind.startswith("int"):
            message = f"{name} must be a whole number, not {self.describe(path, value)}"
        else:
            message = f"{name}: {error.get('msg', kind)}"
        self.add(where, message)

    def unknown_key(self, path: Path_, data: dict[str, Any]) -> str:
        model = _model_at(path[:-1])
        known = list(model.model_fields) if model else []
        key = str(path[-1])
        message = f"unknown key {key!r} in {self.what(path[:-1], data)}"
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            message += f": did you mean {close[0]!r}?"
        if known:
            message += f" (known keys: {', '.join(known)})"
        return message

    def what(self, path: Path_, data: dict[str, Any]) -> str:
        """What the mapping at ``path`` is, for messages: "source 'smith-2020'", "claim"."""
        model = _model_at(path)
        name = _MODEL_NAMES.get(model, "entry") if model else "entry"
        value = _at(data, path)
        if isinstance(value, dict) and isinstance(value.get("id"), str) and model is not Catalog:
            return f"{name} {value['id'].strip()!r}"
        return name

    def describe(self, path: Path_, value: object) -> str:
        return _describe(value, self.raw.get(path))

    def check_dates(self, model: type[BaseModel], value: object, path: Path_) -> None:
        """Check date fields before pydantic does, which would read ``0`` as 1970-01-01."""
        if not isinstance(value, dict):
            return
        dates, models = _fields(model)
        for name, item in list(value.items()):
            if name in dates:
                value[name] = self.check_date(name, item, (*path, name))
                continue
            inner = models.get(name)
            if inner is None:
                continue
            here = (*path, name)
            if isinstance(item, list):
                for index, entry in enumerate(item):
                    self.check_dates(inner, entry, (*here, index))
            else:
                self.check_dates(inner, item, here)

    def check_date(self, name: str, value: object, path: Path_) -> object:
        """A date value as pydantic should see it, or the value kept and the problem reported."""
        if value is None or value is _INVALID:
            return value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = value.strip() if isinstance(value, str) else self.raw.get(path, str(value))
        if isinstance(value, str) and _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                message = f"{name} {text!r} is not a real date ({exc}): write YYYY-MM-DD"
        elif re.fullmatch(r"[0-9]{4}", text):
            message = f"{name} {text} is only a year: write the full date as YYYY-MM-DD"
        elif isinstance(value, str):
            message = f"{name} {text!r} is not a date: write YYYY-MM-DD"
        else:
            message = f"{name} must be a date written YYYY-MM-DD, not {self.describe(path, value)}"
        self.add(self.marks.get(path, (1, 1)), message)
        self.reported.add(path)
        return value

    # -----------------------------------------------------------------------------------------
    # Ids across the file

    def cross_check(self, data: dict[str, Any]) -> None:
        """Report clashing ids and evidence citing no source, from whatever entries are usable."""
        sources = data.get("sources")
        source_ids = self.unique_ids(sources, "sources", "source")
        claims = data.get("claims")
        self.unique_ids(claims, "claims", "claim")
        if not isinstance(claims, list) or (sources is not None and not isinstance(sources, list)):
            return  # the wrong shape is reported already; guessing at ids would only add noise
        for index, claim in enumerate(claims):
            evidence = claim.get("evidence") if isinstance(claim, dict) else None
            if not isinstance(evidence, list):
                continue
            for number, entry in enumerate(evidence):
                cited = entry.get("source") if isinstance(entry, dict) else None
                if not isinstance(cited, str) or not _SLUG.match(cited.strip()):
                    continue
                cited = cited.strip()
                if cited in source_ids:
                    continue
                path: Path_ = ("claims", index, "evidence", number, "source")
                close = difflib.get_close_matches(cited, list(source_ids), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "add a source with this id under sources"
                )
                self.add(self.marks.get(path, (1, 1)), f"unknown source {cited!r}: {hint}")

    def unique_ids(self, entries: object, key: str, noun: str) -> dict[str, Pos]:
        """The ids of ``entries`` with where each was first given; repeats are reported."""
        seen: dict[str, Pos] = {}
        if not isinstance(entries, list):
            return seen
        for index, entry in enumerate(entries):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str) or not ident.strip():
                continue
            ident = ident.strip()
            where = self.marks.get((key, index, "id"), (1, 1))
            if ident in seen:
                line, column = seen[ident]
                self.add(
                    where,
                    f"duplicate {noun} id {ident!r}: the first is at line {line}, column {column}",
                )
            else:
                seen[ident] = where
        return seen


# ---------------------------------------------------------------------------------------------
# Helpers

_KIND_WORDS: Final = {
    "int": "a whole number",
    "string": "text",
    "float": "a number",
    "bool": "true/false",
}


def _deref(node: Node) -> Node | None:
    """The node an alias stands for (None for an undefined one); any other node itself."""
    return node.target if isinstance(node, _Alias) else node


def _mark(mark: object) -> Mark | None:
    """The parser's mark, typed as the pure-Python one it always is here."""
    return typing.cast("Mark | None", mark)


def _pos(mark: object) -> Pos:
    """A PyYAML mark (0-based) as a 1-based line and column."""
    line = getattr(mark, "line", 0)
    column = getattr(mark, "column", 0)
    return (line + 1 if isinstance(line, int) else 1, column + 1 if isinstance(column, int) else 1)


def _line_col(text: str, index: int) -> Pos:
    """Line and column of ``text[index]``, counting line breaks the way PyYAML does."""
    line, start = 1, 0
    for match in _BREAKS.finditer(text, 0, index):
        line += 1
        start = match.end()
    return line, index - start + 1


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    return f"unsupported YAML tag {shown!r}: a sources file holds plain values; remove the tag"


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _describe(value: object, raw: str | None = None) -> str:
    shown = raw if raw is not None else str(value)
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"true/false ({shown})"
    if isinstance(value, int | float):
        return f"a number ({shown})"
    if isinstance(value, date):
        return f"a date ({shown})"
    if isinstance(value, str):
        return f"text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "this value"


def _field(loc: Path_) -> str:
    """The name of the field ``loc`` ends in, for messages ("id", "locator")."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


def _at(data: object, path: Path_) -> object:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _existing(data: object, loc: Path_) -> Path_:
    """The longest start of ``loc`` that names a value in ``data``."""
    for size, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return loc[:size]
    return loc


def _inner_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds, through ``X | None`` and ``tuple[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[frozenset[str], dict[str, type[BaseModel]]]:
    """The names of ``model``'s date fields, and the model each other field holds, if any:
    asked for each entry of the file, so worked out once."""
    fields = model.model_fields
    dates = frozenset(name for name, info in fields.items() if _holds_date(info.annotation))
    models = {name: _inner_model(info.annotation) for name, info in fields.items()}
    return dates, {name: inner for name, inner in models.items() if inner and name not in dates}


def _holds_date(annotation: object) -> bool:
    if annotation is date:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return date in typing.get_args(annotation)
    return False


def _required(path: Path_) -> bool:
    """Whether the field at ``path`` must be given."""
    model = _model_at(path[:-1])
    info = model.model_fields.get(str(path[-1])) if model and path else None
    return bool(info and info.is_required())


def _model_at(path: Path_) -> type[BaseModel] | None:
    """The model whose mapping sits at ``path`` (list indexes keep the item's model)."""
    model: type[BaseModel] | None = Catalog
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _inner_model(model.model_fields[part].annotation)
    return model
