"""HTTP Link headers (RFC 8288) and HTTP dates as archives write them, read leniently:
whatever an archive sends, nothing here raises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from citeaudit.net.linkheader import (
    MAX_LINKS,
    format_http_date,
    http_date,
    iter_links,
    parse_links,
    with_rel,
)

SOUGHT = datetime(2021, 5, 12, 23, 59, 59, tzinfo=UTC)


def test_link_headers_and_timemaps_are_parsed_leniently() -> None:
    text = (
        '<http://a.test/web/2020/http://x.org/a,b>; rel="first memento"; '
        'datetime="Wed, 01 Jan 2020 00:00:00 GMT", '
        '<http://a.test/tm>; rel=timemap; type="application/link-format",'
        '<http://a.test/q>; title="say \\"hi\\", ok"; rel="memento", '
        "garbage without brackets, <http://a.test/last"
    )
    links = parse_links(text)

    assert [link.url for link in links] == [
        "http://a.test/web/2020/http://x.org/a,b",
        "http://a.test/tm",
        "http://a.test/q",
    ]
    assert links[0].rel == {"first", "memento"}
    assert links[0].datetime == datetime(2020, 1, 1, tzinfo=UTC)
    assert links[1].rel == {"timemap"}
    assert links[2].params["title"] == 'say "hi", ok'
    assert parse_links(None) == [] and parse_links("<<<;;;,,,>>>") != [None]


def test_accept_datetime_is_an_http_date() -> None:
    assert format_http_date(SOUGHT) == "Wed, 12 May 2021 23:59:59 GMT"


@pytest.mark.parametrize("bad", ["", "   ", "<", "<>", '<x>; rel="', "<x>; =;;"])
def test_broken_link_headers_never_raise(bad: str) -> None:
    parse_links(bad)


def test_http_dates_are_read_back_and_bad_ones_are_none() -> None:
    assert http_date("Wed, 12 May 2021 23:59:59 GMT") == SOUGHT
    assert http_date(format_http_date(SOUGHT)) == SOUGHT
    assert http_date("yesterday") is None
    assert http_date(None) is None


def test_links_are_picked_by_relation() -> None:
    links = parse_links('<a>; rel="memento first", <b>; rel=timemap, <c>; rel="MEMENTO"')

    assert [link.url for link in with_rel(links, "memento")] == ["a", "c"]
    assert [link.url for link in with_rel(links, "timemap")] == ["b"]


def test_a_huge_link_header_is_read_only_up_to_the_limit() -> None:
    text = ", ".join(f"<http://a.test/{i}>; rel=memento" for i in range(50))

    assert len(parse_links(text, limit=10)) == 10
    assert len(list(iter_links(text))) == 50
    assert MAX_LINKS >= 100_000  # a busy page's TimeMap fits
