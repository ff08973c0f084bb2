"""A quote cut into the segments that must each be found, in normal form, and long ones
cut again into chunks for alignment."""

from __future__ import annotations

from citeaudit.verify.segments import FUZZY_CHUNK_WORDS, chunks, quote_segments


def test_segments_in_normal_form_with_their_words() -> None:
    quote = "“The Board’s” review … found [the model] ready"
    segments = quote_segments(quote)
    assert [s.norm.text for s in segments] == ["the board's\" review", "found", "ready"]
    assert [s.gap for s in segments] == ["start", "ellipsis", "bracket"]
    assert segments[0].words == ["the", "board's", "review"]
    # each word's span is in the quote as written
    assert [quote[a:b] for a, b in segments[0].word_spans] == ["The", "Board’s", "review"]


def test_a_long_segment_is_aligned_in_chunks() -> None:
    words = [f"w{n}" for n in range(2 * FUZZY_CHUNK_WORDS + 10)]
    (segment,) = quote_segments(" ".join(words))
    parts = chunks(segment)
    assert len(parts) == 3
    assert sum(len(p.words) for p in parts) == len(words)
    assert [p.gap for p in parts] == ["start", "bracket", "bracket"]
    assert all(len(p.words) <= FUZZY_CHUNK_WORDS for p in parts)
    short = quote_segments("a few words")[0]
    assert chunks(short) == [short]
