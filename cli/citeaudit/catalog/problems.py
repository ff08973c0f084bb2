"""Where each value of a sources file was written, and the problems found, in order.

Reading a sources file goes in steps (YAML to nodes, nodes to plain data, plain data to the
models), and each step reports what it finds at a line and column. :class:`Located` is what
they share: the problems so far, where every value and key was written (by its path from the
top, ``("claims", 0, "id")``), and which values were already reported, so a later step does
not report them again in other words.
"""

from __future__ import annotations

import re
import typing
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


_LINE: Final = 1 << 32


def pack(line: int, column: int) -> int:
    """A line and column as one number (a file is far shorter than 2**32 characters)."""
    return line * _LINE + column


def unpack(packed: int) -> Pos:
    return divmod(packed, _LINE)


class Marks:
    """Where each value (or key) was written, by its path: a dict of paths to positions,
    each kept as one number (:func:`pack`) rather than a pair of them, which halves what a
    file of a million values keeps. Read like a dict; written through :attr:`packed`."""

    __slots__ = ("packed",)

    def __init__(self) -> None:
        self.packed: dict[Path_, int] = {}

    def __setitem__(self, path: Path_, at: Pos) -> None:
        self.packed[path] = pack(*at)

    def __getitem__(self, path: Path_) -> Pos:
        return unpack(self.packed[path])

    def __contains__(self, path: object) -> bool:
        return path in self.packed

    def __len__(self) -> int:
        return len(self.packed)

    @typing.overload
    def get(self, path: Path_) -> Pos | None: ...
    @typing.overload
    def get(self, path: Path_, default: Pos) -> Pos: ...
    def get(self, path: Path_, default: Pos | None = None) -> Pos | None:
        packed = self.packed.get(path)
        return default if packed is None else unpack(packed)


@dataclass
class Located:
    """One reading of one file: the problems found and where each value was written."""

    filename: str
    problems: list[Problem] = field(default_factory=list)
    marks: Marks = field(default_factory=lambda: Marks())
    key_marks: Marks = field(default_factory=lambda: Marks())
    raw: dict[Path_, str] = field(default_factory=dict)
    reported: set[Path_] = field(default_factory=set)

    def add(self, pos: Pos, message: str) -> None:
        """Report ``message`` at ``pos``; what it quotes from the file is made :func:`shown`."""
        line, column = max(pos[0], 1), max(pos[1], 1)
        self.problems.append(Problem(self.filename, line, column, shown(message)))

    def fail(self) -> CatalogError:
        """Every problem found, once each, in file order."""
        unique = dict.fromkeys(self.problems)
        return CatalogError(sorted(unique, key=lambda p: (p.line, p.column)))


def pos(mark: object) -> Pos:
    """A PyYAML mark (0-based) as a 1-based line and column; a position already made into
    one and packed (as the nodes of a read file keep them) unpacked."""
    if isinstance(mark, int):
        return unpack(mark)
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


def shown(text: str) -> str:
    """Text from the file as a message may quote it: a character that would act on a
    terminal or reorder the line (a control character, a bidi override) written as Python
    writes it in a string, ``\\x1b``, ``\\u202e``; other text as it is."""
    return text if text.isprintable() else repr(text)[1:-1]


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


# ---------------------------------------------------------------------------------------------
# YAML syntax errors in plain words

#: ``key:value`` at the start of a line (after any ``- ``): a colon with no space after it,
#: which YAML reads as text rather than as a key and its value. ``http://`` and ``12:30``
#: are left alone.
_NO_SPACE = re.compile(r"^ *(?:- +)*([A-Za-z_][\w.-]*):(?=[^\s/:])(\S*)")
_CHARACTER = re.compile(r"found character '(.*)' that cannot start any token")
_FOUND = re.compile(r"expected <block end>, but found '(.*)'")
_OPENERS: Final = {"[": "]", "{": "}"}
_ESCAPE = re.compile(r"found unknown escape character '(.)'")
_ODD_COLONS: Final = ("mapping values are not allowed here", "could not find expected ':'")
#: A value that opens with a quote (after ``key:`` or ``-``).
_QUOTED = re.compile(r"""^ *(?:- +)*(?:[^\s"'#][^:#]*: +)?(["'])""")


def _unclosed(quote: str) -> str:
    return f"this quote ({quote}) is never closed: end the value with {quote}"


def _open_quote(lines: list[str], number: int) -> tuple[Pos, str] | None:
    """A quoted value on line ``number`` not closed on that line: a later quote closed it."""
    row = _line(lines, number)
    match = _QUOTED.match(row)
    if match is None:
        return None
    quote, rest = match.group(1), row[match.end() :]
    closed = re.search(r'(?<!\\)"' if quote == '"' else "'", rest)
    return None if closed else ((number, match.end()), _unclosed(quote))


def yaml_syntax(
    text: str, problem: str, at: Pos, context: str | None, context_at: Pos | None
) -> tuple[Pos, str] | None:
    """PyYAML's ``problem`` (at ``at``) and ``context`` (at ``context_at``), in plain words:
    where to point and what to say; None when the mistake is not one recognised here."""
    lines = _BREAKS.split(text)
    row = _line(lines, at[0])
    if "'\\t'" in problem or "tab character" in problem:
        if not row[: at[1] - 1].strip(" \t"):
            return at, "a tab is used for indentation here: YAML allows only spaces; use spaces"
        return at, "a tab cannot be used here: YAML allows only spaces; use spaces"
    if context and context.endswith("quoted scalar") and context_at is not None:
        quote = _line(lines, context_at[0])[context_at[1] - 1 : context_at[1]] or '"'
        if "end of stream" in problem or "document separator" in problem:
            return context_at, _unclosed(quote)
        escape = _ESCAPE.match(problem)
        if escape:  # pointed at the backslash, not at the letter after it
            return (at[0], max(at[1] - 1, 1)), (
                f"'\\{escape.group(1)}' is not an escape YAML knows between double quotes: "
                "write '\\\\' for a backslash, or put the value in single quotes"
            )
        return None
    if _FOUND.match(problem) or problem in _ODD_COLONS:
        opened = _open_quote(lines, _previous(lines, at[0]) or 0)
        if opened is not None:
            return opened
    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        return _flow(lines, problem, at, context, context_at)
    if problem in ("mapping values are not allowed here", "could not find expected ':'"):
        key_line = context_at[0] if problem.startswith("could") and context_at else at[0] - 1
        if problem.startswith("mapping"):
            key_line = _previous(lines, at[0]) or 0
        found = _no_space(lines, key_line)
        if found is not None:
            return found
        if problem.startswith("mapping"):
            return _colon(lines, row, at)
        if context_at is not None:
            return context_at, (
                "this line has no ': ' after its key: write 'key: value', or, if it "
                "continues the value above, put that value in quotes"
            )
        return None
    character = _CHARACTER.match(problem)
    if character:
        shown = character.group(1)
        return at, f"a value cannot start with {shown!r}: put the value in quotes"
    block = _FOUND.match(problem)
    if block and context in ("while parsing a block collection", "while parsing a block mapping"):
        if block.group(1) in ("-", "<block sequence start>"):
            mapping = context == "while parsing a block mapping"
            if mapping and context_at is not None and context_at[1] == at[1]:
                line, column = context_at
                return at, (
                    f"this '- ' item is among the keys of the mapping that starts at line "
                    f"{line}, column {column}: line its '-' up with the other items of its "
                    "list, or put it under a key that ends with ':'"
                )
            return at, (
                "this '- ' item is not lined up with the other items of its list: put its "
                "'-' exactly under theirs"
            )
        if block.group(1) in ("]", "}"):
            return at, (
                f"this '{block.group(1)}' closes nothing: remove it, or add the "
                f"'{'[' if block.group(1) == ']' else '{'}' it was meant to close"
            )
        if not row[: at[1] - 1].strip(" "):  # the line itself starts out of place
            return _indentation(lines, row, at)
    return None


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _previous(lines: list[str], number: int) -> int | None:
    """The number of the nearest line above ``number`` with something on it but a comment."""
    for candidate in range(min(number, len(lines) + 1) - 1, 0, -1):
        content = lines[candidate - 1].strip()
        if content and not content.startswith("#"):
            return candidate
    return None


def _start(row: str) -> int:
    """Where a line's first key or value starts (after its indentation and any ``- ``), from 0."""
    match = re.match(r" *(?:- +)*", row)
    return match.end() if match else 0


def _no_space(lines: list[str], number: int) -> tuple[Pos, str] | None:
    """``key:value`` on line ``number``: a colon with no space after it."""
    match = _NO_SPACE.match(_line(lines, number))
    if match is None:
        return None
    key, value = shown(match.group(1)), shown(match.group(2))
    return (number, match.end(1) + 1), (
        f"there is no space after the colon in '{key}:{value}': write '{key}: {value}' "
        "(without the space YAML reads it as text, not as a key and its value)"
    )


def _colon(lines: list[str], row: str, at: Pos) -> tuple[Pos, str]:
    """A ':' where YAML takes no key: in a value, or on a line indented too far."""
    before = row[: at[1] - 1]
    if ": " in before.strip():
        return at, (
            "a value cannot contain ': ' unless it is quoted: put the whole value in quotes"
        )
    return _indentation(lines, row, at)


def _indentation(lines: list[str], row: str, at: Pos) -> tuple[Pos, str]:
    """A line that does not fit the indentation of the lines above it."""
    start = len(row) - len(row.lstrip(" "))
    where = (at[0], start + 1)
    above = _previous(lines, at[0])
    if above is not None and start > _start(lines[above - 1]):
        return where, (
            "this line is indented more than the one above: indent it as much as the "
            "line above, or end the line above with ':' to put this under it"
        )
    return where, (
        "this line is not lined up with the lines above it: the keys of a mapping (and "
        "the '-' of a list's items) must start in the same column"
    )


def _flow(
    lines: list[str], problem: str, at: Pos, context: str, context_at: Pos | None
) -> tuple[Pos, str] | None:
    """A ``[ ]`` list or ``{ }`` mapping that is never closed, or lacks a comma."""
    opener, kind = ("[", "list") if "sequence" in context else ("{", "mapping")
    closer = _OPENERS[opener]
    if context_at is None or not problem.startswith("expected ',' or"):
        return None
    rest = _line(lines, context_at[0])[context_at[1] - 1 :]
    depth = sum(rest.count(o) - rest.count(c) for o, c in _OPENERS.items())
    if "<stream end>" in problem or (at[0] > context_at[0] and depth > 0):
        return context_at, f"this '{opener}' is never closed: end the {kind} with '{closer}'"
    line, column = context_at
    return at, (
        f"a ',' or '{closer}' is missing before this, in the {kind} that starts at line "
        f"{line}, column {column}: put quotes around an item that holds ',', ':', '[' or '{{'"
    )
