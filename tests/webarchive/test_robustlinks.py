"""Robust Links: the ``<a>`` an author can paste, escaped, with the archived copy and date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from citeaudit.catalog import Source
from citeaudit.webarchive import ArchivedCopy, robust_link


def test_robust_links_are_escaped_and_dated() -> None:
    source = Source(
        id="s",
        title='Fish & "chips" <b>now</b>',
        url="https://example.org/a?b=1&c='2'",
        accessed=date(2021, 5, 12),
    )
    copy = ArchivedCopy(
        "https://web.archive.org/web/",
        True,
        url="https://web.archive.org/web/20210501000000/https://example.org/a?b=1&c='2'",
        date=datetime(2021, 5, 1, tzinfo=UTC),
    )

    assert robust_link(source, copy) == (
        '<a href="https://example.org/a?b=1&amp;c=&#x27;2&#x27;" '
        'data-versionurl="https://web.archive.org/web/20210501000000/'
        'https://example.org/a?b=1&amp;c=&#x27;2&#x27;" data-versiondate="2021-05-12">'
        'Fish &amp; "chips" &lt;b&gt;now&lt;/b&gt;</a>'
    )
    undated = Source(id="u", url="https://example.org/")
    assert robust_link(undated, copy) == (
        '<a href="https://example.org/" data-versionurl="https://web.archive.org/web/'
        '20210501000000/https://example.org/a?b=1&amp;c=&#x27;2&#x27;" '
        'data-versiondate="2021-05-01">https://example.org/</a>'
    )
    assert robust_link(undated, None) is None  # nothing to add to a plain link
    assert robust_link(Source(id="f", file="a.pdf"), copy) is None
    not_found = ArchivedCopy("https://web.archive.org/web/", False)
    assert robust_link(source, not_found) == (
        '<a href="https://example.org/a?b=1&amp;c=&#x27;2&#x27;" data-versiondate="2021-05-12">'
        'Fish &amp; "chips" &lt;b&gt;now&lt;/b&gt;</a>'
    )
