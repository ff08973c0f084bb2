"""Shared by the link checker's tests: quick options, one-call fetches, how often a server
was asked for a path, and the fixture that keeps the machine's proxy and CA settings out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer

from citeaudit.fetch import FetchOptions, FetchResult, fetch_all_sync
from servers import leaf_context, tls_server

# Fast, but with room for a loaded CI machine; back-offs short, so a retry costs little.
FAST = FetchOptions(backoff_base=0.01, timeout=5.0, connect_timeout=2.0, read_timeout=2.0)


def fetch(urls: list[str], **changes: Any) -> dict[str, FetchResult]:
    return fetch_all_sync(urls, replace(FAST, **changes))


def fetch_one(url: str, **changes: Any) -> FetchResult:
    return fetch([url], **changes)[url]


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


@pytest.fixture(autouse=True)
def isolated_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not depend on (or leak to) the machine's proxy and CA settings; a module
    that imports this fixture has it for every test."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_server(ca: trustme.CA) -> Iterator[HTTPServer]:
    with tls_server(leaf_context(ca)) as server:
        server.expect_request("/").respond_with_data("secure")
        yield server
