"""Text fragments checked against the Web Platform Tests' own cases.

The cases are ported from the Web Platform Tests (https://github.com/web-platform-tests/wpt,
folder ``scroll-to-text-fragment/``, 3-Clause BSD License; the licence and the commits
are in ``tests/fixtures/wpt/README.md``):

- ``find-range-from-text-directive.html``, whose cases navigate to
  ``find-range-from-text-directive-target.html`` (kept as is under ``tests/fixtures/wpt/``)
  and record whether the page scrolled: a match or no match here;
- ``scroll-to-text-fragment.html``, whose cases navigate to
  ``scroll-to-text-fragment-target.html``: a case that scrolls to some text is a match,
  one that stays at the top is no match.

Each case goes through the one reading of an HTML page (``read_html``'s blocks) and
``text/directives.py``'s matcher, exactly as a cited URL's fragment is checked
(:class:`citeaudit.fetch.anchors.PageAnchors`). Left out: the cases that need a browser
(generated content, shadow DOM, scroll positions, element fallbacks), and those where a
browser scrolls to the first of several directives that matches while a citation check
needs all of them. The inline pages at the end are written for this file, after the spec
(https://wicg.github.io/scroll-to-text-fragment/), for what the WPT pages do not show.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.fetch.anchors import PageAnchors

WPT = Path(__file__).parents[1] / "fixtures" / "wpt"
HTML = "text/html; charset=utf-8"


def _page(name: str) -> PageAnchors:
    return PageAnchors((WPT / name).read_bytes(), HTML)


FIND_RANGE = _page("find-range-from-text-directive-target.html")
SCROLL = _page("scroll-to-text-fragment-target.html")

# (fragment, expect a match, WPT description) from find-range-from-text-directive.html.
FIND_RANGE_CASES = [
    (":~:text=jumped", True, "Basic smoke test - full word match"),
    (":~:text=u-,mped", False, "Prefix must start on a word boundary"),
    (":~:text=ju-,mped", True, "Prefix need not end on a word boundary"),
    (":~:text=null-,The%20quick", False, "Prefix doesn't exist"),
    (":~:text=foo%20foo-,bar", True, "Multiple overlapping prefixes"),
    (":~:text=a%20a-,b", True, "Multiple overlapping one letter prefixes"),
    (":~:text=quick%20brown-,brown%20fox", False, "Prefix overlaps match text"),
    (":~:text=quick%20brown-,fox", True, "Match text after prefix"),
    (":~:text=Lorem-,Ipsum", True, "Search invisible content between prefix and match"),
    (":~:text=end%20of%20the%20document-,test", False, "Prefix appears at end of document"),
    (":~:text=fox-,jum,over", False, "|end| forces |start| to end on word boundary"),
    (":~:text=fox-,jum", False, "no |end| or suffix forces |start| to end on word boundary"),
    (":~:text=fox-,jum,-ped", True, "suffix means |start| need not end on word boundary"),
    (":~:text=jum-,ped", True, "|start| doesn't need to start on word boundary"),
    (":~:text=jumped-,null", False, "prefix with non-existent exact match"),
    (":~:text=jumped-,null,lazy", False, "prefix with non-existent range match"),
    (":~:text=brown-,jumped", False, "match doesn't immediately follow prefix"),
    (":~:text=foo-,bar", True, "match doesn't immediately follow first prefix instance"),
    (":~:text=search-,Two,flatten", True, "Generated content matching prefix does not prevent"),
    (":~:text=jum,over", False, "no-prefix; |end| forces |start| to end on word boundary"),
    (":~:text=jum", False, "no-prefix; no |end| or suffix forces |start| to end on word boundary"),
    (":~:text=jum,-ped", True, "no-prefix; suffix means |start| need not end on word boundary"),
    (":~:text=umped", False, "|start| must start on a word boundary"),
    (":~:text=null", False, "non-existent exact match"),
    (":~:text=null,lazy", False, "non-existent range match"),
    (":~:text=b%20b,-c", True, "overlapping exact matches with suffix"),
    (":~:text=foo%20foo,-bar", True, "overlapping one letter exact matches with suffix"),
    (":~:text=brown,fox", True, "matching range search"),
    (":~:text=brown,quick", False, "inverted range search"),
    (":~:text=quick,bro", False, "no suffix forces |end| to be end bounded"),
    (":~:text=quick,bro,-wn", True, "suffix means |end| need not be end bounded"),
    (":~:text=quick,ro,-wn", False, "|end| must be start bounded"),
    (":~:text=bro,wn", False, "|end| must be start bounded even if full range is word bounded"),
    (":~:text=quick,null", False, "non-existent |end|"),
    (":~:text=quick,jumped,-fox", False, "Range with preceeding suffix"),
    (":~:text=The-,quick,brown", True, "Match with no suffix"),
    (":~:text=The-,quick,fox,-brown", False, "Suffix comes before |end|"),
    (
        ":~:text=Lorem-,Ipsum,Whitespace,-Dipsum",
        True,
        "Search invisible content between |end| and suffix",
    ),
    (":~:text=quick,-bro", False, "Suffix must be end bounded"),
    (":~:text=qu,-ick", True, "Suffix need not be start bounded"),
    (":~:text=quick,-null", False, "Non-existent suffix"),
    (":~:text=quick,-fox", False, "Content appears between match and suffix"),
    (":~:text=match,-suffix2", True, "Non-matching suffix in first potential match"),
    (":~:text=prefix-,match,-suffix3", True, "Non-matching suffix search continues to prefix"),
    (":~:text=prefix-,match,matchEnd,-suffix5", True, "Range end matches correct suffix"),
    (
        ":~:text=Text%20with%20display:%20none",
        True,
        "`start` element contains search-invisible text (display: none)",
    ),
    (
        ":~:text=Text%20with%20visibility:%20hidden%20as%20block%20boundary",
        False,
        "`start` element contains hidden text, which is a block boundary",
    ),
    (
        ":~:text=Text%20with%20visibility:%20hidden%20as%20inline",
        True,
        "`start` element contains hidden text which is not a block boundary",
    ),
    (":~:text=Text%20with%20Iframe", True, "`start` element contains search-invisible (iframe)"),
    (":~:text=Text%20with%20image", True, "`start` element contains search-invisible (image)"),
    (":~:text=caught,and%20a", True, "|end| can match after an overlapping rejected candidate"),
    (":~:text=z", False, "Inline node boundary is not a word boundary"),
    (":~:text=what%20had", True, "Match across broken image"),
    (":~:text=he%27s", True, "Match containing an apostrophe is word bounded"),
    (":~:text=he", False, "Match must not start mid-word before an apostrophe"),
    (":~:text=%27t", True, "Match starts with apostrophe"),
    (":~:text=5", False, "Match must not start mid-number inside 3.5"),
    (":~:text=3%2E", False, "Match must not end mid-number at 3. in 3.5"),
    (":~:text=2", False, "Match must not start mid-number inside multi-node 40.2"),
    (":~:text=i-,the%20cat", False, "Prefix must start on a word boundary at a node's start"),
]

# (fragment, expect a match, WPT description) from scroll-to-text-fragment.html.
SCROLL_CASES = [
    (":~:text=this,is,test,page", False, "context terms without '-' do not parse"),
    (":~:text=test", True, "Exact text with no context should match text"),
    (":~:text=this is a-,test", True, "Exact text with prefix should match text"),
    (":~:text=test,-page", True, "Exact text with suffix should match text"),
    (":~:text=this is a-,test,-page", True, "Exact text with prefix and suffix"),
    (":~:text=foo-,foo,-bar", True, "Exact text with prefix and suffix and query equals prefix"),
    (":~:text=this,page", True, "Text range with no context should match text"),
    (":~:text=this-,is,test", True, "Text range with prefix should match text"),
    (":~:text=this,test,-page", True, "Text range with suffix should match text"),
    (":~:text=this-,is,test,-page", True, "Text range with prefix and suffix"),
    (":~:text=this,none", False, "Text range with non-matching endText should not match"),
    (":~:text=none,page", False, "Text range with non-matching startText should not match"),
    (":~:text=this-,is,page,-none", False, "Text range with prefix and nonmatching suffix"),
    (":~:text=none-,this,test,-page", False, "Text range with nonmatching prefix"),
    (":~:text=this%20is%20a%20test%20page", True, "Exact text with percent encoded spaces"),
    (":~:text=test%20pag", False, "Non-whole-word exact text with spaces should not match"),
    (":~:text=%26%2C%2D", True, "percent encoded syntactical characters '&,-'"),
    (":~:text=%E3%83%8D%E3%82%B3", True, "percent encoded non-ASCII unicode character"),
    (":~:text=!$'()*+./:;=?@_~", True, "Fragment directive with all TextMatchChars"),
    (":~:text=this&text=test,page", True, "Multiple matching exact texts should match text"),
    (":~:text=tes&text=age", False, "Multiple non-whole-word exact texts should not match"),
    (":~:text=test%20page&directive", True, "Text directive followed by non-text directive"),
    (":~:text=test&directive&text=page", True, "Multiple text directives and a non-text one"),
    (":~:text=more-,test%20page", True, "Multiple match disambiguated by prefix"),
    (":~:text=test%20page,-text", True, "Multiple match disambiguated by suffix"),
    (":~:text=more-,test%20page,-text", True, "Multiple match disambiguated by prefix and suffix"),
    (":~:text=prefix-,test%20page,-suffix", True, "context terms separated by node boundaries"),
    (":~:text=hidden%20text", False, "Text directive should not scroll to hidden text"),
    (":~:text=display%20none", False, "Text directive should not scroll to display none text"),
    (":~:text=horizontally%20scrolled%20text", True, "horizontally scrolled text"),
]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [pytest.param(f, e, id=d) for f, e, d in FIND_RANGE_CASES],
)
def test_find_range_from_text_directive(fragment: str, expected: bool) -> None:
    assert FIND_RANGE.check(fragment).found is expected


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [pytest.param(f, e, id=d) for f, e, d in SCROLL_CASES],
)
def test_scroll_to_text_fragment(fragment: str, expected: bool) -> None:
    assert SCROLL.check(fragment).found is expected


# Written for this file after the spec: what the WPT pages above do not show.
INLINE_CASES = [
    ("<p>The Quick Brown Fox</p>", "THE%20QUICK%20brown", True, "case is ignored"),
    ("<p>Ça coûte très cher</p>", "ca%20coute", True, "accents are base characters"),
    ("<p>Ça coûte très cher</p>", "%C3%A7a%20co%C3%BBte", True, "percent-encoded UTF-8"),
    ("<p>naïve café</p>", "naive,cafe", True, "a range over non-ASCII words"),
    ("<p>one two</p><p>three four</p>", "two%20three", False, "a term never spans blocks"),
    ("<p>one two</p><p>three four</p>", "two,three", True, "a range may span blocks"),
    (
        "<div>alpha <div style='visibility:hidden'>secret</div> beta</div>",
        "alpha%20beta",
        False,
        "visibility:hidden is a block boundary",
    ),
    (
        "<div>alpha<div style='visibility:hidden'>secret</div>beta</div>",
        "secret",
        False,
        "visibility:hidden text is never matched",
    ),
    (
        "<div>alpha <div style='display:none'>secret</div> beta</div>",
        "alpha%20beta",
        True,
        "display:none is removed entirely",
    ),
    (
        "<div>alpha <span style='visibility: hidden'>secret</span> beta</div>",
        "alpha%20beta",
        True,
        "an inline visibility:hidden element is no boundary",
    ),
    (
        "<div>alpha <section hidden>secret</section> beta</div>",
        "alpha%20beta",
        True,
        "the hidden attribute is display:none",
    ),
]


@pytest.mark.parametrize(
    ("html", "value", "expected"),
    [pytest.param(h, v, e, id=d) for h, v, e, d in INLINE_CASES],
)
def test_inline_pages(html: str, value: str, expected: bool) -> None:
    page = PageAnchors(html.encode("utf-8"), HTML)
    assert page.check(f":~:text={value}").found is expected


def test_hidden_text_stays_out_of_every_reading() -> None:
    """A visibility:hidden block ends a line, but its words are in no reading: not the
    blocks (quotes, fragments), not the cheap visible text (soft 404s)."""
    from citeaudit.extract import read_html

    page = read_html(b"<div>alpha<div style='visibility: hidden'>secret</div>beta</div>")
    assert page.blocks.text == "alpha\nbeta"
    assert page.visible_text() == "alpha beta"
