"""Text fragments (#:~:text=) parsed and matched as the spec says: terms, context, word
boundaries, blocks, base characters."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from citeaudit.text.directives import (
    TextDirective,
    at_word_boundary,
    find_text_directive,
    parse_text_directive,
)
from citeaudit.text.folding import fold_dropping_accents

BUNDLED = Path(__file__).parents[2] / "sources.yaml"


def folded(*blocks: str) -> str:
    return "\n".join(fold_dropping_accents(block) for block in blocks)


def found(value: str, *blocks: str) -> bool:
    directive = parse_text_directive(value)
    assert directive is not None, value
    return find_text_directive(directive, folded(*blocks)) is not None


FOX = "The quick brown fox jumped over the lazy dog."


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("value", "directive"),
    [
        ("jumped", TextDirective("jumped")),
        ("quick%20brown", TextDirective("quick brown")),
        ("brown-,fox", TextDirective("fox", prefix="brown")),
        ("fox,-jumped", TextDirective("fox", suffix="jumped")),
        ("the-,quick,lazy,-dog", TextDirective("quick", "lazy", "the", "dog")),
        ("a%2C%20b%2Dc%26d", TextDirective("a, b-c&d")),
        ("b-,c-,d", TextDirective("c-", "d", prefix="b")),
    ],
)
def test_parse_text_directive(value: str, directive: TextDirective) -> None:
    assert parse_text_directive(value) == directive


@pytest.mark.parametrize("value", ["", ",", "a,b,c", "-,foo", "foo,-", "a,,b", "%20", "a,b,c,d,e"])
def test_malformed_text_directives(value: str) -> None:
    assert parse_text_directive(value) is None


def test_the_bundled_reference_15_fragment_parses() -> None:
    sources = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))["sources"]
    (url,) = [s["url"] for s in sources if "#:~:text=" in (s.get("url") or "")]
    fragment = url.split("#", 1)[1]
    element, _, directives = fragment.partition(":~:")

    parsed = [parse_text_directive(d.removeprefix("text=")) for d in directives.split("&")]

    assert element == ""
    assert parsed == [
        TextDirective("Statutory duties"),
        TextDirective("NHS bodies, providers of primary", "least once every 10 years"),
    ]


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jumped", True),
        ("JUMPED%20OVER", True),  # case does not matter
        ("mped", False),  # a match starts on a word boundary
        ("jump", False),  # ... and ends on one
        ("u-,mped", False),  # a prefix starts on a word boundary
        ("brown-,fox", True),
        ("red-,fox", False),
        ("fox,-jumped", True),
        ("fox,-over", False),  # the suffix must follow at once
        ("quick,lazy", True),
        ("quick,lazy,-dog", True),
        ("quick,lazy,-cat", False),
        ("lazy,quick", False),  # the end comes after the start
        ("the-,quick,lazy,-dog", True),
        ("quick%20%20%20brown", True),  # white space collapsed
    ],
)
def test_text_directive_rules(value: str, expected: bool) -> None:
    assert found(value, FOX) is expected


def test_accents_are_ignored_as_the_spec_compares_base_characters() -> None:
    assert found("angstrom%20units", "Measured in Ångström units.")
    assert found("%C3%85ngstr%C3%B6m", "measured in angstrom units")


def test_a_term_stays_within_one_block() -> None:
    assert not found("The%20quick", "The", "quick brown fox")
    assert found("The%20quick", "The quick brown fox")


def test_context_may_cross_blocks() -> None:
    assert found("Statutory%20duties-,NHS%20bodies", "Statutory duties", "NHS bodies must")
    assert found("duties,-NHS", "Statutory duties", "NHS bodies must")


def test_the_first_good_candidate_is_found_not_only_the_first() -> None:
    text = "A fox ran. Then the fox jumped."
    assert found("fox,-jumped", text)
    assert found("the-,fox", text)


def test_a_range_tries_later_ends_for_its_suffix() -> None:
    text = "start one end two end three"
    assert found("start,end,-three", text)
    assert not found("start,end,-four", text)


def test_word_boundaries() -> None:
    assert not at_word_boundary("can't", 3)  # an apostrophe inside a word
    assert not at_word_boundary("3,5 km", 1)  # a comma inside a number
    assert at_word_boundary("fox, dog", 3)
    assert at_word_boundary("日本語", 2)  # ideographs: no dictionary, a boundary each
    assert not at_word_boundary("テキスト", 2)  # katakana runs hold together
    assert found("%E6%97%A5%E6%9C%AC", "日本語のテキスト")
