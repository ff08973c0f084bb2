"""Checking the data against the models: each error a sentence at the right place, dates read
strictly, and ids checked across the whole file even when entries are broken."""

from __future__ import annotations

from datetime import date

import pytest

from catalog_samples import at, only, problems
from citeaudit.catalog.reader import parse_catalog


def test_datetime_is_taken_as_its_date() -> None:
    text = "sources:\n  - id: a\n    accessed: 2024-05-01 10:30:00\n"
    assert parse_catalog(text, "s.yaml").sources[0].accessed == date(2024, 5, 1)


def test_unknown_key_points_at_the_key_and_suggests() -> None:
    problem = only("sources:\n  - id: a\n    titel: One\n")
    assert at(problem) == (3, 5)
    assert problem.message.startswith("unknown key 'titel' in source 'a': did you mean 'title'?")
    assert "(known keys: id, title, publisher, url, file" in problem.message


def test_unknown_top_level_key() -> None:
    problem = only("source:\n  - id: a\n")
    assert at(problem) == (1, 1)
    assert "unknown key 'source' in the top level: did you mean 'sources'?" in problem.message


def test_missing_required_key() -> None:
    problem = only("sources:\n  - title: No id\n")
    assert at(problem) == (2, 5)
    assert problem.message == "missing required key 'id' in source"


def test_missing_key_names_the_claim() -> None:
    problem = only("claims:\n  - id: c9\n    evidence: [{source: a}]\nsources: [{id: a}]\n")
    assert at(problem) == (2, 5)
    assert problem.message == "missing required key 'text' in claim 'c9'"


def test_int_id_is_not_coerced() -> None:
    problem = only("sources:\n  - id: 5\n")
    assert at(problem) == (2, 9)
    assert "id must be text, not a number (5): put it in quotes" in problem.message


def test_number_and_boolean_text_get_a_quoting_hint() -> None:
    found = problems("document:\n  title: 1984\n  author: no\n")
    assert [at(p) for p in found] == [(2, 10), (3, 11)]
    assert "title must be text, not a number (1984): put it in quotes, title: '1984'" in (
        found[0].message
    )
    assert "author must be text, not true/false (no)" in found[1].message


def test_id_that_is_not_a_slug() -> None:
    problem = only("sources:\n  - id: smith 2020\n")
    assert at(problem) == (2, 9)
    assert "id 'smith 2020' is not a valid id" in problem.message


def test_list_where_a_mapping_belongs() -> None:
    problem = only("sources:\n  - smith-2020\n")
    assert at(problem) == (2, 5)
    assert "source must be a mapping of keys to values, not text 'smith-2020'" in problem.message


def test_empty_list_value() -> None:
    problem = only("sources:\nclaims: []\n")
    assert at(problem) == (1, 9)
    assert problem.message.startswith("sources is empty")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2014", "published 2014 is only a year: write the full date as YYYY-MM-DD"),
        ("'2014'", "published 2014 is only a year"),
        ("2024-13-01", "published '2024-13-01' is not a real date (month must be in 1..12)"),
        ("'2024-02-30'", "is not a real date (day is out of range for month)"),
        ("March 2024", "published 'March 2024' is not a date: write YYYY-MM-DD"),
        ("0", "published must be a date written YYYY-MM-DD, not a number (0)"),
        ("yes", "published must be a date written YYYY-MM-DD, not true/false (yes)"),
        ("[2024]", "published must be a date written YYYY-MM-DD, not a list"),
    ],
)
def test_bad_dates(value: str, fragment: str) -> None:
    problem = only(f"sources:\n  - id: a\n    published: {value}\n")
    assert at(problem) == (3, 16)
    assert fragment in problem.message


def test_bad_date_in_document() -> None:
    problem = only("document:\n  published: 2014\n")
    assert at(problem) == (2, 14)
    assert "only a year" in problem.message


def test_bad_url_message_has_no_pydantic_prefix() -> None:
    problem = only("sources:\n  - id: a\n    url: ftp://example.org/x\n")
    assert at(problem) == (3, 10)
    assert problem.message == "URL 'ftp://example.org/x' must start with http:// or https://"


def test_url_and_file_together() -> None:
    problem = only("sources:\n  - id: a\n    url: https://x.org/\n    file: a.pdf\n")
    assert at(problem) == (2, 5)
    assert problem.message == "give a source either a url or a file, not both"


def test_bad_locator() -> None:
    text = "sources: [{id: a}]\nclaims:\n  - id: c\n    text: t\n    evidence:\n"
    problem = only(text + "      - source: a\n        locator: chapter 3\n")
    assert at(problem) == (7, 18)
    assert problem.message.startswith("cannot read locator 'chapter 3': start with p., pp.")


def test_claim_without_evidence() -> None:
    problem = only("claims:\n  - id: c1\n    text: t\n    evidence: []\n")
    assert at(problem) == (4, 15)
    assert problem.message == (
        "claim 'c1' has no evidence: list at least one source under evidence"
    )


def test_ref_of_the_wrong_kind_is_one_problem() -> None:
    text = "sources: [{id: a}]\nclaims:\n  - id: c\n    text: t\n"
    problem = only(text + "    evidence:\n      - {source: a, ref: [1]}\n")
    assert at(problem) == (6, 26)
    assert problem.message == "ref must be a whole number or text, not a list"


def test_duplicate_source_id_says_where_the_first_is() -> None:
    problem = only("sources:\n  - id: a\n  - id: b\n  - id: a\n")
    assert at(problem) == (4, 9)
    assert problem.message == "duplicate source id 'a': the first is at line 2, column 9"


def test_duplicate_claim_id() -> None:
    claim = "  - id: c1\n    text: t\n    evidence: [{source: a}]\n"
    problem = only("sources: [{id: a}]\nclaims:\n" + claim + claim)
    assert at(problem) == (6, 9)
    assert problem.message == "duplicate claim id 'c1': the first is at line 3, column 9"


def test_unknown_source_with_a_suggestion() -> None:
    text = "sources:\n  - id: smith-2020\nclaims:\n  - id: c\n    text: t\n"
    problem = only(text + "    evidence:\n      - source: smtih-2020\n")
    assert at(problem) == (7, 17)
    assert problem.message == "unknown source 'smtih-2020': did you mean 'smith-2020'?"


def test_unknown_source_without_a_suggestion() -> None:
    text = "claims:\n  - id: c\n    text: t\n    evidence: [{source: nowhere}]\n"
    problem = only(text)
    assert at(problem) == (4, 25)
    assert problem.message == "unknown source 'nowhere': add a source with this id under sources"


def test_cross_checks_run_despite_broken_entries() -> None:
    text = (
        "sources:\n"
        "  - id: a\n"
        "    url: nonsense\n"  # broken source, but its id still counts
        "  - id: a\n"
        "claims:\n"
        "  - id: c1\n"
        "    evidence: [{source: a}, {source: b}]\n"  # no text, and b is unknown
    )
    found = problems(text)
    assert [(at(p), p.message.split(":")[0]) for p in found] == [
        ((3, 10), "URL 'nonsense' must start with http"),
        ((4, 9), "duplicate source id 'a'"),
        ((6, 5), "missing required key 'text' in claim 'c1'"),
        ((7, 38), "unknown source 'b'"),
    ]


def test_sources_written_as_a_mapping() -> None:
    text = "sources:\n  smith: {url: 'https://x.org'}\n"
    problem = only(
        text + "claims: [{id: c, text: t, evidence: [{source: smith}]}]\n"
    )  # and no "unknown source" noise on top
    assert at(problem) == (2, 3)
    assert "sources must be a list (one '- ' line per entry), not a mapping" in problem.message


def test_a_page_no_document_has_is_a_problem_at_its_locator() -> None:
    text = "sources: [{id: a}]\nclaims:\n  - id: c\n    text: t\n    evidence:\n"
    problem = only(text + "      - source: a\n        locator: pp. 1-9999999999999999999\n")
    assert at(problem) == (7, 18)
    assert problem.message == "page 9999999999999999999 is beyond any document: check the locator"


def test_a_locator_written_as_data_is_checked_where_it_is() -> None:
    text = "sources: [{id: a}]\nclaims:\n  - id: c\n    text: t\n    evidence:\n"
    locator = "{text: x, pages: [{first: '1', last: '123456789012'}]}"
    problem = only(text + f"      - source: a\n        locator: {locator}\n")
    assert at(problem) == (7, 55)  # the number itself
    assert problem.message == "number 123456789012 is beyond any document: check the locator"
