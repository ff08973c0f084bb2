"""Typed citation markers, reference-list headings and numbered entries: the plain-text rules
every reader shares.

A marker typed in the text (``[1]``, ``[1, 3]``, ``[1-3]``, ``(2)``, ``²``), a heading line
that opens a reference list ("References", "Notes:", "Works cited") and the number an entry
of that list starts with ("1.", "1)", "[1]") look the same in a plain-text file, a PDF's
text layer, a Markdown paragraph or a .docx paragraph, so they are recognised here once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from citeaudit.draft.model import Marker

#: What a reference list is called, folded: the heading alone on its line names it.
HEADING_NAMES = frozenset(
    (
        "references",
        "reference list",
        "notes",
        "endnotes",
        "end notes",
        "footnotes",
        "sources",
        "bibliography",
        "works cited",
        "literature cited",
        "citations",
        "notes and references",
        "references and notes",
        "sources and notes",
    )
)
#: Most labels one range such as ``[1-40]`` expands to; a wider range keeps its two ends.
RANGE_LIMIT = 50

_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
_ONE = rf"\d{{1,4}}(?:\s*[{_DASHES}]\s*\d{{1,4}})?"
_NUMBER_LIST = rf"{_ONE}(?:\s*[,;]\s*{_ONE})*"
_BRACKET = re.compile(rf"\[\s*({_NUMBER_LIST})\s*\]")
_PAREN = re.compile(rf"\(\s*({_NUMBER_LIST})\s*\)")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_RUN = re.compile(rf"(?<=[^\s{_SUPERSCRIPTS}])[{_SUPERSCRIPTS}]+(?:[,˒⁻][{_SUPERSCRIPTS}]+)*")
_FROM_SUPER = str.maketrans(_SUPERSCRIPTS + "˒⁻", "0123456789,-")
_LABEL_LIST = re.compile(rf"^[\[(]?\s*({_NUMBER_LIST})\s*[\])]?$")
_ENTRY = re.compile(r"^\s*(?:\[(\d{1,3})\]\s*|\((\d{1,3})\)\s+|(\d{1,3})[.)]\s+)(?=\S)")
# Before an enumeration "(1) ... (2) ...", not a citation.
_ENUMERATION_BEFORE = re.compile(r"(?:^|[:;]|\b(?:and|or)|\(\w\))\s*$", re.IGNORECASE)
#: A bullet that starts a list item in plain text.
BULLET = re.compile(r"^\s*[•◦▪‣·●○■□\-*–]\s+(?=\S)")


def reference_heading(text: str) -> str | None:
    """The heading as printed (without a trailing colon) when ``text`` alone names a
    reference list, else None: what a reader looks for before the numbered entries."""
    words = " ".join(text.split()).strip()
    core = words.rstrip(":.").strip()
    if core.lower().replace("&", "and") in HEADING_NAMES:
        return core
    return None


def _year(number: int) -> bool:
    return 1000 <= number <= 2100


def expand(numbers: str) -> list[str] | None:
    """The labels a list such as ``1, 3-5`` names, in order; None when it is no such list
    (a range that runs backwards, a zero)."""
    labels: list[str] = []
    for part in re.split(r"\s*[,;]\s*", numbers.strip()):
        ends = [int(n) for n in re.split(rf"\s*[{_DASHES}]\s*", part) if n]
        if not ends or any(n == 0 for n in ends):
            return None
        if len(ends) == 1:
            labels.append(str(ends[0]))
            continue
        first, last = ends[0], ends[-1]
        if last < first:
            return None
        if last - first > RANGE_LIMIT:
            labels += [str(first), str(last)]
        else:
            labels += [str(n) for n in range(first, last + 1)]
    return labels


def label_list(text: str) -> list[str] | None:
    """The labels a superscript or a footnote link shows (``2``, ``1,3``, ``[1-3]``,
    ``¹²``), or None when it shows something else."""
    folded = text.translate(_FROM_SUPER).strip()
    match = _LABEL_LIST.match(folded)
    return expand(match.group(1)) if match else None


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_markers(
    text: str,
    labels: Collection[str] | None = None,
    *,
    skip: Sequence[tuple[int, int]] = (),
) -> list[Marker]:
    """The markers typed in ``text``, one per label, in order. ``[N]`` always counts (a
    four-digit number only when it is one of ``labels``, not a year); ``(N)`` and Unicode
    superscripts only when ``labels`` (the reference list's) holds every number, and not
    after an enumeration's "(a)", a colon or "and". ``skip``: spans already read as
    markers or code, where nothing is looked for."""
    known = set(labels) if labels is not None else None
    found: list[Marker] = []

    def accept(names: list[str] | None, *, strict: bool) -> bool:
        if not names:
            return False
        if strict and (known is None or any(n not in known for n in names)):
            return False
        return all(
            not _year(int(n)) or (known is not None and n in known and len(known) >= int(n))
            for n in names
        )

    for match in _BRACKET.finditer(text):
        names = expand(match.group(1))
        if _overlaps(match.start(), match.end(), skip) or not names:
            continue
        if accept(names, strict=False):
            found += [Marker(n, match.start(), match.end()) for n in names]
    for match in _PAREN.finditer(text):
        if _overlaps(match.start(), match.end(), skip):
            continue
        if _ENUMERATION_BEFORE.search(text[: match.start()]):
            continue
        names = expand(match.group(1))
        if accept(names, strict=True) and names is not None:
            found += [Marker(n, match.start(), match.end()) for n in names]
    for match in _SUPER_RUN.finditer(text):
        if _overlaps(match.start(), match.end(), skip):
            continue
        names = label_list(match.group(0))
        if accept(names, strict=True) and names is not None:
            found += [Marker(n, match.start(), match.end()) for n in names]
    return sorted(found, key=lambda m: (m.start, m.end))


def entry_start(line: str) -> tuple[str, int] | None:
    """The label a reference-list entry starts with ("1.", "1)", "[1]", "(1)", indented
    or not) and where its text starts, or None when the line starts no entry."""
    match = _ENTRY.match(line)
    if match is None:
        return None
    number = next(group for group in match.groups() if group is not None)
    return str(int(number)), match.end()


def follows(label: str, previous: str | None) -> bool:
    """Whether a numbered line can be the entry after ``previous``: numbers go up, by a
    few at most (a list may skip one), so "2012. Policy" wrapped from an entry is not one."""
    if previous is None:
        return True
    if not (label.isdigit() and previous.isdigit()):
        return True
    return int(previous) < int(label) <= int(previous) + 10
