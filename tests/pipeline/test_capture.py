"""Nothing is ever lost: a run killed with SIGKILL leaves readable WARCs and a consistent
store, the next run repairs and resumes it, and two runs never share a store at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from citeaudit.archive import read_payload, scan_warc
from citeaudit.catalog import load_catalog
from citeaudit.fetch import Hop
from citeaudit.pipeline import AuditOptions, archive, audit
from citeaudit.store import Store
from citeaudit.vocab import LinkStatus
from documents import make_pdf
from localsite import LocalSite, html, write_sources

PAGES = {
    f"/page{n}": ("text/html", html(f"Page {n}", f"Text of page {n}. " * 200)) for n in range(8)
}


def env() -> dict[str, str]:
    return {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "CITEAUDIT_DEBUG": "1"}


def citeaudit(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "citeaudit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    # Read-only: connecting must never create the database (an empty file) before the run
    # does, which the run rightly refuses to take for its store.
    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    assert callable(predicate)
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the run")
        time.sleep(0.02)


def has_open(pid: int, path: Path) -> bool:
    """Whether the process ``pid`` has the file ``path`` open (as Linux's /proc shows it)."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if Path(os.readlink(fd)) == path:
                return True
        except OSError:
            continue
    return False


def snapshot_count(db: Path) -> int:
    try:
        return int(str(query(db, "SELECT count(*) FROM snapshots")[0][0]))
    except sqlite3.Error:
        return 0  # not created or not migrated yet


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_every_record(path: Path) -> list[str]:
    """Every record's type, read with warcio with digests checked (as warcio check does)."""
    kinds = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests=True):
            record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            kinds.append(record.rec_type)
    return kinds


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    """A real `citeaudit archive` killed mid-run; the next run repairs, resumes, and fetches
    only what the killed run had not captured."""
    with LocalSite(PAGES, delay=0.15) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, sorted(PAGES))
        store = tmp_path / ".citeaudit"
        db = store / "citeaudit.sqlite"
        first = citeaudit("archive", str(sources), "--concurrency", "1", "--per-host", "1")
        try:
            wait_for(lambda: snapshot_count(db) >= 3 or first.poll() is not None)
            assert first.poll() is None, first.communicate()
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL

        # the killed run: never finished, and every snapshot it recorded reads back
        ((run_id, finished),) = query(db, "SELECT id, finished FROM runs")
        assert finished is None
        captured = {str(r[0]) for r in query(db, "SELECT source_id FROM snapshots")}
        assert 3 <= len(captured) < len(PAGES)
        with Store.open(store) as opened:
            kept = opened.run_captures(str(run_id))  # what the next run resumes from
        assert set(kept) == captured
        for source_id, (fetch, snap) in kept.items():
            assert fetch is not None and fetch.status == "ok"
            assert read_payload(store, snap) == PAGES[f"/page{source_id[1:]}"][1]
        (warc,) = sorted((store / "archive").glob("*.warc.gz"))
        scan = scan_warc(warc)
        assert scan.members >= 1 + 3 * 3  # warcinfo, then request, response, metadata each
        if scan.partial == 0:
            assert warcio_check(warc).returncode == 0
        before = site.fetched()

        # the next run: repairs what needs it, resumes the run, fetches only the rest
        second = citeaudit("archive", str(sources))
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert f"resuming run {run_id}" in err
        if scan.partial:
            assert f"repaired archive/{warc.name}" in err
        after = site.fetched()
        refetched = {p for p in PAGES if after.get(p, 0) > before.get(p, 0)}
        assert refetched == {f"/page{s[1:]}" for s in {f"p{n}" for n in range(8)} - captured}
        assert query(db, "SELECT count(*) FROM runs") == [(1,)]
        ((finished, resumed),) = query(db, "SELECT finished, resumed FROM runs")
        assert finished is not None and resumed == 1
        sources_kept = {str(r[0]) for r in query(db, "SELECT DISTINCT source_id FROM snapshots")}
        assert sources_kept == {f"p{n}" for n in range(8)}

        # every WARC passes warcio check, and every record reads back with its digests
        warcs = sorted((store / "archive").glob("*.warc.gz"))
        assert len(warcs) == 2 and warcs[1].name.endswith("-part2.warc.gz")
        for path in warcs:
            done = warcio_check(path)
            assert done.returncode == 0, done.stdout
            kinds = read_every_record(path)
            assert kinds[0] == "warcinfo"
        assert query(db, "SELECT count(*) FROM warc_files WHERE closed IS NULL") == [(0,)]

        # asked to, a run fetches everything again, in a run of its own
        third = citeaudit("archive", str(sources), "--refetch")
        _, err = third.communicate(timeout=120)
        assert third.returncode == 0, err
        assert "resuming" not in err
        final = site.fetched()
        assert all(final[p] == after.get(p, 0) + 1 for p in PAGES)
        assert query(db, "SELECT count(*) FROM runs") == [(2,)]


def test_a_partial_last_record_is_repaired_and_kept_aside(tmp_path: Path) -> None:
    """The state a kill mid-write leaves (half a gzip member at the end), made on purpose."""
    with LocalSite(PAGES) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, ["/page0", "/page1"])
        catalog = load_catalog(sources)
        archive(catalog, sources, AuditOptions())
        store = tmp_path / ".citeaudit"
        (warc,) = (store / "archive").glob("*.warc.gz")
        whole = warc.read_bytes()
        member = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        record = b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000)
        tail = (member.compress(record) + member.flush())[:119]  # cut inside the member
        with open(warc, "ab") as fh:
            fh.write(tail)
        db = store / "citeaudit.sqlite"
        connection = sqlite3.connect(db)
        with connection:  # as if the run had been killed: not finished, file not closed
            connection.execute("UPDATE runs SET finished = NULL")
            connection.execute("UPDATE warc_files SET closed = NULL, bytes = NULL")
        connection.close()
        assert scan_warc(warc).partial == len(tail)

        notes: list[str] = []
        archive(catalog, sources, AuditOptions(), on_note=notes.append)
        assert notes[0] == (
            f"repaired archive/{warc.name}: an interrupted run left {len(tail)} bytes of an "
            f"unfinished record at its end, cut off after {len(whole)} bytes; they are kept "
            f"in repaired/{warc.name}.{len(whole)}.partial"
        )
        assert warc.read_bytes() == whole
        assert (store / "repaired" / f"{warc.name}.{len(whole)}.partial").read_bytes() == tail
        assert warcio_check(warc).returncode == 0
        ((warc_name, kept, cut),) = query(
            db, "SELECT warc, kept_bytes, cut_bytes FROM warc_repairs"
        )
        assert (warc_name, kept, cut) == (f"archive/{warc.name}", len(whole), len(tail))
        # the interrupted run was resumed, and both its sources were already captured
        assert "the 2 sources it captured are not fetched again" in notes[1]
        assert site.fetched() == {"/page0": 1, "/page1": 1}


def test_a_second_run_on_the_same_store_waits_or_says_busy(tmp_path: Path) -> None:
    """Two real processes: the second says the store is busy, or waits its turn."""
    # the site answers one request, then holds the first run mid-way until released
    with LocalSite(PAGES, hold_after=1) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, sorted(PAGES))
        store = tmp_path / ".citeaudit"
        db = store / "citeaudit.sqlite"
        first = citeaudit("archive", str(sources), "--concurrency", "1", "--per-host", "1")
        try:
            wait_for(lambda: snapshot_count(db) >= 1 or first.poll() is not None)
            assert first.poll() is None
            busy = citeaudit("archive", str(sources), "--wait", "0")
            _, err = busy.communicate(timeout=60)
            assert busy.returncode == 2
            assert f"is busy: another citeaudit run (archive, process {first.pid}, since " in err
            assert "Traceback" not in err
            assert query(db, "SELECT count(*) FROM runs") == [(1,)]  # it wrote nothing

            patient = citeaudit("archive", str(sources), "--wait", "60")
            # once it has the lock file open it is waiting for the lock: then let the first go
            wait_for(lambda: has_open(patient.pid, store / "lock") or patient.poll() is not None)
            assert patient.poll() is None
            site.release()
            _, err = patient.communicate(timeout=120)
            assert patient.returncode == 0, err
        finally:
            if first.poll() is None:
                first.kill()
        assert first.wait(timeout=30) == 0
        runs = query(db, "SELECT id, started, finished FROM runs ORDER BY started")
        assert len(runs) == 2
        (_, _, first_finished), (_, second_started, _) = runs
        assert str(second_started) >= str(first_finished)  # one after the other, never both


def test_a_page_two_sources_reach_is_fetched_and_kept_once(tmp_path: Path) -> None:
    """Source a's URL moved (301) to source b's URL: one request for the PDF in the run,
    each source its own result, and the body in one response record of the WARC."""
    pdf = make_pdf(["The annual report, page one.", "Page two."])
    pages = {"/report.pdf": ("application/pdf", pdf)}
    with LocalSite(pages, delay=0.2, moved={"/old": "/report.pdf"}) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            "sources:\n"
            f"  - id: a\n    url: {site.url('/old')}\n"
            f"  - id: b\n    url: {site.url('/report.pdf')}\n"
            "claims: []\n",
            encoding="utf-8",
        )
        result = audit(load_catalog(sources), sources, AuditOptions())
        fetched = site.fetched()

    assert fetched == {"/old": 1, "/report.pdf": 1}
    by_id = {s.source.id: s for s in result.sources}
    a, b = by_id["a"], by_id["b"]
    assert a.fetch is not None and b.fetch is not None
    assert a.fetch.status is LinkStatus.REDIRECTED, a.fetch.reason
    assert a.fetch.redirects == (Hop(site.url("/old"), 301),)
    assert a.fetch.final_url == site.url("/report.pdf")
    assert b.fetch.status is LinkStatus.OK, b.fetch.reason
    assert b.fetch.redirects == ()

    store = tmp_path / ".citeaudit"
    (warc,) = (store / "archive").glob("*.warc.gz")
    assert warcio_check(warc).returncode == 0
    records: list[tuple[str, str | None, bytes]] = []
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            records.append((record.rec_type, uri, record.content_stream().read()))
    report = site.url("/report.pdf")
    holding = [(kind, uri) for kind, uri, body in records if body == pdf]
    assert holding == [("response", report)]
    assert ("response", site.url("/old")) in [(kind, uri) for kind, uri, _ in records]
    # each source's snapshot reads back (the other's through a revisit of that record)
    assert a.snapshot is not None and b.snapshot is not None
    assert {a.snapshot.record_type, b.snapshot.record_type} <= {"response", "revisit"}
    for snapshot in (a.snapshot, b.snapshot):
        assert snapshot.url == report
        assert read_payload(store, snapshot) == pdf
        with open(store / snapshot.warc, "rb") as fh:
            fh.seek(snapshot.offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == snapshot.record_id
            assert record.rec_headers.get_header("WARC-Target-URI") == report


def test_the_run_keeps_no_body_once_it_is_archived(tmp_path: Path) -> None:
    """Each body is written to the WARC as it comes and let go: what the run keeps of a
    fetch has no body, and the quote is still found, in the copy read back from the WARC."""
    with LocalSite(PAGES) as site:
        sources = write_sources(
            tmp_path / "sources.yaml",
            site,
            ["/page0", "/page1"],
            "claims:\n  - id: c\n    text: t\n    evidence:\n      - source: p1\n"
            "        quote: Text of page 1.",
        )
        result = audit(load_catalog(sources), sources, AuditOptions())
    for source in result.sources:
        assert source.fetch is not None and source.fetch.status is LinkStatus.OK
        assert source.fetch.content == b""
        assert all(exchange.body == b"" for exchange in source.fetch.exchanges)
        assert source.snapshot is not None
    (claim,) = result.claims
    assert claim.evidence[0].verdict.value == "verified"
