"""Word stems: the forms of one word meet, irregular pasts map to their verb."""

from __future__ import annotations

from citeaudit.meaning.stemming import stem


def test_forms_of_one_word_share_a_stem() -> None:
    assert stem("assessment") == stem("assesses") == stem("assess")
    assert stem("significantly") == stem("significant")
    assert stem("councils") == stem("council")
    assert stem("recruitment") == stem("recruit")


def test_irregular_forms_and_short_words() -> None:
    assert stem("found") == "find"
    assert stem("held") == "hold"
    assert stem("nhs") == "nhs"
