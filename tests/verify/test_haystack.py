"""A source prepared for searching: its normal form, its words indexed, and the way back
from words to the text as printed."""

from __future__ import annotations

from citeaudit.verify.haystack import TOKEN, haystack, widen


def test_words_are_indexed_where_they_occur() -> None:
    hay = haystack("The board met. The BOARD agreed, and 2,000 teams (AHSNs) didn't.")
    assert hay.words[:4] == ["the", "board", "met", "the"]
    assert hay.index["board"] == [1, 4]
    assert "2,000" in hay.index and "didn't" in hay.index


def test_words_map_back_to_the_text_as_printed() -> None:
    text = "approximately 20 teams (AHSNs) were commis-\nsioned"
    hay = haystack(text)
    first = hay.words.index("ahsns")
    assert hay.word_text(first, first + 1) == "(AHSNs)"  # the brackets that hug it
    last = hay.words.index("commissioned")
    start, end = hay.word_span(last, last + 1)
    assert text[start:end] == "commis-\nsioned"
    assert hay.word_text(last, last + 1) == "commissioned"
    assert hay.word_text(3, 3) == ""


def test_a_source_is_prepared_once() -> None:
    text = "one source searched for many quotes"
    assert haystack(text) is haystack(text)


def test_tokens_and_widening() -> None:
    assert TOKEN.findall("20% of 11/05/21, rock'n'roll") == ["20%", "of", "11/05/21", "rock'n'roll"]
    assert widen("say “(this)” now", 6, 10) == (4, 12)
