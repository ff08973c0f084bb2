"""Shared fixtures. Every server here listens on 127.0.0.1; no test reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from memento import PywbServer


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies from the developer's environment must not capture requests to 127.0.0.1."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("CITEAUDIT_DEBUG", raising=False)
    # Public web archives: a test that forgets to name its own TimeGate or Save Page Now
    # endpoint gets a refused connection on 127.0.0.1, never the Wayback Machine.
    monkeypatch.setenv("CITEAUDIT_TIMEGATE", "http://127.0.0.1:9/web/")
    monkeypatch.setenv("CITEAUDIT_SPN_ENDPOINT", "http://127.0.0.1:9/save")
    for name in ("IA_ACCESS_KEY", "IA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pywb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PywbServer]:
    """One pywb for the whole session (a dev dependency): each module takes a collection."""
    with PywbServer(tmp_path_factory.mktemp("pywb")) as server:
        yield server
