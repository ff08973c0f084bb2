"""The phrases every format shares, so a verdict reads the same in a terminal, a pull
request and a web page. Plain strings in, plain strings out: each format escapes them."""

from __future__ import annotations

import re
from datetime import date, datetime

from citeaudit.report.model import (
    DifferenceModel,
    DriftModel,
    EvidenceModel,
    ReportModel,
    SourceModel,
)
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CLAIM_LABEL: dict[ClaimVerdict, str] = {
    ClaimVerdict.SUPPORTED: "supported",
    ClaimVerdict.PARTLY_SUPPORTED: "partly supported",
    ClaimVerdict.UNSUPPORTED: "unsupported",
    ClaimVerdict.UNVERIFIABLE: "unverifiable",
    ClaimVerdict.CONTRADICTED: "contradicted",
}

EVIDENCE_LABEL: dict[Verdict, str] = {
    Verdict.VERIFIED: "verified",
    Verdict.WRONG_LOCATOR: "found on another page",
    Verdict.MISQUOTED: "misquoted",
    Verdict.NOT_IN_SOURCE: "not in the source",
    Verdict.NO_TEXT: "no text to search",
    Verdict.SOURCE_UNAVAILABLE: "source unavailable",
    Verdict.LINK_ONLY: "link only",
    Verdict.SUPPORTED: "supported in other words",
    Verdict.CONTRADICTED: "contradicted",
    Verdict.NOT_SUPPORTED: "not supported",
}

#: What each verdict means, for the legend of a report a reader may not know the tool of.
CLAIM_MEANING: dict[ClaimVerdict, str] = {
    ClaimVerdict.SUPPORTED: (
        "every quote that could be checked is in its source (perhaps on another page than "
        "cited), and every citation judged on meaning says what the claim says"
    ),
    ClaimVerdict.PARTLY_SUPPORTED: "some of its evidence backs it, some does not",
    ClaimVerdict.UNSUPPORTED: (
        "no quote was found in its source, and no passage of the cited pages says it"
    ),
    ClaimVerdict.UNVERIFIABLE: "nothing could be checked (no copy of the source, or no text)",
    ClaimVerdict.CONTRADICTED: "a passage of a cited source says otherwise",
}
EVIDENCE_MEANING: dict[Verdict, str] = {
    Verdict.VERIFIED: "the quote is in the source, on the cited page where one is given",
    Verdict.WRONG_LOCATOR: (
        "the quote is in the source word for word, but not on the cited page or section: "
        "the claim stands, the citation needs correcting"
    ),
    Verdict.MISQUOTED: "a close match that differs: the differences are marked word by word",
    Verdict.NOT_IN_SOURCE: "no match in the source's text (the closest passage is shown)",
    Verdict.NO_TEXT: "the source has no text to search (a scan, an image)",
    Verdict.SOURCE_UNAVAILABLE: "no live copy and no archived copy",
    Verdict.LINK_ONLY: "no quote was given, and judging on meaning was off: only the link was "
    "checked",
    Verdict.SUPPORTED: (
        "a judgement of meaning, not a quote found: a passage of the cited pages says what "
        "the claim says, in other words"
    ),
    Verdict.CONTRADICTED: (
        "a judgement of meaning: a passage of the cited pages says otherwise (another number, "
        "date or amount, the negation, the other party, a body since abolished)"
    ),
    Verdict.NOT_SUPPORTED: (
        "a judgement of meaning: the cited pages have text, but no passage says what the "
        "claim says (the closest passage is shown)"
    ),
}

_COPY = {
    JudgedOn.LIVE: "the live copy",
    JudgedOn.SNAPSHOT: "our snapshot",
    JudgedOn.ARCHIVE: "the public archive's copy",
    JudgedOn.FILE: "the local file",
}


def plain(value: object, *, one_line: bool = True) -> str:
    """Text safe to show: no control characters or bidi overrides, optionally one line."""
    text = _CONTROL.sub("", str(value))
    return " ".join(text.split()) if one_line else text


#: What acts on a terminal rather than showing: C0 controls but tab and line feed (ESC
#: starts the sequences that move the cursor, clear the screen, recolour, retitle), DEL, C1
#: controls (0x9b is ESC [ on its own), and the bidirectional marks and overrides that
#: reorder what follows them, and the line and paragraph separators.
_ACTS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(value: object, *, json: bool = False) -> str:
    """Text safe to print on a terminal, with each character that would act on it shown
    escaped (ESC as ``\\x1b``, a right-to-left override as ``\\u202e``) rather than
    dropped as :func:`plain` does: a message about a value must still name it.

    ``json``: the text is JSON, where such characters can only be inside strings; each is
    written ``\\u001b``, so the document still reads as the same data."""
    text = str(value)
    if not _ACTS.search(text):
        return text
    return _ACTS.sub(_json_escaped if json else _escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def clip(text: str, limit: int = 160) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


_OPENING, _CLOSING = "“", "”"


def quoted(text: str, limit: int | None = None) -> str:
    """Text shown between quotation marks that balance: marks that already enclose the
    whole text are not doubled, and a passage cut inside a quotation gets the mark it lacks
    (at the start when it begins mid-quotation, at the end when it stops in one)."""
    inner = plain(text).strip()
    if limit is not None:
        inner = clip(inner, limit)
    if len(inner) > 1 and inner[0] in '“"' and inner[-1] in '”"':
        if inner.count('"') % 2 == 0 and inner.count(_OPENING) == inner.count(_CLOSING):
            inner = inner[1:-1].strip()
    opened = closed = 0
    for char in inner:  # closing marks with no opening one before them
        if char == _OPENING:
            opened += 1
        elif char == _CLOSING:
            if opened:
                opened -= 1
            else:
                closed += 1
    if inner.count('"') % 2:
        inner = inner + '"' if inner.find('"') < len(inner) // 2 else '"' + inner
    return f"{_OPENING}{_OPENING * closed}{inner}{_CLOSING * opened}{_CLOSING}"


def day(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD ('' for none)."""
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def moment(value: datetime | None) -> str:
    """A time to the minute, in UTC: '2026-05-01 10:00 UTC'."""
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


def copy_phrase(ev: EvidenceModel | DriftModel, source: SourceModel | None = None) -> str:
    """Which copy a verdict was reached on: 'the live copy of 2026-05-01', 'the local file
    of 2026-05-01' (a local file has no live copy; reports kept before ``file`` was a copy
    of its own called it live)."""
    if ev.judged_on is None:
        return ""
    kind = ev.judged_on
    if kind is JudgedOn.LIVE and source is not None and source.file and not source.url:
        kind = JudgedOn.FILE
    when = day(ev.copy_date)
    return f"{_COPY[kind]} of {when}" if when else _COPY[kind]


def drift_phrase(ev: EvidenceModel, source: SourceModel | None = None) -> str:
    """A source that changed since it was cited, in one line: 'The source has changed:
    the live copy of 2026-06-01 now reads differently; the verdict is reached on our
    snapshot of 2026-05-01, which has the quoted words.'"""
    drift = ev.drift
    if drift is None:
        return ""
    now = copy_phrase(drift, source) or "the copy checked first"
    what = "now reads differently" if drift.verdict is Verdict.MISQUOTED else "no longer has them"
    older = copy_phrase(ev, source) or "an older copy"
    return (
        f"The source has changed: {now} {what}; the verdict is reached on {older}, "
        "which has the quoted words"
    )


def drafted_text(report: ReportModel) -> str | None:
    """Says that the claims were drafted from a document by the machine, not written by a
    person: which claims and quotes were read from it is for a person to check."""
    doc = report.document
    if doc is None or not doc.drafted_from:
        return None
    return (
        f"Claims and sources drafted from {plain(doc.drafted_from)} by citeaudit draft: a "
        "machine's reading of the document's citations; check them before relying on "
        "the verdicts"
    )


def suggestion_label(ev: EvidenceModel) -> str:
    """What a suggested passage is: the closest to a quote not found, the closest to a claim
    no passage says, or the likeliest to back a claim nobody judged."""
    if ev.quote:
        return "closest passage in the source"
    if ev.meaning:
        return "closest passage"
    return "likeliest passage, not a verdict"


#: What the passage of a judgement of meaning is, by verdict.
_MEANING_PASSAGE = {
    Verdict.SUPPORTED: "the passage that says it",
    Verdict.CONTRADICTED: "the passage that says otherwise",
}


def passage_label(ev: EvidenceModel) -> str | None:
    """What the evidence's passage is, for a judgement of meaning (None for a quote's)."""
    return _MEANING_PASSAGE.get(ev.verdict) if ev.meaning else None


def meaning_text(ev: EvidenceModel) -> str | None:
    """How a claim in other words was judged, marked as such: 'judged on meaning (not a
    quote) by built-in, score 0.82: the passage carries 9 of the claim's 10 words'."""
    meaning = ev.meaning
    if meaning is None:
        return None
    text = f"judged on meaning (not a quote) by {plain(meaning.judge)}, score {meaning.score:.2f}"
    return f"{text}: {plain(meaning.reason)}" if meaning.reason else text


def conflict_texts(ev: EvidenceModel) -> list[str]:
    """The differences that made a contradiction, one line each: 'the claim says “23%”, the
    passage “21%” (percentage)'."""
    if ev.meaning is None:
        return []
    lines = []
    for conflict in ev.meaning.conflicts:
        claim = f"“{plain(conflict.claim)}”" if conflict.claim else "nothing"
        passage = f"“{plain(conflict.passage)}”" if conflict.passage else "nothing"
        lines.append(f"the claim says {claim}, the passage {passage} ({plain(conflict.kind)})")
    return lines


def cited(ev: EvidenceModel) -> str:
    """The citation as the document gives it: 'ahsn-sim [8] pp. 7-8'."""
    text = plain(ev.source)
    if ev.ref is not None:
        text += f" [{plain(ev.ref)}]"
    if ev.locator:
        text += f" {plain(ev.locator)}"
    return text


#: A difference in words: of a quote against its source (a misquotation), and of the words
#: quoted against what the source says now (a source that changed), by ``op``.
_DIFFERENCE = {
    "insert": "added “{quote}”",
    "delete": "left out “{source}”",
    "replace": "“{quote}” for “{source}”",
}
_CHANGE = {
    "insert": "“{quote}” is gone",
    "delete": "“{source}” was added",
    "replace": "“{quote}” became “{source}”",
}


def difference_text(diff: DifferenceModel, *, forms: dict[str, str] = _DIFFERENCE) -> str:
    """One difference between quote and source, in words: 'added “(AHSN)”'."""
    quote, source = clip(plain(diff.quote), 60), clip(plain(diff.source), 60)
    text = forms[diff.op].format(quote=quote, source=source)
    return f"{text} ({diff.kind.replace('_', ' ')})" if diff.kind else text


def change_text(diff: DifferenceModel) -> str:
    """One way a source changed since it was cited (old words: the quote's; new: what the
    changed copy has): '“23%” became “21%” (number)'."""
    return difference_text(diff, forms=_CHANGE)


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
    if source.file:
        return "unreadable file" if source.problem else "local file"
    return "no copy"


def since_text(source: SourceModel) -> str:
    """From the store's history: 'failing since 2026-04-01, last answered 2026-03-01'."""
    parts = []
    if source.failing_since:
        parts.append(f"failing since {day(source.failing_since)}")
    if source.status is not None and not source.status.alive and source.last_answered:
        parts.append(f"last answered {day(source.last_answered)}")
    return ", ".join(parts)


_TALLY_WORDS = {
    "other": ("accepted", "accepted"),
    "local": ("local file", "local files"),
    "unreadable": ("local file that cannot be read", "local files that cannot be read"),
    "no_copy": ("with no public copy", "with no public copy"),
    "unreached": ("not reached (no network)", "not reached (no network)"),
    "changed": ("changed since cited", "changed since cited"),
}


def source_counts(report: ReportModel) -> list[tuple[str, str]]:
    """The sources counted as every report and the closing summary line show them, as
    (key, words): '6 ok (2 redirected)', '0 rotted', '2 local files', '1 changed since
    cited'. ``ok``, ``rotted`` and ``blocked`` are always listed; the rest when there are any.
    A changed source is also counted by its status: the two say different things."""
    tally: dict[str, int] = {**report.source_tally(), "changed": len(report.outcome().changed)}
    redirected = sum(s.status is LinkStatus.REDIRECTED for s in report.sources)
    counts = []
    for key, count in tally.items():
        if not count and key not in ("ok", "rotted", "blocked"):
            continue
        one, many = _TALLY_WORDS.get(key, (key, key))
        words = f"{count} {one if count == 1 else many}"
        if key == "ok" and redirected:
            words += f" ({redirected} redirected)"
        counts.append((key, words))
    return counts


def claim_counts(report: ReportModel) -> list[tuple[ClaimVerdict, str]]:
    """The claims counted in each verdict, every verdict listed: '1 partly supported'."""
    return [(v, f"{n} {CLAIM_LABEL[v]}") for v, n in report.claim_tally().items()]


def summary_line(report: ReportModel) -> str:
    """One line of counts, for stderr at the end of a run: the same counts, in the same
    words, as the report's header."""
    line = "sources: " + (", ".join(w for _, w in source_counts(report)) or "none")
    if report.claims:
        line += "; claims: " + ", ".join(w for _, w in claim_counts(report))
    if report.run.network is Network.OFFLINE:
        line += (
            "; the network looks unreachable (no host name could be resolved): "
            "nothing was declared dead"
        )
    return line
