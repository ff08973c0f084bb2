"""The copies a verdict could be judged on, gathered for verify: a source with no copy, a
local file, a live page read back from the WARC in the extraction worker, a live page too
hostile to read within the limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from citeaudit.archive import WarcArchive
from citeaudit.catalog import load_catalog, parse_catalog
from citeaudit.extract import ExtractLimits, Extractor
from citeaudit.pipeline import AuditOptions, archive, audit
from citeaudit.pipeline.candidates import copy_of
from citeaudit.report import load_report
from citeaudit.verify import EvidenceResult
from citeaudit.vocab import JudgedOn, Network, Verdict
from damaged_store import change_content, flip_bytes, kept
from localsite import LocalSite, html, write_sources
from warcfiles import GZ_TEXT, gzip_result

CATALOG = """\
sources:
  - id: letter
    kind: correspondence
  - id: local
    file: notes.txt
  - id: figures
    url: https://data.example.net/figures.txt
"""
MAX_BYTES = 100 * 1024 * 1024


@pytest.fixture
def reader() -> Iterator[Extractor]:
    with Extractor(ExtractLimits()) as extractor:
        yield extractor


def test_a_source_with_no_copy_is_unavailable_and_says_why(
    tmp_path: Path, reader: Extractor
) -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    copy = copy_of(
        catalog.source("letter"), {}, {}, {}, tmp_path, Network.ONLINE, reader, max_bytes=MAX_BYTES
    )
    assert copy.extraction is None
    assert copy.unavailable == "no public copy (correspondence): the source has no url or file"


def test_a_local_file_is_read_back_from_the_warc_only_when_chosen(
    tmp_path: Path, reader: Extractor
) -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    data = b"The boards are commissioned directly by NHS England."
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_file("notes.txt", data, "text/plain")
    copy = copy_of(
        catalog.source("local"),
        {},
        {"local": snapshot},
        {},
        tmp_path,
        Network.ONLINE,
        reader,
        max_bytes=MAX_BYTES,
    )
    assert copy.judged_on is JudgedOn.FILE  # a local file has no live copy
    assert copy.extraction is not None
    assert "commissioned directly" in copy.extraction.pages[0].text


def test_a_live_page_is_read_back_as_it_was_fetched(tmp_path: Path, reader: Extractor) -> None:
    """The run holds no body: the page is read from its WARC record, gzip undone as the
    fetch undid it, and checked against the digest recorded when it was fetched."""
    catalog = parse_catalog(CATALOG, "sources.yaml")
    result = gzip_result()
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_fetch(result)
    assert snapshot is not None
    light = replace(result, content=b"")  # what the run keeps of the fetch
    copy = copy_of(
        catalog.source("figures"),
        {result.url: light},
        {"figures": snapshot},
        {},
        tmp_path,
        Network.ONLINE,
        reader,
        max_bytes=MAX_BYTES,
    )
    assert copy.judged_on is JudgedOn.LIVE
    assert copy.extraction is not None
    assert copy.extraction.pages[0].text == GZ_TEXT.decode()


def test_a_live_page_too_big_to_read_is_a_copy_with_no_text_saying_why(tmp_path: Path) -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    result = gzip_result()
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_fetch(result)
    assert snapshot is not None
    tiny = ExtractLimits(text=20)
    with Extractor(tiny) as reader:
        copy = copy_of(
            catalog.source("figures"),
            {result.url: result},
            {"figures": snapshot},
            {},
            tmp_path,
            Network.ONLINE,
            reader,
            max_bytes=MAX_BYTES,
        )
    assert copy.extraction is not None
    assert copy.extraction.text == GZ_TEXT.decode()[:20]
    assert copy.extraction.note == "only its first 20 characters of text were kept and searched"


# -- our earlier snapshots, damaged since they were kept ------------------------------------

SIM = "/sim"
CLAIM = """\
claims:
  - id: c1
    text: about twenty teams
    evidence:
      - source: p0
        quote: "approximately twenty teams"
"""


def _sim(words: str) -> tuple[str, bytes]:
    return ("text/html", html("SIM", f"There were approximately twenty teams {words}."))


def _audit_with_the_page_gone(tmp_path: Path, site: LocalSite) -> EvidenceResult:
    del site.pages[SIM]
    sources = tmp_path / "sources.yaml"
    result = audit(load_catalog(sources), sources, AuditOptions())
    (claim,) = result.claims
    (evidence,) = claim.evidence
    # the kept report (what `report` shows) says the same
    (kept,) = load_report(tmp_path / ".citeaudit", result.run.id).claims
    assert kept.evidence[0].note == evidence.note
    return evidence


def test_a_damaged_earlier_snapshot_is_reported_as_damage(tmp_path: Path) -> None:
    """Bytes flipped inside the only snapshot: with the page gone, the verdict says the
    snapshot is damaged, never that there is no earlier snapshot."""
    with LocalSite({SIM: _sim("live across the country")}) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, [SIM], CLAIM)
        archive(load_catalog(sources), sources, AuditOptions())
        (snap,) = kept(tmp_path / ".citeaudit", "p0")
        flip_bytes(tmp_path / ".citeaudit" / snap.warc, snap.offset, snap.length)
        evidence = _audit_with_the_page_gone(tmp_path, site)
    assert evidence.verdict is Verdict.SOURCE_UNAVAILABLE
    assert evidence.note is not None and "no earlier snapshot" not in evidence.note
    assert evidence.note.startswith("live copy not_found (404 Not Found); ")
    assert (
        f"; our snapshot of {snap.date[:10]} is damaged (its compressed bytes do not decode): "
        "skipped; run `citeaudit verify-store`" in evidence.note
    )


def test_the_verdict_goes_on_to_the_next_copy(tmp_path: Path) -> None:
    """The newest snapshot's content changed under its digests: it is skipped, said so, and
    the evidence is judged on the snapshot before it."""
    with LocalSite({SIM: _sim("live across the country")}) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, [SIM], CLAIM)
        archive(load_catalog(sources), sources, AuditOptions())
        site.pages[SIM] = _sim("live in the country, said the report")
        archive(load_catalog(sources), sources, AuditOptions())
        older, newer = kept(tmp_path / ".citeaudit", "p0")
        assert newer.record_type == "response"
        where = (tmp_path / ".citeaudit" / newer.warc, newer.offset, newer.length)
        said = b"live in the country, said the report"
        change_content(*where, said, b"x" * len(said))  # the quote itself is still there
        evidence = _audit_with_the_page_gone(tmp_path, site)
    assert evidence.verdict is Verdict.VERIFIED
    assert evidence.judged_on is JudgedOn.SNAPSHOT
    assert evidence.copy_date is not None
    assert evidence.copy_date.isoformat().replace("+00:00", ".000000Z")[:19] == older.date[:19]
    assert evidence.note == (
        f"live copy not_found (404 Not Found): judged on our snapshot of {older.date[:10]}; "
        f"our snapshot of {newer.date[:10]} is damaged (its block and payload digests do not "
        "match): skipped; run `citeaudit verify-store`"
    )
