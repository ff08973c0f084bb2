"""Typed markers, reference headings and entry numbers, as every reader recognises them."""

from __future__ import annotations

from citeaudit.draft.markers import (
    entry_start,
    expand,
    find_markers,
    follows,
    label_list,
    reference_heading,
)


def _found(text: str, labels: set[str] | None = None) -> list[tuple[str, str]]:
    return [(m.label, text[m.start : m.end]) for m in find_markers(text, labels)]


def test_bracket_markers_one_per_label_sharing_the_span() -> None:
    assert _found("NHS England[6] and more.[14]") == [("6", "[6]"), ("14", "[14]")]
    assert _found("as shown [1, 3] and [4-6].") == [
        ("1", "[1, 3]"),
        ("3", "[1, 3]"),
        ("4", "[4-6]"),
        ("5", "[4-6]"),
        ("6", "[4-6]"),
    ]
    assert _found("a range [2–3]") == [("2", "[2–3]"), ("3", "[2–3]")]


def test_a_year_in_brackets_is_no_marker() -> None:
    assert _found("[2012] EWCA Civ 1") == []
    assert _found("[sic] and [a]") == []


def test_parenthesised_numbers_only_when_they_are_labels() -> None:
    labels = {"1", "2"}
    assert _found("a claim (1).", None) == []
    assert _found("a claim (1).", labels) == [("1", "(1)")]
    assert _found("the Act (2010) says (3)", labels) == []
    assert _found("(1) first, and (2) second", labels) == []
    assert _found("steps: (1) do this", labels) == []
    assert _found("point (a) and (b)", labels) == []


def test_unicode_superscripts_are_markers_when_they_are_labels() -> None:
    assert _found("spread¹² here", {"12"}) == [("12", "¹²")]
    assert _found("area 5 m²", {"1"}) == []


def test_skipped_spans_are_not_read() -> None:
    assert find_markers("see [1] and [2]", skip=[(4, 7)])[0].label == "2"


def test_expand_and_label_list() -> None:
    assert expand("1, 3-5") == ["1", "3", "4", "5"]
    assert expand("5-3") is None
    assert expand("1-200") == ["1", "200"]
    assert label_list("[2]") == ["2"]
    assert label_list(" 1,3 ") == ["1", "3"]
    assert label_list("st") is None


def test_reference_headings() -> None:
    for text in ("References", "References:", "NOTES", "Works cited", "  Endnotes  "):
        assert reference_heading(text) is not None
    assert reference_heading("References:") == "References"
    assert reference_heading("References to the Act are made below") is None
    assert reference_heading("Notes & References") == "Notes & References"


def test_entry_numbers() -> None:
    assert entry_start("  1. NHS responses") == ("1", 5)
    assert entry_start("12) Text") == ("12", 4)
    assert entry_start("[3] Text") == ("3", 4)
    assert entry_start("2012. Policy") is None
    assert entry_start("1.5 million") is None
    assert follows("2", "1") and not follows("30", "2") and not follows("1", "1")
