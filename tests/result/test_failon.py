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


def test_a_changed_source_a_wrong_page_and_an_unreadable_file_are_findings() -> None:
    """Each is something a journalist must fix before publishing, though every claim stands:
    the cited words changed, a page number is wrong, a cited file is gone."""
    facts = Outcome(
        network=Network.ONLINE,
        sources=(("press", LinkStatus.OK, False), ("minutes", None, False)),
        claims=(("c1", ClaimVerdict.SUPPORTED, (Verdict.VERIFIED, Verdict.WRONG_LOCATOR)),),
        changed=("press",),
        unreadable=(("minutes", "file minutes.txt does not exist"),),
    )
    found = findings(facts)
    assert found == [
        "source minutes: file minutes.txt does not exist",
        "source press: changed (the quoted words are gone from the copy checked first; "
        "an older copy has them)",
        "claim c1, evidence 2: wrong_locator (found on another page than cited)",
    ]
    assert findings(facts, ["changed"]) == [found[1]]  # a value of its own
    assert findings(facts, ["rotted"]) == [found[0]]  # a file gone, as a link gone
    assert findings(facts, ["wrong_locator"]) == [found[2]]
    assert findings(facts, ["unsupported"]) == []
    assert set(found) <= set(findings(facts, ["any"]))
    assert "changed" in FAIL_ON_VALUES and parse_fail_on(["changed"]) == {"changed"}


def test_a_contradiction_is_a_finding_and_a_claim_judged_only_not_supported_is_not() -> None:
    """A passage that says otherwise is something to fix; a claim in other words that the
    cautious judge could not place on the cited page is to read, not a finding by default
    (a quote not in the source still is)."""
    facts = Outcome(
        network=Network.ONLINE,
        sources=(("minutes", LinkStatus.OK, False),),
        claims=(
            ("c1", ClaimVerdict.CONTRADICTED, (Verdict.SUPPORTED, Verdict.CONTRADICTED)),
            ("c2", ClaimVerdict.UNSUPPORTED, (Verdict.NOT_SUPPORTED,)),
            ("c3", ClaimVerdict.PARTLY_SUPPORTED, (Verdict.VERIFIED, Verdict.NOT_SUPPORTED)),
            ("c4", ClaimVerdict.UNSUPPORTED, (Verdict.NOT_SUPPORTED, Verdict.NOT_IN_SOURCE)),
        ),
    )
    assert findings(facts) == ["claim c1: contradicted", "claim c4: unsupported"]
    assert findings(facts, ["contradicted"]) == [
        "claim c1: contradicted",
        "claim c1, evidence 2: contradicted",
    ]
    assert findings(facts, ["not_supported"]) == [
        "claim c2, evidence 1: not_supported",
        "claim c3, evidence 2: not_supported",
        "claim c4, evidence 1: not_supported",
    ]
    assert findings(facts, ["unsupported"]) == ["claim c2: unsupported", "claim c4: unsupported"]
    assert len(findings(facts, ["any"])) == 4
    assert len(FAIL_ON_VALUES) == len(set(FAIL_ON_VALUES))
