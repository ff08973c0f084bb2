"""Where a text's quotations start and end: curly, straight and guillemet marks, nested
quotations, apostrophes told apart from closing marks, and quotations left open or begun
before the text."""

from __future__ import annotations

import pytest

from citeaudit.draft.quoting import QUOTE_MARKS, Quotation, read_quotations, unquoted


def quoted(text: str) -> list[str]:
    """The words of each outermost quotation of ``text``."""
    return [text[slice(*q.inner)] for q in read_quotations(text).quotations]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("They said “we do not mandate it” and left.", ["we do not mandate it"]),
        ('They said "we do not mandate it" and left.', ["we do not mandate it"]),
        ("He wrote 'plainly so' here.", ["plainly so"]),
        ("He wrote ‘plainly so’ here.", ["plainly so"]),
        ("«Bonjour» et „Guten Tag“ and ‚klein‘.", ["Bonjour", "Guten Tag", "klein"]),
        ("“one” and “two”", ["one", "two"]),
    ],
)
def test_curly_straight_and_other_marks(text: str, words: list[str]) -> None:
    reading = read_quotations(text)
    assert quoted(text) == words
    assert reading.unopened == () and reading.unclosed == ()


def test_a_quotation_s_span_covers_its_marks() -> None:
    text = "He said “no” twice."
    (quotation,) = read_quotations(text).quotations
    assert quotation == Quotation(8, 12)
    assert text[quotation.start : quotation.end] == "“no”"
    assert quotation.inner == (9, 11)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "They said “we do not mandate the ‘SIM’ model” today.",
            "we do not mandate the ‘SIM’ model",
        ),
        ("They said \"we do not use the 'SIM' model\" today.", "we do not use the 'SIM' model"),
        ("They said “the ‘so-called “SIM”’ model” today.", "the ‘so-called “SIM”’ model"),
    ],
)
def test_only_the_outermost_of_nested_quotations_is_returned(text: str, words: str) -> None:
    assert quoted(text) == [words]


def test_two_straight_quotations_one_nesting_another() -> None:
    text = '"Outer \'inner\' outer" then "second"'
    assert quoted(text) == ["Outer 'inner' outer", "second"]


@pytest.mark.parametrize(
    "text",
    [
        "NHS England’s view and don't worry.",
        "The teams' view is final.",
        "It isn’t the Trust’s, it’s theirs.",
    ],
)
def test_apostrophes_are_not_quotation_marks(text: str) -> None:
    assert read_quotations(text).quotations == ()
    assert read_quotations(text).unclosed == ()


def test_apostrophes_inside_a_quotation_do_not_end_it() -> None:
    assert quoted("He said “the Trust’s ‘SIM’ policy isn’t ours” today.") == [
        "the Trust’s ‘SIM’ policy isn’t ours"
    ]
    assert quoted("She said 'it's fine' and went.") == ["it's fine"]
    assert quoted("He said “don't” twice.") == ["don't"]
    assert quoted("The teams' view is 'theirs' now.") == ["theirs"]


def test_a_quotation_never_closed_is_unclosed() -> None:
    text = "It goes on “and on into the next paragraph"
    reading = read_quotations(text)
    assert reading.quotations == () and reading.unopened == ()
    assert reading.unclosed == (text.index("“"),)


def test_a_closing_mark_with_nothing_opened_is_unopened() -> None:
    text = "the end of a quotation begun before.” Then more."
    reading = read_quotations(text)
    assert reading.quotations == () and reading.unclosed == ()
    assert reading.unopened == (text.index("”"),)


def test_a_closed_quotation_beside_an_unclosed_one() -> None:
    text = "“Done” and “open"
    reading = read_quotations(text)
    assert quoted(text) == ["Done"]
    assert reading.unclosed == (11,)


def test_an_unclosed_inner_quotation_is_closed_with_its_outer_one() -> None:
    text = "“outer ‘inner outer” after"
    reading = read_quotations(text)
    assert quoted(text) == ["outer ‘inner outer"]
    assert reading.unclosed == ()


def test_every_mark_is_a_quote_mark() -> None:
    assert QUOTE_MARKS == {"“", "”", "‘", "’", '"', "'", "«", "»", "„", "‚", "‹", "›"}


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("“the whole of it”", "the whole of it"),
        ('  "the whole of it"  ', "the whole of it"),
        ("'x'", "x"),
        ("“a ‘b’ c”", "a ‘b’ c"),
        ("“a” and “b”", "“a” and “b”"),
        ("not quoted", "not quoted"),
        ("“left open", "“left open"),
        ("said “part”", "said “part”"),
    ],
)
def test_unquoted_takes_off_only_marks_around_all_of_it(text: str, plain: str) -> None:
    assert unquoted(text) == plain
