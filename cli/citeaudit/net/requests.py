"""Who citeaudit says it is and what it asks for: the settings every HTTP client of a run
reads, and the headers every request sends.

:class:`ClientSettings` is the shape of the run's options as the network layer sees them
(the link checker's ``FetchOptions`` has it), so this layer needs nothing from above it.
"""

from __future__ import annotations

from typing import Protocol

from citeaudit import __version__
from citeaudit.net.decoding import ACCEPT_ENCODING

USER_AGENT = f"citeaudit/{__version__} (+https://github.com/citeaudit/citeaudit)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class ClientSettings(Protocol):
    """The options an HTTP client of a run is made from."""

    @property
    def user_agent(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def read_timeout(self) -> float: ...
    @property
    def insecure(self) -> bool: ...
    @property
    def ca_bundle(self) -> str | None: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def per_host(self) -> int: ...


def request_headers(settings: ClientSettings) -> dict[str, str]:
    """The headers every request of a run sends: who we are and what we accept."""
    return {
        "User-Agent": settings.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
