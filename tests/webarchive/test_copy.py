"""An archived copy as plain data: what a report needs to know of it, fixed once made."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime

import pytest

from citeaudit.webarchive import ArchivedCopy


def test_a_copy_not_looked_for_says_unknown_and_nothing_more() -> None:
    unknown = ArchivedCopy("https://web.archive.org/web/", None, note="the archive timed out")

    assert unknown.found is None
    assert (unknown.url, unknown.raw_url, unknown.date, unknown.snapshot) == (None,) * 4
    assert unknown.note == "the archive timed out"


def test_a_copy_is_fixed_once_made_and_survives_pickling() -> None:
    copy = ArchivedCopy(
        "https://web.archive.org/web/",
        True,
        url="https://web.archive.org/web/20210501000000/https://example.org/",
        date=datetime(2021, 5, 1, tzinfo=UTC),
        http_status=200,
    )

    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.found = False  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(copy)) == copy
    assert dataclasses.replace(copy, found=False) != copy
