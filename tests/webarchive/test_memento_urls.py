"""Wayback-style memento URLs: raw and shown forms, dates, and where a URL's TimeGate and
TimeMap are at an archive."""

from __future__ import annotations

from datetime import UTC, datetime

from citeaudit.webarchive.memento_urls import (
    derived_timemap,
    in_archive,
    memento_timestamp,
    original_of,
    raw_memento_url,
    shown_memento_url,
    split_origin,
    timegate_url,
)


def test_wayback_style_memento_urls() -> None:
    memento = "https://web.archive.org/web/20210512093000/https://www.example.org/a?b=1"

    assert raw_memento_url(memento) == (
        "https://web.archive.org/web/20210512093000id_/https://www.example.org/a?b=1"
    )
    assert raw_memento_url(memento.replace("/https", "im_/https", 1)) == raw_memento_url(memento)
    assert shown_memento_url(raw_memento_url(memento)) == memento
    assert memento_timestamp(memento) == datetime(2021, 5, 12, 9, 30, tzinfo=UTC)
    assert raw_memento_url("https://archive.ph/a1b2c") == "https://archive.ph/a1b2c"


def test_the_original_url_and_a_short_timestamp() -> None:
    memento = "http://127.0.0.1:8080/web/20210512/http://example.org/a"

    assert original_of(memento) == "http://example.org/a"
    assert memento_timestamp(memento) == datetime(2021, 5, 12, tzinfo=UTC)
    assert original_of("https://archive.ph/a1b2c") is None
    assert memento_timestamp("https://archive.ph/a1b2c") is None
    assert memento_timestamp("https://a.test/web/20211399000000/http://x.org/") is None


def test_split_origin() -> None:
    assert split_origin("https://web.archive.org:443/web/2020/x") == (
        "https://web.archive.org:443",
        "/web/2020/x",
    )


def test_an_archived_redirect_stays_in_the_archive() -> None:
    memento = "https://a.test/web/20200101000000id_/http://example.org/old"

    assert in_archive(memento, "http://example.org/new") == (
        "https://a.test/web/20200101000000id_/http://example.org/new"
    )
    assert in_archive(memento, "/relative") is None
    assert in_archive("https://archive.ph/a1b2c", "http://example.org/new") is None


def test_timegate_and_timemap_of_a_url() -> None:
    url = "http://example.org/a?b=1"

    assert timegate_url("https://web.archive.org/web/", url) == f"https://web.archive.org/web/{url}"
    assert timegate_url("https://a.test/tg", url) == f"https://a.test/tg/{url}"
    assert timegate_url("https://a.test/tg?url={url}", url) == f"https://a.test/tg?url={url}"
    assert derived_timemap("https://web.archive.org/web/", url) == (
        f"https://web.archive.org/web/timemap/link/{url}"
    )
    assert derived_timemap("https://a.test/tg?url={url}", url) is None
