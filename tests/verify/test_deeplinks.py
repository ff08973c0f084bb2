"""Deep links into a source: text fragments built from the page and checked against it
the way a browser matches them, element ids when no fragment singles a passage out, and
#page=N for PDFs."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.text.directives import find_text_directive, parse_text_directive
from citeaudit.verify.deeplinks import (
    _Page,
    fragment_link,
    page_link,
    text_directive,
    text_fragment_link,
)


def test_page_links_open_a_physical_page() -> None:
    assert page_link("https://e.test/r.pdf#page=2", 7) == "https://e.test/r.pdf#page=7"


def test_text_directive_is_encoded_to_the_spec() -> None:
    link = text_fragment_link("https://e.test/a#frag", "two-year, teams & boards")
    assert link == "https://e.test/a#:~:text=two%2Dyear%2C%20teams%20%26%20boards"


def test_text_directive_adds_context_when_the_start_recurs() -> None:
    text = "Our board is accountable.\nLater the board is accountable."
    start = text.rindex("board")
    directive = text_directive(text, start, start + len("board is accountable"))
    assert directive == "the-,board%20is%20accountable"
    assert text_directive(text, 4, 4 + len("board is accountable")) == "board%20is%20accountable"
    text = "The board is accountable.\nLater the board is accountable to parliament."
    start = text.rindex("board")
    directive = text_directive(text, start, start + len("board is accountable"))
    assert directive == "board%20is%20accountable,-to"  # "the" comes before both


def test_text_directive_spans_blocks_with_start_and_end_terms() -> None:
    text = "Intro line.\nthere were approximately 20 teams live\nacross the country in 2020."
    start = text.index("there")
    end = text.index(" in 2020")
    directive = text_directive(text, start, end)
    assert directive is not None
    start_term, end_term = (unquote(part) for part in directive.split(","))
    assert start_term.startswith("there were") and "\n" not in start_term
    assert end_term == "across the country"


def test_fragment_link_falls_back_to_the_element_id() -> None:
    text = " ".join(["same"] * 12)
    # the middle one of twelve identical words is beyond a few words of context
    assert text_directive(text, 30, 34) is None
    assert fragment_link("https://e.test/p", text, 30, 34, "mid") == "https://e.test/p#mid"
    assert fragment_link("https://e.test/p", text, 30, 34) == "https://e.test/p"
    # a block of its own is singled out by the block before it
    assert text_directive("same words\nsame words", 11, 21) == "words-,same%20words"


@st.composite
def page_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    words = draw(
        st.lists(
            st.sampled_from(["the", "board", "Board,", "is", "(NHS)", "x."]),
            min_size=1,
            max_size=30,
        )
    )
    gaps = draw(
        st.lists(st.sampled_from([" ", "\n", "  "]), min_size=len(words), max_size=len(words))
    )
    text = "".join(w + g for w, g in zip(words, gaps, strict=True))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@settings(max_examples=300, deadline=None)
@given(page_and_span())
def test_a_text_directive_selects_exactly_its_passage(case: tuple[str, int, int]) -> None:
    text, start, end = case
    directive = text_directive(text, start, end)
    if directive is None:
        return
    parsed = parse_text_directive(directive)
    assert parsed is not None
    page = _Page.of(text)
    selected = find_text_directive(parsed, page.folded)
    assert selected is not None
    # the very words of the passage are selected, whatever repeats around them
    chosen = [k for k, (a, b) in enumerate(page.source) if b > start and a < end]
    first, last = page.spans[chosen[0]], page.spans[chosen[-1]]
    assert first[0] <= selected[0] < first[1]
    assert last[0] < selected[1] <= last[1]


# Words that fold oddly: accents, a ligature, sharp s, dotted I, curly quotes, a diaeresis
# alone (folds to nothing) and a combining mark alone; gaps of every kind of white space.
_ODD_WORDS = ["the", "Board", "café", "ﬁle", "Straße", "İstanbul", "’twas", "¨", "\u0301", "x."]
_ODD_GAPS = [" ", "\n", "  ", "\u00a0", " \n ", "\u2028", "\t", "\n\n"]


@st.composite
def odd_page_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    words = draw(st.lists(st.sampled_from(_ODD_WORDS), min_size=1, max_size=40))
    gaps = draw(st.lists(st.sampled_from(_ODD_GAPS), min_size=len(words), max_size=len(words)))
    lead = draw(st.sampled_from(["", " ", "\n"]))
    text = lead + "".join(w + g for w, g in zip(words, gaps, strict=True))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@settings(max_examples=500, deadline=None)
@given(odd_page_and_span())
def test_a_page_read_around_a_passage_agrees_with_the_whole_page(
    case: tuple[str, int, int],
) -> None:
    """The window text_directive reads (the rest of the page folded in bulk) is the
    word-by-word page, cut down: the same folded text, the same words at the same places."""
    text, start, end = case
    whole, window = _Page.of(text), _Page.around(text, start, end)
    assert window.folded == whole.folded
    first = whole.source.index(window.source[0]) if window.source else 0
    rows = slice(first, first + len(window.source))
    assert window.source == whole.source[rows]
    assert window.spans == whole.spans[rows]
    assert window.words == whole.words[rows]
    assert window.breaks == whole.breaks[rows]
    # the passage's words and up to four on either side, as the directive's context
    chosen = [k for k, (a, b) in enumerate(whole.source) if b > start and a < end]
    if chosen:
        assert first == max(0, chosen[0] - 4)
        assert first + len(window.source) == min(len(whole.source), chosen[-1] + 5)
