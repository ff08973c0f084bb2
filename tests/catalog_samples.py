"""Sources files for the catalog tests: a valid one, and what reading a broken one reports."""

from __future__ import annotations

import pytest

from citeaudit.catalog.reader import parse_catalog
from citeaudit.errors import CatalogError, Problem

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
