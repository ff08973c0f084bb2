"""Whether a run was offline, from its results."""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_httpserver import HTTPServer

import fetching
from citeaudit.fetch import (
    Failure,
    FetchResult,
    network_state,
)
from citeaudit.vocab import LinkStatus, Network
from fetching import fetch

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- network state


def _result(status: LinkStatus, failure: Failure | None) -> FetchResult:
    return FetchResult("http://x/", status, "r", datetime.now(UTC), failure=failure)


def test_network_state_rules() -> None:
    dns = _result(LinkStatus.UNREACHABLE, Failure.DNS)
    refused = _result(LinkStatus.UNREACHABLE, Failure.REFUSED)
    ok = _result(LinkStatus.OK, None)
    invalid = _result(LinkStatus.INVALID_URL, Failure.INVALID_URL)

    assert network_state([]) is Network.ONLINE
    assert network_state([dns, dns]) is Network.OFFLINE
    assert network_state([dns, invalid]) is Network.OFFLINE
    assert network_state([invalid]) is Network.ONLINE
    assert network_state([dns, ok]) is Network.ONLINE
    assert network_state([dns, refused]) is Network.ONLINE


def test_network_state_from_real_fetches(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/up").respond_with_data("ok")
    dead = ["http://nonexistent.invalid/", "https://also-nonexistent.invalid/x"]

    assert network_state(fetch(dead).values()) is Network.OFFLINE
    mixed = fetch([*dead, httpserver.url_for("/up")])
    assert network_state(mixed.values()) is Network.ONLINE
