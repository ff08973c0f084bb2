"""Kept bodies read back from the WARC where a document is read: a fetched body exactly as
it was judged (its Content-Encoding undone with the fetch's own cap, its digest checked),
and a local file."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from citeaudit.archive import WarcArchive
from citeaudit.errors import StoreError
from citeaudit.pipeline.bodies import fetched_body, kept_body
from warcfiles import GZ_TEXT, exchange, gzip_result, result_for


def test_a_fetched_body_reads_back_decoded_and_checked(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_fetch(gzip_result())
    assert snapshot is not None
    assert fetched_body(tmp_path, snapshot, 1024 * 1024) == GZ_TEXT
    with pytest.raises(StoreError, match="does not read back as the body fetched"):
        fetched_body(tmp_path, replace(snapshot, sha256="0" * 64), 1024 * 1024)


def test_a_body_cut_at_the_decoding_cap_reads_back_cut_the_same(tmp_path: Path) -> None:
    """A small gzip that inflates past --max-bytes was judged on its first max-bytes: the
    same bytes come back, not the whole inflation (nor an error)."""
    inflated = b"\0" * 50_000
    wire = gzip.compress(inflated)
    answer = exchange(
        "https://bomb.example/page",
        200,
        "OK",
        (("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
        wire,
    )
    cap = 10_000
    result = replace(result_for((answer,), inflated[:cap]), truncated=True)
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_fetch(result)
    assert snapshot is not None and snapshot.sha256 == hashlib.sha256(inflated[:cap]).hexdigest()
    assert fetched_body(tmp_path, snapshot, cap) == inflated[:cap]


def test_a_local_file_reads_back(tmp_path: Path) -> None:
    data = b"The boards are commissioned directly by NHS England."
    with WarcArchive(tmp_path, "run1", {}) as warc:
        snapshot = warc.write_file("notes/minutes.txt", data, "text/plain")
    assert kept_body(tmp_path, snapshot) == data
