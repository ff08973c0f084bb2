"""`citeaudit export --wacz`: a WACZ 1.1.1 whose every hash, index line and page checks out,
listing one page per source: its newest good capture, never a soft 404 or an error page."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Response

from citeaudit.catalog import Catalog, load_catalog
from citeaudit.commands.app import app
from citeaudit.errors import StoreError
from citeaudit.pipeline import AuditOptions, archive
from citeaudit.store import Store
from citeaudit.store.export import evidence_pages, export_wacz
from citeaudit.store.integrity import Damage
from damaged_store import files_of, flip_bytes
from documents import make_pdf
from localsite import LOCALHOST, LocalSite, html, write_sources

PAGES = {
    "/a": ("text/html", html("Alpha", "The alpha page.")),
    "/b": ("text/html", html("Beta", "The beta page.")),
    "/report.pdf": ("application/pdf", make_pdf(["First page.", "Second page."])),
}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store after two runs of the same sources (the second one all revisits)."""
    with LocalSite(PAGES) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, [*PAGES, "/missing"])
        catalog = load_catalog(sources)
        for _ in range(2):
            archive(catalog, sources, AuditOptions())
    return tmp_path / ".citeaudit"


def test_wacz_structure_and_hashes(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "evidence.wacz"
    export = export_wacz(store, out)
    warcs = sorted(p.name for p in (store / "archive").glob("*.warc.gz"))
    assert export.warcs == tuple(warcs) and len(warcs) == 2
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names == [
            *(f"archive/{w}" for w in warcs),
            "indexes/index.cdxj",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        ]
        for name in names:
            if name.startswith("archive/"):
                assert zf.getinfo(name).compress_type == zipfile.ZIP_STORED
                assert zf.read(name) == (store / name).read_bytes()

        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        assert package["profile"] == "data-package"
        assert package["software"].startswith("citeaudit ")
        listed = {r["path"]: r for r in package["resources"]}
        assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
        for path, resource in listed.items():
            data = zf.read(path)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest(),
        }

        # every index line parses and points at the record it names
        lines = zf.read("indexes/index.cdxj").decode().splitlines()
        assert lines == sorted(lines) and len(lines) == export.index_lines
        seen = set()
        for line in lines:
            key, timestamp, blob = line.split(" ", 2)
            entry = json.loads(blob)
            assert key.startswith("1,0,0,127:") and len(timestamp) == 14
            member = zf.read(f"archive/{entry['filename']}")
            start, length = int(entry["offset"]), int(entry["length"])
            (record,) = list(ArchiveIterator(io.BytesIO(member[start : start + length])))
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            assert record.rec_type in ("response", "revisit")
            assert record.rec_type != "revisit" or entry["mime"] == "warc/revisit"
            assert record.rec_headers.get_header("WARC-Payload-Digest") == entry["digest"]
            seen.add((entry["url"].rsplit("/", 1)[1], record.rec_type))
        # each page as a response, then as a revisit; metadata records are not indexed
        assert seen == {
            (name, kind)
            for name in ("a", "b", "report.pdf", "missing")
            for kind in ("response", "revisit")
        } - {("missing", "revisit")}
        assert not any("urn:citeaudit" in line for line in lines)

        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]
    assert pages[0] == {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    # one page per source that answered, at its second (newest) capture; no 404
    assert len(pages) - 1 == export.pages == 3
    for page in pages[1:]:
        assert set(page) == {"id", "url", "ts", "title"}
        assert page["ts"].endswith("Z")
    # no sources file given: each page's own title, else the source's id (an untitled PDF)
    assert [(p["url"].rsplit("/", 1)[1], p["title"]) for p in pages[1:]] == [
        ("a", "Alpha"),
        ("b", "Beta"),
        ("report.pdf", "p2"),
    ]


def test_export_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--wacz", str(tmp_path / "x.wacz"), "--store", str(tmp_path / "none")]
    )
    assert result.exit_code == 2
    assert "there is no evidence store at" in result.stderr
    assert not (tmp_path / "none").exists() and not (tmp_path / "x.wacz").exists()


def test_export_to_a_missing_folder(store: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        export_wacz(store, tmp_path / "no" / "such" / "x.wacz")


def test_export_leaves_out_what_a_killed_run_left(store: Path, tmp_path: Path) -> None:
    """The WACZ gets the file's whole records only; the store itself is not touched (an
    export only reads), and the next run repairs it."""
    warc = sorted((store / "archive").glob("*.warc.gz"))[-1]
    whole = warc.read_bytes()
    with open(warc, "ab") as fh:
        fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" * 50)[:40])
    db = sqlite3.connect(store / "citeaudit.sqlite")
    with db:  # as if its run had been killed while writing it
        db.execute(
            "UPDATE warc_files SET closed = NULL, bytes = NULL WHERE name = ?",
            (f"archive/{warc.name}",),
        )
    db.close()
    before = warc.read_bytes()
    out = tmp_path / "evidence.wacz"
    notes: list[str] = []
    export_wacz(store, out, on_note=notes.append)
    with zipfile.ZipFile(out) as zf:
        assert zf.read(f"archive/{warc.name}") == whole
    assert warc.read_bytes() == before and not (store / "repaired").exists()
    assert notes == [
        f"archive/{warc.name} ends in an unfinished record (40 bytes) that an interrupted "
        "run left: it is left out of the export"
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".evidence")] == []


def _snapshots(store: Path, source_id: str) -> list[tuple[str, int, int, str, str]]:
    db = sqlite3.connect(store / "citeaudit.sqlite")
    try:
        return db.execute(
            'SELECT warc, "offset", length, record_id, date FROM snapshots WHERE source_id = ?'
            " ORDER BY date, id",
            (source_id,),
        ).fetchall()
    finally:
        db.close()


def test_damaged_records_are_left_out_and_the_rest_exported(store: Path, tmp_path: Path) -> None:
    """Bytes flipped in p0's first capture (the body its revisit refers to) and in p1's
    second: both are left out, said so, and the WACZ from the rest is valid and replays.
    p0 has no page left; p1 is listed at its first capture. The store is not changed."""
    (p0_first, _p0_again) = _snapshots(store, "p0")
    (p1_first, p1_again) = _snapshots(store, "p1")
    for name, offset, length, _id, _date in (p0_first, p1_again):
        flip_bytes(store / name, offset, length)
    before = files_of(store)
    damaged: list[Damage] = []
    out = tmp_path / "evidence.wacz"
    export = export_wacz(store, out, on_damage=damaged.append)
    assert files_of(store) == before
    assert sorted((d.warc, d.offset, d.record_id) for d in damaged) == sorted(
        (warc, offset, record_id)
        for warc, offset, _length, record_id, _date in (p0_first, p1_again)
    )
    assert all(d.problem == "its compressed bytes do not decode" for d in damaged)
    with zipfile.ZipFile(out) as zf:
        for path in (store / "archive").glob("*.warc.gz"):
            kept = zf.read(f"archive/{path.name}")
            whole = path.read_bytes()
            gone = [(o, o + n) for w, o, n, _i, _d in (p0_first, p1_again) if w.endswith(path.name)]
            expected = whole
            for start, end in sorted(gone, reverse=True):
                expected = expected[:start] + expected[end:]
            assert kept == expected
            with io.BytesIO(kept) as stream:  # every record left is whole, its digests hold
                for record in ArchiveIterator(stream, check_digests=True):
                    record.content_stream().read()
                    assert record.digest_checker.passed is not False
        package = json.loads(zf.read("datapackage.json"))
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        ids = {
            r.record_id
            for w in zf.namelist()
            if w.startswith("archive/")
            for r in read_records(zf.read(w))
        }
        assert p0_first[3] not in ids and p1_again[3] not in ids
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]
    listed = {page["url"].rsplit("/", 1)[1]: page for page in pages[1:]}
    assert "a" not in listed  # both of p0's captures need the damaged record
    assert listed["b"]["id"] == p1_first[3].strip("<>").removeprefix("urn:uuid:")
    assert export.pages == len(listed) == 2


def test_the_export_command_names_damage_and_prints_no_bytes(store: Path, tmp_path: Path) -> None:
    (first, _again) = _snapshots(store, "p0")
    flip_bytes(store / first[0], first[1], first[2])
    out = tmp_path / "evidence.wacz"
    result = CliRunner().invoke(app, ["export", "--wacz", str(out), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"citeaudit: damaged, left out of the export: {first[0]} at offset {first[1]} "
        f"({first[3]}): its compressed bytes do not decode; it holds p0's snapshot of "
        f"{first[4][:10]}, the body of p0's snapshot of {_snapshots(store, 'p0')[1][4][:10]} "
        "(a revisit)"
    )
    assert lines[1].startswith(f"wrote {out}: 2 WARC files")
    assert lines[2] == (
        f"citeaudit: 1 damaged record was left out of {out}; run 'citeaudit verify-store' to "
        "check the whole store"
    )
    assert all(line.isprintable() for line in lines) and len(lines) == 3
    assert zipfile.is_zipfile(out)


# --------------------------------------------------------------------------- the page list

ARTICLE = html("Serenity Integrated Mentoring", '<span id="teams">Twenty teams</span> were live.')
NOT_FOUND = html("Page not found", "Sorry, there is no such page here.")
MOVED = html("The new home of the report", "The report now lives here.")
HOME = html("Welcome", "The front page of the site, with news and links.")
LETTER = "Dear board, the programme is ready."
NEWS = [html("Newsletter", f"Issue {n}: the teams are live.") for n in (1, 2)]


@dataclass(frozen=True)
class Record:
    """A record of a WARC file, as warcio reads it."""

    kind: str
    record_id: str
    url: str
    date: str
    refers_to: str | None

    @property
    def page(self) -> dict[str, str]:
        """The pages.jsonl line that lists this record (titled later)."""
        return {
            "id": self.record_id.strip("<>").removeprefix("urn:uuid:"),
            "url": self.url,
            "ts": self.date[:19] + "Z",
        }


def read_records(data: bytes) -> list[Record]:
    """The response, revisit and resource records of a WARC file, in order."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type in ("response", "revisit", "resource"):
            get = record.rec_headers.get_header
            found.append(
                Record(
                    record.rec_type,
                    get("WARC-Record-ID"),
                    get("WARC-Target-URI"),
                    get("WARC-Date"),
                    get("WARC-Refers-To"),
                )
            )
    return found


def warcs_in_order(store: Path) -> list[Path]:
    """The store's WARC files in the order of their runs (their names order them only to
    the second)."""
    paths = (store / "archive").glob("*.warc.gz")
    return sorted(paths, key=lambda p: min(r.date for r in read_records(p.read_bytes())))


def serve(server: HTTPServer, sim: bytes, news: bytes) -> None:
    """The site: /sim and /news answering as given, /old moved to /new, /gone a 404, /dead
    sent to the home page."""
    server.clear()
    kind = "text/html; charset=utf-8"
    server.expect_request("/").respond_with_data(HOME, content_type=kind)
    server.expect_request("/sim").respond_with_data(sim, content_type=kind)
    server.expect_request("/news").respond_with_data(news, content_type=kind)
    server.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": "/new"})
    )
    server.expect_request("/new").respond_with_data(MOVED, content_type=kind)
    server.expect_request("/gone").respond_with_data("no such page", status=404)
    server.expect_request("/dead").respond_with_response(
        Response(status=302, headers={"Location": "/"})
    )


@dataclass(frozen=True)
class ThreeRuns:
    """The sources file, its catalog, the store and the site's address."""

    sources: Path
    catalog: Catalog
    store: Path
    base: str


@pytest.fixture
def three_runs(tmp_path: Path) -> Iterator[ThreeRuns]:
    """Three runs: /sim answers twice (the second time unchanged: a revisit), then turns
    into a soft 404; /old is redirected each time, /gone is only ever a 404, /dead is sent
    to the home page, /news changes then changes back (a revisit of the first run); a local
    file; and a second source citing /sim at a #fragment."""
    server = HTTPServer(host=LOCALHOST, port=0)
    server.start()
    try:
        base = server.url_for("").rstrip("/")
        (tmp_path / "letter.txt").write_text(LETTER, encoding="utf-8")
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"""\
sources:
  - id: sim
    title: SIM, the programme
    url: {base}/sim
  - id: sim-teams
    url: {base}/sim#teams
  - id: moved
    url: {base}/old
  - id: gone
    title: A page that never was
    url: {base}/gone
  - id: dead
    title: A dead link
    url: {base}/dead
  - id: news
    title: The newsletter
    url: {base}/news
  - id: letter
    title: Letter to the board
    file: letter.txt
claims: []
""",
            encoding="utf-8",
        )
        catalog = load_catalog(sources)
        for sim, news in ((ARTICLE, NEWS[0]), (ARTICLE, NEWS[1]), (NOT_FOUND, NEWS[0])):
            serve(server, sim, news)
            archive(catalog, sources, AuditOptions())
        yield ThreeRuns(sources, catalog, tmp_path / ".citeaudit", base)
    finally:
        server.clear()
        server.stop()


def test_the_page_list_is_each_source_at_its_newest_good_capture(
    three_runs: ThreeRuns, tmp_path: Path
) -> None:
    store, base = three_runs.store, three_runs.base
    with Store.open(store) as opened:
        statuses = {(c.source_id, str(c.status)) for c in opened.captures()}
    # the store recorded what the page list must tell apart
    assert {("sim", "soft_404"), ("moved", "redirected"), ("dead", "soft_404")} <= statuses
    assert {s for i, s in statuses if i == "gone"} == {"not_found"}

    out = tmp_path / "evidence.wacz"
    export = export_wacz(store, out, catalog=three_runs.catalog)
    warcs = warcs_in_order(store)
    assert len(warcs) == 3 and export.warcs == tuple(sorted(p.name for p in warcs))
    with zipfile.ZipFile(out) as zf:
        # nothing stored is dropped: every WARC file goes in whole
        runs = [read_records(zf.read(f"archive/{p.name}")) for p in warcs]
        assert [zf.read(f"archive/{p.name}") for p in warcs] == [p.read_bytes() for p in warcs]
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        index = [line.split(" ", 2) for line in zf.read("indexes/index.cdxj").decode().splitlines()]

    def at(run: int, url: str) -> Record:
        (record,) = [r for r in runs[run] if r.url == url]
        return record

    letter_uri = "urn:citeaudit:file:letter.txt"  # named in the sources file's folder
    # the soft 404 of the last run is in the WARC, and so are the 404, the home page and
    # the redirect hops; none of them is a page
    assert at(2, f"{base}/sim").kind == "response"
    assert {f"{base}/gone", f"{base}/", f"{base}/dead", f"{base}/old"} <= {r.url for r in runs[2]}
    sim = at(1, f"{base}/sim")  # run 2: unchanged since run 1, so a revisit of it
    assert sim.kind == "revisit" and sim.refers_to == at(0, f"{base}/sim").record_id
    moved, news, letter = at(2, f"{base}/new"), at(2, f"{base}/news"), at(2, letter_uri)
    assert news.kind == "revisit" and news.refers_to == at(0, f"{base}/news").record_id
    assert letter.kind == "resource"
    assert [json.loads(line) for line in lines] == [
        {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"},
        # the sources file's title; sim-teams shares its URL, so it is the same page
        {**sim.page, "title": "SIM, the programme"},
        # no title in the sources file: the page's own; listed where the body is
        {**moved.page, "title": "The new home of the report"},
        {**news.page, "title": "The newsletter"},
        {**letter.page, "title": "Letter to the board"},
    ]
    assert export.pages == 4

    # each page is found in the index at its time, and what it names replays
    responses = {r.record_id: r for run in runs for r in run if r.kind != "revisit"}
    for listed in (sim, moved, news, letter):
        stamp = "".join(ch for ch in listed.date[:19] if ch.isdigit())
        assert any(
            json.loads(blob)["url"] == listed.url and timestamp == stamp
            for _, timestamp, blob in index
        )
        holder = responses[listed.refers_to] if listed.refers_to else listed
        assert holder.kind in ("response", "resource") and holder.url == listed.url


def test_a_capture_whose_body_is_not_exported_is_not_listed(three_runs: ThreeRuns) -> None:
    """Without the first run's WARC file, the revisits of its records would not replay: /sim
    and /new have no other good capture, so are not listed, and /news is listed at its
    second run's capture, the newest that replays."""
    store, base = three_runs.store, three_runs.base
    warcs = warcs_in_order(store)
    with Store.open(store) as opened:
        pages = evidence_pages(opened, warcs[1:], three_runs.catalog)
        every = evidence_pages(opened, warcs, three_runs.catalog)
    assert [p.title for p in every] == [
        "SIM, the programme",
        "The new home of the report",
        "The newsletter",
        "Letter to the board",
    ]
    news, letter = pages
    assert letter == every[3]
    (second,) = [r for r in read_records(warcs[1].read_bytes()) if r.url == f"{base}/news"]
    assert second.kind == "response" and news.title == "The newsletter"
    assert {"id": news.record_id, "url": news.url} == {"id": second.page["id"], "url": second.url}
    assert news.date == datetime.fromisoformat(second.date)


def test_without_the_sources_file_every_source_in_the_store_is_listed(
    three_runs: ThreeRuns,
) -> None:
    """By source id, titled by the page itself (a text file has no title: its id)."""
    warcs = warcs_in_order(three_runs.store)
    with Store.open(three_runs.store) as opened:
        pages = evidence_pages(opened, warcs)
        titled = evidence_pages(opened, warcs, three_runs.catalog)
    assert [p.title for p in pages] == [
        "letter",
        "The new home of the report",
        "Newsletter",
        "Serenity Integrated Mentoring",
    ]
    assert {(p.url, p.date, p.record_id) for p in pages} == {
        (p.url, p.date, p.record_id) for p in titled
    }


def test_a_source_no_longer_in_the_sources_file_is_not_listed(
    three_runs: ThreeRuns, tmp_path: Path
) -> None:
    fewer = three_runs.sources.read_text(encoding="utf-8").split("  - id: moved")[0]
    (three_runs.sources.parent / "fewer.yaml").write_text(fewer + "claims: []\n", "utf-8")
    catalog = load_catalog(three_runs.sources.parent / "fewer.yaml")
    out = tmp_path / "fewer.wacz"
    assert export_wacz(three_runs.store, out, catalog=catalog).pages == 1
    with zipfile.ZipFile(out) as zf:
        (_, page) = zf.read("pages/pages.jsonl").decode().splitlines()
    # sim-teams alone would be titled by the page; sim, first, gives its title
    assert json.loads(page)["title"] == "SIM, the programme"
