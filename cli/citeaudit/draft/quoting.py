"""Where a text's quotations start and end: curly, guillemet and straight marks, nested
quotations, and apostrophes told apart from closing single marks.

Both the body (a claim's quotation) and the reference list (what a source is said to say,
or a quoted title) need the same reading, so it is decided here once. What a quotation *is*
for the audit (its ellipses and brackets) is :mod:`citeaudit.text.quotation`'s business;
how two quotations are compared is :func:`citeaudit.text.fold_keeping_accents`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Each opening mark and the closing marks that may end it.
_PAIRS: dict[str, str] = {
    "“": "”",
    "„": "“”",
    "«": "»",
    "‹": "›",
    "‘": "’",
    "‚": "‘’",
    '"': '"',
    "'": "'",
}
_CLOSERS = frozenset("”»›’")
_SINGLE_OPENERS = frozenset("‘‚‹")
#: Every character that may open or close a quotation.
QUOTE_MARKS = frozenset("“”„«»‹›‘’‚\"'")


@dataclass(frozen=True)
class Quotation:
    """One outermost quotation: ``start`` is its opening mark, ``end`` one past its closing
    mark; the words quoted are ``text[start + 1 : end - 1]``."""

    start: int
    end: int

    @property
    def inner(self) -> tuple[int, int]:
        """The span of the words quoted, without the marks."""
        return self.start + 1, self.end - 1


@dataclass(frozen=True)
class Reading:
    """A text's quotations: the outermost ones closed in it, the closing marks that close
    nothing opened in it (a quotation begun earlier), and the opening marks never closed in
    it (a quotation that goes on, or a stray mark)."""

    quotations: tuple[Quotation, ...]
    unopened: tuple[int, ...]
    unclosed: tuple[int, ...]


def _word(char: str) -> bool:
    return char.isalnum()


def read_quotations(text: str) -> Reading:
    """Find the quotations of ``text``: only the outermost are returned (a nested one is
    part of its quotation's words); an apostrophe (``don't``, ``England’s``) is not a mark."""
    stack: list[tuple[str, int]] = []
    found: list[Quotation] = []
    unopened: list[int] = []
    for index, char in enumerate(text):
        if char not in QUOTE_MARKS:
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char in ("'", "’") and _word(before) and _word(after):
            continue  # an apostrophe inside a word
        closes = _closes(stack, char, before, after)
        if closes is not None:
            opener_at = stack[closes][1]
            del stack[closes:]
            if not stack:
                found.append(Quotation(opener_at, index + 1))
            continue
        if _opens(char, before, after):
            stack.append((char, index))
        elif (char in _CLOSERS or char == '"') and not stack:
            unopened.append(index)  # a quotation begun before this text (or an apostrophe)
    return Reading(tuple(found), tuple(unopened), tuple(i for _, i in stack))


def _closes(stack: list[tuple[str, int]], char: str, before: str, after: str) -> int | None:
    """The index in ``stack`` of the opening mark ``char`` closes, or None."""
    if char in ("'", '"') and not before.strip() and after.strip():
        return None  # a straight mark before a word opens
    for depth in range(len(stack) - 1, -1, -1):
        if char in _PAIRS[stack[depth][0]]:
            return depth
    return None


def _opens(char: str, before: str, after: str) -> bool:
    """Whether a mark that closes nothing opens a quotation here."""
    if char in ("“", "„", "«"):
        return True
    if char in _SINGLE_OPENERS:
        return not _word(before) and bool(after.strip())
    if char in ("'", '"'):
        return not _word(before) and bool(after.strip())
    return False


def unquoted(text: str) -> str:
    """``text`` without the quotation marks around all of it, when it is one quotation."""
    stripped = text.strip()
    reading = read_quotations(stripped)
    if len(reading.quotations) == 1:
        only = reading.quotations[0]
        if only.start == 0 and only.end == len(stripped):
            return stripped[1:-1].strip()
    return stripped
