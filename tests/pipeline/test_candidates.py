"""The copies a verdict could be judged on, gathered for verify: a source with no copy, a
local file, a live page, our earlier snapshot when the page has gone."""

from __future__ import annotations

from pathlib import Path

from citeaudit.catalog import parse_catalog
from citeaudit.pipeline.candidates import copy_of
from citeaudit.vocab import JudgedOn, Network

CATALOG = """\
sources:
  - id: letter
    kind: correspondence
  - id: local
    file: notes.txt
"""


def test_a_source_with_no_copy_is_unavailable_and_says_why(tmp_path: Path) -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    copy = copy_of(catalog.source("letter"), {}, {}, {}, {}, tmp_path, Network.ONLINE)
    assert copy.extraction is None
    assert copy.unavailable == "no public copy (correspondence): the source has no url or file"


def test_a_local_file_is_read_only_when_chosen(tmp_path: Path) -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    local = {"local": b"The boards are commissioned directly by NHS England."}
    copy = copy_of(
        catalog.source("local"), {}, local, {"local": None}, {}, tmp_path, Network.ONLINE
    )
    assert copy.judged_on is JudgedOn.FILE  # a local file has no live copy
    assert copy.extraction is not None
    assert "commissioned directly" in copy.extraction.pages[0].text
