"""`citeaudit export --wacz`: a WACZ 1.1.1 whose every hash, index line and page checks out."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from citeaudit.catalog import load_catalog
from citeaudit.commands.app import app
from citeaudit.errors import StoreError
from citeaudit.pipeline import AuditOptions, archive
from citeaudit.store.export import export_wacz
from documents import make_pdf
from localsite import LocalSite, html, write_sources

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
    assert len(pages) - 1 == export.pages == 6  # three pages that answered, twice; no 404
    for page in pages[1:]:
        assert set(page) == {"id", "url", "ts", "title"}
        assert page["ts"].endswith("Z") and page["title"] in ("p0", "p1", "p2")


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


def test_export_first_repairs_what_a_killed_run_left(store: Path, tmp_path: Path) -> None:
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
    out = tmp_path / "evidence.wacz"
    export_wacz(store, out)
    with zipfile.ZipFile(out) as zf:
        assert zf.read(f"archive/{warc.name}") == whole
    assert (store / "repaired" / f"{warc.name}.{len(whole)}.partial").stat().st_size == 40
