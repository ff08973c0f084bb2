"""The link checker's options, and the sizes and status codes users write."""

from __future__ import annotations

import pytest

import fetching
from citeaudit.errors import UsageError
from citeaudit.fetch import (
    FetchOptions,
    parse_size,
    parse_status_codes,
)

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- options


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        FetchOptions(concurrency=0)
    with pytest.raises(UsageError):
        FetchOptions(timeout=0)
    with pytest.raises(UsageError):
        FetchOptions(min_interval=-1)
    with pytest.raises(UsageError):
        FetchOptions(host_failures=-1)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1000", 1000),
        ("50MB", 50_000_000),
        ("50mb", 50_000_000),
        ("1GiB", 1024**3),
        ("1.5 GB", 1_500_000_000),
        ("64KiB", 65536),
        ("7B", 7),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "1K", "5XB", "0", "-1MB"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_size(text)


def test_parse_status_codes() -> None:
    assert parse_status_codes("403,429") == {403, 429}
    assert parse_status_codes(" 403 , 500-502 ") == {403, 500, 501, 502}
    for bad in ("x", "99", "1000", "502-500", "4o4"):
        with pytest.raises(UsageError):
            parse_status_codes(bad)
