"""The plain data of a capture: digests, dates and metadata facts as the writer puts them in
WARC records (that naming them loads no warcio is checked with every stage's interface)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from warcio.timeutils import datetime_to_iso_date

from citeaudit.archive.snapshot import (
    RecordRef,
    capture_facts,
    payload_digest,
    utc,
    warc_date,
)
from warcfiles import T0, redirect_result, sha1_b32


def test_payload_digest_is_sha1_in_base32() -> None:
    assert payload_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
    assert payload_digest(b"hello\n") == sha1_b32(b"hello\n")


def test_utc_takes_naive_times_as_utc() -> None:
    naive = datetime(2024, 5, 1, 12, 0, 0)
    assert utc(naive) == T0 and utc(naive).tzinfo is UTC
    paris = datetime(2024, 5, 1, 14, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    assert utc(paris) == T0 and utc(paris).tzinfo is UTC


def test_warc_date_is_what_warcio_writes() -> None:
    paris = timezone(timedelta(hours=2))
    for moment in (
        T0,
        T0 + timedelta(microseconds=1),
        T0 + timedelta(milliseconds=250),
        datetime(2024, 5, 1, 14, 0, 0, 999999, tzinfo=paris),
        datetime(1999, 12, 31, 23, 59, 59),
    ):
        expected = datetime_to_iso_date(utc(moment).replace(tzinfo=None), use_micros=True)
        assert warc_date(moment) == expected
    assert warc_date(T0) == "2024-05-01T12:00:00Z"
    assert warc_date(T0 + timedelta(milliseconds=120)) == "2024-05-01T12:00:00.120000Z"


def test_capture_facts_say_who_cites_it_and_what_came_back() -> None:
    facts = capture_facts("run-1", ["report"], ["c1", "c2"], redirect_result())
    assert facts == [
        ("citeaudit-run-id", "run-1"),
        ("source-id", "report"),
        ("claim-id", "c1"),
        ("claim-id", "c2"),
        ("link-status", "redirected"),
        ("link-reason", "answered"),
        ("http-status", "200"),
        ("final-url", "https://example.org/reports/2023"),
        ("redirect", "301 http://example.org/report"),
        ("redirect", "302 https://example.org/report"),
    ]
    assert capture_facts("run-1", ["letter"], []) == [
        ("citeaudit-run-id", "run-1"),
        ("source-id", "letter"),
    ]


def test_a_record_is_on_disk_while_its_file_holds_it(tmp_path: Path) -> None:
    warc = tmp_path / "archive" / "a.warc.gz"
    warc.parent.mkdir()
    ref = RecordRef("https://example.org/", T0, "archive/a.warc.gz", 100, 50, "<urn:uuid:1>")
    assert not ref.on_disk(tmp_path)
    warc.write_bytes(b"x" * 149)
    assert not ref.on_disk(tmp_path)  # cut short: the record does not fit
    warc.write_bytes(b"x" * 150)
    assert ref.on_disk(tmp_path)
