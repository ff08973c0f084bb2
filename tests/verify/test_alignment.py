"""Placing a quote's segments in a source: word for word, approximately, and chained in
order (a bracket standing for a few of the source's words)."""

from __future__ import annotations

from citeaudit.verify.alignment import (
    BRACKET_WORDS,
    chain_placements,
    exact_placements,
    fuzzy_placements,
)
from citeaudit.verify.haystack import haystack
from citeaudit.verify.segments import quote_segments

SOURCE = (
    "At the end of March 2020 this equated to approximately 270 service users having been "
    "supported by a SIM model during the two-year period. The teams were live."
)


def test_word_for_word_places() -> None:
    hay = haystack(SOURCE)
    (segment,) = quote_segments("approximately 270 service users")
    (place,) = exact_placements(segment, hay, 5)
    assert hay.words[place.first : place.last] == ["approximately", "270", "service", "users"]
    assert place.ops == () and place.equal == 4
    assert exact_placements(quote_segments("270 users")[0], hay, 5) == []


def test_close_places_with_their_changes() -> None:
    hay = haystack(SOURCE)
    (segment,) = quote_segments("approximately 300 service users having been helped by a SIM")
    places = fuzzy_placements(segment, hay, 0, len(hay.words))
    best = max(places, key=lambda p: p.equal)
    changed = [(tag, segment.words[q0:q1], hay.words[s0:s1]) for tag, q0, q1, s0, s1 in best.ops]
    assert changed == [
        ("replace", ["300"], ["270"]),
        ("replace", ["helped"], ["supported"]),
    ]


def test_segments_are_chained_in_order_a_bracket_for_few_words() -> None:
    hay = haystack(SOURCE)
    segments = quote_segments("At the end of [the year] this equated to")
    options = [exact_placements(s, hay, 5) for s in segments]
    ((score, chain),) = chain_placements(segments, options)
    assert score == 1 and [p.first for p in chain] == [0, 6]
    backwards = quote_segments("this equated to … At the end")
    options = [exact_placements(s, hay, 5) for s in backwards]
    assert chain_placements(backwards, options) == []
    far = quote_segments("At the end of [x] teams were live")
    options = [exact_placements(s, hay, 5) for s in far]
    assert hay.words.index("teams") - 4 > BRACKET_WORDS
    assert chain_placements(far, options) == []
