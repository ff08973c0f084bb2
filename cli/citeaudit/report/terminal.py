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
import re
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from rich.tree import Tree

from citeaudit.report.model import (
    ClaimModel,
    DifferenceModel,
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
    Verdict.NOT_SUPPORTED: "yellow",
    # "supported" and "contradicted" name evidence and claims alike: styled as claims
    ClaimVerdict.CONTRADICTED: "bold red",
    ClaimVerdict.SUPPORTED: "bold green",
    ClaimVerdict.PARTLY_SUPPORTED: "bold yellow",
    ClaimVerdict.UNSUPPORTED: "bold red",
    ClaimVerdict.UNVERIFIABLE: "bold magenta",
}
_TALLY_STYLE = {"ok": "green", "rotted": "red", "blocked": "yellow", "changed": "yellow"}


class _Unbroken:
    """Long words (URLs, ids, paths) kept whole: rich folds a word longer than the room
    left for it, which breaks a URL in two (and a pasted half does not open). Each long
    word is laid out as a placeholder as long as the word, or as the room a line has where
    it is shown when the word is longer, and put back after rendering: the line is wrapped
    before the word, and runs long only when the word is longer than any line."""

    _SHORTEST = 10  # words this short always fit; they are left to rich
    _PLACEHOLDER = re.compile("\ue000(\\d+)\ue001\ue002*")

    def __init__(self, width: int) -> None:
        self.width = width
        self.indent = 0  # how far in the text being laid out now starts
        self.words: list[str] = []

    def keep(self, text: str) -> str:
        """``text`` with each long word replaced by its placeholder."""
        return re.sub(rf"\S{{{self._SHORTEST + 1},}}", self._hold, text)

    def _hold(self, match: re.Match[str]) -> str:
        word = match.group()
        self.words.append(word)
        mark = f"\ue000{len(self.words) - 1}\ue001"
        room = max(len(mark), self.width - self.indent)
        return mark + "\ue002" * max(0, min(len(word), room) - len(mark))

    def restore(self, rendered: str) -> str:
        """The rendered text with every long word back in its place."""
        return self._PLACEHOLDER.sub(lambda m: self.words[int(m.group(1))], rendered)


_NODE_INDENT = 4  # a node of a tree's first level starts after its guide
_EVIDENCE_INDENT = 10  # a node of the second level, indented once more


def _indent(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, 2), expand=False)


def _verdict(verdict: str) -> Text:
    return Text(str(verdict), style=VERDICT_STYLE.get(verdict, "red"))


class TerminalReport:
    """Renders for a person at a terminal (or plain text when not one)."""

    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color
        self._unbroken = _Unbroken(width or 120)

    def _p(self, value: object, limit: int | None = None) -> str:
        """Text from the web or the sources file, safe to show, its long words kept whole."""
        text = plain(value)
        return self._unbroken.keep(clip(text, limit) if limit else text)

    def _q(self, value: str, limit: int) -> str:
        """A passage between quotation marks that balance, its long words kept whole."""
        return self._unbroken.keep(quoted(value, limit))

    # -- pieces --------------------------------------------------------------------------

    def header(self, report: ReportModel) -> Text:
        """What was audited, when, and the counts a reader looks at first."""
        doc, run = report.document, report.run
        self._unbroken.indent = 0
        text = Text()
        title = self._p(doc.title) if doc and doc.title else self._p(run.sources_file)
        text.append("Citation audit: ", style="bold")
        text.append(title, style="bold")
        byline = [self._p(x) for x in (doc.author, doc.publisher) if x] if doc else []
        if doc and doc.published:
            byline.append(f"published {day(doc.published)}")
        if byline:
            text.append("\n" + ", ".join(byline), style="dim")
        text.append(
            f"\nrun {self._p(run.id)}, {moment(run.finished)}, {self._p(run.sources_file)}",
            style="dim",
        )
        drafted = drafted_text(report)
        if drafted:
            text.append(f"\n{self._p(drafted)}", style="bold yellow")
        narrow = (self.width or 120) < 72  # then one count a line, never split
        if report.claims:
            claims = [
                (words, VERDICT_STYLE[verdict] if words[0] != "0" else "dim")
                for verdict, words in claim_counts(report)
            ]
            self._counts(text, "Claims:  ", claims, narrow)
        sources = [
            (words, _TALLY_STYLE.get(key, "") if words[0] != "0" else "dim")
            for key, words in source_counts(report)
        ]
        self._counts(text, "Sources: ", sources, narrow)
        return text

    def _counts(self, text: Text, label: str, items: list[tuple[str, str]], narrow: bool) -> None:
        """A line of counts, broken only between counts (never inside '1 changed since
        cited'); one count a line when narrow."""
        text.append("\n" + label.strip() if narrow else "\n" + label, style="bold")
        width, used = self.width or 120, len(label)
        for index, (words, style) in enumerate(items):
            if narrow:
                text.append("\n  ")
            elif index and used + 3 + len(words) > width:
                text.append("\n" + " " * len(label))
                used = len(label)
            elif index:
                text.append(" · ")
                used += 3
            text.append(words, style=style)
            used += len(words)

    def marked(self, segments: list[SegmentModel]) -> Text:
        """The quote set against the passage, each difference styled (or bracketed)."""
        text = Text()
        for index, seg in enumerate(segments):
            if index:
                text.append(" ")
            words = self._p(seg.text)
            if seg.op == "equal":
                text.append(words)
            elif seg.op == "elided":
                text.append("[…]", style="dim")
            elif seg.op == "delete":
                text.append(words if self.color else f"[-{words}-]", style="red strike")
            else:
                text.append(words if self.color else f"{{+{words}+}}", style="green underline")
        return text

    def _differences(
        self, diffs: list[DifferenceModel], say: Callable[[DifferenceModel], str]
    ) -> list[RenderableType]:
        return [
            _indent(
                Text(
                    self._p(say(d)),
                    style="bold red" if d.kind in ("negation", "number", "date") else "",
                )
            )
            for d in diffs
        ]

    def _link(self, url: str, label: str | None = None) -> Text:
        text = Text(f"{label}: " if label else "", style="dim")
        text.append(self._p(url), style="blue")
        return text

    def drift(self, ev: EvidenceModel, source: SourceModel | None) -> list[RenderableType]:
        """A source that changed since it was cited: the quoted words against what it has now."""
        drift = ev.drift
        if drift is None:
            return []
        lines: list[RenderableType] = [
            Text(self._unbroken.keep(drift_phrase(ev, source)), style="bold yellow")
        ]
        if drift.comparison:
            lines.append(_indent(self.marked(drift.comparison)))
            lines += self._differences(drift.differences, change_text)
        elif drift.passage:
            at = f" ({self._p(drift.found_at)})" if drift.found_at else ""
            lines.append(_indent(Text(f"closest now{at}: {self._q(drift.passage, 240)}")))
        if drift.link:
            lines.append(self._link(drift.link, "the page as it reads now"))
        return lines

    def evidence(self, ev: EvidenceModel, report: ReportModel) -> Group:
        """One piece of evidence: the citation, its verdict, and how it was reached."""
        self._unbroken.indent = _EVIDENCE_INDENT
        head = Text()
        head.append_text(_verdict(ev.verdict))
        if ev.drift:
            head.append(" (source changed)", style="bold yellow")
        head.append("  ")
        head.append(self._p(cited(ev)), style="bold")
        source = report.source(ev.source)
        if source and source.title:
            head.append(f" — {self._p(source.title, 80)}", style="dim")
        lines: list[RenderableType] = [head]
        how = [f"judged on {copy_phrase(ev, source)}"] if ev.judged_on else []
        if ev.found_at:
            how.append(f"found at {self._p(ev.found_at)}")
        if ev.similarity is not None and ev.verdict is Verdict.MISQUOTED:
            how.append(f"similarity {ev.similarity:.2f}")
        if how:
            lines.append(Text(", ".join(how)))
        judged = meaning_text(ev)
        if judged:
            lines.append(Text(self._p(judged), style="bold cyan"))
        if ev.note:
            lines.append(Text(self._p(ev.note), style="italic"))
        if ev.comparison:
            lines.append(_indent(self.marked(ev.comparison)))
            lines += self._differences(ev.differences, difference_text)
        elif ev.passage:
            label = passage_label(ev)
            text = self._q(ev.passage, 240)
            lines.append(_indent(Text(f"{label}: {text}" if label else text, style="dim")))
            lines += [_indent(Text(self._p(c), style="red")) for c in conflict_texts(ev)]
        elif ev.quote and ev.verdict is not Verdict.LINK_ONLY:
            lines.append(_indent(Text(f"quoted: {self._q(ev.quote, 240)}", style="dim")))
        if ev.suggested_passage:
            at = ev.suggested_passage.found_at
            label = suggestion_label(ev) + (f" ({self._p(at)})" if at else "")
            text = f"{label}: {self._q(ev.suggested_passage.text, 200)}"
            lines.append(_indent(Text(text, style="dim")))
        lines += self.drift(ev, source)
        if ev.link:
            lines.append(self._link(ev.link))
        return Group(*lines)

    def claim(self, claim: ClaimModel, report: ReportModel, tree: Tree) -> None:
        """A claim's node: its verdict and text, then a child per piece of evidence."""
        self._unbroken.indent = _NODE_INDENT
        label = Text()
        label.append_text(_verdict(claim.verdict))
        label.append("  ")
        label.append(self._p(claim.id), style="bold")
        label.append("\n" + self._p(claim.text, 400))
        node = tree.add(label)
        for ev in claim.evidence:
            node.add(self.evidence(ev, report))

    def source(self, source: SourceModel, report: ReportModel | None = None) -> Group:
        """A source: its status, why, since when, where a copy is, and how it changed."""
        self._unbroken.indent = _NODE_INDENT + 2
        text = Text()
        status = status_text(source)
        style = STATUS_STYLE.get(source.status, "red") if source.status else "dim"
        text.append(self._p(source.id), style="bold")
        text.append("  ")
        text.append(status, style=style)
        if source.http_status is not None and str(source.http_status) not in status:
            text.append(f" {source.http_status}")
        details = source_details(source)
        if details:
            text.append("\n" + self._unbroken.keep(details))
        since = since_text(source)
        if since:
            text.append("\n" + since, style="dim")
        lines: list[RenderableType] = [text]
        if source.url:
            lines.append(self._link(source.url))
        copy = source.archive_copy
        if copy is not None:
            when = f" of {day(copy.date)}" if copy.date else ""
            lines.append(self._link(copy.url or "", f"public archive copy{when}"))
        elif source.archived_copy is not None and source.archived_copy.note:
            note = f"archive: {self._p(source.archived_copy.note)}"
            lines.append(Text(note, style="dim"))
        for claim, ev in report.changes(source.id) if report else []:
            lines.append(Text(f"cited for {self._p(claim.id)}:", style="dim"))
            lines += [_indent(Text(f"was: {self._q(ev.quote or '', 240)}"))]
            if ev.drift and ev.drift.passage:
                lines += [_indent(Text(f"now: {self._q(ev.drift.passage, 240)}"))]
        return Group(*lines)

    def corrections(self, report: ReportModel) -> Tree | None:
        """Quotes found word for word, but on another page than cited: citations to fix."""
        wrong = [
            (c, e) for c in report.claims for e in c.evidence if e.verdict is Verdict.WRONG_LOCATOR
        ]
        if not wrong:
            return None
        self._unbroken.indent = _NODE_INDENT
        tree = Tree(Text("Citations to correct", style="bold"), guide_style="dim")
        for claim, ev in wrong:
            text = Text(f"{self._p(claim.id)}  ", style="bold")
            text.append(self._p(cited(ev)))
            text.append(f"\nfound at {self._p(ev.found_at or 'another place')}", style="yellow")
            tree.add(text)
        return tree

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
            corrections = self.corrections(report)
            if corrections is not None:
                parts.append(corrections)
            attention = report.attention()
            title = "Sources that need attention"
            if not attention:
                parts.append(Text(f"{title}: none", style="bold"))
        else:
            attention, title = report.sources, "Sources"
        if attention:
            sources = Tree(Text(title, style="bold"), guide_style="dim")
            for source in attention:
                sources.add(self.source(source, report))
            parts.append(sources)
        return parts

    def render(self, report: ReportModel) -> str:
        """The report as text, with ANSI styles only when colour was asked for."""
        self._unbroken = _Unbroken(self.width or 120)
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
        rendered = self._unbroken.restore(buffer.getvalue())
        if self.color:
            return rendered
        return "".join(line.rstrip() + "\n" for line in rendered.splitlines())
