"""Audits that judge on a public archive's copy: the live page is dead (or has changed), and
the copy a Memento server (pywb on 127.0.0.1) holds from near the accessed date is kept in
our WARC and verifies the quote."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cdxj_indexer.main import CDXJIndexer  # type: ignore[import-untyped]
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from citeaudit.archive import read_payload
from citeaudit.catalog.reader import load_catalog
from citeaudit.commands.app import app
from citeaudit.fetch import FetchOptions
from citeaudit.pipeline import AuditOptions, archive, audit
from citeaudit.result import AuditResult, SourceResult
from citeaudit.verify import EvidenceResult
from citeaudit.vocab import ArchivedMode, JudgedOn, Verdict
from citeaudit.webarchive.memento import MementoOptions
from localsite import LocalSite, html
from memento import Capture, Pywb, PywbServer, free_port

# These tests ask the session's one pywb: they run on one worker.
pytestmark = [pytest.mark.replay, pytest.mark.xdist_group("pywb")]

PASSAGE = "there were approximately 20 teams live across the country"
DEAD = "http://127.0.0.1:9/sim-programme"  # port 9: connection refused, never a page
FIRST = datetime(2020, 1, 1, tzinfo=UTC)
ARCHIVED = html("SIM", f"At the end of the programme {PASSAGE}, offering a SIM model.")
FAST = FetchOptions(timeout=10, retries=0)


@pytest.fixture(scope="module")
def pywb(pywb_server: PywbServer) -> Iterator[Pywb]:
    server = pywb_server.collection("wayback-audit")
    server.add(
        [
            Capture(DEAD, "2020-01-01T00:00:00Z", body=ARCHIVED),
            Capture(DEAD, "2021-05-01T00:00:00Z", 404, b"gone", "text/plain"),
        ]
    )
    yield server


def sources_file(tmp_path: Path, url: str, accessed: str = "2021-05-12") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""\
sources:
  - id: sim
    title: Serenity Integrated <Mentoring> & "SIM"
    url: {url}
    accessed: {accessed}
claims:
  - id: twenty-teams
    text: About 20 teams were live.
    evidence:
      - source: sim
        quote: "{PASSAGE}"
""",
        encoding="utf-8",
    )
    return path


def options(gate: str, **more: Any) -> AuditOptions:
    return AuditOptions(fetch=FAST, memento=MementoOptions(timegates=(gate,)), **more)


def run(path: Path, opts: AuditOptions) -> tuple[SourceResult, EvidenceResult, AuditResult]:
    result = audit(load_catalog(path), path, opts)
    return result.sources[0], result.claims[0].evidence[0], result


def records(warc: Path) -> list[Any]:
    with open(warc, "rb") as fh:
        return [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]


def test_a_dead_page_is_judged_on_the_archived_copy_kept_in_our_warc(
    tmp_path: Path, pywb: Pywb
) -> None:
    path = sources_file(tmp_path, DEAD)
    source, evidence, result = run(path, options(pywb.timegate))

    # the verdict: reached on the archive's copy of 2020, which has the passage
    assert source.status is not None and not source.status.alive
    assert evidence.verdict is Verdict.VERIFIED
    assert evidence.judged_on is JudgedOn.ARCHIVE
    assert evidence.copy_date == FIRST
    memento = f"{pywb.timegate}20200101000000/{DEAD}"
    assert evidence.note is not None
    assert f"judged on the archived copy of 2020-01-01 at 127.0.0.1:{pywb.port}" in evidence.note
    assert memento in evidence.note
    assert evidence.link is not None and evidence.link.startswith(memento + "#:~:text=")

    # the source: which copy, and what was skipped (the archived 404 of 2021-05-01)
    copy = source.archived
    assert copy is not None and copy.found is True
    assert copy.url == memento and copy.date == FIRST
    assert copy.raw_url == f"{pywb.timegate}20200101000000id_/{DEAD}"
    assert copy.note is not None and "2021-05-01 is an archived 404" in copy.note
    assert copy.snapshot is not None

    # the memento is in our WARC, filed under the cited URL at the archive's date
    store = tmp_path / ".citeaudit"
    assert read_payload(store, copy.snapshot) == ARCHIVED
    kept = [r for r in records(store / copy.snapshot.warc) if r[0] == "response"]
    (rec_type, warc_headers, http_headers, body) = kept[-1]
    assert warc_headers.get_header("WARC-Record-ID") == copy.snapshot.record_id
    assert warc_headers.get_header("WARC-Target-URI") == DEAD
    assert warc_headers.get_header("WARC-Date") == "2020-01-01T00:00:00Z"
    assert warc_headers.get_header("WARC-Source-URI") == copy.raw_url
    assert warc_headers.get_header("WARC-Creation-Date") >= "2020-01-02"
    assert http_headers.get_header("Memento-Datetime") == "Wed, 01 Jan 2020 00:00:00 GMT"
    assert body == ARCHIVED
    metadata = [r for r in records(store / copy.snapshot.warc) if r[0] == "metadata"][-1]
    assert metadata[1].get_header("WARC-Refers-To") == copy.snapshot.record_id
    facts = metadata[3].decode()
    assert f"memento-of: {DEAD}" in facts and f"memento-url: {memento}" in facts
    assert "source-id: sim" in facts and "claim-id: twenty-teams" in facts

    # standard tools read it: warcio check, and a CDXJ index keys it by URL and date
    warc = store / copy.snapshot.warc
    check = [sys.executable, "-m", "warcio.cli", "check", str(warc)]
    assert subprocess.run(check, capture_output=True, timeout=60).returncode == 0
    out = io.StringIO()
    CDXJIndexer(output=out, inputs=[str(warc)]).process_all()
    assert any(
        line.startswith("1,0,0,127:9)/sim-programme 20200101000000 ")
        for line in out.getvalue().splitlines()
    )

    # the store says where it came from
    db = sqlite3.connect(store / "citeaudit.sqlite")
    try:
        row = db.execute(
            "SELECT kind, found, archive, memento_url, memento_date, record_id"
            " FROM archived_copies WHERE run_id = ? AND source_id = 'sim'",
            (result.run.id,),
        ).fetchone()
    finally:
        db.close()
    assert row == (
        "lookup",
        1,
        pywb.timegate,
        memento,
        "2020-01-01T00:00:00.000000Z",
        copy.snapshot.record_id,
    )

    # and a Robust Link to paste, escaped
    assert source.robust_link == (
        f'<a href="{DEAD}" data-versionurl="{memento}" data-versiondate="2021-05-12">'
        'Serenity Integrated &lt;Mentoring&gt; &amp; "SIM"</a>'
    )


def test_the_kept_memento_stands_in_when_the_archive_cannot_be_asked(
    tmp_path: Path, pywb: Pywb
) -> None:
    path = sources_file(tmp_path, DEAD)
    run(path, options(pywb.timegate))
    down = f"http://127.0.0.1:{free_port()}/web/"

    source, evidence, _ = run(path, options(down))

    assert evidence.verdict is Verdict.VERIFIED
    assert evidence.judged_on is JudgedOn.ARCHIVE
    assert evidence.copy_date == FIRST
    assert source.archived is not None and source.archived.found is True
    assert source.archived.timegate == pywb.timegate
    assert source.archived.note is not None
    assert source.archived.note.startswith("kept in our store by an earlier look-up")
    assert "connection refused" in source.archived.note


def test_no_archived_copy_leaves_the_source_unavailable_and_says_why(
    tmp_path: Path, pywb: Pywb
) -> None:
    path = sources_file(tmp_path, "http://127.0.0.1:9/never-archived")

    source, evidence, _ = run(path, options(pywb.timegate))

    assert evidence.verdict is Verdict.SOURCE_UNAVAILABLE
    assert evidence.note is not None
    assert evidence.note.endswith(f"no archived copy (127.0.0.1:{pywb.port}: no copy)")
    assert source.archived is not None and source.archived.found is False
    assert source.robust_link == (
        '<a href="http://127.0.0.1:9/never-archived" data-versiondate="2021-05-12">'
        'Serenity Integrated &lt;Mentoring&gt; &amp; "SIM"</a>'
    )


def test_our_snapshot_comes_first_and_the_archived_copy_last(tmp_path: Path, pywb: Pywb) -> None:
    rewritten = html("SIM", "This page was rewritten; the numbers are gone.")
    with LocalSite({"/sim": ("text/html; charset=utf-8", rewritten)}) as site:
        url = site.url("/sim")
        path = sources_file(tmp_path, url)
        pywb.add([Capture(url, "2019-06-01T00:00:00Z", body=ARCHIVED)])
        first, evidence, _ = run(path, options(pywb.timegate))
        # live: not looked up by default
        assert first.archived is None
        assert evidence.verdict is Verdict.NOT_IN_SOURCE and evidence.judged_on is JudgedOn.LIVE

    source, evidence, _ = run(path, options(pywb.timegate))  # now dead

    assert evidence.verdict is Verdict.VERIFIED
    assert evidence.judged_on is JudgedOn.ARCHIVE
    assert evidence.copy_date == datetime(2019, 6, 1, tzinfo=UTC)
    assert evidence.drift is not None
    assert evidence.drift.note.startswith("the source changed: our snapshot of ")
    assert evidence.drift.note.endswith(
        "no longer has the quoted words (lacks them); the archived copy of 2019-06-01 has them"
    )
    assert evidence.drift.judged_on is JudgedOn.SNAPSHOT
    # the archive's copy has a public address: the link opens it, not our snapshot
    assert evidence.link is not None and "2019" in evidence.link
    assert source.archived is not None and source.archived.date == evidence.copy_date


def test_archived_always_checks_a_live_page_against_the_archive(tmp_path: Path, pywb: Pywb) -> None:
    changed = html("SIM", "A page that says something else now.")
    with LocalSite({"/now": ("text/html; charset=utf-8", changed)}) as site:
        url = site.url("/now")
        path = sources_file(tmp_path, url)
        pywb.add([Capture(url, "2021-02-01T00:00:00Z", body=ARCHIVED)])
        source, evidence, _ = run(path, options(pywb.timegate, archived=ArchivedMode.ALWAYS))

    assert source.status is not None and source.status.alive
    assert evidence.verdict is Verdict.VERIFIED
    assert evidence.judged_on is JudgedOn.ARCHIVE
    assert evidence.drift is not None
    assert evidence.drift.note.startswith("the source changed: the live copy of ")
    assert evidence.drift.note.endswith(
        "no longer has the quoted words (lacks them); the archived copy of 2021-02-01 has them"
    )
    assert evidence.drift.judged_on is JudgedOn.LIVE
    assert evidence.drift.verdict is Verdict.NOT_IN_SOURCE


def test_archived_never_and_offline_runs_ask_no_archive(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    gate = httpserver.url_for("/web/")
    dead = sources_file(tmp_path, DEAD)
    never_source, never, _ = run(dead, options(gate, archived=ArchivedMode.NEVER))

    offline = sources_file(tmp_path, "http://nonexistent.invalid/sim")
    offline_source, unreachable, result = run(offline, options(gate))

    assert httpserver.log == []
    assert never_source.archived is None and offline_source.archived is None
    assert never.verdict is unreachable.verdict is Verdict.SOURCE_UNAVAILABLE
    assert str(result.run.network) == "offline"


def test_the_archive_command_keeps_the_memento_too(tmp_path: Path, pywb: Pywb) -> None:
    path = sources_file(tmp_path, DEAD)

    result = archive(load_catalog(path), path, options(pywb.timegate))

    copy = result.sources[0].archived
    assert copy is not None and copy.found and copy.snapshot is not None
    assert read_payload(tmp_path / ".citeaudit", copy.snapshot) == ARCHIVED


def test_the_cli_options(tmp_path: Path, pywb: Pywb) -> None:
    path = sources_file(tmp_path, DEAD)
    down = f"http://127.0.0.1:{free_port()}/web/"

    done = CliRunner().invoke(
        app,
        ["audit", str(path), "--format", "json", "--timegate", down, "--timegate", pywb.timegate],
    )

    assert done.exit_code == 1, done.output  # the link is dead: a finding
    report = json.loads(done.stdout)
    (claim,) = report["claims"]
    assert claim["verdict"] == "supported"
    assert claim["evidence"][0]["judged_on"] == "archive"
    copy = report["sources"][0]["archived_copy"]
    assert copy["url"] == f"{pywb.timegate}20200101000000/{DEAD}"
    assert copy["found"] is True

    bad = CliRunner().invoke(app, ["audit", str(path), "--timegate", "ftp://x.test/"])
    assert bad.exit_code == 2
    assert "cannot use 'ftp://x.test/' as a TimeGate" in bad.output

    never = CliRunner().invoke(app, ["audit", str(path), "--format", "json", "--archived", "never"])
    assert json.loads(never.stdout)["sources"][0]["archived_copy"] is None
