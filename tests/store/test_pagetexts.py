"""Page texts: kept once per body, searchable with stemming, never carrying a match marker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit.archive import Snapshot
from citeaudit.extract import Page
from citeaudit.store.database import Store
from citeaudit.store.pagetexts import MATCH_END, MATCH_START, Carrier
from store_samples import RUN, T0, rows, snapshot


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def test_page_texts_are_kept_once_per_body_and_searchable(store: Store) -> None:
    first = store.record_snapshot(RUN, "report", snapshot(1, T0))
    pages = [
        Page(1, "i", "Contents"),
        Page(2, "1", "The teams were commissioned directly by NHS England."),
    ]
    assert not store.has_pages(snapshot(1, T0).sha256)
    assert store.record_pages(first, snapshot(1, T0).sha256, pages) == 2
    assert store.has_pages(snapshot(1, T0).sha256)
    # the same body again (a later, unchanged capture): nothing added
    later = Snapshot(**{**snapshot(2, T0 + timedelta(days=1)).__dict__, "sha256": f"{1:064x}"})
    second = store.record_snapshot(RUN, "report", later)
    assert store.record_pages(second, later.sha256, pages) == 0
    assert len(rows(store.path, "SELECT id FROM page_texts")) == 2
    # the view joins every snapshot to its pages
    joined = rows(store.path, "SELECT snapshot_id, page, label FROM snapshot_pages ORDER BY 1, 2")
    assert [tuple(r) for r in joined] == [
        (first, 1, "i"),
        (first, 2, "1"),
        (second, 1, "i"),
        (second, 2, "1"),
    ]
    # full text, with porter stemming: "commission" finds "commissioned"
    found = rows(
        store.path,
        "SELECT p.label FROM page_texts_fts JOIN page_texts p ON p.id = page_texts_fts.rowid"
        " WHERE page_texts_fts MATCH 'commission'",
    )
    assert [r["label"] for r in found] == ["1"]


def test_control_markers_are_dropped_from_page_texts(store: Store) -> None:
    snap_id = store.record_snapshot(RUN, "s", snapshot(1, T0))
    store.record_pages(snap_id, "ab", [Page(1, "1", "a\x01b\x02c")])
    (row,) = rows(store.path, "SELECT text FROM page_texts")
    assert row["text"] == "abc"


def test_search_pages_names_the_sources_that_carry_a_page(store: Store) -> None:
    first = store.record_snapshot(RUN, "report", snapshot(1, T0))
    store.record_pages(first, snapshot(1, T0).sha256, [Page(1, "7", "Teams were commissioned.")])
    later = Snapshot(**{**snapshot(2, T0 + timedelta(days=3)).__dict__, "sha256": f"{1:064x}"})
    store.record_snapshot(RUN, "mirror", later)  # the same body, cited again elsewhere
    (match,) = store.search_pages('"commission"', 10)
    assert (match.sha256, match.page, match.label, match.pages) == (f"{1:064x}", 1, "7", 1)
    assert match.snippet == f"Teams were {MATCH_START}commissioned{MATCH_END}."
    assert match.carriers == (
        Carrier("mirror", later.url, T0 + timedelta(days=3)),
        Carrier("report", snapshot(1, T0).url, T0),
    )
    assert store.search_pages('"elephant"', 10) == []


def test_search_pages_stops_at_the_limit(store: Store) -> None:
    snap_id = store.record_snapshot(RUN, "s", snapshot(1, T0))
    pages = [Page(n, str(n), f"budget line {n}") for n in range(1, 6)]
    store.record_pages(snap_id, snapshot(1, T0).sha256, pages)
    assert len(store.search_pages('"budget"', 3)) == 3


def test_a_word_hyphenated_at_a_pdf_line_end_is_found_whole(store: Store) -> None:
    """ "commis-" ending one line and "sioned" starting the next: searched as the quote
    finder reads the page (the word mended), and shown mended, on one line."""
    from citeaudit.extract import extract
    from paged_documents import pdf_lines

    data = pdf_lines([["The teams were commis-", "sioned directly by NHS England."]])
    (page,) = extract(data, "application/pdf").pages
    assert "commis-\nsioned" in page.text  # the page text is kept as printed
    snap_id = store.record_snapshot(RUN, "report", snapshot(1, T0))
    store.record_pages(snap_id, snapshot(1, T0).sha256, [page])
    (match,) = store.search_pages('"commissioned"', 10)
    assert match.snippet == (
        f"The teams were {MATCH_START}commissioned{MATCH_END} directly by NHS England."
    )
    assert store.search_pages('"commis"', 10) == []  # the halves are not words any more
    (row,) = rows(store.path, "SELECT text FROM page_texts")
    assert "commis-\nsioned" in row["text"]  # what was printed is what is kept


def test_a_hyphen_between_words_is_kept_at_a_line_end(store: Store) -> None:
    """Only a word that goes on in lower case is mended, as the quote finder does."""
    snap_id = store.record_snapshot(RUN, "s", snapshot(1, T0))
    text = "Lennard-\nJones potential, and a soft\u00adhy-\nphen."
    store.record_pages(snap_id, "ab", [Page(1, "1", text)])
    (match,) = store.search_pages('"Lennard-Jones"', 10)
    assert match.snippet.replace(MATCH_START, "").replace(MATCH_END, "") == (
        "Lennard-Jones potential, and a softhyphen."
    )
    assert store.search_pages('"hyphen"', 10) == []
    assert len(store.search_pages('"softhyphen"', 10)) == 1
