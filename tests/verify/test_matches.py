"""What a search finds: differences graded (negation, number, date, word order), and how
close a close match must be."""

from __future__ import annotations

from citeaudit.verify.matches import MIN_FUZZY_WORDS, Difference, classify, threshold


def test_classify() -> None:
    assert classify(["not"], []) == "negation"
    assert classify(["doesn't"], ["does"]) == "negation"
    assert classify(["twenty"], ["20"]) == "number"
    assert classify(["b", "a"], ["a", "b"]) == "word_order"
    assert classify(["council"], ["county"]) is None


def test_the_grave_kind_wins_and_plain_words_count_too() -> None:
    assert classify(["not", "20"], ["30"]) == "negation"  # negation before number
    assert classify(["march"], ["april"]) == "date"
    assert classify(["three", "year"], ["two", "year"]) == "number"
    assert Difference("replace", "30", "20", "number").critical
    assert not Difference("replace", "b a", "a b", "word_order").critical
    assert not Difference("insert", "indeed", "").critical


def test_short_quotes_need_a_closer_match() -> None:
    assert threshold(MIN_FUZZY_WORDS - 1) > 1  # never close enough: exact or nothing
    assert threshold(4) > threshold(8) > threshold(20)
