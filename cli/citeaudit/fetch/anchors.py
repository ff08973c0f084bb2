"""Whether the part of a page a URL's ``#fragment`` points at is still there.

A citation often points inside a page: ``#section-3`` (an element's id, or an
``<a name>``) or a text fragment, ``#:~:text=...``, that browsers highlight. When the
page is still up but the anchor or the quoted text has gone, the link is not dead, yet
the citation no longer lands where it did: that is reported on the source, not as a
link status. The page is read as every stage reads it (:func:`citeaudit.extract.read_html`),
text fragments are matched by :mod:`citeaudit.text.directives`, which also builds the deep
links of verdicts (:mod:`citeaudit.verify.deeplinks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import unquote

from citeaudit.text import (
    DIRECTIVE_DELIMITER,
    find_text_directive,
    fold_dropping_accents,
    parse_text_directive,
)

if TYPE_CHECKING:
    from citeaudit.extract import HtmlPage


@dataclass(frozen=True)
class FragmentCheck:
    """The outcome for one URL's fragment.

    ``found`` is None when nothing was checked (``note`` says why), else whether every
    part of the fragment was found; ``problem`` says what is missing, in words.
    """

    fragment: str
    found: bool | None
    problem: str | None = None
    note: str | None = None


def url_fragment(url: str) -> str | None:
    """The fragment of a URL as written (without ``#``), or None when it has none."""
    return url.split("#", 1)[1] if "#" in url else None


@dataclass
class PageAnchors:
    """One fetched HTML page, read at most once however many fragments point into it."""

    content: bytes
    content_type: str | None
    truncated: bool = False

    @cached_property
    def _page(self) -> HtmlPage:
        # Imported here: lxml is only loaded once a page is read.
        from citeaudit.extract import read_html

        return read_html(self.content, self.content_type)

    @property
    def ids(self) -> frozenset[str]:
        """Every element id and ``<a name>`` on the page."""
        return self._page.ids

    @cached_property
    def text(self) -> str:
        """The page's visible text as extracted for quotes, folded, one line per block."""
        lines = self._page.blocks.text.split("\n")
        return "\n".join(fold_dropping_accents(line) for line in lines)

    def check(self, fragment: str) -> FragmentCheck:
        """Whether the element and every text directive of ``fragment`` are on the page."""
        element, _, directives = fragment.partition(DIRECTIVE_DELIMITER)
        problems: list[str] = []
        if element and not self.has_element(element):
            problems.append(f"no element with id or name '{unquote(element)}' on the page")
        for directive in directives.split("&") if directives else ():
            if not directive.startswith("text="):
                continue  # other directives are for other browser features
            parsed = parse_text_directive(directive[len("text=") :])
            if parsed is None:
                problems.append(f"malformed text fragment '{unquote(directive)}'")
            elif find_text_directive(parsed, self.text) is None:
                problems.append(f"text fragment {parsed.describe()} not found on the page")
        if not problems:
            return FragmentCheck(fragment, True)
        problem = "; ".join(problems)
        if self.truncated:
            problem += " (only the start of the page was read: it was over the size limit)"
        return FragmentCheck(fragment, False, problem)

    def has_element(self, element: str) -> bool:
        """HTML's "indicated part of the document": the id or name as written, then
        percent-decoded; ``top`` always exists. Routes of single-page apps
        (``#/path``, ``#!path``) are not anchors and are not checked."""
        if element.startswith(("/", "!")):
            return True
        decoded = unquote(element)
        return element in self.ids or decoded in self.ids or decoded.lower() == "top"


def not_checked(fragment: str, why: str) -> FragmentCheck:
    """A fragment that could not be checked, and why."""
    return FragmentCheck(fragment, None, note=f"fragment not checked: {why}")
