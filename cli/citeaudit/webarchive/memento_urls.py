"""Wayback-style memento URLs (``.../<timestamp><modifier>/<original URL>``), the form
pywb, OpenWayback and the Wayback Machine share: the raw and shown forms of a memento, its
date, and the TimeGate and TimeMap of a URL at an archive."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

# A Wayback-style memento URL: .../<timestamp><modifier>/<original URL>. pywb, OpenWayback
# and the Wayback Machine share it; ``id_`` asks for the archived bytes unrewritten.
_MEMENTO_PATH = re.compile(
    r"/(?P<ts>\d{4,14})(?P<mod>[a-z]{2}_)?/(?P<original>https?:/.*)$", re.IGNORECASE
)


def split_origin(url: str) -> tuple[str, str]:
    """``scheme://host`` and the rest of a URL."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin, url[len(origin) :]


def _wayback_parts(url: str) -> tuple[str, re.Match[str]] | None:
    origin, rest = split_origin(url)
    match = _MEMENTO_PATH.search(rest)
    return (origin, match) if match else None


def raw_memento_url(url: str) -> str:
    """The unrewritten form of a Wayback-style memento URL (``id_`` after the timestamp);
    any other URL as it is."""
    found = _wayback_parts(url)
    if found is None:
        return url
    origin, match = found
    rest = match.string
    return origin + rest[: match.start("ts")] + match["ts"] + "id_/" + match["original"]


def shown_memento_url(url: str) -> str:
    """A Wayback-style memento URL as people open it (no modifier); any other as it is."""
    found = _wayback_parts(url)
    if found is None:
        return url
    origin, match = found
    return origin + match.string[: match.start("ts")] + match["ts"] + "/" + match["original"]


def original_of(url: str) -> str | None:
    found = _wayback_parts(url)
    return found[1]["original"] if found else None


def memento_timestamp(url: str) -> datetime | None:
    """The date in a Wayback-style memento URL's 14-digit timestamp (shorter ones padded)."""
    found = _wayback_parts(url)
    if found is None:
        return None
    stamp = found[1]["ts"].ljust(14, "0")
    try:
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def in_archive(memento: str, location: str) -> str | None:
    """An archived redirect's target as a memento of the same archive and time, for
    archives whose raw form leaves the original Location unrewritten."""
    found = _wayback_parts(memento)
    if found is None or not location.lower().startswith(("http://", "https://")):
        return None
    origin, match = found
    prefix = match.string[: match.start("original")]
    return origin + prefix + location


def timegate_url(gate: str, url: str) -> str:
    """The TimeGate of ``url`` at an archive: ``{url}`` replaced, or the URL appended."""
    if "{url}" in gate:
        return gate.replace("{url}", url)
    return gate + url if gate.endswith("/") else f"{gate}/{url}"


def derived_timemap(gate: str, url: str) -> str | None:
    """The TimeMap that Wayback-style archives (pywb, the Wayback Machine) keep beside
    their TimeGate, for when no ``rel="timemap"`` link names it."""
    if "{url}" in gate:
        return None
    return gate.rstrip("/") + "/timemap/link/" + url
