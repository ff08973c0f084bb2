"""Loading a sources file: every problem is reported, together, at the right line and column;
files that cannot be read, or are not text, say so."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from catalog_samples import VALID, at, only, problems
from citeaudit.catalog.entries import Catalog, Span
from citeaudit.catalog.reader import MAX_BYTES, load_catalog, parse_catalog
from citeaudit.errors import CatalogError, CiteauditError


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
    assert "larger than 32 MB" in problem.message


def test_text_too_large() -> None:
    assert "larger than" in only("#" * (MAX_BYTES + 1)).message


def test_catalog_error_is_a_citeaudit_error_with_file_line_col() -> None:
    with pytest.raises(CiteauditError) as caught:
        parse_catalog("- a\n", "my/sources.yaml")
    assert str(caught.value).startswith("my/sources.yaml:1:1: the top level must be a mapping")
    assert "1 problem found" in str(caught.value)


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


def test_bytes_that_are_not_utf8() -> None:
    problem = only(b"sources:\n  - id: a\n    title: caf\xc3\xa9 \xff\n")
    assert at(problem) == (3, 17)
    assert "not UTF-8" in problem.message and "0xFF" in problem.message


def test_utf16_file() -> None:
    problem = only("sources: []\n".encode("utf-16"))
    assert at(problem) == (1, 1)
    assert "UTF-16" in problem.message


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
