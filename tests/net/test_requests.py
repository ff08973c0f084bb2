"""Who citeaudit says it is and what it asks for: the headers every request sends."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

import fetching
from citeaudit import __version__
from citeaudit.fetch import FetchOptions
from citeaudit.net import ACCEPT, ACCEPT_ENCODING, USER_AGENT, request_headers
from fetching import fetch_one

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- headers


def test_user_agent_is_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    fetch_one(httpserver.url_for("/ua"))
    fetch_one(httpserver.url_for("/ua"), user_agent="custom-agent/1")

    agents = [request.headers["User-Agent"] for request, _ in httpserver.log]
    assert agents == [USER_AGENT, "custom-agent/1"]
    assert USER_AGENT.startswith("citeaudit/")


def test_every_request_names_citeaudit_and_what_it_accepts() -> None:
    headers = request_headers(FetchOptions(user_agent="probe/2"))

    assert headers == {
        "User-Agent": "probe/2",
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    assert ACCEPT.startswith("text/html")
    assert USER_AGENT == f"citeaudit/{__version__} (+https://github.com/citeaudit/citeaudit)"
