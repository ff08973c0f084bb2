"""Visible text of an HTML page (beautifulsoup4 with lxml)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag

from citeaudit.extract.base import Extraction, Page

# Elements whose content a reader never sees as text.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "canvas", "iframe")
# Elements that start a new line, so words on either side are never glued together.
_BLOCKS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption option".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


def extract_html(content: bytes, charset: str | None = None) -> Extraction:
    """Extract the visible text of a page, one line per block element."""
    soup = BeautifulSoup(content, "lxml", from_encoding=charset)
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if isinstance(title_tag, Tag) else None
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(_hidden):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    raw = soup.get_text()
    lines = (" ".join(line.split()) for line in raw.splitlines())
    text = "\n".join(line for line in lines if line)
    return Extraction(
        kind="html", pages=(Page(number=1, label="1", text=text),), title=title or None
    )
