"""The Markdown report, for an issue or a pull request (GitHub-flavoured: tables, and the
``<del>``/``<ins>`` tags GitHub and GitLab keep, to mark a misquotation's differences).

Every piece of text from the web or the sources file goes through :func:`escape`: markup
characters are backslash-escaped, ``<``, ``>`` and ``&`` cannot open a tag or an entity,
pipes cannot split a table cell, ``$`` cannot start maths, and an ``@`` cannot mention
anyone. Links are only ever http(s) URLs, percent-encoded so they cannot break out.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from citeaudit.report.model import (
    ClaimModel,
    EvidenceModel,
    ReportModel,
    SegmentModel,
    SourceModel,
)
from citeaudit.report.words import (
    change_text,
    cited,
    claim_counts,
    clip,
    conflict_texts,
    copy_phrase,
    day,
    difference_text,
    drafted_text,
    drift_phrase,
    meaning_text,
    moment,
    passage_label,
    plain,
    quoted,
    since_text,
    source_counts,
    source_details,
    status_text,
    suggestion_label,
)
from citeaudit.vocab import ClaimVerdict, Network, Verdict

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_MENTION = re.compile(r"@(?=\w)")
_ISSUE = re.compile(r"#(?=\d)")
_LIST_START = re.compile(r"^(?:[-=+]|\d+\.)")

MARK: dict[ClaimVerdict, str] = {
    ClaimVerdict.SUPPORTED: "✅",
    ClaimVerdict.PARTLY_SUPPORTED: "⚠️",
    ClaimVerdict.UNSUPPORTED: "❌",
    ClaimVerdict.UNVERIFIABLE: "❔",
    ClaimVerdict.CONTRADICTED: "⛔",
}


def escape(value: object, *, line_start: bool = False) -> str:
    """Text shown as it is in Markdown (one line; safe in a table cell). ``line_start``:
    the text begins a line, where ``- `` or ``1. `` would start a list."""
    text = _SPECIAL.sub(r"\\\1", plain(value))
    if line_start:
        text = _LIST_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    text = _MENTION.sub("@\u2060", text)  # a word joiner: no @mention, no notification
    return _ISSUE.sub("#\u2060", text)  # nor a link to an issue of the repository


def safe_url(url: str | None) -> str | None:
    """An http(s) URL percent-encoded so it cannot end a Markdown link early; else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(plain(url), safe=":/?#@!$&'*+,;=%~-._[]")


def link(label: str, url: str | None) -> str:
    """``[label](url)`` when the URL is safe to link, else the label alone."""
    target = safe_url(url)
    return f"[{escape(label)}]({target})" if target else escape(label)


class MarkdownReport:
    """Renders the report as GitHub-flavoured Markdown."""

    def header(self, report: ReportModel) -> list[str]:
        doc, run = report.document, report.run
        title = doc.title if doc and doc.title else run.sources_file
        lines = [f"# Citation audit: {escape(title)}", ""]
        byline = [escape(x) for x in (doc.author, doc.publisher) if x] if doc else []
        if doc and doc.published:
            byline.append(f"published {day(doc.published)}")
        run_line = (
            f"Run `{plain(run.id)}`, {moment(run.finished)}, from {escape(run.sources_file)} "
            f"(citeaudit {escape(report.tool.version)})"
        )
        if byline:
            lines.append(", ".join(byline) + "  ")
        lines += [run_line, ""]
        drafted = drafted_text(report)
        if drafted:
            lines += [f"> **{escape(drafted)}.**", ""]
        if report.claims:
            counts = " · ".join(f"{MARK[v]} {words}" for v, words in claim_counts(report))
            lines.append(f"**Claims:** {counts}  ")
        sources = " · ".join(words for _, words in source_counts(report))
        lines += [f"**Sources:** {sources}", ""]
        if report.run.network is Network.OFFLINE:
            lines += [
                "> **The network looked unreachable:** no source could be fetched, and nothing "
                "was declared dead. Run again when online.",
                "",
            ]
        return lines

    def claims_table(self, report: ReportModel) -> list[str]:
        lines = ["## Claims", "", "| Claim | Verdict | Evidence |", "|---|---|---|"]
        for claim in report.claims:
            evidence = "<br>".join(f"{escape(cited(e))}: {e.verdict}" for e in claim.evidence)
            lines.append(
                f"| **{escape(claim.id)}**<br>{escape(clip(claim.text, 200))} "
                f"| {MARK[claim.verdict]} {claim.verdict} | {evidence} |"
            )
        return [*lines, ""]

    def evidence(self, ev: EvidenceModel, report: ReportModel) -> list[str]:
        source = report.source(ev.source)
        title = f" ({escape(clip(plain(source.title), 100))})" if source and source.title else ""
        how = [f"judged on {copy_phrase(ev, source)}"] if ev.judged_on else []
        if ev.found_at:
            how.append(f"found at {escape(ev.found_at)}")
        if ev.similarity is not None and ev.verdict is Verdict.MISQUOTED:
            how.append(f"similarity {ev.similarity:.2f}")
        changed = " (source changed)" if ev.drift else ""
        head = f"- **{ev.verdict}**{changed}: {escape(cited(ev))}{title}"
        lines = [head + (f": {', '.join(how)}" if how else "")]
        judged = meaning_text(ev)
        if judged:
            lines.append(f"  **{escape(judged[:1].upper() + judged[1:], line_start=True)}**")
        if ev.note:
            lines.append(f"  *{escape(ev.note, line_start=True)}*")
        if ev.comparison:
            lines.append("  > " + self.marked(ev.comparison))
            lines.append("  " + "; ".join(escape(difference_text(d)) for d in ev.differences))
        elif ev.passage:
            label = passage_label(ev)
            if label:
                lines.append(f"  {escape(label.capitalize())}:")
            lines.append(f"  > {escape(clip(ev.passage, 400), line_start=True)}")
            conflicts = conflict_texts(ev)
            if conflicts:
                lines.append("  " + "; ".join(escape(c) for c in conflicts))
        elif ev.quote and ev.verdict is not Verdict.LINK_ONLY:
            lines.append(f"  Quoted: {escape(quoted(ev.quote, 400))}")
        if ev.suggested_passage:
            at = ev.suggested_passage.found_at
            lines.append(
                f"  {suggestion_label(ev).capitalize()}{f' ({escape(at)})' if at else ''}: "
                f"{escape(quoted(ev.suggested_passage.text, 300))}"
            )
        if ev.drift:
            lines += self.drift(ev, source)
        links = []
        at_passage = ev.link or (ev.suggested_passage.link if ev.suggested_passage else None)
        if at_passage:
            links.append(link("open the page at the passage", at_passage))
        elif source and source.url:
            label = "the page as it reads now" if ev.drift else "the page"
            links.append(link(label, (ev.drift.link if ev.drift else None) or source.url))
        if source and source.archive_url:
            links.append(link("archived copy", source.archive_url))
        if ev.snapshot:
            links.append(
                f"our snapshot: `{plain(ev.snapshot.warc)}` record `{plain(ev.snapshot.record_id)}`"
            )
        if links:
            lines.append("  " + " · ".join(links))
        # Markdown joins a list item's lines into one paragraph unless each ends with two spaces.
        return [line + "  " if i < len(lines) - 1 else line for i, line in enumerate(lines)]

    @staticmethod
    def marked(segments: list[SegmentModel]) -> str:
        """Words set against words: <del>struck</del> and <ins>underlined</ins>."""
        marked = []
        for index, seg in enumerate(segments):
            words = escape(seg.text, line_start=index == 0)
            if seg.op == "delete":
                marked.append(f"<del>{words}</del>")
            elif seg.op == "insert":
                marked.append(f"<ins>{words}</ins>")
            elif seg.op == "elided":
                marked.append("\\[…\\]")
            else:
                marked.append(words)
        return " ".join(marked)

    def drift(self, ev: EvidenceModel, source: SourceModel | None) -> list[str]:
        """The source changed since it was cited: the quoted words set against the new."""
        drift = ev.drift
        if drift is None:
            return []
        lines = [f"  **{escape(drift_phrase(ev, source))}.**"]
        if drift.comparison:
            lines.append("  Was → now: " + self.marked(drift.comparison))
            lines.append("  " + "; ".join(escape(change_text(d)) for d in drift.differences))
        elif drift.passage:
            at = f" ({escape(drift.found_at)})" if drift.found_at else ""
            lines.append(f"  Closest now{at}: {escape(quoted(drift.passage, 300))}")
        return lines

    def corrections(self, report: ReportModel) -> list[str]:
        """Quotes found word for word on another page than cited: citations to fix."""
        rows = [
            f"| **{escape(c.id)}** | {escape(cited(e))} | {escape(e.found_at or '')} |"
            for c in report.claims
            for e in c.evidence
            if e.verdict is Verdict.WRONG_LOCATOR
        ]
        if not rows:
            return []
        head = ["## Citations to correct", "", "| Claim | Cited | Found at |", "|---|---|---|"]
        return [*head, *rows, ""]

    def claim(self, claim: ClaimModel, report: ReportModel) -> list[str]:
        lines = [
            f"### {MARK[claim.verdict]} {claim.verdict}: {escape(claim.id)}",
            "",
            f"> {escape(claim.text, line_start=True)}",
            "",
        ]
        for ev in claim.evidence:
            lines += self.evidence(ev, report)
        return [*lines, ""]

    def sources_table(
        self, title: str, sources: list[SourceModel], report: ReportModel | None = None
    ) -> list[str]:
        lines = [f"## {title}", "", "| Source | Status | Details | Links |", "|---|---|---|---|"]
        for s in sources:
            details = source_details(s)
            since = since_text(s)
            if since:
                details = f"{details} ({since})" if details else since
            details = escape(details)
            for claim, ev in report.changes(s.id) if report else []:
                now = ev.drift.passage if ev.drift and ev.drift.passage else None
                details += (
                    f"<br>changed since cited ({escape(claim.id)}): was "
                    f"{escape(quoted(ev.quote or '', 160))}"
                    + (f", now {escape(quoted(now, 160))}" if now else ", now gone")
                )
            links = []
            if s.url:
                links.append(link("live", s.url))
            copy = s.archive_copy
            if copy is not None:
                links.append(link(f"archived {day(copy.date)}".strip(), copy.url))
            name = f"**{escape(s.id)}**" + (f"<br>{escape(clip(s.title, 80))}" if s.title else "")
            lines.append(f"| {name} | {status_text(s)} | {details} | {' · '.join(links)} |")
        return [*lines, ""]

    def render(self, report: ReportModel) -> str:
        """The report as Markdown, ending in a newline."""
        lines = self.header(report)
        if report.claims:
            lines += self.claims_table(report)
            lines += [
                "## Evidence",
                "",
                "Misquotations: <del>struck</del> words are in the source but not the quote; "
                "<ins>underlined</ins> words are in the quote but not the source.",
                "",
            ]
            for claim in report.claims:
                lines += self.claim(claim, report)
            lines += self.corrections(report)
            attention = report.attention()
            if attention:
                lines += self.sources_table("Sources that need attention", attention, report)
            else:
                lines += ["## Sources that need attention", "", "None.", ""]
        else:
            lines += self.sources_table("Sources", report.sources)
        return "\n".join(lines).rstrip("\n") + "\n"
