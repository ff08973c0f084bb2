"""Memento look-ups against a real Memento server: pywb on 127.0.0.1, loaded with WARCs the
test records at chosen dates. No test here, or anywhere, asks the Wayback Machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from citeaudit.catalog import Document, Source
from citeaudit.fetch import FetchOptions
from citeaudit.webarchive import (
    WAYBACK_TIMEGATE,
    Lookup,
    MementoOptions,
    find_archived_sync,
    sought_date,
    timegates_from_env,
)
from localsite import html
from memento import Capture, Pywb, PywbServer, free_port

# These tests ask the session's one pywb: they run on one worker.
pytestmark = [pytest.mark.replay, pytest.mark.xdist_group("pywb")]

MAY_12 = datetime(2021, 5, 12, 23, 59, 59, tzinfo=UTC)
FAST = FetchOptions(timeout=10, retries=0)


def page(text: str, title: str = "Article") -> bytes:
    return html(title, text)


CAPTURES = [
    # closest before the date: an archived 404 nearer than the good copy
    Capture("http://example.org/before", "2020-01-01T00:00:00Z", body=page("The passage of 2020.")),
    Capture("http://example.org/before", "2021-05-01T00:00:00Z", 404, b"gone", "text/plain"),
    Capture("http://example.org/before", "2021-06-01T00:00:00Z", body=page("Changed in June.")),
    # a copy after the date is nearer, but one before it is preferred
    Capture("http://example.org/prefer", "2021-01-01T00:00:00Z", body=page("Old words.")),
    Capture("http://example.org/prefer", "2021-05-14T00:00:00Z", body=page("New words.")),
    # only after
    Capture("http://example.org/after", "2022-01-01T00:00:00Z", body=page("Later words.")),
    # only archived errors
    Capture("http://example.org/errors", "2021-01-01T00:00:00Z", 404, b"no", "text/plain"),
    Capture("http://example.org/errors", "2021-02-01T00:00:00Z", 404, b"no", "text/plain"),
    # an archived redirect, followed inside the archive
    Capture(
        "http://example.org/moved",
        "2021-03-01T00:00:00Z",
        301,
        headers=(("Location", "http://example.org/new-home"),),
    ),
    Capture("http://example.org/new-home", "2021-03-01T00:00:00Z", body=page("Moved here.")),
    # an archived redirect to a page never archived
    Capture(
        "http://example.org/moved-nowhere",
        "2021-03-01T00:00:00Z",
        302,
        headers=(("Location", "http://example.org/never-archived"),),
    ),
    # an archived "not found" page served with 200 (a soft 404), and a good copy before it
    Capture(
        "http://example.org/soft",
        "2021-04-01T00:00:00Z",
        body=page("Sorry, that page does not exist.", title="Page not found"),
    ),
    Capture("http://example.org/soft", "2019-04-01T00:00:00Z", body=page("The real page.")),
    # many archived errors before the date: more than the tries allowed
    *[
        Capture("http://example.org/many", f"2021-0{m}-01T00:00:00Z", 404, b"x", "text/plain")
        for m in range(1, 6)
    ],
    Capture("http://example.org/many", "2020-01-01T00:00:00Z", body=page("Far back.")),
]


@pytest.fixture(scope="module")
def pywb(pywb_server: PywbServer) -> Iterator[Pywb]:
    server = pywb_server.collection("memento")
    server.add(CAPTURES)
    yield server


def look_up(url: str, gates: tuple[str, ...], sought: datetime = MAY_12, tries: int = 6) -> Lookup:
    options = MementoOptions(timegates=gates, tries=tries)
    return find_archived_sync([(url, sought)], options, FAST)[(url, sought)]


def test_closest_copy_on_or_before_the_date_skips_an_archived_404(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/before", (pywb.timegate,))
    copy, memento = lookup.copy, lookup.memento

    assert copy.found is True
    assert copy.date == datetime(2020, 1, 1, tzinfo=UTC)
    assert copy.timegate == pywb.timegate
    assert copy.url == f"{pywb.timegate}20200101000000/http://example.org/before"
    assert copy.raw_url == f"{pywb.timegate}20200101000000id_/http://example.org/before"
    assert copy.http_status == 200
    assert copy.sought == MAY_12
    assert copy.note is not None and "2021-05-01" in copy.note and "404" in copy.note
    assert memento is not None
    assert b"The passage of 2020." in memento.content
    assert memento.exchange.url == copy.raw_url
    assert memento.exchange.status == 200


def test_a_copy_before_the_date_wins_over_a_nearer_one_after(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/prefer", (pywb.timegate,))

    assert lookup.copy.found is True
    assert lookup.copy.date == datetime(2021, 1, 1, tzinfo=UTC)
    assert lookup.memento is not None and b"Old words." in lookup.memento.content


def test_a_copy_of_the_day_itself_counts_as_before(pywb: Pywb) -> None:
    source = Source(id="s", url="http://example.org/prefer", accessed=date(2021, 5, 14))
    lookup = look_up("http://example.org/prefer", (pywb.timegate,), sought_date(source))

    assert lookup.copy.date == datetime(2021, 5, 14, tzinfo=UTC)


def test_only_copies_after_the_date_gives_the_closest_after(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/after", (pywb.timegate,))

    assert lookup.copy.found is True
    assert lookup.copy.date == datetime(2022, 1, 1, tzinfo=UTC)
    assert lookup.copy.note is not None
    assert "no usable copy on or before 2021-05-12" in lookup.copy.note


def test_no_copy_at_all_is_found_false(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/never-archived", (pywb.timegate,))

    assert lookup.copy.found is False
    assert lookup.memento is None
    assert lookup.copy.note == f"127.0.0.1:{pywb.port}: no copy"


def test_only_archived_errors_is_found_false(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/errors", (pywb.timegate,))

    assert lookup.copy.found is False
    assert lookup.copy.note is not None
    assert "2021-02-01 is an archived 404 Not Found" in lookup.copy.note
    assert "2021-01-01 is an archived 404 Not Found" in lookup.copy.note


def test_an_archived_redirect_is_followed_inside_the_archive(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/moved", (pywb.timegate,))

    assert lookup.copy.found is True
    assert lookup.memento is not None and b"Moved here." in lookup.memento.content
    assert lookup.copy.raw_url == f"{pywb.timegate}20210301000000id_/http://example.org/new-home"


def test_an_archived_redirect_to_nothing_is_not_a_copy(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/moved-nowhere", (pywb.timegate,))

    assert lookup.copy.found is False
    assert lookup.copy.note is not None
    assert "archived redirect to http://example.org/never-archived" in lookup.copy.note


def test_an_archived_not_found_page_is_skipped(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/soft", (pywb.timegate,))

    assert lookup.copy.found is True
    assert lookup.copy.date == datetime(2019, 4, 1, tzinfo=UTC)
    assert lookup.copy.note is not None and "is not the page" in lookup.copy.note


def test_the_number_of_mementos_tried_is_capped(pywb: Pywb) -> None:
    capped = look_up("http://example.org/many", (pywb.timegate,), tries=3)
    enough = look_up("http://example.org/many", (pywb.timegate,), tries=6)

    assert capped.copy.found is False
    assert capped.copy.note is not None and "among the 3 closest" in capped.copy.note
    assert enough.copy.found is True
    assert enough.copy.date == datetime(2020, 1, 1, tzinfo=UTC)


def test_timegates_are_asked_in_order_until_one_has_a_copy(pywb: Pywb) -> None:
    dead = f"http://127.0.0.1:{free_port()}/web/"
    lookup = look_up("http://example.org/before", (dead, pywb.timegate))

    assert lookup.copy.found is True
    assert lookup.copy.timegate == pywb.timegate
    assert lookup.copy.note is not None and "connection refused" in lookup.copy.note


def test_when_no_archive_has_a_copy_every_one_asked_is_named(pywb: Pywb) -> None:
    lookup = look_up("http://example.org/never-archived", (pywb.timegate, pywb.timegate + "x/"))

    assert lookup.copy.found is False  # both answered: none has it
    assert lookup.copy.timegate == f"{pywb.timegate}, {pywb.timegate}x/"


def test_an_archive_that_cannot_be_asked_makes_the_answer_unknown(pywb: Pywb) -> None:
    dead = f"http://127.0.0.1:{free_port()}/web/"
    lookup = look_up("http://example.org/never-archived", (pywb.timegate, dead))

    assert lookup.copy.found is None  # unknown, not "never archived"
    assert lookup.copy.note is not None
    assert "no copy" in lookup.copy.note and "connection refused" in lookup.copy.note


def test_sought_date_is_accessed_else_published_else_now() -> None:
    accessed = Source(id="a", url="http://x.org/", accessed=date(2021, 5, 12))
    bare = Source(id="b", url="http://x.org/")
    document = Document(published=date(2021, 6, 1))

    assert sought_date(accessed, document) == MAY_12
    assert sought_date(bare, document) == datetime(2021, 6, 1, 23, 59, 59, tzinfo=UTC)
    before = datetime.now(UTC).replace(microsecond=0)
    assert before <= sought_date(bare) <= datetime.now(UTC)


def test_timegates_come_from_the_environment() -> None:
    assert timegates_from_env({}) == (WAYBACK_TIMEGATE,)
    assert timegates_from_env({"CITEAUDIT_TIMEGATE": "none"}) == ()
    assert timegates_from_env({"CITEAUDIT_TIMEGATE": "http://a.test/web/, http://b.test/"}) == (
        "http://a.test/web/",
        "http://b.test/",
    )


def test_the_suite_never_asks_the_wayback_machine() -> None:
    """conftest points the default at a refused port on 127.0.0.1."""
    assert timegates_from_env() == ("http://127.0.0.1:9/web/",)
    assert MementoOptions.from_env().timegates == ("http://127.0.0.1:9/web/",)


def test_a_bad_timegate_is_a_usage_error() -> None:
    from citeaudit.errors import UsageError

    with pytest.raises(UsageError, match="cannot use 'file:///etc/' as a TimeGate"):
        MementoOptions(timegates=("file:///etc/",))
    with pytest.raises(UsageError):
        timegates_from_env({"CITEAUDIT_TIMEGATE": "ftp://x.test/"})


def test_pywb_config_is_what_the_issue_asks_for(pywb: Pywb) -> None:
    config = (pywb.root / "config.yaml").read_text(encoding="utf-8")
    assert "redirect_to_exact: true" in config and "framed_replay: false" in config
