"""`verify-store`: every WARC record of a store built by real runs, and every copy the store
points at, read back and checked; damage named by file, offset, source and date; nothing
written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citeaudit.archive import check_warc
from citeaudit.catalog import load_catalog
from citeaudit.errors import StoreError
from citeaudit.pipeline import AuditOptions, archive
from citeaudit.store import StoreLock, verify_store
from citeaudit.store.integrity import Damage
from damaged_store import Kept, change_content, files_of, flip_bytes, kept
from documents import make_pdf
from localsite import LocalSite, html, write_sources

PAGES = {
    "/a": ("text/html", html("Alpha", "The alpha page, with some words on it.")),
    "/b": ("text/html", html("Beta", "The beta page, which says something else.")),
    "/report.pdf": ("application/pdf", make_pdf(["First page.", "Second page."])),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store after two runs of the same sources (the second one all revisits)."""
    folder = tmp_path_factory.mktemp("integrity")
    with LocalSite(PAGES) as site:
        sources = write_sources(folder / "sources.yaml", site, list(PAGES))
        catalog = load_catalog(sources)
        for _ in range(2):
            archive(catalog, sources, AuditOptions())
    return folder / ".citeaudit"


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    """A copy of the store of its own, to damage."""
    return Path(shutil.copytree(built, tmp_path / ".citeaudit"))


def _day(record: Kept) -> str:
    return record.date[:10]


def test_a_whole_store_passes(store: Path) -> None:
    before = files_of(store)
    check = verify_store(store)
    assert check.ok and check.damaged == () and check.unfinished == () and check.unchecked == ()
    assert check.warcs == 2
    walked = sum(len(check_warc(p).records) for p in (store / "archive").glob("*.warc.gz"))
    assert check.records == walked > 12
    assert check.copies == 6  # three sources, captured twice
    assert check.summary() == (
        f"checked {walked} WARC records in 2 files and the 6 copies the store points at: "
        "none damaged"
    )
    assert files_of(store) == before  # nothing written: no lock, no journal, no repair


def test_flipped_bytes_are_named_with_the_copies_they_held(store: Path) -> None:
    first, again = kept(store, "p0")
    assert again.record_type == "revisit"
    flip_bytes(store / first.warc, first.offset, first.length)
    before = files_of(store)
    check = verify_store(store)
    assert not check.ok
    assert check.damaged == (
        Damage(
            first.warc,
            first.offset,
            "its compressed bytes do not decode",
            first.record_id,
            (
                f"p0's snapshot of {_day(first)}",
                f"the body of p0's snapshot of {_day(again)} (a revisit)",
            ),
        ),
    )
    assert check.damaged[0].describe() == (
        f"{first.warc} at offset {first.offset} ({first.record_id}): its compressed bytes do "
        f"not decode; it holds p0's snapshot of {_day(first)}, the body of p0's snapshot of "
        f"{_day(again)} (a revisit)"
    )
    assert check.summary().endswith(": 1 damaged")
    assert files_of(store) == before


def test_content_changed_under_its_digests_is_damage(store: Path) -> None:
    (first, _again) = kept(store, "p1")
    change_content(store / first.warc, first.offset, first.length, b"beta page", b"x" * 9)
    (damage,) = verify_store(store).damaged
    assert (damage.warc, damage.offset, damage.record_id) == (
        first.warc,
        first.offset,
        first.record_id,
    )
    assert damage.problem == "its block and payload digests do not match"


def test_a_damaged_metadata_record_is_found_too(store: Path) -> None:
    (first, _again) = kept(store, "p2")
    path = store / first.warc
    metadata = next(
        r for r in check_warc(path).records if r.rec_type == "metadata" and r.offset > first.offset
    )
    flip_bytes(path, metadata.offset, metadata.length)
    (damage,) = verify_store(store).damaged
    assert (damage.offset, damage.record_id) == (metadata.offset, metadata.record_id)
    assert damage.copies == (f"the facts of p2's snapshot of {_day(first)}",)


def test_a_missing_warc_file_is_damage_to_every_copy_in_it(store: Path) -> None:
    first = kept(store, "p0")[0]
    (store / first.warc).unlink()
    check = verify_store(store)
    lost = {(d.warc, d.record_id) for d in check.damaged if d.offset is not None}
    assert lost == {(first.warc, kept(store, sid)[0].record_id) for sid in ("p0", "p1", "p2")}
    assert all(
        d.problem == "its WARC file cannot be read (No such file or directory)"
        for d in check.damaged
        if d.offset is not None
    )
    missing = [d for d in check.damaged if d.offset is None]
    assert len(missing) == 3  # the metadata record of each capture in it
    assert all("no WARC file holds it whole" in d.problem for d in missing)


def test_an_unfinished_end_is_not_damage(store: Path) -> None:
    warc = sorted((store / "archive").glob("*.warc.gz"))[-1]
    with open(warc, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")  # a member cut off at its start
    check = verify_store(store)
    assert check.ok
    assert check.unfinished == ((f"archive/{warc.name}", 10),)


def test_it_waits_for_a_run_writing_the_store(store: Path) -> None:
    with StoreLock(store, "archive"):
        with pytest.raises(StoreError, match="is busy: a citeaudit run .* is writing it"):
            verify_store(store, lock_wait=0.1)
    assert verify_store(store, lock_wait=0.1).ok
