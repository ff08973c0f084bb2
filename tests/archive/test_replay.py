"""Acceptance: our WARCs replay in pywb, byte for byte as the server sent them.

pywb is a dev dependency (installed by `uv sync`); its `wb-manager` and `wayback` commands
run as real processes on 127.0.0.1. Marked `replay` so it can be picked out (`-m replay`)
or left out (`-m "not replay"`); the default run, and CI, include it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from citeaudit.catalog import load_catalog
from citeaudit.pipeline import AuditOptions, archive
from citeaudit.store import Store
from documents import make_pdf
from localsite import LocalSite, html, write_sources
from memento import PywbServer

# These tests ask the session's one pywb: they run on one worker.
pytestmark = [pytest.mark.replay, pytest.mark.xdist_group("pywb")]

PAGES = {
    "/article": ("text/html; charset=utf-8", html("Article", "Quoted words, as published.")),
    "/report.pdf": ("application/pdf", make_pdf(["Page one.", "Page two."])),
}


def test_captures_and_revisits_replay_byte_for_byte(
    tmp_path: Path, pywb_server: PywbServer
) -> None:
    evidence = pywb_server.collection("evidence")
    port = evidence.port
    with LocalSite(PAGES) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, list(PAGES))
        catalog = load_catalog(sources)
        archive(catalog, sources, AuditOptions())
        store = tmp_path / ".citeaudit"
        with Store.open(store) as opened:
            last = max(s.date for s in (*opened.snapshots_for("p0"), *opened.snapshots_for("p1")))
        # replay addresses captures by the second: the next run's must fall in a later one
        while datetime.now(UTC).replace(microsecond=0) <= last.replace(microsecond=0):
            time.sleep(0.01)
        archive(catalog, sources, AuditOptions())  # unchanged: revisit records
    warcs = sorted((store / "archive").glob("*.warc.gz"))
    evidence.add_warcs(warcs)
    with Store.open(store) as opened:
        captures = [(s, opened.snapshots_for(s)) for s in ("p0", "p1")]
    # pywb serves a collection's WARCs as soon as they are added.
    for (source_id, snapshots), (path, (kind, served)) in zip(captures, PAGES.items(), strict=True):
        assert [s.record_type for s in snapshots] == ["response", "revisit"], source_id
        for snap in snapshots:
            stamp = f"{snap.date:%Y%m%d%H%M%S}"
            url = f"http://127.0.0.1:{port}/evidence/{stamp}id_/{site.url(path)}"
            replay = httpx.get(url, timeout=30)
            assert replay.status_code == 200, (snap.record_type, replay.text[:300])
            assert replay.content == served, snap.record_type
            assert replay.headers["content-type"] == kind
            assert replay.headers["memento-datetime"].startswith(f"{snap.date:%a, %d %b %Y}")


def test_local_files_replay_under_their_names_in_the_sources_folder(
    tmp_path: Path, pywb_server: PywbServer
) -> None:
    """A local file is filed as ``urn:citeaudit:file:`` and its path in the sources file's
    folder (a file outside it too, when allowed): pywb replays each, byte for byte."""
    files = pywb_server.collection("localfiles")
    folder = tmp_path / "project"
    (folder / "minutes").mkdir(parents=True)
    notes = b"The board voted.\n"
    letter = make_pdf(["Dear editor,"])
    (folder / "minutes" / "board notes.txt").write_bytes(notes)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "letter.pdf").write_bytes(letter)
    sources = folder / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - id: notes\n    file: minutes/board notes.txt\n"
        "  - id: letter\n    file: ../shared/letter.pdf\n",
        encoding="utf-8",
    )
    archive(load_catalog(sources), sources, AuditOptions(allow_outside_files=True))
    with Store.open(folder / ".citeaudit") as opened:
        kept = {s: opened.snapshots_for(s)[0] for s in ("notes", "letter")}
    assert kept["notes"].url == "urn:citeaudit:file:minutes/board%20notes.txt"
    assert kept["letter"].url == "urn:citeaudit:file:..%2Fshared/letter.pdf"
    files.add_warcs(sorted((folder / ".citeaudit" / "archive").glob("*.warc.gz")))
    for source_id, body, kind in (("notes", notes, "text/plain"), ("letter", letter, "pdf")):
        snap = kept[source_id]
        stamp = f"{snap.date:%Y%m%d%H%M%S}"
        url = f"http://127.0.0.1:{files.port}/localfiles/{stamp}id_/{snap.url}"
        replay = httpx.get(url, timeout=30)
        assert replay.status_code == 200, (source_id, replay.text[:300])
        assert replay.content == body
        assert kind in replay.headers["content-type"]
