"""The HTML report: one self-contained page a journalist can send, print or read on a phone.

Rendered with Jinja2 from the templates shipped in ``report/templates/``, with autoescape
on: every value from the web or the sources file is escaped, so a ``<script>`` in a page
title or passage is shown as text. The page loads nothing (its styles are inline, it has no
script, and its Content-Security-Policy forbids fetching anything), so it works offline.

Links: each passage opens the live page at the passage (a text fragment, or ``#page=N``
for a PDF); the snapshot a verdict was reached on is linked as a relative path from the
report to the WARC file in the evidence store, with its record id (open it in a WARC
viewer, or export the store with ``citeaudit export --wacz`` for ReplayWeb.page); the
public archive's copy (a Memento) is linked where one was found.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import pathname2url

from jinja2 import Environment, PackageLoader, StrictUndefined

from citeaudit.report.model import CaptureModel, ReportModel, SnapshotModel, SourceModel
from citeaudit.report.words import (
    CLAIM_LABEL,
    CLAIM_MEANING,
    EVIDENCE_LABEL,
    EVIDENCE_MEANING,
    change_text,
    cited,
    clip,
    conflict_texts,
    copy_phrase,
    day,
    difference_text,
    drafted_text,
    drift_phrase,
    moment,
    passage_label,
    plain,
    since_text,
    source_details,
    status_text,
    suggestion_label,
)
from citeaudit.text import fold_keeping_accents
from citeaudit.vocab import ClaimVerdict, LinkStatus, Verdict

_ENV = Environment(
    loader=PackageLoader("citeaudit.report", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def href(url: str | None) -> str | None:
    """A URL safe to put in ``href``: http(s) only (never ``javascript:`` or ``data:``)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return plain(url) if scheme in ("http", "https") else None


def status_class(status: LinkStatus | None, file: str | None = None) -> str:
    """The CSS class of a link status: ok, rotted, blocked or none."""
    if status is None:
        return "local" if file else "none"
    if status.alive:
        return "ok"
    return "rotted" if status.rotted else "blocked"


def capture_title(capture: CaptureModel) -> str:
    """A capture in words, for the tooltip of its square in the history strip."""
    status = str(capture.status) if capture.status else "local file"
    code = f" ({capture.http_status})" if capture.http_status else ""
    kept = {"revisit": ", unchanged", "response": ", copy kept", "resource": ", copy kept"}
    return f"{moment(capture.date)}: {status}{code}{kept.get(capture.kept or '', '')}"


def same_words(quote: str, text: str) -> bool:
    """Whether a quote is a claim's own text (typography, case and punctuation aside)."""
    words = [re.sub(r"\W+", "", w) for w in fold_keeping_accents(quote).split()]
    return words == [re.sub(r"\W+", "", w) for w in fold_keeping_accents(text).split()]


def archived_date(source: SourceModel) -> str:
    """The date of the public archive's copy of a source ('' when there is none)."""
    copy = source.archive_copy
    return day(copy.date) if copy else ""


def snapshot_title(snapshot: SnapshotModel | None) -> str:
    """Where a snapshot is kept, for a reader who has the store and one who does not."""
    if snapshot is None:
        return ""
    return (
        f"{snapshot.warc}, record {snapshot.record_id}: in the evidence store of whoever ran "
        "the audit; from elsewhere, open their `citeaudit export --wacz` in ReplayWeb.page"
    )


def good_snapshot(report: ReportModel, source: SourceModel) -> SnapshotModel | None:
    """The snapshot a source's row links to: this run's copy when the source answered (or is
    a local file); never the error page a broken link returned, but the newest copy a
    verdict was reached on instead, when there is one."""
    if source.status is None or source.status.alive:
        return source.snapshot
    kept = [
        e.snapshot
        for c in report.claims
        for e in c.evidence
        if e.source == source.id and e.snapshot
    ]
    return max(kept, key=lambda s: s.date) if kept else None


class HtmlReport:
    """Renders the report as one HTML page.

    ``output_dir`` is where the page will be written and ``store_dir`` where the evidence
    store is (default: the run's): links to snapshots are relative from one to the other.
    """

    def __init__(self, *, output_dir: Path | None = None, store_dir: Path | None = None) -> None:
        self.output_dir = output_dir
        self.store_dir = store_dir

    def snapshot_href(self, report: ReportModel, snapshot: SnapshotModel | None) -> str | None:
        """A relative link from the report to the WARC file holding a snapshot."""
        store = self.store_dir or (Path(report.run.store) if report.run.store else None)
        if snapshot is None or store is None:
            return None
        target = (store / snapshot.warc).absolute()
        base = (self.output_dir or Path.cwd()).absolute()
        try:
            relative = os.path.relpath(target, base)
        except ValueError:  # another drive, on Windows
            return Path(target).as_uri()
        return pathname2url(relative)

    def render(self, report: ReportModel) -> str:
        """The page, as one string of HTML."""
        template = _ENV.get_template("report.html.j2")
        doc = report.document
        title = plain(doc.title) if doc and doc.title else plain(report.run.sources_file)
        return template.render(
            report=report,
            title=title,
            sources={s.id: s for s in report.sources},
            claim_tally=report.claim_tally() if report.claims else {},
            source_tally=report.source_tally(),
            redirected=sum(s.status is LinkStatus.REDIRECTED for s in report.sources),
            changed=len(report.outcome().changed),
            corrections=[
                (c, e)
                for c in report.claims
                for e in c.evidence
                if e.verdict is Verdict.WRONG_LOCATOR
            ],
            attention=report.attention(),
            ClaimVerdict=ClaimVerdict,
            CLAIM_LABEL=CLAIM_LABEL,
            CLAIM_MEANING=CLAIM_MEANING,
            EVIDENCE_LABEL=EVIDENCE_LABEL,
            EVIDENCE_MEANING=EVIDENCE_MEANING,
            href=href,
            snapshot_href=lambda snapshot: self.snapshot_href(report, snapshot),
            snapshot_title=snapshot_title,
            good_snapshot=lambda source: good_snapshot(report, source),
            drift_phrase=drift_phrase,
            change_text=change_text,
            suggestion_label=suggestion_label,
            drafted=drafted_text(report),
            passage_label=passage_label,
            conflict_texts=conflict_texts,
            archived_date=archived_date,
            same_words=same_words,
            status_class=status_class,
            status_text=status_text,
            source_details=source_details,
            since_text=since_text,
            capture_title=capture_title,
            copy_phrase=copy_phrase,
            difference_text=difference_text,
            cited=cited,
            clip=clip,
            day=day,
            moment=moment,
            plain=plain,
        )
