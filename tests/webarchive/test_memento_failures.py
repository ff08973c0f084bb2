"""Archives that fail, stall, rate-limit or lie: every one is reported, none crashes a run.

A small fake archive (pytest-httpserver, or a raw socket server) on 127.0.0.1 speaks just
enough Memento for each case."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from citeaudit.fetch import FetchOptions
from citeaudit.net import format_http_date
from citeaudit.webarchive import (
    Lookup,
    MementoOptions,
    find_archived_sync,
)
from localsite import html
from memento import free_port
from servers import RawServer, silent

URL = "http://example.org/page"
SOUGHT = datetime(2021, 5, 12, 23, 59, 59, tzinfo=UTC)
QUICK = FetchOptions(timeout=5, retries=1, backoff_base=0.01)
BODY = html("Article", "The passage as archived.")
MEMENTO_2020 = {"Memento-Datetime": "Wed, 01 Jan 2020 00:00:00 GMT"}


def look_up(gate: str, fetch: FetchOptions = QUICK, url: str = URL) -> Lookup:
    options = MementoOptions(timegates=(gate,))
    return find_archived_sync([(url, SOUGHT)], options, fetch)[(url, SOUGHT)]


def gate_of(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/web/")


def serve_memento(httpserver: HTTPServer, body: bytes = BODY, **headers: str) -> None:
    """A TimeGate that points at the 2020 memento, and that memento (raw form)."""
    memento = httpserver.url_for(f"/web/20200101000000/{URL}")
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response(status=302, headers={"Location": memento})
    )
    httpserver.expect_request(f"/web/20200101000000id_/{URL}").respond_with_response(
        Response(body, headers={"Content-Type": "text/html", **MEMENTO_2020, **headers})
    )


def test_the_timegate_is_asked_with_the_accessed_date_and_our_user_agent(
    httpserver: HTTPServer,
) -> None:
    memento = httpserver.url_for(f"/web/20200101000000/{URL}")
    httpserver.expect_request(
        f"/web/{URL}",
        headers={"Accept-Datetime": "Wed, 12 May 2021 23:59:59 GMT", "User-Agent": "probe/1"},
    ).respond_with_response(Response(status=302, headers={"Location": memento}))
    httpserver.expect_request(f"/web/20200101000000id_/{URL}").respond_with_response(
        Response(BODY, headers={"Content-Type": "text/html", **MEMENTO_2020})
    )

    lookup = look_up(gate_of(httpserver), FetchOptions(user_agent="probe/1", retries=0))

    assert lookup.copy.found is True
    assert lookup.copy.url == memento
    assert lookup.memento is not None and lookup.memento.content == BODY


def test_a_server_error_is_reported_not_raised(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/web/{URL}").respond_with_data("down", status=500)

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is None  # unknown: the archive failed, the page may be there
    assert lookup.copy.note == (
        f"{httpserver.host}:{httpserver.port}: the TimeGate answered 500 Internal Server Error "
        "without naming a copy"
    )


def test_an_overloaded_archive_is_retried_then_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/web/{URL}").respond_with_data("busy", status=503)

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is None
    assert lookup.copy.note is not None
    assert "answered 503 Service Unavailable (after 2 attempts)" in lookup.copy.note
    assert len(httpserver.log) == 2


def test_a_429_with_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(f"/web/{URL}").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "1"})
    )
    serve_memento(httpserver)

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is True
    assert [entry[0].path for entry in httpserver.log][:2] == [f"/web/{URL}"] * 2


def test_a_429_asking_too_long_a_wait_is_reported_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "3600"})
    )

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is None
    assert lookup.copy.note is not None
    assert "asked to wait 3600s, more than the 60s limit" in lookup.copy.note
    assert len(httpserver.log) == 1


def test_a_stalled_archive_times_out() -> None:
    with RawServer(silent) as server:
        lookup = look_up(server.url("/web/"), FetchOptions(timeout=0.5, retries=0))

    assert lookup.copy.found is None
    assert lookup.copy.note is not None
    assert "gave no complete answer within the 0.5s time limit" in lookup.copy.note


def test_an_archive_that_keeps_failing_is_not_asked_again() -> None:
    gate = f"http://127.0.0.1:{free_port()}/web/"
    urls = [f"http://example.org/{n}" for n in range(5)]
    options = MementoOptions(timegates=(gate,))
    found = find_archived_sync(
        [(u, SOUGHT) for u in urls], options, FetchOptions(per_host=1, retries=0)
    )

    notes = [found[(u, SOUGHT)].copy.note or "" for u in urls]
    assert all(found[(u, SOUGHT)].copy.found is None for u in urls)
    assert sum("connection refused" in n and "not asked" not in n for n in notes) == 3
    assert sum("not asked (3 look-ups in a row failed" in n for n in notes) == 2


def test_a_redirect_to_a_file_url_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response(status=302, headers={"Location": "file:///etc/passwd"})
    )

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is None
    assert lookup.copy.note is not None and "file: URLs cannot be checked" in lookup.copy.note


def test_a_huge_memento_is_cut_at_the_size_limit(httpserver: HTTPServer) -> None:
    serve_memento(httpserver, b"<html><body><p>" + b"word " * 200_000)

    lookup = look_up(gate_of(httpserver), FetchOptions(max_bytes=50_000, retries=0))

    assert lookup.copy.found is True
    assert lookup.memento is not None
    assert lookup.memento.truncated
    assert len(lookup.memento.exchange.body) == 50_000


def test_a_compression_bomb_memento_is_decoded_only_up_to_the_limit(
    httpserver: HTTPServer,
) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 20_000_000)
    serve_memento(httpserver, bomb, **{"Content-Encoding": "gzip"})

    lookup = look_up(gate_of(httpserver), FetchOptions(max_bytes=100_000, retries=0))

    assert lookup.memento is not None
    assert lookup.memento.truncated
    assert len(lookup.memento.content) == 100_000
    assert lookup.memento.exchange.body == bomb  # kept as sent, for the WARC


def test_without_a_timemap_the_prev_links_are_walked(httpserver: HTTPServer) -> None:
    newer = httpserver.url_for(f"/web/20210501000000/{URL}")
    older = httpserver.url_for(f"/web/20200101000000/{URL}")
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response(status=302, headers={"Location": newer})
    )
    httpserver.expect_request(f"/web/20210501000000id_/{URL}").respond_with_response(
        Response(
            "gone",
            status=404,
            headers={
                "Memento-Datetime": "Sat, 01 May 2021 00:00:00 GMT",
                "Link": f'<{older}>; rel="prev memento"; datetime="Wed, 01 Jan 2020 00:00:00 GMT"',
            },
        )
    )
    httpserver.expect_request(f"/web/20200101000000id_/{URL}").respond_with_response(
        Response(BODY, headers={"Content-Type": "text/html", **MEMENTO_2020})
    )
    # /web/timemap/link/... is not served: a 500 from pytest-httpserver

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is True
    assert lookup.copy.date == datetime(2020, 1, 1, tzinfo=UTC)
    assert lookup.copy.note is not None and "its TimeMap answered 500" in lookup.copy.note
    assert "the copy of 2021-05-01 is an archived 404 Not Found" in lookup.copy.note


def test_a_timemap_of_100000_copies_is_read_and_only_the_closest_tried(
    httpserver: HTTPServer,
) -> None:
    start = datetime(2000, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(seconds=6600 * n) for n in range(100_000)]  # to 2020-11
    moments.append(datetime(2021, 3, 1, tzinfo=UTC))  # the closest before: the only good one
    good = "20210301000000"
    base = httpserver.url_for("/web/")
    lines = [
        f'<{base}{m:%Y%m%d%H%M%S}/{URL}>; rel="memento"; datetime="{format_http_date(m)}"'
        for m in moments
    ]
    first = httpserver.url_for(f"/web/20210601000000/{URL}")
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response(status=302, headers={"Location": first})
    )
    httpserver.expect_request(f"/web/timemap/link/{URL}").respond_with_data(
        ",\n".join(lines), content_type="application/link-format"
    )

    def memento(request: Request) -> Response:
        stamp = request.path.split("/")[2].removesuffix("id_")
        when = format_http_date(datetime.strptime(stamp, "%Y%m%d%H%M%S"))
        if stamp == good:
            return Response(BODY, headers={"Content-Type": "text/html", "Memento-Datetime": when})
        return Response("gone", status=404, headers={"Memento-Datetime": when})

    httpserver.expect_request(re.compile(r"^/web/\d{14}id_/")).respond_with_handler(memento)

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is True
    assert lookup.copy.date == datetime(2021, 3, 1, tzinfo=UTC)
    tried = [e[0].path for e in httpserver.log if "id_/" in e[0].path]
    assert len(tried) == 2  # the TimeGate's (an archived 404), then the closest before


def test_an_archive_without_the_raw_form_is_read_as_it_is(httpserver: HTTPServer) -> None:
    memento = httpserver.url_for(f"/web/20200101000000/{URL}")
    httpserver.expect_request(f"/web/{URL}").respond_with_response(
        Response(status=302, headers={"Location": memento})
    )
    httpserver.expect_request(f"/web/20200101000000id_/{URL}").respond_with_data("?", status=404)
    httpserver.expect_request(f"/web/20200101000000/{URL}").respond_with_response(
        Response(BODY, headers={"Content-Type": "text/html", **MEMENTO_2020})
    )

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is True
    assert lookup.copy.raw_url == memento


def test_an_opaque_memento_url_is_fetched_as_given(httpserver: HTTPServer) -> None:
    memento = httpserver.url_for("/m/a1b2c3")
    httpserver.expect_request(f"/tg/{URL}").respond_with_response(
        Response(status=302, headers={"Location": memento})
    )
    httpserver.expect_request("/m/a1b2c3").respond_with_response(
        Response(BODY, headers={"Content-Type": "text/html", **MEMENTO_2020})
    )

    lookup = look_up(httpserver.url_for("/tg/"))

    assert lookup.copy.found is True
    assert lookup.copy.url == lookup.copy.raw_url == memento
    assert lookup.copy.date == datetime(2020, 1, 1, tzinfo=UTC)


def test_an_empty_answer_means_unknown(httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/web/{URL}").respond_with_data("", status=200)

    lookup = look_up(gate_of(httpserver))

    assert lookup.copy.found is None
    assert lookup.copy.note is not None and "without naming a copy" in lookup.copy.note


def test_a_timegate_url_template_with_a_url_placeholder(httpserver: HTTPServer) -> None:
    seen: list[str] = []

    def gate(request: Request) -> Response:
        seen.append(request.args.get("url", ""))
        return Response(status=404)

    httpserver.expect_request("/tg").respond_with_handler(gate)

    lookup = look_up(httpserver.url_for("/tg") + "?url={url}")

    assert lookup.copy.found is False
    assert seen == [URL]
