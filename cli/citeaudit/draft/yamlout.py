"""A sources file written out by hand: YAML with comments where a person should look.

pyyaml cannot write comments, and a draft is read by a person before it is trusted, so the
file is emitted line by line. Every string that is not plainly safe as a bare scalar is
written double-quoted with every character YAML could misread escaped, so whatever a
document holds (colons, ``#``, quotes, line breaks, control characters) reads back as the
same text.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import yaml

#: A value of the file: text, a whole number or a date.
Scalar = str | int | date

# Characters YAML does not allow unescaped, or reads as line breaks.
_UNPRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]"
)
_PLAIN_START = re.compile(r"[A-Za-z0-9]|[^\x00-\x7f]")
_PLAIN_LIMIT = 1000


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back exactly."""
    return _UNPRINTABLE.sub(_escape, json.dumps(text, ensure_ascii=False))


#: libyaml's loader where PyYAML was built with it (ten times faster), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4096)
def _plain_reads_back(text: str) -> bool:
    try:
        return bool(yaml.load(f"k: {text}\n", Loader=_LOADER) == {"k": text})
    except yaml.YAMLError:
        return False


def plain_safe(text: str) -> bool:
    """Whether ``text`` can be written as a bare scalar and read back as the same text
    (not a number, a date, true or null; nothing YAML treats as syntax)."""
    if not text or len(text) > _PLAIN_LIMIT or text != text.strip():
        return False
    if not _PLAIN_START.match(text) or _UNPRINTABLE.search(text):
        return False
    if any(c in text for c in "\n\r\t\"'`") or ": " in text or " #" in text:
        return False
    if text.endswith(":") or not text.isprintable():
        return False
    return _plain_reads_back(text)


def scalar(value: Scalar) -> str:
    """One value as YAML: a number or ISO date bare, text bare when safe, else quoted."""
    if isinstance(value, bool):
        raise TypeError("a sources file holds no true/false values")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if plain_safe(value) else quoted(value)


def comment_text(text: str) -> str:
    """``text`` fit for one comment line: one line, nothing YAML cannot hold."""
    one = " ".join(text.split())
    return _UNPRINTABLE.sub(_escape, one)


@dataclass
class Entry:
    """A mapping in a list (a source, a claim, a piece of evidence), with the comment lines
    to write above it; ``out`` writes it as a comment (an entry a person must fix before
    it can be used)."""

    fields: list[tuple[str, Scalar | list[Entry] | None]]
    comments: list[str] = field(default_factory=list)
    out: bool = False


@dataclass
class YamlFile:
    """A sources file being written: its header comment and its top-level keys in order."""

    header: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def mapping(self, key: str, fields: Sequence[tuple[str, Scalar | None]]) -> None:
        """A top-level mapping of plain values (``document``)."""
        kept = [(k, v) for k, v in fields if v is not None]
        if not kept:
            return
        self._gap()
        self.lines.append(f"{key}:")
        self.lines.extend(f"  {k}: {scalar(v)}" for k, v in kept)

    def entries(self, key: str, entries: Sequence[Entry]) -> None:
        """A top-level list of mappings (``sources``, ``claims``), a blank line between."""
        self._gap()
        if not any(not e.out for e in entries):
            self.lines.append(f"{key}: []")
            for entry in entries:
                self._entry(entry, 2)
            return
        self.lines.append(f"{key}:")
        for number, entry in enumerate(entries):
            if number:
                self.lines.append("")
            self._entry(entry, 2)

    def _entry(self, entry: Entry, indent: int) -> None:
        pad = " " * indent
        self.lines.extend(f"{pad}# {comment_text(c)}" for c in entry.comments)
        lines: list[str] = []
        first = True
        for key, value in entry.fields:
            if value is None or (isinstance(value, list) and not value):
                continue
            lead = "- " if first else "  "
            first = False
            if isinstance(value, list):
                lines.append(f"{pad}{lead}{key}:")
                for item in value:
                    self._sub_entry(item, indent + 4, lines)
            else:
                lines.append(f"{pad}{lead}{key}: {scalar(value)}")
        if entry.out:
            lines = [f"{pad}# {line[indent:]}" if line.startswith(pad) else line for line in lines]
        self.lines.extend(lines)

    def _sub_entry(self, entry: Entry, indent: int, lines: list[str]) -> None:
        pad = " " * indent
        lines.extend(f"{pad}# {comment_text(c)}" for c in entry.comments)
        body: list[str] = []
        first = True
        for key, value in entry.fields:
            if value is None or isinstance(value, list):
                continue
            lead = "- " if first else "  "
            first = False
            body.append(f"{pad}{lead}{key}: {scalar(value)}")
        if entry.out:
            body = [f"{pad}# {line[indent:]}" for line in body]
        lines.extend(body)

    def _gap(self) -> None:
        if self.lines:
            self.lines.append("")

    def text(self) -> str:
        """The whole file."""
        head = [f"# {comment_text(line)}" if line else "#" for line in self.header]
        return "\n".join([*head, *([""] if head else []), *self.lines]) + "\n"
