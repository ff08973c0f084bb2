"""The one reading of an HTML page (lxml's tree) reads every page exactly as walking
BeautifulSoup's tree did: same text, title, headings and ids, on real pages, on broken and
oddly encoded markup, and (hypothesis) on random markup; decoded as every stage decodes it;
and its cheap reads (for soft-404 rules) agree with the full one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.extract import extract
from citeaudit.extract.base import Anchor, Heading
from citeaudit.extract.html import (
    _BLOCKS,
    _HEADINGS,
    _HIDDEN_STYLE,
    _INVISIBLE,
    HEADING_LIMIT,
    _Reader,
    _Text,
    extract_html,
    read_html,
)
from citeaudit.fetch.anchors import PageAnchors
from citeaudit.fetch.soft404 import read_head
from citeaudit.text.charset import decode_text
from documents import html_page
from samples import ARTICLE

BUNDLED = Path(__file__).parents[1] / "fixtures" / "bundled"

# -- the reference: BeautifulSoup's tree, walked as the extractor did before --------------------


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


def _children(tag: Tag) -> Iterator[object]:
    return iter(list(tag.children))


def _walk(root: Tag) -> tuple[str, list[Heading], list[Anchor]]:
    out = _Text()
    headings: list[Heading] = []
    anchors: list[Anchor] = []
    stack: list[tuple[Iterator[object], Tag, tuple[int, str | None, int, int] | None]] = [
        (_children(root), root, None)
    ]
    while stack:
        children, parent, heading = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if heading is not None:
                depth, name, first_part, start = heading
                text = out.since(first_part, HEADING_LIMIT)
                if text:
                    headings.append(Heading(0, start, text, depth, name))
            if parent.name in _BLOCKS:
                out.block()
            continue
        if isinstance(node, Comment | Doctype | ProcessingInstruction):
            continue
        if isinstance(node, NavigableString):
            out.add(str(node))
            continue
        if not isinstance(node, Tag) or node.name in _INVISIBLE or _hidden(node):
            continue
        if node.name in _BLOCKS:
            out.block()
        ident = node.get("id") or (node.get("name") if node.name == "a" else None)
        anchor = ident.strip() if isinstance(ident, str) and ident.strip() else None
        if anchor is not None:
            anchors.append(Anchor(page=0, offset=out.mark(), id=anchor))
        level = _HEADINGS.get(node.name)
        if level is None and node.get("role") == "heading":
            aria = str(node.get("aria-level", "2"))
            level = int(aria) if aria.isdigit() else 2
        collecting = None if level is None else (level, anchor, len(out.parts), out.mark())
        stack.append((_children(node), node, collecting))
    headings.sort(key=lambda h: h.offset)
    return out.value(), headings, anchors


def reference(content: bytes, charset: str | None) -> tuple[Any, ...]:
    # Decoded as the reader decodes (text/charset.py, as a browser would): the reference is
    # for reading the markup, not for choosing its encoding (see test_charset.py).
    soup = BeautifulSoup(decode_text(content, None, charset=charset), "lxml")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if isinstance(title_tag, Tag) else None
    text, headings, anchors = _walk(soup)
    return text, title or None, tuple(headings), tuple(anchors)


def read(content: bytes, charset: str | None) -> tuple[Any, ...]:
    ex = extract_html(content, charset)
    return ex.pages[0].text, ex.title, ex.headings, ex.anchors


def same(content: bytes, charset: str | None = None) -> None:
    assert read(content, charset) == reference(content, charset)


# -- real and broken pages ----------------------------------------------------------------------


def test_the_bundled_pages_read_as_before() -> None:
    pages = sorted(BUNDLED.glob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        same(path.read_bytes())
        same(path.read_bytes(), "utf-8")


BROKEN = [
    ARTICLE,
    "<p>unclosed <b>bold <i>both</p> after</b> tail</i> end",
    "<div>stray </span> end tag</div></div></p>text",
    "<h1>Outer <h2>inner</h2> rest</h1><h3 id=' x '>three</h3>",
    "<div role=heading aria-level=4 id=r>aria heading</div><div role=heading aria-level=x>y</div>",
    "<p hidden>gone</p><p aria-hidden=TRUE>gone</p><p style='display: none'>gone</p><p>kept</p>",
    "<p style='visibility:hidden'>gone <b>too</b></p><span>a</span>  \n <span>b</span>",
    "one<!-- a comment -->two<?php echo 1 ?>three<!DOCTYPE x>four",
    "<title>A <!-- c --> title</title><title>second</title><p>body</p>",
    "<title>Glued<!-- c -->words</title><p>body</p>",
    "<svg><title>icon</title></svg><title>page</title>text",
    "<title>Ruby <rt>rt text</rt> and <b>bold</b></title>",
    "<table><tr><td>a</td><td>b<tr><td>c</table>after",
    "<ul><li>one<li>two</ul><pre>  keep   spaces\n here </pre><br>x<br/>y",
    "<a name=top></a><a name=''>x</a><a id='' name=n>y</a><span name=s>z</span>",
    "<svg:rect id=r>ns</svg:rect><o:p>office</o:p><x xmlns:y='u' y:id=q>attr</x>",
    "&amp; &lt;tag&gt; &nbsp;nbsp&#160;and&#x2014;dash &unknown; &",
    "<script>var x = '<p>not text</p>';</script><style>p{}</style><noscript>no</noscript>ok",
    "<template><p>inert</p></template><iframe>frame</iframe><canvas>c</canvas>visible",
    "<div>" * 300 + "deep" + "</div>" * 300,
    "<p>" + "word " * 2000 + "</p>",
    "",
    "no markup at all",
    "<html><head><meta charset=latin-1><title>Caf\u00e9</title></head><body>na\u00efve</body>",
]


def test_broken_and_odd_markup_reads_as_before() -> None:
    for body in BROKEN:
        page = html_page("T", body) if "<title>" not in body else body
        same(page.encode("utf-8"))
        same(page.encode("utf-8"), "utf-8")


def test_oddly_encoded_pages_read_as_before() -> None:
    latin = "<meta charset='iso-8859-1'><title>Caf\u00e9</title><p>na\u00efve \u00e9t\u00e9</p>"
    same(latin.encode("latin-1"))  # the <meta> says so
    same(latin.encode("latin-1"), "utf-8")  # a wrong charset in the header wins, as before
    same(latin.encode("latin-1"), "no-such-charset")  # an unknown one is passed over
    same("\ufeff<p>BOM \u00e9</p>".encode("utf-16"))
    same("\ufeff<p>BOM \u00e9</p>".encode("utf-8"))
    same("<p>smart \u201cquotes\u201d</p>".encode("cp1252"))  # no charset anywhere
    same(b"<p>invalid \xff\xfe utf-8</p>", "utf-8")
    same("<p>\u65e5\u672c\u8a9e</p>".encode("shift_jis"), "shift_jis")


# -- random markup ------------------------------------------------------------------------------

_TAGS = ["p", "div", "span", "b", "h1", "h2", "h3", "li", "ul", "a", "script", "title", "td", "rt"]
_ATTRS = [
    "",
    " id=x",
    " id=' y '",
    " name=n",
    " hidden",
    " aria-hidden=true",
    " style='display:none'",
    " role=heading",
    " role=heading aria-level=3",
]
_TEXT = ["word", "two words", " ", "\n", "  spaced  ", "&amp;", "caf\u00e9", "<!--c-->", "<br>"]


@st.composite
def markup(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            tag = draw(st.sampled_from(_TAGS))
            parts.append(f"<{tag}{draw(st.sampled_from(_ATTRS))}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")  # closes, or closes nothing
        else:
            parts.append(draw(st.sampled_from(_TEXT)))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(markup())
def test_random_markup_reads_as_before(body: str) -> None:
    same(body.encode("utf-8"))
    same(html_page("T", body).encode("utf-8"), "utf-8")


def test_an_end_tag_closes_what_was_opened_inside_its_element() -> None:
    """lxml sends balanced events, but an end tag that skips open elements closes them too
    (as BeautifulSoup did), and one that matches nothing open closes nothing."""
    reader = _Reader()
    reader.start("div", {})
    reader.start("h2", {"id": "s"})
    reader.data("Section")
    reader.end("div")  # closes the heading and the div
    reader.end("span")  # nothing open: nothing happens
    reader.data("after")
    reader.close()
    assert reader.out.value() == "Section\nafter"
    assert [(h.text, h.level, h.anchor) for h in reader.headings] == [("Section", 2, "s")]


# -- one charset decision, one rule for what is seen ---------------------------------------------


def test_a_page_is_decoded_as_the_soft_404_and_fragment_checks_decode_it() -> None:
    """iso-8859-1 declared, windows-1252 sent (as most such pages are): curly quotes for
    every stage, where BeautifulSoup's detector gave the extractor C1 control characters."""
    content = "<title>“Report”</title><p>the “quoted” words</p>".encode("cp1252")
    extraction = extract_html(content, "iso-8859-1")
    assert extraction.pages[0].text == "the “quoted” words"
    assert extraction.title == "“Report”"
    head = read_head(content, "text/html; charset=iso-8859-1")
    assert (head.title, head.text) == ("“Report”", "the “quoted” words")
    anchors = PageAnchors(content, "text/html; charset=iso-8859-1")
    assert anchors.check(":~:text=%E2%80%9Cquoted%E2%80%9D").found is True


@settings(max_examples=300, deadline=None)
@given(markup())
def test_the_cheap_reads_see_what_the_full_reading_sees(body: str) -> None:
    page = read_html(html_page("T", body).encode("utf-8"), "text/html")
    assert page.visible_text() == " ".join(page.blocks.text.split())
    assert page.title == "T"
    first = page.first_heading
    if first is not None:  # the first visible <h1> is a heading of the full reading
        assert first[:HEADING_LIMIT] in {h.text for h in page.blocks.headings if h.level == 1}


# -- through extract(): text, headings, anchors, main content ------------------------------------


def test_html_visible_text_headings_and_anchors() -> None:
    ex = extract(html_page("SIM", ARTICLE).encode(), "text/html; charset=utf-8")
    text = ex.pages[0].text
    assert ex.title == "SIM"
    assert "var x" not in text and "color: red" not in text
    assert "hidden words" not in text
    assert "Figure 1: teams by region" in text  # captions are text too
    assert "have regard to the\nConstitution" not in text
    assert "must have regard to the Constitution, reviewed" in text  # inline stays inline
    assert "Home\nAbout us" in text  # blocks stay apart
    assert [(h.text, h.level, h.anchor) for h in ex.headings] == [
        ("Serenity Integrated Mentoring", 1, "top"),
        ("Statutory duties", 2, "duties"),
    ]
    for heading in ex.headings:
        assert text[heading.offset :].startswith(heading.text)
    anchors = {a.id: a.offset for a in ex.anchors}
    assert text[anchors["duties"] :].startswith("Statutory duties")


def test_html_main_content_is_an_extra_view() -> None:
    ex = extract(html_page("SIM", ARTICLE).encode(), "text/html")
    assert ex.main_text is not None
    assert "approximately 20 teams" in ex.main_text
    assert "Cookie settings" not in ex.main_text
    assert "Cookie settings" in ex.pages[0].text  # the full text keeps everything visible


def test_deeply_nested_html_does_not_overflow() -> None:
    body = "<div>" * 5000 + "deep words" + "</div>" * 5000
    ex = extract(html_page("deep", body).encode(), "text/html")
    assert "deep words" in ex.pages[0].text
