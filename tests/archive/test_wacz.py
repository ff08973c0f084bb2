"""Writing a WACZ from WARC files and a page list: the files as they are, an index that points
at each record, the pages, and hashes a reader can check."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit.archive.wacz import INDEX_PATH, PAGES_PATH, ReplayPage, write_wacz
from citeaudit.archive.writer import WarcArchive
from citeaudit.errors import StoreError
from warcfiles import T0, fixed_clock, gzip_result, redirect_result


@pytest.fixture
def warcs(tmp_path: Path) -> list[Path]:
    paths = []
    for n, result in enumerate((redirect_result(), gzip_result())):
        with WarcArchive(tmp_path, f"r{n}", {}, now=fixed_clock(T0 + timedelta(days=n))) as a:
            a.write_fetch(result)
            paths.append(a.path)
    return paths


def test_write_wacz(warcs: list[Path], tmp_path: Path) -> None:
    pages = [
        ReplayPage("https://example.org/reports/2023", T0, "0001", "annual-report"),
        ReplayPage("https://data.example.net/figures.txt", T0 + timedelta(days=1), "0002", "f"),
    ]
    out = tmp_path / "evidence.wacz"
    created = T0 + timedelta(days=2)
    export = write_wacz(out, warcs, pages, created)
    assert export.path == out and export.size == out.stat().st_size
    assert export.warcs == tuple(p.name for p in warcs)
    assert export.pages == 2
    with zipfile.ZipFile(out) as zf:
        for warc in warcs:
            name = f"archive/{warc.name}"
            assert zf.getinfo(name).compress_type == zipfile.ZIP_STORED
            assert zf.read(name) == warc.read_bytes()
        index = zf.read(INDEX_PATH).decode().splitlines()
        # a response per hop of the redirect chain (three) and the gzip answer
        assert len(index) == export.index_lines == 4 and index == sorted(index)
        lines = zf.read(PAGES_PATH).decode().splitlines()
        assert [json.loads(line) for line in lines[1:]] == [
            {
                "id": "0001",
                "url": "https://example.org/reports/2023",
                "ts": "2024-05-01T12:00:00Z",
                "title": "annual-report",
            },
            {
                "id": "0002",
                "url": "https://data.example.net/figures.txt",
                "ts": "2024-05-02T12:00:00Z",
                "title": "f",
            },
        ]
        package = json.loads(zf.read("datapackage.json"))
        assert package["created"] == "2024-05-03T12:00:00Z"
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        # fixed dates inside the zip: the same inputs make the same file
    again = tmp_path / "again.wacz"
    write_wacz(again, warcs, pages, created)
    assert again.read_bytes() == out.read_bytes()


def test_a_failed_write_leaves_nothing(warcs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "evidence.wacz"
    out.mkdir()  # the name is taken by a folder: the rename into place fails
    with pytest.raises(StoreError, match=f"cannot write {out}"):
        write_wacz(out, warcs, [], T0)
    assert out.is_dir() and list(tmp_path.glob(".*.tmp")) == []
