"""Loading a sources file: every problem is reported, together, at the right line and column."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from citeaudit.catalog.entries import Catalog, Span
from citeaudit.catalog.reader import MAX_BYTES, MAX_DEPTH, load_catalog, parse_catalog
from citeaudit.errors import CatalogError, CiteauditError, Problem

VALID = """\
document:
  title: Annual report
  published: 2024-03-01
sources:
  - id: smith-2020
    title: Smith's study
    url: https://example.org/smith
    accessed: 2024-05-01
  - id: jones.letter
    kind: letter
  - id: deck
    file: slides.pdf
    published: "2023-11-30"
claims:
  - id: c1
    text: The sky is blue.
    evidence:
      - source: smith-2020
        locator: pp. 7-8
        quote: the sky is blue
      - source: deck
        locator: Slide 15
  - id: c2
    text: Water is wet.
    evidence:
      - source: jones.letter
        locator: Section 1, p. 5
        ref: 3
"""


def problems(text: str | bytes, filename: str = "sources.yaml") -> list[Problem]:
    """The problems ``parse_catalog`` reports (failing the test if it accepts the input)."""
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, filename)
    found = list(caught.value.problems)
    assert found, "a CatalogError must carry at least one problem"
    return found


def only(text: str | bytes) -> Problem:
    """The single problem reported for ``text``."""
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def at(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.column


# ---------------------------------------------------------------------------------------------
# A valid file


def test_valid_catalog_round_trips_into_models() -> None:
    catalog = parse_catalog(VALID, "sources.yaml")
    assert isinstance(catalog, Catalog)
    assert catalog.document is not None
    assert catalog.document.published == date(2024, 3, 1)
    assert [s.id for s in catalog.sources] == ["smith-2020", "jones.letter", "deck"]
    assert catalog.source("smith-2020").accessed == date(2024, 5, 1)
    assert catalog.source("deck").published == date(2023, 11, 30)
    assert not catalog.source("jones.letter").has_copy
    first, second = catalog.claims[0].evidence
    assert first.locator is not None and first.locator.pages == (Span(first="7", last="8"),)
    assert first.quote == "the sky is blue"
    assert second.locator is not None and second.locator.slides == (Span(first="15", last="15"),)
    located = catalog.claims[1].evidence[0]
    assert located.locator is not None
    assert located.locator.sections == ("1",)
    assert located.locator.pages == (Span(first="5", last="5"),)
    assert located.ref == 3


def test_bytes_with_a_bom_are_fine() -> None:
    catalog = parse_catalog(b"\xef\xbb\xbf" + VALID.encode(), "sources.yaml")
    assert len(catalog.sources) == 3


def test_str_with_a_bom_is_fine() -> None:
    assert len(parse_catalog("\ufeff" + VALID, "sources.yaml").claims) == 2


def test_crlf_line_ends_are_fine() -> None:
    assert len(parse_catalog(VALID.replace("\n", "\r\n").encode(), "s.yaml").sources) == 3


def test_an_empty_mapping_is_an_empty_catalog() -> None:
    assert parse_catalog("{}\n", "s.yaml") == Catalog()


def test_load_catalog_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert len(load_catalog(path).sources) == 3


def test_datetime_is_taken_as_its_date() -> None:
    text = "sources:\n  - id: a\n    accessed: 2024-05-01 10:30:00\n"
    assert parse_catalog(text, "s.yaml").sources[0].accessed == date(2024, 5, 1)


def test_merge_keys_are_honoured() -> None:
    text = (
        "sources:\n"
        "  - &base {id: a, title: Shared, kind: web}\n"
        "  - <<: *base\n"
        "    id: b\n"
        "    kind: pdf\n"
    )
    second = parse_catalog(text, "s.yaml").sources[1]
    assert (second.id, second.title, second.kind) == ("b", "Shared", "pdf")


# ---------------------------------------------------------------------------------------------
# Files that cannot be read


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    (problem,) = caught.value.problems
    assert (problem.file, at(problem)) == (str(path), (1, 1))
    assert "no such file; create one or pass its path" in problem.message


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    (problem,) = caught.value.problems
    assert at(problem) == (1, 1)
    assert "directory" in problem.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(VALID)
    path.chmod(0)
    try:
        with pytest.raises(CatalogError) as caught:
            load_catalog(path)
    finally:
        path.chmod(0o644)
    assert "permission denied" in caught.value.problems[0].message


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    (problem,) = caught.value.problems
    assert at(problem) == (1, 1)
    assert "larger than 10 MB" in problem.message


def test_text_too_large() -> None:
    assert "larger than" in only("#" * (MAX_BYTES + 1)).message


def test_catalog_error_is_a_citeaudit_error_with_file_line_col() -> None:
    with pytest.raises(CiteauditError) as caught:
        parse_catalog("- a\n", "my/sources.yaml")
    assert str(caught.value).startswith("my/sources.yaml:1:1: the top level must be a mapping")
    assert "1 problem found" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Input problems


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", b"\xef\xbb\xbf"])
def test_empty_file(text: str | bytes) -> None:
    problem = only(text)
    assert at(problem) == (1, 1)
    assert problem.message.startswith("file is empty: ")
    assert "sources:" in problem.message and "claims:" in problem.message


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- a\n- b\n", "not a list"),
        ("just words\n", "not the value 'just words'"),
        ("~\n", "empty"),
    ],
)
def test_top_level_not_a_mapping(text: str, what: str) -> None:
    problem = only("# header\n" + text)
    assert at(problem) == (2, 1)
    assert "the top level must be a mapping" in problem.message
    assert what in problem.message


def test_invalid_yaml_points_at_the_problem() -> None:
    problem = only("sources:\n  - id: a\n    title: [one, two\n  - id: b\n")
    assert at(problem) == (4, 7)
    assert problem.message.startswith("invalid YAML: expected ',' or ']', but got ':'")
    assert "(while parsing a flow sequence at line 3, column 12)" in problem.message


def test_invalid_yaml_mapping_value() -> None:
    problem = only("sources:\n  - id: a\n    title: x: y\n")
    assert at(problem) == (3, 13)
    assert "mapping values are not allowed here" in problem.message


def test_tab_indentation_gets_a_hint() -> None:
    problem = only("sources:\n\t- id: a\n")
    assert at(problem) == (2, 1)
    assert "use spaces" in problem.message


def test_bytes_that_are_not_utf8() -> None:
    problem = only(b"sources:\n  - id: a\n    title: caf\xc3\xa9 \xff\n")
    assert at(problem) == (3, 17)
    assert "not UTF-8" in problem.message and "0xFF" in problem.message


def test_utf16_file() -> None:
    problem = only("sources: []\n".encode("utf-16"))
    assert at(problem) == (1, 1)
    assert "UTF-16" in problem.message


def test_control_character() -> None:
    problem = only("sources:\n  - id: a\x01\n")
    assert at(problem) == (2, 10)
    assert "U+0001" in problem.message


def test_several_documents() -> None:
    problem = only("sources: []\n---\nclaims: []\n")
    assert at(problem) == (2, 1)
    assert "second YAML document" in problem.message


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!foo {id: a}", "'!foo'"),
        ("!!python/object:os.system {id: a}", "'!!python/object:os.system'"),
        ("!!binary aGVsbG8=", "'!!binary'"),
        ("!!set {a, b}", "'!!set'"),
    ],
)
def test_unsupported_tags(value: str, tag: str) -> None:
    problem = only(f"sources:\n  - {value}\n")
    assert at(problem) == (2, 5)
    assert f"unsupported YAML tag {tag}" in problem.message


def test_bad_value_for_an_explicit_tag() -> None:
    text = "claims:\n  - id: c\n    text: t\n    evidence: [{source: a, ref: !!int x}]\n"
    problem = only(text + "sources: [{id: a}]\n")
    assert at(problem) == (4, 33)
    assert "cannot read 'x' as a whole number" in problem.message


def test_alias_bomb_is_stopped_quickly() -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    problem = only("\n".join(lines) + "\n")
    assert time.monotonic() - started < 10
    assert "expands to more than" in problem.message
    assert problem.line >= 1


def test_alias_that_contains_itself() -> None:
    problem = only("sources: &s [*s]\n")
    assert at(problem) == (1, 14)
    assert "repeats the list or mapping it is in" in problem.message


def test_undefined_alias() -> None:
    problem = only("sources: [*nope]\n")
    assert at(problem) == (1, 11)
    assert "alias *nope names no anchor" in problem.message


def test_duplicate_anchor() -> None:
    found = problems("sources:\n  - &x {id: a}\n  - &x {id: b}\n")
    assert [(at(p), "anchor &x is already defined at line 2" in p.message) for p in found] == [
        ((3, 5), True)
    ]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused_without_a_crash(opening: str) -> None:
    problem = only("sources: " + opening * 5000)
    assert problem.line == 1
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message


def test_complex_key() -> None:
    found = problems("sources:\n  - id: a\n    ? [x]\n    : y\n")
    assert [at(p) for p in found] == [(3, 7)]
    assert "a key must be plain text" in found[0].message


# ---------------------------------------------------------------------------------------------
# Shape problems


def test_duplicate_mapping_key() -> None:
    problem = only("sources:\n  - id: a\n    title: One\n    title: Two\n")
    assert at(problem) == (4, 5)
    assert "duplicate key 'title': it is already given at line 3, column 5" in problem.message


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


# ---------------------------------------------------------------------------------------------
# Values


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


# ---------------------------------------------------------------------------------------------
# Ids across the file


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


# ---------------------------------------------------------------------------------------------
# Everything at once, in order


def test_four_problems_are_reported_together_in_file_order() -> None:
    text = (
        "sources:\n"
        "  - id: smith\n"
        "    titel: x\n"  # 3: unknown key
        "    accessed: 2014\n"  # 4: a bare year
        "claims:\n"
        "  - id: 7\n"  # 6: a number as id
        "    text: t\n"
        "    evidence:\n"
        "      - source: smiht\n"  # 9: unknown source
    )
    found = problems(text)
    assert [at(p) for p in found] == [(3, 5), (4, 15), (6, 9), (9, 17)]
    assert "unknown key 'titel'" in found[0].message
    assert "only a year" in found[1].message
    assert "id must be text" in found[2].message
    assert "did you mean 'smith'?" in found[3].message


def test_problems_are_sorted_by_line_and_column() -> None:
    text = (
        "zzz: 1\n"
        "claims:\n"
        "  - id: c1\n"
        "    text: t\n"
        "    evidence: [{source: x}, {source: y, locator: nope}]\n"
        "  - id: c1\n"
        "sources:\n"
        "  - id: bad id\n"
        "document: {published: 1999, title: 5}\n"
    )
    found = problems(text)
    keys = [(p.line, p.column) for p in found]
    assert keys == sorted(keys)
    assert len(found) >= 7
    assert all(p.file == "sources.yaml" for p in found)


def test_problem_text_format() -> None:
    problem = only("sources:\n  - id: 5\n")
    assert str(problem).startswith("sources.yaml:2:9: id must be text")


def test_number_too_long_to_read() -> None:
    text = "sources: [{id: a}]\nclaims: [{id: c, text: t, evidence: [{source: a, ref: "
    problem = only(text + "1" * 5000 + "}]}]\n")
    assert at(problem) == (2, 55)
    assert "as a whole number: it has too many digits" in problem.message


def test_merge_that_includes_itself() -> None:
    problem = only("sources:\n  - &a {id: a, <<: *a}\n")
    assert at(problem) == (2, 20)
    assert "repeats the list or mapping it is in" in problem.message


def test_merge_of_a_scalar() -> None:
    problem = only("sources:\n  - <<: 5\n    id: a\n")
    assert at(problem) == (2, 9)
    assert "'<<' must be followed by an alias to a mapping" in problem.message


def test_sources_written_as_a_mapping() -> None:
    text = "sources:\n  smith: {url: 'https://x.org'}\n"
    problem = only(
        text + "claims: [{id: c, text: t, evidence: [{source: smith}]}]\n"
    )  # and no "unknown source" noise on top
    assert at(problem) == (2, 3)
    assert "sources must be a list (one '- ' line per entry), not a mapping" in problem.message
