"""The terminal report (rich): a summary, the claims as a tree (claim -> evidence -> verdict,
the copy judged on, where the passage was found, a misquotation's differences marked word
by word), then the sources that need attention.

Text that came from the web or the sources file is always passed to rich as ``Text``,
never as markup, and stripped of control characters, so a page title cannot restyle the
terminal or smuggle escape sequences into it. Without colour (``NO_COLOR``, or output that
is not a terminal) the differences are marked in the text itself, ``[-left out-]`` and
``{+added+}``, as wdiff does.
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from rich.tree import Tree

from citeaudit.report.model import (
    ClaimModel,
    EvidenceModel,
    ReportModel,
    SegmentModel,
    SourceModel,
)
from citeaudit.report.words import (
    CLAIM_LABEL,
    cited,
    clip,
    copy_phrase,
    day,
    difference_text,
    moment,
    plain,
    since_text,
    source_details,
    status_text,
)
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network, Verdict

__all__ = ["STATUS_STYLE", "VERDICT_STYLE", "TerminalReport", "plain"]

STATUS_STYLE: dict[str, str] = {
    LinkStatus.OK: "green",
    LinkStatus.REDIRECTED: "green",
    LinkStatus.BLOCKED: "yellow",
    LinkStatus.RATE_LIMITED: "yellow",
}
VERDICT_STYLE: dict[str, str] = {
    Verdict.VERIFIED: "green",
    Verdict.LINK_ONLY: "cyan",
    Verdict.WRONG_LOCATOR: "yellow",
    Verdict.MISQUOTED: "yellow",
    Verdict.NO_TEXT: "magenta",
    Verdict.SOURCE_UNAVAILABLE: "magenta",
    ClaimVerdict.SUPPORTED: "bold green",
    ClaimVerdict.PARTLY_SUPPORTED: "bold yellow",
    ClaimVerdict.UNSUPPORTED: "bold red",
    ClaimVerdict.UNVERIFIABLE: "bold magenta",
}
_TALLY_STYLE = {"ok": "green", "rotted": "red", "blocked": "yellow"}
_TALLY_WORDS = {
    "other": "accepted",
    "local": "local file",
    "no_copy": "no public copy",
    "unreached": "not reached (no network)",
}


def _indent(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, 2), expand=False)


def _verdict(verdict: str) -> Text:
    return Text(str(verdict), style=VERDICT_STYLE.get(verdict, "red"))


class TerminalReport:
    """Renders for a person at a terminal (or plain text when not one)."""

    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color

    # -- pieces --------------------------------------------------------------------------

    def header(self, report: ReportModel) -> Text:
        """What was audited, when, and the counts a reader looks at first."""
        doc, run = report.document, report.run
        text = Text()
        title = plain(doc.title) if doc and doc.title else plain(run.sources_file)
        text.append("Citation audit: ", style="bold")
        text.append(title, style="bold")
        byline = [plain(x) for x in (doc.author, doc.publisher) if x] if doc else []
        if doc and doc.published:
            byline.append(f"published {day(doc.published)}")
        if byline:
            text.append("\n" + ", ".join(byline), style="dim")
        text.append(
            f"\nrun {plain(run.id)}, {moment(run.finished)}, {plain(run.sources_file)}",
            style="dim",
        )
        narrow = (self.width or 120) < 72  # then one count a line, never split
        if report.claims:
            claims = [
                (f"{count} {CLAIM_LABEL[verdict]}", VERDICT_STYLE[verdict] if count else "dim")
                for verdict, count in report.claim_tally().items()
            ]
            self._counts(text, "Claims:  ", claims, narrow)
        sources = [
            (f"{count} {_TALLY_WORDS.get(key, key)}", _TALLY_STYLE.get(key, "") if count else "dim")
            for key, count in report.source_tally().items()
            if count or key in _TALLY_STYLE
        ]
        self._counts(text, "Sources: ", sources, narrow)
        return text

    @staticmethod
    def _counts(text: Text, label: str, items: list[tuple[str, str]], narrow: bool) -> None:
        text.append("\n" + label.strip() if narrow else "\n" + label, style="bold")
        for index, (words, style) in enumerate(items):
            if narrow:
                text.append("\n  ")
            elif index:
                text.append(" · ")
            text.append(words, style=style)

    def marked(self, segments: list[SegmentModel]) -> Text:
        """The quote set against the passage, each difference styled (or bracketed)."""
        text = Text()
        for index, seg in enumerate(segments):
            if index:
                text.append(" ")
            words = plain(seg.text)
            if seg.op == "equal":
                text.append(words)
            elif seg.op == "elided":
                text.append("[…]", style="dim")
            elif seg.op == "delete":
                text.append(words if self.color else f"[-{words}-]", style="red strike")
            else:
                text.append(words if self.color else f"{{+{words}+}}", style="green underline")
        return text

    def evidence(self, ev: EvidenceModel, report: ReportModel) -> Group:
        """One piece of evidence: the citation, its verdict, and how it was reached."""
        head = Text()
        head.append_text(_verdict(ev.verdict))
        head.append("  ")
        head.append(cited(ev), style="bold")
        source = report.source(ev.source)
        if source and source.title:
            head.append(f" — {clip(plain(source.title), 80)}", style="dim")
        lines: list[RenderableType] = [head]
        how = [f"judged on {copy_phrase(ev)}"] if ev.judged_on else []
        if ev.found_at:
            how.append(f"found at {plain(ev.found_at)}")
        if ev.similarity is not None and ev.verdict is Verdict.MISQUOTED:
            how.append(f"similarity {ev.similarity:.2f}")
        if how:
            lines.append(Text(", ".join(how)))
        if ev.note:
            lines.append(Text(plain(ev.note), style="italic"))
        if ev.comparison:
            lines.append(_indent(self.marked(ev.comparison)))
            for diff in ev.differences:
                style = "bold red" if diff.kind in ("negation", "number", "date") else ""
                lines.append(_indent(Text(difference_text(diff), style=style)))
        elif ev.passage:
            lines.append(_indent(Text(f"“{clip(plain(ev.passage), 240)}”", style="dim")))
        elif ev.quote and ev.verdict is not Verdict.LINK_ONLY:
            lines.append(_indent(Text(f"quoted: “{clip(plain(ev.quote), 240)}”", style="dim")))
        if ev.suggested_passage:
            at = ev.suggested_passage.found_at
            suggestion = (
                f"likeliest passage{f' ({plain(at)})' if at else ''}: "
                f"“{clip(plain(ev.suggested_passage.text), 200)}”"
            )
            lines.append(_indent(Text(suggestion, style="dim")))
        if ev.drift:
            lines.append(_indent(Text(f"drift: {plain(ev.drift.note)}", style="yellow")))
        if ev.link:
            lines.append(Text(plain(ev.link), style="blue", overflow="fold"))
        return Group(*lines)

    def claim(self, claim: ClaimModel, report: ReportModel, tree: Tree) -> None:
        """A claim's node: its verdict and text, then a child per piece of evidence."""
        label = Text()
        label.append_text(_verdict(claim.verdict))
        label.append("  ")
        label.append(plain(claim.id), style="bold")
        label.append("\n" + clip(plain(claim.text), 400))
        node = tree.add(label)
        for ev in claim.evidence:
            node.add(self.evidence(ev, report))

    def source(self, source: SourceModel) -> Text:
        """A source: its status, why, since when, and where a copy is."""
        text = Text()
        status = status_text(source)
        style = STATUS_STYLE.get(source.status, "red") if source.status else "dim"
        text.append(plain(source.id), style="bold")
        text.append("  ")
        text.append(status, style=style)
        if source.http_status is not None and str(source.http_status) not in status:
            text.append(f" {source.http_status}")
        details = source_details(source)
        if details:
            text.append("\n" + details)
        since = since_text(source)
        if since:
            text.append("\n" + since, style="dim")
        if source.url:
            text.append("\n" + plain(source.url), style="blue")
        copy = source.archive_copy
        if copy is not None:
            when = f" of {day(copy.date)}" if copy.date else ""
            text.append(f"\npublic archive copy{when}:")
            text.append(f"\n{plain(copy.url)}", style="blue")
        elif source.archived_copy is not None and source.archived_copy.note:
            text.append(f"\narchive: {plain(source.archived_copy.note)}", style="dim")
        return text

    # -- the whole ---------------------------------------------------------------------------

    def renderables(self, report: ReportModel) -> list[Text | Tree]:
        """The report's parts, in reading order."""
        parts: list[Text | Tree] = [self.header(report)]
        if report.run.network is Network.OFFLINE:
            parts.append(
                Text(
                    "The network looks unreachable: no source could be fetched. "
                    "Nothing was declared dead; run again when online.",
                    style="bold yellow",
                )
            )
        if report.claims:
            claims = Tree(Text("Claims", style="bold"), guide_style="dim")
            for claim in report.claims:
                self.claim(claim, report, claims)
            parts.append(claims)
            attention = report.attention()
            title = "Sources that need attention"
            if not attention:
                parts.append(Text(f"{title}: none", style="bold"))
        else:
            attention, title = report.sources, "Sources"
        if attention:
            sources = Tree(Text(title, style="bold"), guide_style="dim")
            for source in attention:
                sources.add(self.source(source))
            parts.append(sources)
        return parts

    def render(self, report: ReportModel) -> str:
        """The report as text, with ANSI styles only when colour was asked for."""
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            width=self.width or 120,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            emoji=False,
            markup=False,
            legacy_windows=False,
        )
        for index, part in enumerate(self.renderables(report)):
            if index:
                console.print()
            console.print(part)
        if self.color:
            return buffer.getvalue()
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
