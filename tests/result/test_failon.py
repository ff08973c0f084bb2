"""What counts as a finding of a run: the same decision on any run's facts."""

from __future__ import annotations

import pytest

from citeaudit.errors import UsageError
from citeaudit.result import FAIL_ON_VALUES, FailOn, Outcome, findings, parse_fail_on
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network, Verdict


def outcome(
    sources: tuple[tuple[str, LinkStatus | None, bool], ...] = (),
    claims: tuple[tuple[str, ClaimVerdict, tuple[Verdict, ...]], ...] = (),
    network: Network = Network.ONLINE,
) -> Outcome:
    return Outcome(network=network, sources=sources, claims=claims)


def test_findings_say_what_they_are() -> None:
    facts = outcome(
        sources=(
            ("a", LinkStatus.NOT_FOUND, False),
            ("b", LinkStatus.SERVER_ERROR, True),  # accepted: never a finding
            ("c", LinkStatus.BLOCKED, False),
            ("d", None, False),
        ),
        claims=(
            ("x", ClaimVerdict.PARTLY_SUPPORTED, (Verdict.VERIFIED, Verdict.MISQUOTED)),
            ("y", ClaimVerdict.UNVERIFIABLE, (Verdict.LINK_ONLY,)),
        ),
    )
    assert findings(facts) == ["source a: not_found", "claim x: partly_supported"]
    assert findings(facts, ["misquoted"]) == ["claim x, evidence 2: misquoted"]
    assert findings(facts, ["blocked", "server_error"]) == ["source c: blocked"]
    assert findings(facts, ["any"]) == [
        "source a: not_found",
        "source c: blocked",
        "claim x: partly_supported",
        "claim y: unverifiable",
    ]
    assert findings(facts, ["none"]) == []
    assert findings(facts, []) == findings(facts)  # nothing chosen is the default


def test_no_network_is_a_finding_unless_none() -> None:
    offline = outcome(
        sources=(("a", LinkStatus.UNREACHABLE, False),),
        claims=(("x", ClaimVerdict.UNVERIFIABLE, (Verdict.SOURCE_UNAVAILABLE,)),),
        network=Network.OFFLINE,
    )
    for fail_on in (["default"], ["unsupported"], ["misquoted"], ["any"]):
        assert findings(offline, fail_on) == [
            "the network looks unreachable: no source could be checked"
        ]
    assert findings(offline, ["none"]) == []


def test_parse_fail_on() -> None:
    assert parse_fail_on([]) == {FailOn.DEFAULT}
    assert parse_fail_on(["unsupported, misquoted", "rotted"]) == {
        "unsupported",
        "misquoted",
        "rotted",
    }
    with pytest.raises(UsageError, match="unknown --fail-on value 'ok'"):
        parse_fail_on(["ok"])  # ok is never a finding
    with pytest.raises(UsageError, match="'supported', 'verified'"):
        parse_fail_on(["verified,supported"])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["misquote"], "unknown --fail-on value 'misquote': did you mean 'misquoted'?"),
        (["ROTED"], "unknown --fail-on value 'roted': did you mean 'rotted'?"),
        (
            ["misquote,unsuported"],
            "unknown --fail-on value 'misquote', 'unsuported': did you mean 'misquoted' for "
            "'misquote', 'unsupported' for 'unsuported'?",
        ),
        (["xyzzy"], "unknown --fail-on value 'xyzzy'"),
        (["supported"], "unknown --fail-on value 'supported'"),  # not 'unsupported'
    ],
)
def test_an_unknown_fail_on_suggests_the_closest_value(values: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_fail_on(values)
    assert caught.value.message == message
    assert caught.value.hint == "choose from " + ", ".join(FAIL_ON_VALUES)
    assert caught.value.exit_code == 2


def test_every_vocabulary_value_but_the_good_ones_can_fail_a_run() -> None:
    assert "ok" not in FAIL_ON_VALUES and "verified" not in FAIL_ON_VALUES
    assert "supported" not in FAIL_ON_VALUES
    for value in (*LinkStatus, *Verdict, *ClaimVerdict):
        good = value in (LinkStatus.OK, Verdict.VERIFIED, ClaimVerdict.SUPPORTED)
        assert (str(value) in FAIL_ON_VALUES) is not good
