"""Dates as references print them ("11 May 2021", "May 11, 2021", "11/05/2021",
"2021-05-11", "2021 May 11") read into dates, and the access date a reference gives.

A reference says when its source was read in many styles (Vancouver "[accessed 11 May
2021]", Harvard "(Accessed: 11 May 2021)", APA "Retrieved May 11, 2021, from"); the sources
file wants one ISO date.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<{}>[A-Za-z]{{3,9}})\.?"
_DAY = r"(?P<{}>[0-9]{{1,2}})(?:st|nd|rd|th)?"
_YEAR = r"(?P<{}>(?:1[6-9]|2[0-9])[0-9]{{2}})"
#: One date, in any of the forms references print.
DATE = (
    rf"(?:{_YEAR.format('iy')}-(?P<im>[0-9]{{1,2}})-(?P<id>[0-9]{{1,2}})"
    rf"|{_DAY.format('d1')}\s+(?:of\s+)?{_MONTH.format('m1')},?\s+{_YEAR.format('y1')}"
    rf"|{_MONTH.format('m2')}\s+{_DAY.format('d2')},?\s+{_YEAR.format('y2')}"
    rf"|{_YEAR.format('y3')}\s+{_MONTH.format('m3')}\s+{_DAY.format('d3')}"
    rf"|(?P<nd>[0-9]{{1,2}})[/.-](?P<nm>[0-9]{{1,2}})[/.-](?P<ny>(?:1[6-9]|2[0-9])[0-9]{{2}}))"
)
_DATE = re.compile(DATE)
_ANY_DATE = re.sub(r"\(\?P<[a-z0-9]+>", "(?:", DATE)
_ACCESS_WORD = r"(?:(?:last\s+)?(?:accessed|viewed|visited|consulted)|cited|retrieved)"
#: The clause of a reference that says when its source was read, in the styles in use.
ACCESSED = re.compile(
    rf"\[\s*{_ACCESS_WORD}(?:\s+on)?\s*:?\s*{_ANY_DATE}\s*\]"
    rf"|\(\s*{_ACCESS_WORD}(?:\s+on)?\s*:?\s*{_ANY_DATE}\s*\)"
    rf"|\bretrieved(?:\s+on)?\s+{_ANY_DATE},?\s+from\b"
    rf"|\b{_ACCESS_WORD}(?:\s+on)?\s*:?\s*{_ANY_DATE}",
    re.IGNORECASE,
)


def read_date(text: str) -> date | None:
    """The first date ``text`` prints, or None. A numeric date reads day first
    ("11/05/2021" is 11 May) unless its second number cannot be a month ("05/13/2021" is
    13 May)."""
    for match in _DATE.finditer(text):  # "Paper 4, 2021, dated 11 May 2021": the second
        found = _date(match)
        if found is not None:
            return found
    return None


def _date(match: re.Match[str]) -> date | None:
    group = match.group
    try:
        if group("iy"):
            return date(int(group("iy")), int(group("im")), int(group("id")))
        if group("nd"):
            day, month = int(group("nd")), int(group("nm"))
            if month > 12 >= day:
                day, month = month, day
            return date(int(group("ny")), month, day)
        for suffix in "123":
            if group("y" + suffix):
                named = _MONTHS.get(group("m" + suffix).lower())
                if named is None:
                    return None
                return date(int(group("y" + suffix)), named, int(group("d" + suffix)))
    except ValueError:
        return None
    return None


def accessed_date(text: str) -> tuple[date | None, tuple[int, int] | None]:
    """The date ``text`` says its source was accessed, and the span of that clause."""
    for match in ACCESSED.finditer(text):
        inner = _DATE.search(match.group(0))
        found = _date(inner) if inner else None
        if found is not None:
            return found, match.span()
    return None, None
