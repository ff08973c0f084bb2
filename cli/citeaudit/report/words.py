"""The phrases every format shares, so a verdict reads the same in a terminal, a pull
request and a web page. Plain strings in, plain strings out: each format escapes them."""

from __future__ import annotations

import re
from datetime import date, datetime

from citeaudit.report.model import DifferenceModel, EvidenceModel, ReportModel, SourceModel
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CLAIM_LABEL: dict[ClaimVerdict, str] = {
    ClaimVerdict.SUPPORTED: "supported",
    ClaimVerdict.PARTLY_SUPPORTED: "partly supported",
    ClaimVerdict.UNSUPPORTED: "unsupported",
    ClaimVerdict.UNVERIFIABLE: "unverifiable",
}

EVIDENCE_LABEL: dict[Verdict, str] = {
    Verdict.VERIFIED: "verified",
    Verdict.WRONG_LOCATOR: "found on another page",
    Verdict.MISQUOTED: "misquoted",
    Verdict.NOT_IN_SOURCE: "not in the source",
    Verdict.NO_TEXT: "no text to search",
    Verdict.SOURCE_UNAVAILABLE: "source unavailable",
    Verdict.LINK_ONLY: "link only",
}

#: What each verdict means, for the legend of a report a reader may not know the tool of.
CLAIM_MEANING: dict[ClaimVerdict, str] = {
    ClaimVerdict.SUPPORTED: "every piece of evidence that could be checked was verified",
    ClaimVerdict.PARTLY_SUPPORTED: "some evidence was verified, some was not",
    ClaimVerdict.UNSUPPORTED: "no evidence was verified",
    ClaimVerdict.UNVERIFIABLE: "nothing could be checked (no quote, or no copy of the source)",
}
EVIDENCE_MEANING: dict[Verdict, str] = {
    Verdict.VERIFIED: "the quote is in the source, on the cited page where one is given",
    Verdict.WRONG_LOCATOR: "the quote is in the source, but not on the cited page or section",
    Verdict.MISQUOTED: "a close match that differs: the differences are marked word by word",
    Verdict.NOT_IN_SOURCE: "no match in the source's text",
    Verdict.NO_TEXT: "the source has no text to search (a scan, an image)",
    Verdict.SOURCE_UNAVAILABLE: "no live copy and no archived copy",
    Verdict.LINK_ONLY: "no quote was given: only the link was checked",
}

_COPY = {
    JudgedOn.LIVE: "the live copy",
    JudgedOn.SNAPSHOT: "our snapshot",
    JudgedOn.ARCHIVE: "the public archive's copy",
}


def plain(value: object, *, one_line: bool = True) -> str:
    """Text safe to show: no control characters or bidi overrides, optionally one line."""
    text = _CONTROL.sub("", str(value))
    return " ".join(text.split()) if one_line else text


def clip(text: str, limit: int = 160) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def day(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD ('' for none)."""
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def moment(value: datetime | None) -> str:
    """A time to the minute, in UTC: '2026-05-01 10:00 UTC'."""
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


def copy_phrase(ev: EvidenceModel) -> str:
    """Which copy a verdict was reached on: 'the live copy of 2026-05-01'."""
    if ev.judged_on is None:
        return ""
    when = day(ev.copy_date)
    return f"{_COPY[ev.judged_on]} of {when}" if when else _COPY[ev.judged_on]


def cited(ev: EvidenceModel) -> str:
    """The citation as the document gives it: 'ahsn-sim [8] pp. 7-8'."""
    text = plain(ev.source)
    if ev.ref is not None:
        text += f" [{plain(ev.ref)}]"
    if ev.locator:
        text += f" {plain(ev.locator)}"
    return text


def difference_text(diff: DifferenceModel) -> str:
    """One difference between quote and source, in words: 'added “(AHSN)”'."""
    quote, source = clip(plain(diff.quote), 60), clip(plain(diff.source), 60)
    if diff.op == "insert":
        text = f"added “{quote}”"
    elif diff.op == "delete":
        text = f"left out “{source}”"
    else:
        text = f"“{quote}” for “{source}”"
    return f"{text} ({diff.kind.replace('_', ' ')})" if diff.kind else text


def source_details(source: SourceModel) -> str:
    """Why a source's status is what it is, with every caveat, in one line."""
    if source.status is None:
        details = plain(source.note or source.reason or "")
    elif source.status is LinkStatus.REDIRECTED and source.final_url:
        kind = "permanently " if source.permanent else ""
        details = f"{kind}moved to {plain(source.final_url)}"
    else:
        details = plain(source.reason or "")
    if source.truncated:
        details += " (body truncated at the size limit)"
    if source.fragment_problem:
        details += f"; #fragment: {plain(source.fragment_problem)}"
    if source.accepted:
        details += f" (HTTP {source.http_status or ''} accepted: not a finding)"
    if source.insecure:
        details += " (TLS certificate not verified: --insecure)"
    return details


def status_text(source: SourceModel) -> str:
    """A source's status as one word: its link status, 'local file' or 'no copy'."""
    if source.status is not None:
        return str(source.status)
    return "local file" if source.file else "no copy"


def since_text(source: SourceModel) -> str:
    """From the store's history: 'failing since 2026-04-01, last answered 2026-03-01'."""
    parts = []
    if source.failing_since:
        parts.append(f"failing since {day(source.failing_since)}")
    if source.status is not None and not source.status.alive and source.last_answered:
        parts.append(f"last answered {day(source.last_answered)}")
    return ", ".join(parts)


def summary_line(report: ReportModel) -> str:
    """One line of counts, for stderr at the end of a run."""
    sources = ", ".join(f"{n} {k}" for k, n in sorted(report.summary.sources.items()))
    line = f"sources: {sources or 'none'}"
    if report.claims:
        claims = ", ".join(f"{n} {k}" for k, n in sorted(report.summary.claims.items()))
        line += f"; claims: {claims}"
    if report.run.network is Network.OFFLINE:
        line += (
            "; the network looks unreachable (no host name could be resolved): "
            "nothing was declared dead"
        )
    return line
