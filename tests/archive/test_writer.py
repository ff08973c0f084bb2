"""Writing WARC files: records as standard tools expect them, byte for byte where it matters,
with revisits for unchanged payloads and a metadata record for each capture."""

from __future__ import annotations

import gzip
import hashlib
import io
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Response

from citeaudit import __version__
from citeaudit.archive.readback import read_payload
from citeaudit.archive.snapshot import RecordRef, Snapshot, capture_facts, payload_digest
from citeaudit.archive.writer import REVISIT_PROFILE, WarcArchive, file_uri
from citeaudit.errors import StoreError
from citeaudit.fetch import Exchange, FetchResult, Headers
from citeaudit.net import header
from citeaudit.vocab import LinkStatus
from warcfiles import (
    BIG,
    GZ_TEXT,
    HTML,
    PAGE,
    T0,
    UA,
    Earlier,
    Written,
    exchange,
    fixed_clock,
    fixed_ids,
    gzip_members,
    gzip_result,
    page_exchange,
    page_result,
    parse_records,
    redirect_result,
    result_for,
    sha1_b32,
    warcio_check,
    write_sample,
)


@pytest.fixture
def written(tmp_path: Path) -> Iterator[Written]:
    yield write_sample(tmp_path)


# -- layout --------------------------------------------------------------------------------


def test_file_name_and_location(written: Written, tmp_path: Path) -> None:
    assert (
        written.path
        == tmp_path / ".citeaudit/archive/20240501120000-20240501T120000Z-abc123.warc.gz"
    )
    assert written.redirect.warc == "archive/20240501120000-20240501T120000Z-abc123.warc.gz"


def test_record_types_and_order(written: Written) -> None:
    records = parse_records(written.path)
    assert [r.type for r in records] == [
        "warcinfo",
        *["request", "response"] * 5,
        "resource",
    ]
    ids = [r.headers["WARC-Record-ID"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("<urn:uuid:") and i.endswith(">") for i in ids)


def test_warcinfo_first_and_describes_the_run(written: Written) -> None:
    info = parse_records(written.path)[0]
    assert info.headers["WARC-Filename"] == written.path.name
    assert info.headers["Content-Type"] == "application/warc-fields"
    fields = dict(line.split(": ", 1) for line in info.block.decode().strip().split("\r\n"))
    assert fields["software"] == f"citeaudit/{__version__}"
    assert fields["format"] == "WARC File Format 1.1"
    assert fields["citeaudit-run-id"] == "20240501T120000Z-abc123"
    assert fields["sources-sha256"] == "ab" * 32


def test_request_response_pairs_are_linked(written: Written) -> None:
    records = parse_records(written.path)[1:-1]
    urls = [
        "http://example.org/report",
        "https://example.org/report",
        "https://example.org/reports/2023",
        "https://data.example.net/figures.txt",
        "https://files.example.com/big.csv",
    ]
    pairs = list(zip(records[0::2], records[1::2], strict=True))
    for (request, response), url in zip(pairs, urls, strict=True):
        assert request.headers["WARC-Concurrent-To"] == response.headers["WARC-Record-ID"]
        assert request.headers["WARC-Target-URI"] == response.headers["WARC-Target-URI"] == url
        assert request.headers["WARC-Date"] == response.headers["WARC-Date"]
        assert request.headers["Content-Type"] == "application/http; msgtype=request"
        assert response.headers["Content-Type"] == "application/http; msgtype=response"
        target = url.split("/", 3)[3]
        assert request.http_head.startswith(f"GET /{target} HTTP/1.1\r\nHost: ")
    first_response = pairs[0][1]
    assert first_response.http_head.startswith("HTTP/1.1 301 Moved Permanently\r\n")
    assert "Location: https://example.org/report" in first_response.http_head
    assert pairs[1][1].headers["WARC-Date"] == "2024-05-01T12:00:00.120000Z"


def test_digests_verify(written: Written) -> None:
    for record in parse_records(written.path):
        assert record.headers["WARC-Block-Digest"] == sha1_b32(record.block)
        if record.type != "warcinfo":
            assert record.headers["WARC-Payload-Digest"] == sha1_b32(record.payload)
    with open(written.path, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests=True):
            record.content_stream().read()
            assert record.digest_checker.passed is True, record.digest_checker.problems


def test_warcio_check_passes(written: Written) -> None:
    done = warcio_check(written.path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("digest pass") == 12
    assert "fail" not in done.stdout


def test_payload_is_body_as_on_the_wire(written: Written) -> None:
    responses = [r for r in parse_records(written.path) if r.type == "response"]
    assert responses[2].payload == HTML
    assert responses[3].payload == gzip.compress(GZ_TEXT, mtime=0)
    assert gzip.decompress(responses[3].payload) == GZ_TEXT
    assert responses[4].payload == BIG[:4096]


def test_truncated_is_marked(written: Written) -> None:
    responses = [r for r in parse_records(written.path) if r.type == "response"]
    assert [r.headers.get("WARC-Truncated") for r in responses] == [None] * 4 + ["length"]
    assert f"Content-Length: {len(BIG)}" in responses[4].http_head


def test_transfer_encoding_not_left_on_a_dechunked_body(written: Written) -> None:
    page = [r for r in parse_records(written.path) if r.type == "response"][2]
    head_lines = page.http_head.split("\r\n")
    assert not any(line.lower().startswith("transfer-encoding:") for line in head_lines)
    assert "X-Archive-Orig-Transfer-Encoding: chunked" in head_lines
    assert head_lines[0] == "HTTP/1.1 200 OK"


def test_file_resource(written: Written) -> None:
    resource = parse_records(written.path)[-1]
    uri = "urn:citeaudit:file:letters/minister%20reply.txt"  # never where the user keeps it
    assert resource.headers["WARC-Target-URI"] == uri
    assert str(written.source_file.parent.parent).encode() not in gzip.decompress(
        written.path.read_bytes()
    )
    assert resource.headers["Content-Type"] == "text/plain"
    assert resource.block == b"Dear editor,\nThe figure is correct.\n"
    assert written.file.url == uri
    assert written.file.http_status is None
    assert written.file.sha256 == hashlib.sha256(resource.block).hexdigest()


def test_snapshots_describe_the_final_response(written: Written) -> None:
    snap = written.redirect
    records = parse_records(written.path)
    final = records[6]
    assert final.type == "response"
    assert snap.record_id == final.headers["WARC-Record-ID"]
    assert snap.url == "https://example.org/reports/2023"
    assert snap.http_status == 200
    assert snap.content_type == "text/html; charset=utf-8"
    assert snap.sha256 == hashlib.sha256(HTML).hexdigest()
    assert snap.date == T0 + timedelta(milliseconds=250)
    assert snap.date.tzinfo is not None
    assert written.gzipped.sha256 == hashlib.sha256(GZ_TEXT).hexdigest()


def test_snapshot_offsets_point_at_their_record(written: Written) -> None:
    data = written.path.read_bytes()
    for snap in (written.redirect, written.gzipped, written.truncated, written.file):
        member = data[snap.offset : snap.offset + snap.length]
        text = gzip.decompress(member)
        assert text.startswith(b"WARC/1.1\r\n")
        assert f"WARC-Record-ID: {snap.record_id}\r\n".encode() in text
        records = list(ArchiveIterator(io.BytesIO(member)))
        assert len(records) == 1
    # and warcio's own index agrees on where each record starts and how long it is
    with open(written.path, "rb") as fh:
        it = ArchiveIterator(fh)
        places = {}
        for record in it:
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            places[record_id] = (it.get_record_offset(), it.get_record_length())
    assert places[written.redirect.record_id] == (written.redirect.offset, written.redirect.length)
    assert places[written.file.record_id] == (written.file.offset, written.file.length)


def test_no_exchanges_no_snapshot(tmp_path: Path) -> None:
    failed = FetchResult(
        url="https://no-such-host.invalid/",
        status=LinkStatus.UNREACHABLE,
        reason="the name does not resolve",
        started=T0,
        error="[Errno -2] Name or service not known",
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        assert archive.write_fetch(failed) is None
    assert [r.type for r in parse_records(archive.path)] == ["warcinfo"]


def test_http2_is_framed_as_http1(tmp_path: Path) -> None:
    ex = exchange(
        "https://example.org/h2",
        200,
        "",
        ((":status", "200"), ("content-type", "text/html"), ("server", "nginx")),
        b"<p>h2</p>",
        http_version="HTTP/2",
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        archive.write_fetch(result_for((ex,), b"<p>h2</p>"))
    response = parse_records(archive.path)[2]
    assert response.http_head == "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nserver: nginx"
    assert response.headers["WARC-Protocol"] == "h2"
    assert warcio_check(archive.path).returncode == 0


def test_latin1_header_bytes_are_kept(tmp_path: Path) -> None:
    """Header values decoded as Latin-1 go back out as the same bytes, not %-escaped."""
    raw_value = b'attachment; filename="r\xe9sum\xe9.pdf"'
    ex = exchange(
        "https://example.org/cv",
        200,
        "OK",
        (("Content-Disposition", raw_value.decode("latin-1")),),
        b"%PDF-1.4",
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        archive.write_fetch(result_for((ex,), b"%PDF-1.4"))
    response = parse_records(archive.path)[2]
    assert b"Content-Disposition: " + raw_value + b"\r\n" in response.block
    assert response.headers["WARC-Block-Digest"] == sha1_b32(response.block)
    assert warcio_check(archive.path).returncode == 0


def test_records_are_complete_before_close(tmp_path: Path) -> None:
    """Each record is flushed as written: a run killed now leaves a valid file."""
    archive = WarcArchive(tmp_path, "r1", {}, now=fixed_clock())
    try:
        snap = archive.write_fetch(gzip_result())
        assert snap is not None
        records = parse_records(archive.path)
        assert [r.type for r in records] == ["warcinfo", "request", "response"]
        assert warcio_check(archive.path).returncode == 0
        assert read_payload(tmp_path, snap) == GZ_TEXT
    finally:
        archive.close()
    archive.close()


def test_a_run_id_is_used_once(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()):
        pass
    with pytest.raises(StoreError, match="already exists"):
        WarcArchive(tmp_path, "r1", {}, now=fixed_clock())
    with pytest.raises(ValueError, match="run id"):
        WarcArchive(tmp_path, "../escape", {})


# -- byte-exact ----------------------------------------------------------------------------

EXPECTED_TINY = (
    "WARC/1.1\r\n"
    "WARC-Type: warcinfo\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
    "WARC-Date: 2024-05-01T12:00:00Z\r\n"
    "WARC-Filename: 20240501120000-20240501T120000Z-0a1b2c.warc.gz\r\n"
    "WARC-Block-Digest: sha1:{info_digest}\r\n"
    "Content-Type: application/warc-fields\r\n"
    "Content-Length: {info_length}\r\n"
    "\r\n"
    "{info}"
    "\r\n\r\n"
    "WARC/1.1\r\n"
    "WARC-Type: request\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000002>\r\n"
    "WARC-Date: 2024-05-01T12:00:05.250000Z\r\n"
    "WARC-Target-URI: https://example.org/quote?id=7\r\n"
    "WARC-Concurrent-To: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
    "WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\n"
    "WARC-Block-Digest: sha1:{request_digest}\r\n"
    "Content-Type: application/http; msgtype=request\r\n"
    "Content-Length: {request_length}\r\n"
    "\r\n"
    "{request}"
    "\r\n\r\n"
    "WARC/1.1\r\n"
    "WARC-Type: response\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
    "WARC-Date: 2024-05-01T12:00:05.250000Z\r\n"
    "WARC-Target-URI: https://example.org/quote?id=7\r\n"
    "WARC-Payload-Digest: sha1:{payload_digest}\r\n"
    "WARC-Block-Digest: sha1:{response_digest}\r\n"
    "Content-Type: application/http; msgtype=response\r\n"
    "Content-Length: {response_length}\r\n"
    "\r\n"
    "{response}"
    "\r\n\r\n"
)


def test_tiny_run_is_byte_exact(tmp_path: Path) -> None:
    info = (
        f"software: citeaudit/{__version__}\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: http://iipc.github.io/warc-specifications/"
        "specifications/warc-format/warc-1.1/\r\n"
        "citeaudit-run-id: 20240501T120000Z-0a1b2c\r\n"
        "sources-sha256: 0123456789abcdef\r\n"
    )
    request = (
        "GET /quote?id=7 HTTP/1.1\r\n"
        "Host: example.org\r\n"
        "Accept: */*\r\n"
        "Accept-Encoding: identity\r\n"
        "Connection: keep-alive\r\n"
        f"User-Agent: {UA}\r\n"
        "\r\n"
    )
    response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
    expected = EXPECTED_TINY.format(
        info=info,
        info_length=len(info),
        info_digest=sha1_b32(info.encode())[5:],
        request=request,
        request_length=len(request),
        request_digest=sha1_b32(request.encode())[5:],
        response=response,
        response_length=len(response),
        response_digest=sha1_b32(response.encode())[5:],
        payload_digest=sha1_b32(b"hello\n")[5:],
    )
    # the empty request body's digest, written out above, is the well-known sha1 of b""
    assert sha1_b32(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"

    ex = Exchange(
        method="GET",
        url="https://example.org/quote?id=7",
        request_headers=(
            ("Host", "example.org"),
            ("Accept", "*/*"),
            ("Accept-Encoding", "identity"),
            ("Connection", "keep-alive"),
            ("User-Agent", UA),
        ),
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/plain"), ("Content-Length", "6")),
        body=b"hello\n",
        date=T0 + timedelta(seconds=5, milliseconds=250),
    )
    info_items = {"sources-sha256": "0123456789abcdef"}
    with WarcArchive(
        tmp_path, "20240501T120000Z-0a1b2c", info_items, now=fixed_clock(), make_id=fixed_ids()
    ) as archive:
        snap = archive.write_fetch(result_for((ex,), b"hello\n"))
    assert gzip.decompress(archive.path.read_bytes()).decode("utf-8") == expected
    assert len(gzip_members(archive.path.read_bytes())) == 3
    assert snap == Snapshot(
        url="https://example.org/quote?id=7",
        warc="archive/20240501120000-20240501T120000Z-0a1b2c.warc.gz",
        offset=snap.offset if snap else -1,
        length=snap.length if snap else -1,
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000003>",
        date=T0 + timedelta(seconds=5, milliseconds=250),
        sha256=hashlib.sha256(b"hello\n").hexdigest(),
        content_type="text/plain",
        http_status=200,
        record_type="response",
        payload_digest=sha1_b32(b"hello\n"),
    )
    assert snap.offset + snap.length == archive.path.stat().st_size


# -- a real exchange -----------------------------------------------------------------------


def to_headers(raw: list[tuple[bytes, bytes]]) -> Headers:
    """Raw header bytes as str, losslessly (what the fetch engine is expected to do)."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def test_real_round_trip_through_httpx(httpserver: HTTPServer, tmp_path: Path) -> None:
    page = "<html><body><p>The minister said “no comment”.</p></body></html>".encode()
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/page")})
    )
    httpserver.expect_request("/page").respond_with_response(
        Response(
            gzip.compress(page),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )
    )
    exchanges = []
    url = httpserver.url_for("/old")
    with httpx.Client(headers={"User-Agent": UA}) as client:
        for _ in range(2):
            date = datetime.now(UTC)
            with client.stream("GET", url) as r:
                body = b"".join(r.iter_raw())
                exchanges.append(
                    Exchange(
                        method=r.request.method,
                        url=str(r.request.url),
                        request_headers=to_headers(r.request.headers.raw),
                        http_version=r.http_version,
                        status=r.status_code,
                        reason=r.reason_phrase,
                        response_headers=to_headers(r.headers.raw),
                        body=body,
                        date=date,
                    )
                )
            if r.is_redirect:
                url = str(r.url.join(r.headers["location"]))
    content = gzip.decompress(exchanges[-1].body)  # as httpx would decode it
    assert content == page
    result = result_for(tuple(exchanges), content)
    with WarcArchive(tmp_path, "real", {}) as archive:
        snap = archive.write_fetch(result)
    assert snap is not None
    assert snap.url == httpserver.url_for("/page")
    assert read_payload(tmp_path, snap) == page
    records = parse_records(archive.path)
    assert [r.type for r in records] == ["warcinfo", "request", "response", "request", "response"]
    assert records[1].http_head.startswith("GET /old HTTP/1.1\r\n")
    assert records[2].http_head.startswith(f"{exchanges[0].http_version} 301 ")  # werkzeug: 1.0
    assert records[4].payload == exchanges[1].body != page
    done = warcio_check(archive.path)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(archive.path, "rb") as fh:
        # warcio's own decoding (what replay tools use) agrees with httpx's
        decoded = [
            r.content_stream().read() for r in ArchiveIterator(fh) if r.rec_type == "response"
        ]
    assert decoded[-1] == page


def test_a_fragment_is_not_part_of_the_target_uri(tmp_path: Path) -> None:
    ex = exchange("https://example.org/page?x=1#section-2", 200, "OK", (), b"<p>page</p>")
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), b"<p>page</p>"))
    request, response = parse_records(archive.path)[1:]
    assert request.headers["WARC-Target-URI"] == "https://example.org/page?x=1"
    assert response.headers["WARC-Target-URI"] == "https://example.org/page?x=1"
    assert request.http_head.startswith("GET /page?x=1 HTTP/1.1\r\n")
    assert snap is not None and snap.url == "https://example.org/page?x=1"


# -- metadata and revisit records ----------------------------------------------------------


def block(head: str, body: str) -> str:
    """A record's text given its header lines (without digest and length) and block."""
    return head.format(digest=sha1_b32(body.encode())[5:], length=len(body.encode())) + body


def test_metadata_and_revisit_are_byte_exact(tmp_path: Path) -> None:
    """Two runs over an unchanged page: a response, then a revisit, each with its metadata."""
    earlier = Earlier()
    facts = capture_facts("run-1", ["minutes"], ["approved"], page_result(T0))
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock(), make_id=fixed_ids()) as first:
        original = first.write_fetch(page_result(T0), earlier=earlier, facts=facts)
    assert original is not None and original.record_type == "response"
    assert earlier.asked == [("https://example.org/minutes", payload_digest(PAGE))]
    earlier.add(original)

    later = T0 + timedelta(days=7)
    ids = itertools.count(101)
    with WarcArchive(
        tmp_path,
        "run-2",
        {},
        now=fixed_clock(later),
        make_id=lambda: f"00000000-0000-4000-8000-{next(ids):012d}",
    ) as second:
        again = second.write_fetch(
            page_result(later),
            earlier=earlier,
            facts=capture_facts("run-2", ["minutes"], ["approved"], page_result(later)),
        )
    assert again is not None

    http_head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(PAGE)}\r\n\r\n"
    revisit = block(
        "WARC/1.1\r\n"
        "WARC-Type: revisit\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000103>\r\n"
        "WARC-Date: 2024-05-08T12:00:00Z\r\n"
        "WARC-Target-URI: https://example.org/minutes\r\n"
        f"WARC-Profile: {REVISIT_PROFILE}\r\n"
        "WARC-Refers-To: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
        "WARC-Refers-To-Target-URI: https://example.org/minutes\r\n"
        "WARC-Refers-To-Date: 2024-05-01T12:00:00Z\r\n"
        f"WARC-Payload-Digest: {sha1_b32(PAGE)}\r\n"
        "WARC-Block-Digest: sha1:{digest}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        "Content-Length: {length}\r\n\r\n",
        http_head,
    )
    fields = (
        f"software: citeaudit/{__version__}\r\n"
        "citeaudit-run-id: run-2\r\n"
        "source-id: minutes\r\n"
        "claim-id: approved\r\n"
        "link-status: ok\r\n"
        "link-reason: answered\r\n"
        "http-status: 200\r\n"
    )
    metadata = block(
        "WARC/1.1\r\n"
        "WARC-Type: metadata\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000104>\r\n"
        "WARC-Date: 2024-05-08T12:00:00Z\r\n"
        "WARC-Target-URI: urn:citeaudit:capture:00000000-0000-4000-8000-000000000103\r\n"
        "WARC-Refers-To: <urn:uuid:00000000-0000-4000-8000-000000000103>\r\n"
        "WARC-Payload-Digest: sha1:{digest}\r\n"  # warcio adds it; the block is the payload
        "WARC-Block-Digest: sha1:{digest}\r\n"
        "Content-Type: application/warc-fields\r\n"
        "Content-Length: {length}\r\n\r\n",
        fields,
    )
    members = [m.decode("utf-8") for m in gzip_members(second.path.read_bytes())]
    assert [m.split("\r\n")[1] for m in members] == [
        "WARC-Type: warcinfo",
        "WARC-Type: request",
        "WARC-Type: revisit",
        "WARC-Type: metadata",
    ]
    assert members[2] == revisit + "\r\n\r\n"
    assert members[3] == metadata + "\r\n\r\n"
    # the first run's response and metadata record, likewise
    first_members = [m.decode("utf-8") for m in gzip_members(first.path.read_bytes())]
    assert first_members[2].startswith(
        "WARC/1.1\r\nWARC-Type: response\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
    )
    assert first_members[2].endswith(http_head + PAGE.decode() + "\r\n\r\n")
    assert (
        "WARC-Target-URI: urn:citeaudit:capture:00000000-0000-4000-8000-000000000003\r\n"
        in first_members[3]
    )
    assert "source-id: minutes\r\nclaim-id: approved\r\n" in first_members[3]

    assert again == Snapshot(
        url="https://example.org/minutes",
        warc=second.relative_path,
        offset=again.offset,
        length=again.length,
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000103>",
        date=later,
        sha256=hashlib.sha256(PAGE).hexdigest(),
        content_type="text/html",
        http_status=200,
        record_type="revisit",
        payload_digest=sha1_b32(PAGE),
        refers_to=RecordRef(
            "https://example.org/minutes",
            T0,
            original.warc,
            original.offset,
            original.length,
            original.record_id,
        ),
        metadata_id="<urn:uuid:00000000-0000-4000-8000-000000000104>",
    )


def test_no_revisit_when_the_original_is_not_on_disk(tmp_path: Path) -> None:
    earlier = Earlier()
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as first:
        original = first.write_fetch(page_result(T0))
    assert original is not None
    earlier.add(original)
    first.path.unlink()
    with WarcArchive(tmp_path, "run-2", {}, now=fixed_clock(T0 + timedelta(days=1))) as second:
        again = second.write_fetch(page_result(T0 + timedelta(days=1)), earlier=earlier)
    assert again is not None and again.record_type == "response"
    assert read_payload(tmp_path, again) == PAGE


def test_changed_truncated_or_failed_answers_are_not_revisits(tmp_path: Path) -> None:
    earlier = Earlier()
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as first:
        original = first.write_fetch(page_result(T0))
    assert original is not None
    earlier.add(original)
    changed = page_result(T0, PAGE.replace(b"3 May", b"4 May"))
    cut = page_exchange(T0)
    cut = Exchange(**{**cut.__dict__, "truncated": True})
    gone = Exchange(**{**page_exchange(T0).__dict__, "status": 404, "reason": "Not Found"})
    with WarcArchive(tmp_path, "run-2", {}, now=fixed_clock()) as second:
        kinds = [
            snap.record_type
            for snap in (
                second.write_fetch(changed, earlier=earlier),
                second.write_fetch(result_for((cut,), PAGE), earlier=earlier),
                second.write_fetch(result_for((gone,), PAGE), earlier=earlier),
                second.write_fetch(page_result(T0), earlier=earlier),
            )
            if snap is not None
        ]
    assert kinds == ["response", "response", "response", "revisit"]


def test_a_local_file_gets_a_metadata_record(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_bytes(b"Dear editor")
    facts = capture_facts("run-1", ["letter"], ["c1", "c2"])
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as archive:
        snap = archive.write_file("letter.txt", letter.read_bytes(), "text/plain", facts=facts)
    records = parse_records(archive.path)
    assert [r.type for r in records] == ["warcinfo", "resource", "metadata"]
    meta = records[2]
    assert meta.headers["WARC-Refers-To"] == snap.record_id == records[1].headers["WARC-Record-ID"]
    assert meta.headers["WARC-Target-URI"].startswith("urn:citeaudit:capture:")
    assert snap.metadata_id == meta.headers["WARC-Record-ID"]
    assert b"claim-id: c1\r\nclaim-id: c2\r\n" in meta.block
    assert snap.record_type == "resource"
    assert warcio_check(archive.path).returncode == 0


def test_metadata_is_never_filed_under_the_page_url(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as archive:
        archive.write_fetch(
            redirect_result(), facts=capture_facts("run-1", ["r"], [], redirect_result())
        )
    records = parse_records(archive.path)
    meta = [r for r in records if r.type == "metadata"]
    assert len(meta) == 1
    page_uris = {r.headers.get("WARC-Target-URI") for r in records if r.type != "metadata"}
    assert meta[0].headers["WARC-Target-URI"] not in page_uris
    assert b"redirect: 301 http://example.org/report\r\n" in meta[0].block
    assert b"final-url: https://example.org/reports/2023\r\n" in meta[0].block


# -- mementos from public web archives ------------------------------------------------------

MEMENTO_RAW = "https://archive.example/web/20200102030405id_/https://example.org/minutes"


def memento_exchange(headers: Headers) -> Exchange:
    return Exchange(
        method="GET",
        url=MEMENTO_RAW,
        request_headers=(("Host", "archive.example"), ("User-Agent", UA)),
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=headers,
        body=PAGE,
        date=T0,
    )


def test_a_memento_is_filed_under_the_original_and_dated_when_archived(tmp_path: Path) -> None:
    archived = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    headers = (
        ("Content-Type", "text/html"),
        ("Memento-Datetime", "Thu, 02 Jan 2020 03:04:05 GMT"),
    )
    facts = capture_facts("run-1", ["minutes"], ["approved"])
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock(), make_id=fixed_ids()) as archive:
        snap = archive.write_memento(
            memento_exchange(headers),
            original="https://example.org/minutes#item-4",
            archived=archived,
            content=PAGE,
            facts=facts,
        )
    records = parse_records(archive.path)
    assert [r.type for r in records] == ["warcinfo", "response", "metadata"]
    response = records[1]
    assert response.headers["WARC-Target-URI"] == "https://example.org/minutes"
    assert response.headers["WARC-Date"] == "2020-01-02T03:04:05Z"
    assert response.headers["WARC-Source-URI"] == MEMENTO_RAW
    assert response.headers["WARC-Creation-Date"] == "2024-05-01T12:00:01Z"
    assert "Memento-Datetime: Thu, 02 Jan 2020 03:04:05 GMT" in response.http_head
    assert response.payload == PAGE
    assert snap == Snapshot(
        url="https://example.org/minutes",
        warc=archive.relative_path,
        offset=snap.offset,
        length=snap.length,
        record_id=response.headers["WARC-Record-ID"],
        date=archived,
        sha256=hashlib.sha256(PAGE).hexdigest(),
        content_type="text/html",
        http_status=200,
        payload_digest=payload_digest(PAGE),
        metadata_id=records[2].headers["WARC-Record-ID"],
    )
    assert read_payload(tmp_path, snap) == PAGE
    assert warcio_check(archive.path).returncode == 0


def test_a_memento_content_type_is_read_as_the_fetch_reads_it(tmp_path: Path) -> None:
    """One rule names an answer's content type: a repeated header is joined, as the fetch
    joins it for a live page (``FetchResult.content_type``), so a memento and a live copy
    are read alike."""
    headers = (("Content-Type", "text/html"), ("Content-Type", "charset=utf-8"))
    exchange = memento_exchange(headers)
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as archive:
        snap = archive.write_memento(
            exchange, original="https://example.org/minutes", archived=T0, content=PAGE
        )
    assert snap.content_type == header(exchange, "content-type") == "text/html, charset=utf-8"


def test_a_local_file_is_named_relative_to_the_sources_folder() -> None:
    """Replay tools replay a ``urn:`` as written; a leading ``..`` keeps its segments."""
    assert file_uri("minutes/notes.txt") == "urn:citeaudit:file:minutes/notes.txt"
    assert file_uri(Path("minutes") / "réunion 1.txt") == (
        "urn:citeaudit:file:minutes/r%C3%A9union%201.txt"
    )
    assert file_uri("../../shared/letter.pdf") == "urn:citeaudit:file:..%2F..%2Fshared/letter.pdf"
    for absolute in ("/home/someone/notes.txt", Path("/tmp/notes.txt"), "C:/notes.txt", ""):
        with pytest.raises(ValueError, match="relative to the sources file's folder"):
            file_uri(absolute)


def test_a_local_file_is_never_filed_under_an_absolute_path(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_bytes(b"Dear editor")
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as archive:
        with pytest.raises(ValueError):
            archive.write_file(letter, b"Dear editor", "text/plain")
        snap = archive.write_file("letter.txt", b"Dear editor", "text/plain")
    assert snap.url == "urn:citeaudit:file:letter.txt"
    assert [r.type for r in parse_records(archive.path)] == ["warcinfo", "resource"]


# -- credentials ---------------------------------------------------------------------------


def test_credentials_are_filed_and_kept_without_the_password(tmp_path: Path) -> None:
    """However an exchange reaches the writer, its records name the URL without user name or
    password and keep its Authorization header redacted, with digests of what is kept."""
    token = "YWxpY2U6UzNjcmV0UFc="  # alice:S3cretPW
    sent = Exchange(
        **{
            **page_exchange(T0).__dict__,
            "url": "https://alice:S3cretPW@example.org/minutes",
            "request_headers": (("Host", "example.org"), ("Authorization", f"Basic {token}")),
        }
    )
    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock(), make_id=fixed_ids()) as archive:
        snapshot = archive.write_fetch(result_for((sent,), PAGE))
        path = archive.path

    assert snapshot is not None and snapshot.url == "https://example.org/minutes"
    data = b"".join(gzip_members(path.read_bytes()))
    assert b"S3cretPW" not in data and token.encode() not in data
    records = parse_records(path)
    request = next(r for r in records if r.headers["WARC-Type"] == "request")
    assert request.headers["WARC-Target-URI"] == "https://example.org/minutes"
    assert b"\r\nAuthorization: Basic [redacted]\r\n" in request.block
    assert request.headers["WARC-Block-Digest"] == sha1_b32(request.block)
    assert warcio_check(path).returncode == 0
