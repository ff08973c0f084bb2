"""The report's word-by-word comparison reads a quote by the same quotation rules as the
quote finder: every ellipsis the finder accepts is a cut here, every editorial bracket it
drops is no added word here. (The comparison's own cases are in test_report_formats.py.)"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.report.differences import compare_words
from citeaudit.report.model import DifferenceModel, SegmentModel
from citeaudit.verify.quotes import locate_quote

PASSAGE = "the boards are directly commissioned by NHS England"
ELLIPSES = ["…", "...", ". . .", "[…]", "[...]", "(...)", "(…)", "....", "[ … ]"]


@pytest.mark.parametrize("cut", ELLIPSES)
def test_every_ellipsis_the_finder_accepts_is_a_cut(cut: str) -> None:
    quote = f"the boards {cut} by NHS England"
    assert locate_quote(quote, PASSAGE)[0].exact  # the verdict: found, words left out

    segments = compare_words(quote, PASSAGE)

    assert segments == [
        SegmentModel(op="equal", text="the boards"),
        SegmentModel(op="elided", text="are directly commissioned"),
        SegmentModel(op="equal", text="by NHS England"),
    ]


@pytest.mark.parametrize("remark", ["[sic]", "[sic!]", "[emphasis added]", "[Italics mine]", "[]"])
def test_editorial_brackets_are_no_words_of_the_quote(remark: str) -> None:
    quote = f"we do not {remark} mandate it"
    assert locate_quote(quote, "we do not mandate it")[0].exact

    assert compare_words(quote, "we do not mandate it") == [
        SegmentModel(op="equal", text="we do not mandate it")
    ]


def test_punctuation_after_a_cut_goes_with_it() -> None:
    segments = compare_words("the boards …, by NHS England", PASSAGE)
    assert [s.op for s in segments] == ["equal", "elided", "equal"]
    assert compare_words("we do [sic]. not mandate it", "we do not mandate it") == [
        SegmentModel(op="equal", text="we do not mandate it")
    ]


def test_a_changed_letter_and_a_bracket_for_words_are_words_of_the_quote() -> None:
    printed = "the boards are directly commissioned"
    assert compare_words("[T]he boards are directly commissioned", printed) == [
        SegmentModel(op="equal", text=printed)
    ]
    segments = compare_words("[NHSE] are directly commissioned", printed)
    assert [s.op for s in segments] == ["delete", "insert", "equal"]
    assert segments[1].text == "[NHSE]"


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=6, max_size=14, unique=True),
    cut=st.sampled_from(ELLIPSES),
    data=st.data(),
)
def test_a_quote_the_finder_verifies_shows_no_changed_word(
    words: list[str], cut: str, data: st.DataObject
) -> None:
    """Cut a run of words out of a passage with any ellipsis: the finder verifies the quote,
    and the comparison shows only the passage's words, some of them elided."""
    start = data.draw(st.integers(1, len(words) - 3))
    end = data.draw(st.integers(start + 1, len(words) - 1))
    passage = " ".join(words)
    quote = " ".join([*words[:start], cut, *words[end:]])
    assert locate_quote(quote, passage)[0].exact

    segments = compare_words(quote, passage)

    assert {s.op for s in segments} <= {"equal", "elided"}
    assert " ".join(s.text for s in segments) == passage


WORDS = ["the", "The", "teams", "20", "30", "not", "…", "[sic]", "(AHSNs)", "live,", "“ready”", "-"]


def test_compare_words_marks_each_difference() -> None:
    assert compare_words(
        "approximately 30 teams were live", "approximately 20 teams were live"
    ) == [
        SegmentModel(op="equal", text="approximately"),
        SegmentModel(op="delete", text="20"),
        SegmentModel(op="insert", text="30"),
        SegmentModel(op="equal", text="teams were live"),
    ]
    # Typography, case and punctuation are not differences; an ellipsis is a cut.
    assert (
        compare_words("“The review” — said: “ready…fit”", 'the review - said "ready…fit"')[0].op
        == "equal"
    )
    segments = compare_words(
        "the boards … by NHS England", "the boards are directly commissioned by NHS England"
    )
    assert [s.op for s in segments] == ["equal", "elided", "equal"]
    assert segments[1].text == "are directly commissioned"
    assert compare_words("we do [sic] not mandate it", "we do not mandate it") == [
        SegmentModel(op="equal", text="we do not mandate it")
    ]


@given(
    quote=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    passage=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    diffs=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.lists(st.sampled_from(WORDS), max_size=3),
            st.lists(st.sampled_from(WORDS), max_size=3),
        ),
        max_size=3,
    ),
)
@settings(max_examples=300, deadline=None)
def test_compare_words_keeps_every_word_of_the_passage(
    quote: list[str], passage: list[str], diffs: list[tuple[str, list[str], list[str]]]
) -> None:
    """Whatever the differences given, the passage's words are all there, in order, and the
    quote's words (but cuts and [sic]) are in the equal and inserted runs."""
    differences = [
        DifferenceModel(op=op, quote=" ".join(q), source=" ".join(s)) for op, q, s in diffs
    ]
    segments = compare_words(" ".join(quote), " ".join(passage), differences)
    source_side = [w for s in segments if s.op != "insert" for w in s.text.split()]
    assert source_side == " ".join(passage).split()
    quote_side = [w for s in segments if s.op in ("equal", "insert") for w in s.text.split()]
    kept = [w for w in quote if w not in ("…", "[sic]")]
    assert len(quote_side) == len(kept)
