"""Where each value of a sources file was written, and the problems found, in order.

Reading a sources file goes in steps (YAML to nodes, nodes to plain data, plain data to the
models), and each step reports what it finds at a line and column. :class:`Located` is what
they share: the problems so far, where every value and key was written (by its path from the
top, ``("claims", 0, "id")``), and which values were already reported, so a later step does
not report them again in other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeAlias

from citeaudit.errors import CatalogError, Problem

#: Where a value is, from the top of the file: mapping keys and list indexes.
Path_: TypeAlias = tuple[str | int, ...]
#: A line and column, from 1.
Pos: TypeAlias = tuple[int, int]

_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


class _Invalid:
    """Stands in for a value already reported, so pydantic's own complaint about it is dropped."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Final = _Invalid()


@dataclass
class Located:
    """One reading of one file: the problems found and where each value was written."""

    filename: str
    problems: list[Problem] = field(default_factory=list)
    marks: dict[Path_, Pos] = field(default_factory=dict)
    key_marks: dict[Path_, Pos] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)

    def add(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.filename, max(pos[0], 1), max(pos[1], 1), message))

    def fail(self) -> CatalogError:
        """Every problem found, once each, in file order."""
        unique = dict.fromkeys(self.problems)
        return CatalogError(sorted(unique, key=lambda p: (p.line, p.column)))


def pos(mark: object) -> Pos:
    """A PyYAML mark (0-based) as a 1-based line and column."""
    line = getattr(mark, "line", 0)
    column = getattr(mark, "column", 0)
    return (line + 1 if isinstance(line, int) else 1, column + 1 if isinstance(column, int) else 1)


def line_col(text: str, index: int) -> Pos:
    """Line and column of ``text[index]``, counting line breaks the way PyYAML does."""
    line, start = 1, 0
    for match in _BREAKS.finditer(text, 0, index):
        line += 1
        start = match.end()
    return line, index - start + 1


def short(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut to ``limit`` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def describe_value(value: object, raw: str | None = None) -> str:
    """What kind of value this is, in words ("a number (12)"), as written when ``raw``."""
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
        return f"text {short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "this value"
