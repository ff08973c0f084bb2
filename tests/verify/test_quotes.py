"""Finding quotes: exactly, across ellipses and editorial brackets, close matches and their
differences, and (hypothesis) any stretch of a source, retyped, is found exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.text.folding import display, normalise
from citeaudit.verify.matches import Difference, QuoteMatch, threshold
from citeaudit.verify.quotes import locate_quote

SIM = (
    "On conclusion of the programme there were approximately 20 teams live across the "
    "country, offering a SIM model or similar. There are several similar models that have "
    "been established across England. At the end of March 2020, this equated to "
    "approximately 270 service users having been supported by a SIM model during the "
    "two-year period."
)

# the seed cases: the statement's quotes against the sources as they are worded
UCLP = (
    "Mental health: developing, testing and spreading what works. As one of the 15 "
    "Academic Health Science Networks (AHSNs) in England, we are working as part of a "
    "national programme to spread the Serenity Integrated Mentoring (SIM) model, which "
    "brings police and mental health services together."
)
UCLP_QUOTE = (
    "as one of the 15 Academic Science Health Networks (AHSNs) in England, we are working as "
    "part of a national programme to spread the Serenity Integrated Mentoring (SIM) model"
)
LETTER = (
    "I would like to clarify that NHSE/I does not mandate the 'SIM' model and at this time "
    "is not formally endorsing or promoting its spread. The model was selected to be part "
    "of the NHS Innovation Accelerator programme in 2018 and supported by the Academic "
    "Health Sciences Network as a 2-year programme with the aim of improving care for an "
    "under-served group of patients who experience poor outcomes."
)
LETTER_QUOTE = (
    "The model was selected to be part of the NHS Innovation Accelerator programme in 2018 "
    "and supported by the Academic Health Sciences Network (AHSN) as a 2-year programme with "
    "the aim of improving care for an under-served group of patients who experience poor "
    "outcomes."
)


def find_quote(quote: str, text: str) -> QuoteMatch | None:
    """The first exact match of ``quote`` in ``text``, or None."""
    found = locate_quote(quote, text, fuzzy=False, limit=1)
    return found[0] if found else None


def diffs(quote: str, text: str) -> list[tuple[str, str, str, str | None]]:
    found = locate_quote(quote, text)
    assert found, f"{quote!r} not found"
    best = found[0]
    assert not best.exact
    return [(d.op, d.quote, d.source, d.kind) for d in best.differences]


# -- exact, ellipses and brackets --------------------------------------------------------------


def test_exact_whatever_the_typography() -> None:
    quote = "“…there were approximately 20 teams live across the country, offering a SIM model”"
    match = find_quote(quote, SIM)
    assert match is not None and match.exact and not match.differences
    assert match.passage.startswith("there were approximately 20 teams")


def test_pieces_must_come_in_order() -> None:
    assert find_quote("20 teams live … 270 service users", SIM) is not None
    assert find_quote("270 service users … 20 teams live", SIM) is None
    match = find_quote("There are several … established across England", SIM)
    assert match is not None and len(match.pieces) == 2
    assert (
        match.passage
        == "There are several similar models that have been established across England"
    )


def test_editorial_brackets() -> None:
    assert find_quote("[T]here were approximately 20 teams [sic]", SIM) is not None
    # the bracket stands for the source's own words
    match = find_quote("At the end of [the programme], this equated to approximately 270", SIM)
    assert match is not None and "March 2020" in match.passage
    # but only for a few of them
    assert find_quote("On conclusion of [the year] service users", SIM) is None
    # square brackets printed in the source are matched as printed
    assert find_quote("[bold]boom[/]", "a [bold]boom[/] b") is not None


def test_quotes_match_whole_words_only() -> None:
    assert find_quote("ready and fit", "already and fitting") is None
    assert find_quote("ready and fit", "it was ready and fit.") is not None


def test_every_occurrence_is_returned() -> None:
    text = "He said ready and fit. Later: ready and fit again."
    found = locate_quote("ready and fit", text)
    assert [text[m.start : m.end] for m in found] == ["ready and fit", "ready and fit"]
    assert found[0].start < found[1].start


def test_word_for_word_with_other_punctuation_is_verified() -> None:
    found = locate_quote("At the end of March 2020 this equated to approximately 270", SIM)
    assert found and found[0].exact and found[0].punctuation and not found[0].differences


# -- close matches and their differences ------------------------------------------------------


def test_one_word_changed() -> None:
    quote = "there were approximately 20 groups live across the country"
    assert diffs(quote, SIM) == [("replace", "groups", "teams", None)]


def test_a_number_changed() -> None:
    quote = "At the end of March 2020, this equated to approximately 290 service users"
    assert diffs(quote, SIM) == [("replace", "290", "270", "number")]


def test_a_date_changed() -> None:
    quote = "At the end of April 2020, this equated to approximately 270 service users"
    assert diffs(quote, SIM) == [("replace", "April", "March", "date")]


def test_not_inserted() -> None:
    quote = "this equated to approximately 270 service users having not been supported"
    assert diffs(quote, SIM) == [("insert", "not", "", "negation")]


def test_words_omitted() -> None:
    quote = "There are several models that have been established across England"
    assert diffs(quote, SIM) == [("delete", "", "similar", None)]
    quote = "this equated to 270 service users having been supported by a SIM model"
    assert diffs(quote, SIM) == [("delete", "", "approximately", None)]


def test_seed_word_order_academic_science_health_networks() -> None:
    assert diffs(UCLP_QUOTE, UCLP) == [
        ("replace", "Science Health", "Health Science", "word_order")
    ]
    best = locate_quote(UCLP_QUOTE, UCLP)[0]
    assert best.passage.startswith("As one of the 15 Academic Health Science Networks")
    assert best.passage.endswith("(SIM) model")


def test_seed_letter_with_ahsn_inserted() -> None:
    assert diffs(LETTER_QUOTE, LETTER) == [("insert", "(AHSN)", "", None)]
    best = locate_quote(LETTER_QUOTE, LETTER)[0]
    assert best.score > 0.95  # however close, it is not the source's wording


def test_a_changed_last_word_is_a_replacement() -> None:
    quote = "supported by a SIM model during the three-year"
    assert diffs(quote, SIM) == [("replace", "three-year", "two-year", "number")]


def test_short_quotes_match_exactly_or_not_at_all() -> None:
    assert locate_quote("approximately 30 teams", SIM) == []
    assert threshold(3) > 1


def test_unrelated_words_are_not_a_match() -> None:
    quote = "the committee approved the budget for the new hospital wing last year"
    assert locate_quote(quote, SIM) == []


def test_absent_from_a_large_text() -> None:
    text = " ".join(f"Sentence {n} about topic {n % 17} and region {n % 5}." for n in range(3000))
    assert locate_quote("there were approximately 20 teams live across the country", text) == []
    found = locate_quote("Sentence 2500 about topic 1 and region 9.", text)
    assert found and found[0].differences == (Difference("replace", "9", "0", "number"),)


# -- any stretch of a source, retyped, is found ----------------------------------------------

WORDS = st.sampled_from(
    [
        "NHS",
        "England's",
        "“model”",
        '"model"',
        "‘SIM’",
        "two-year",
        "2020",
        "–",
        "—",
        "café",
        "(AHSN)",
        "teams,",
        "live;",
        "approximately",
        "Serenity",
        "care.",
        "don't",
        "e-mail",
        "x",
    ]
)
RETYPE = {
    "“": '"',
    "”": '"',
    '"': "”",
    "‘": "'",
    "’": "'",
    "'": "’",
    "–": "-",
    "—": "–",
}


@st.composite
def source_and_quote(draw: st.DrawFn) -> tuple[str, str]:
    words = draw(st.lists(WORDS, min_size=3, max_size=40))
    gaps = draw(
        st.lists(
            st.sampled_from([" ", "  ", "\n", " \n "]), min_size=len(words), max_size=len(words)
        )
    )
    source = "".join(w + g for w, g in zip(words, gaps, strict=True))
    first = draw(st.integers(0, len(words) - 1))
    last = draw(st.integers(first + 1, len(words)))
    picked = words[first:last]
    spaces = draw(
        st.lists(
            st.sampled_from([" ", "\n", "  ", "\t"]), min_size=len(picked), max_size=len(picked)
        )
    )
    upper = draw(st.booleans())
    quote = draw(st.sampled_from(["", "“", '"']))
    for word, space in zip(picked, spaces, strict=True):
        word = "".join(RETYPE.get(c, c) for c in word)
        quote += (word.upper() if upper and word != "café" else word) + space
    return source, quote


@settings(max_examples=300, deadline=None)
@given(source_and_quote())
def test_any_stretch_retyped_is_found_exactly(case: tuple[str, str]) -> None:
    source, quote = case
    if not any(c.isalnum() for c in quote):
        return
    found = locate_quote(quote, source)
    assert found, (quote, source)
    assert found[0].exact
    assert normalise(display(found[0].passage)).text in normalise(quote).text
