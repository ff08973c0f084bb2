"""The vocabulary reports and users depend on: the values are stable, and what counts as
alive or rotted is decided once."""

from __future__ import annotations

from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict


def test_values_are_the_documented_words() -> None:
    assert [str(s) for s in LinkStatus] == [
        "ok",
        "redirected",
        "soft_404",
        "not_found",
        "blocked",
        "rate_limited",
        "server_error",
        "timeout",
        "unreachable",
        "tls_error",
        "invalid_url",
    ]
    for word in ("verified", "wrong_locator", "misquoted", "not_in_source", "no_text"):
        assert Verdict(word) is not None
    for word in ("supported", "partly_supported", "unsupported", "unverifiable"):
        assert ClaimVerdict(word) is not None
    assert {str(j) for j in JudgedOn} >= {"live", "snapshot", "archive"}
    assert {str(n) for n in Network} == {"online", "offline"}


def test_alive_and_rotted_never_overlap() -> None:
    assert {s for s in LinkStatus if s.alive} == {LinkStatus.OK, LinkStatus.REDIRECTED}
    assert not {s for s in LinkStatus if s.alive and s.rotted}
    assert LinkStatus.NOT_FOUND.rotted and LinkStatus.SOFT_404.rotted
    # refused is not proof of rot
    for status in (LinkStatus.BLOCKED, LinkStatus.RATE_LIMITED):
        assert not status.rotted and not status.alive
