"""The status and verdict vocabulary that reports and users depend on: never rename a value."""

from __future__ import annotations

from enum import StrEnum


class LinkStatus(StrEnum):
    """What a fetch of a source's URL came to."""

    OK = "ok"
    REDIRECTED = "redirected"
    SOFT_404 = "soft_404"
    NOT_FOUND = "not_found"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    TLS_ERROR = "tls_error"
    INVALID_URL = "invalid_url"

    @property
    def alive(self) -> bool:
        """Whether the link answered with the page (possibly after redirects)."""
        return self in _ALIVE

    @property
    def rotted(self) -> bool:
        """Whether the link is evidence of rot, as opposed to refused or not reached."""
        return self in _ROTTED


# Made once: asked of every source, the properties above spent most of their time looking
# the members up.
_ALIVE = (LinkStatus.OK, LinkStatus.REDIRECTED)
_ROTTED = (
    LinkStatus.SOFT_404,
    LinkStatus.NOT_FOUND,
    LinkStatus.SERVER_ERROR,
    LinkStatus.TIMEOUT,
    LinkStatus.UNREACHABLE,
    LinkStatus.TLS_ERROR,
    LinkStatus.INVALID_URL,
)


class Verdict(StrEnum):
    """What one piece of evidence came to for one claim."""

    VERIFIED = "verified"
    WRONG_LOCATOR = "wrong_locator"
    MISQUOTED = "misquoted"
    NOT_IN_SOURCE = "not_in_source"
    NO_TEXT = "no_text"
    SOURCE_UNAVAILABLE = "source_unavailable"
    LINK_ONLY = "link_only"
    # Judgements of meaning, for evidence that quotes nothing (``--no-meaning``: link_only):
    SUPPORTED = "supported"  # a passage of the cited pages says what the claim says
    CONTRADICTED = "contradicted"  # a passage says otherwise (another number, the negation...)
    NOT_SUPPORTED = "not_supported"  # the pages have text, but no passage says it

    @property
    def of_meaning(self) -> bool:
        """Whether this is a judgement of meaning (on a claim in other words), not a quote's
        verdict."""
        return self in _MEANING


_MEANING = (Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.NOT_SUPPORTED)


class ClaimVerdict(StrEnum):
    """What a claim came to, over all its evidence."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly_supported"
    UNSUPPORTED = "unsupported"
    CONTRADICTED = "contradicted"  # a passage of a cited source says otherwise
    UNVERIFIABLE = "unverifiable"


class JudgedOn(StrEnum):
    """Which copy of a source a verdict was reached on."""

    LIVE = "live"
    SNAPSHOT = "snapshot"
    ARCHIVE = "archive"
    FILE = "file"  # a local file named in the sources file (it has no live copy)


class Network(StrEnum):
    """Whether the run could reach the network at all."""

    ONLINE = "online"
    OFFLINE = "offline"


class ArchivedMode(StrEnum):
    """Which sources are looked up in public web archives (``--archived``)."""

    NEVER = "never"
    MISSING = "missing"  # sources whose live copy is not ok or redirected (the default)
    ALWAYS = "always"
