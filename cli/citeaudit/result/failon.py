"""What counts as a finding of a run (``--fail-on``), decided the same way on a fresh result
and on a report read back from the store. Imports no stage: the command line names these
values in its help."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from citeaudit.errors import UsageError
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network, Verdict

if TYPE_CHECKING:
    from citeaudit.result.run import AuditResult, SourceResult


def accepted(item: SourceResult, codes: frozenset[int]) -> bool:
    """Whether the user chose to count this source's HTTP answer as fine (``--accept``).

    Only a status decided by the code itself can be accepted: a soft 404 is judged on the
    page, and a failure (a redirect loop, say) is not the code's doing.
    """
    fetch = item.fetch
    return (
        fetch is not None
        and fetch.http_status in codes
        and fetch.failure is None
        and fetch.status is not LinkStatus.SOFT_404
        and not fetch.status.alive
    )


class FailOn(StrEnum):
    """What a run may count as a finding (``--fail-on``), besides the vocabulary's values.

    ``default`` is rotted links and local files that cannot be read, sources that changed
    since they were cited, quotes found on another page than cited, claims ``contradicted``
    by a passage of a cited source, and claims ``unsupported`` or ``partly_supported`` by
    their quotes (not those only judged ``not_supported`` on meaning); ``rotted`` is any
    rotted link or unreadable local file; ``changed`` is a source whose quoted words are
    gone from the copy checked first (an older copy has them); ``any`` is all of these,
    every link that did not answer and every claim not ``supported``; ``none`` is
    nothing. Every link status (but ``ok``), evidence verdict (but ``verified``) and claim
    verdict (but ``supported``) may also be named.
    """

    DEFAULT = "default"
    ANY = "any"
    NONE = "none"
    ROTTED = "rotted"
    CHANGED = "changed"


#: Every value ``--fail-on`` takes, in the order help texts list them.
#: (``contradicted`` names a claim's verdict and evidence's alike: both are findings.)
FAIL_ON_VALUES: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *(str(v) for v in FailOn),
            *(str(v) for v in ClaimVerdict if v is not ClaimVerdict.SUPPORTED),
            *(str(v) for v in Verdict if v not in (Verdict.VERIFIED, Verdict.SUPPORTED)),
            *(str(s) for s in LinkStatus if s is not LinkStatus.OK),
        )
    )
)


def parse_fail_on(values: Iterable[str]) -> frozenset[str]:
    """``--fail-on`` values (each may be comma-separated) as a set; raises UsageError on an
    unknown one. Nothing given means ``default``."""
    chosen = {part.strip().lower() for value in values for part in value.split(",")}
    chosen.discard("")
    unknown = sorted(chosen - set(FAIL_ON_VALUES))
    if unknown:
        raise UsageError(
            f"unknown --fail-on value {', '.join(map(repr, unknown))}" + _suggestions(unknown),
            hint="choose from " + ", ".join(FAIL_ON_VALUES),
        )
    if FailOn.NONE in chosen and len(chosen) > 1:
        raise UsageError("--fail-on none cannot be combined with other values")
    return frozenset(chosen or {FailOn.DEFAULT})


#: The good values of the vocabulary: never findings, so nothing is suggested for them
#: (``supported`` is close to ``unsupported``, which means the opposite).
_NEVER_FINDINGS = frozenset(
    {str(LinkStatus.OK), str(Verdict.VERIFIED), str(ClaimVerdict.SUPPORTED)}
)


def _suggestions(unknown: list[str]) -> str:
    """ ": did you mean 'misquoted'?" for unknown values close to a known one, as the sources
    file's unknown keys are answered; empty when none is close."""
    close = {
        value: found[0]
        for value in unknown
        if value not in _NEVER_FINDINGS
        and (found := difflib.get_close_matches(value, FAIL_ON_VALUES, n=1))
    }
    if not close:
        return ""
    if len(unknown) == 1:
        return f": did you mean {close[unknown[0]]!r}?"
    return ": did you mean " + ", ".join(f"{c!r} for {v!r}" for v, c in close.items()) + "?"


@dataclass(frozen=True)
class Outcome:
    """What findings are decided on: every source's status, every claim's verdicts.

    Both a fresh :class:`AuditResult` and a report read back from the store give one, so
    ``audit``, ``check`` and ``report`` judge a run the same way. A source's ``accepted``
    says its HTTP code was one of ``--accept``: never a finding.
    """

    network: Network
    sources: tuple[tuple[str, LinkStatus | None, bool], ...]
    claims: tuple[tuple[str, ClaimVerdict, tuple[Verdict, ...]], ...]
    #: Sources whose quoted words are gone from the copy checked first (drift), in order.
    changed: tuple[str, ...] = ()
    #: Local files that cannot be read (missing, a folder, too big), with why.
    unreadable: tuple[tuple[str, str], ...] = ()


def outcome(result: AuditResult) -> Outcome:
    """The facts of a run that findings are decided on."""
    return Outcome(
        network=result.run.network,
        sources=tuple(
            (s.source.id, s.status, accepted(s, result.run.accept)) for s in result.sources
        ),
        claims=tuple(
            (c.claim.id, c.verdict, tuple(e.verdict for e in c.evidence)) for c in result.claims
        ),
        changed=tuple(
            dict.fromkeys(e.evidence.source for c in result.claims for e in c.evidence if e.drift)
        ),
        unreadable=tuple((s.source.id, s.problem) for s in result.sources if s.problem),
    )


_DEFAULT_CLAIMS = frozenset(
    {ClaimVerdict.UNSUPPORTED, ClaimVerdict.PARTLY_SUPPORTED, ClaimVerdict.CONTRADICTED}
)
#: Evidence that undermines a claim by what was read: a quote not as the source has it.
_QUOTE_FAILED = frozenset({Verdict.MISQUOTED, Verdict.NOT_IN_SOURCE})
#: Evidence that is a finding by default although its claim stands: a citation error.
_DEFAULT_EVIDENCE = frozenset({str(Verdict.WRONG_LOCATOR)})


def _source_fails(status: LinkStatus, fail_on: frozenset[str]) -> bool:
    if FailOn.ANY in fail_on:
        return not status.alive
    if status.rotted and ({FailOn.DEFAULT, FailOn.ROTTED} & fail_on):
        return True
    return str(status) in fail_on


def _claim_fails(
    verdict: ClaimVerdict, verdicts: tuple[Verdict, ...], fail_on: frozenset[str]
) -> bool:
    """Whether a claim is a finding. By default a claim is not one when all that tells
    against it is a judgement of meaning that found no passage saying it (``not_supported``:
    the judge is cautious, and a claim in other words it cannot place is not shown wrong);
    a contradiction, a misquotation or a quote not in the source is."""
    if FailOn.ANY in fail_on:
        return verdict is not ClaimVerdict.SUPPORTED
    if str(verdict) in fail_on:
        return True
    if FailOn.DEFAULT not in fail_on or verdict not in _DEFAULT_CLAIMS:
        return False
    return verdict is ClaimVerdict.CONTRADICTED or any(v in _QUOTE_FAILED for v in verdicts)


def findings(
    result: AuditResult | Outcome, fail_on: Iterable[str] = (FailOn.DEFAULT,)
) -> list[str]:
    """What makes a run fail (exit code 1), one line each.

    By default (``fail_on`` of ``default``): rotted links and local files that cannot be
    read, sources that changed since they
    were cited, quotes found on another page than cited (``wrong_locator``: the claim stands,
    the citation is wrong), claims a cited passage says otherwise than (``contradicted``),
    and claims whose quotes do not stand (``unsupported``, ``partly_supported``). A claim
    only judged ``not_supported`` on its meaning is not one by default. Links that were
    refused (``blocked``, ``rate_limited``) are not proof of rot and are not findings by
    default; nor are claims that nothing could check (``unverifiable``). ``fail_on``
    chooses otherwise (see :class:`FailOn`). Links whose HTTP code the user accepted
    (``RunInfo.accept``) are never findings, and a run with no network at all is one under
    every choice but ``none``.
    """
    facts = result if isinstance(result, Outcome) else outcome(result)
    chosen = frozenset(str(v) for v in fail_on) or frozenset({FailOn.DEFAULT})
    if FailOn.NONE in chosen:
        return []
    found: list[str] = []
    if facts.network is Network.OFFLINE:
        found.append("the network looks unreachable: no source could be checked")
        return found
    fails = {status: _source_fails(status, chosen) for status in LinkStatus}  # once each
    found.extend(
        f"source {source_id}: {status}"
        for source_id, status, was_accepted in facts.sources
        if status is not None and not was_accepted and fails[status]
    )
    if {FailOn.DEFAULT, FailOn.ANY, FailOn.ROTTED} & chosen:  # as a dead link is
        found.extend(f"source {source_id}: {problem}" for source_id, problem in facts.unreadable)
    if {FailOn.DEFAULT, FailOn.ANY, FailOn.CHANGED} & chosen:
        found.extend(
            f"source {source_id}: changed (the quoted words are gone from the copy checked "
            "first; an older copy has them)"
            for source_id in facts.changed
        )
    evidence = set(chosen)
    if {FailOn.DEFAULT, FailOn.ANY} & chosen:
        evidence |= _DEFAULT_EVIDENCE
    for claim_id, verdict, verdicts in facts.claims:
        if _claim_fails(verdict, verdicts, chosen):
            found.append(f"claim {claim_id}: {verdict}")
        found.extend(
            f"claim {claim_id}, evidence {index + 1}: {v}"
            + (" (found on another page than cited)" if v is Verdict.WRONG_LOCATOR else "")
            for index, v in enumerate(verdicts)
            if str(v) in evidence
        )
    return found
