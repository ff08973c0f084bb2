"""The two folds: the normal form quotes are sought in (typography folded, accents kept,
with the way back to the original), and base characters (accents dropped)."""

from __future__ import annotations

import re
import unicodedata
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.text import folding
from citeaudit.text.folding import (
    display,
    fold_dropping_accents,
    fold_keeping_accents,
    normalise,
)

# -- the normal form: accents kept --------------------------------------------------------------


def test_normal_form_folds_typography() -> None:
    assert normalise("“Ready”  and\u00a0‘fit’ — NOW").text == "\"ready\" and 'fit' - now"
    assert normalise("commis-\nsioning and com\u00admissioning").text == (
        "commissioning and commissioning"
    )
    assert normalise("two-year, two–year, two-\nyear").text == "twoyear, twoyear, twoyear"
    assert normalise("ﬁnal ＮＨＳ").text == "final nhs"  # NFKC


def test_normal_form_maps_back_to_the_original() -> None:
    text = "The  clinical commis-\nsioning groups"
    norm = normalise(text)
    at = norm.text.index("commissioning")
    start, end = norm.span(at, at + len("commissioning"))
    assert text[start:end] == "commis-\nsioning"
    assert display(text[start:end]) == "commissioning"


def test_a_hyphen_before_a_capital_is_kept() -> None:
    assert normalise("NHS-\nEngland").text == "nhs- england"


def _reference_normal_form(text: str) -> tuple[str, list[int]]:
    """The normal form as first written, one origin entry per character: what the runs of
    :class:`~citeaudit.text.folding.Origin` and the bulk steps must reproduce exactly."""
    table = {ord(c): folding._fold(c) for c in set(text)}
    uneven = [chr(c) for c in table if len(table[c]) != 1]
    alternatives = []
    if not folding._HYPHEN_CHARS.isdisjoint(text):
        alternatives += [f"(?P<brk>{folding._BREAK})", f"(?P<inner>{folding._INNER})"]
    if uneven:
        alternatives.append("(?P<odd>[" + "".join(re.escape(c) for c in uneven) + "])")
    parts: list[str] = []
    origin = array("q")
    position = 0
    for match in re.finditer("|".join(alternatives), text) if alternatives else ():
        index = match.start()
        parts.append(text[position:index].translate(table))
        origin.extend(range(position, index))
        position = match.end()
        if match.lastgroup == "inner":
            continue
        if match.lastgroup == "brk":
            if match.group("hy") == "\u00ad" or text[position : position + 1].islower():
                continue
        for offset, char in enumerate(match.group(0)):
            folded = table.get(ord(char)) or folding._fold(char)
            parts.append(folded)
            origin.extend([index + offset] * len(folded))
    parts.append(text[position:].translate(table))
    origin.extend(range(position, len(text)))
    folded = "".join(parts)
    out: list[str] = []
    kept: list[int] = []
    position = 0
    for run in re.finditer(r" {2,}|^ | $", folded):
        start, end = run.span()
        cut = start + 1 if 0 < start and end < len(folded) else start
        out.append(folded[position:cut])
        kept.extend(origin[position:cut])
        position = end
    out.append(folded[position:])
    kept.extend(origin[position:])
    return "".join(out), kept


# Hyphens, soft hyphens, dropped, expanded and combining characters; '¨' folds to a space
# and a mark, so a run of spaces to collapse may begin inside an expansion.
_TYPOGRAPHY = st.lists(
    st.sampled_from(
        [*"abcAB -.,'\n\t", "\u00a0", "\u00ad", "\u200b", "ﬁ", "’", "—", "é", "\u0301", "½", "¨"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TYPOGRAPHY)
def test_the_normal_form_and_its_origins_are_those_of_one_character_at_a_time(
    text: str,
) -> None:
    norm = folding.normal_form(text)
    expected_text, expected_origin = _reference_normal_form(text)
    assert norm.text == expected_text
    assert list(norm.origin) == expected_origin
    assert len(norm.origin) == len(norm.text)


def test_a_page_of_plain_text_has_a_handful_of_origin_runs() -> None:
    text = "A line of words,  and more words.\n" * 2000
    norm = normalise(text)
    assert len(norm.origin) == len(norm.text)
    assert len(norm.origin._starts) <= 2000 + 1  # one run per collapsed space, not per char
    at = norm.text.index("and more", 40_000)
    start, end = norm.span(at, at + len("and more"))
    assert text[start:end] == "and more"


def test_the_two_folds_differ_on_accents_and_typography() -> None:
    assert fold_keeping_accents("Résumé — “Two-year”") == 'résumé - "twoyear"'
    assert fold_dropping_accents("Résumé — “Two-year”") == "resume — “two-year”"


# -- base characters: accents dropped -----------------------------------------------------------


def test_fold_dropping_accents() -> None:
    assert fold_dropping_accents("  Página  NO   encontrada ") == "pagina no encontrada"
    assert fold_dropping_accents("Can’t") == "can't"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aZ \n’‘", "é", "e\u0301", "ﬁ", "Ἀ", "ῆ", "\u0345", "¨", "İ", "ß"])
    ).map("".join)
)
def test_fold_drops_every_combining_mark_as_one_at_a_time_did(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold_dropping_accents(text) == " ".join(kept.casefold().split())
