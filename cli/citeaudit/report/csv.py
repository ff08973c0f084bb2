"""The CSV report: one row per claim-evidence pair, for a spreadsheet.

It starts with a UTF-8 byte order mark: without one, Excel reads a CSV file in the
computer's legacy code page and turns accents and curly quotes into mojibake; with it, they
open intact, and LibreOffice, Google Sheets and Numbers accept it too (a script reads it
with Python's ``utf-8-sig``, or pandas' default). Columns are only ever added at the end.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be
read by a spreadsheet as a formula, so text from the web could run one; such a cell is
prefixed with an apostrophe, which spreadsheets show as text (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io

from citeaudit.report.model import EvidenceModel, ReportModel
from citeaudit.report.words import conflict_texts, difference_text, drift_phrase, plain, status_text

COLUMNS: tuple[str, ...] = (
    "claim_id",
    "claim_text",
    "claim_verdict",
    "evidence_number",
    "source_id",
    "source_title",
    "source_url",
    "source_status",
    "ref",
    "locator",
    "quote",
    "verdict",
    "judged_on",
    "copy_date",
    "found_at",
    "passage",
    "differences",
    "similarity",
    "link",
    "archived_copy",
    "snapshot_warc",
    "snapshot_record_id",
    "note",
    # Added with changed sources and closest passages:
    "source_changed",
    "changed_passage",
    "suggested_passage",
    # Added with judgements of meaning:
    "meaning_judge",
    "meaning_score",
    "meaning_reason",
    "contradiction",
)

#: The byte order mark the text starts with, so spreadsheets read it as UTF-8.
BOM = "\ufeff"

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a CSV cell: text without control characters, never a formula."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = plain(value)
    return "'" + text if text.startswith(_FORMULA) else text


class CsvReport:
    """Renders one row per claim-evidence pair, after a header row."""

    def row(self, report: ReportModel, index: int, ev: EvidenceModel) -> list[str]:
        source = report.source(ev.source)
        values: list[object] = [
            ev.source,
            source.title if source else None,
            source.url if source else None,
            (source.status or status_text(source)) if source else None,
            ev.ref,
            ev.locator,
            ev.quote,
            ev.verdict,
            ev.judged_on,
            ev.copy_date.isoformat().replace("+00:00", "Z") if ev.copy_date else None,
            ev.found_at,
            ev.passage,
            "; ".join(difference_text(d) for d in ev.differences),
            ev.similarity,
            ev.link,
            source.archive_url if source else None,
            ev.snapshot.warc if ev.snapshot else None,
            ev.snapshot.record_id if ev.snapshot else None,
            ev.note,
            drift_phrase(ev, source) if ev.drift else None,
            ev.drift.passage if ev.drift else None,
            ev.suggested_passage.text if ev.suggested_passage else None,
            ev.meaning.judge if ev.meaning else None,
            ev.meaning.score if ev.meaning else None,
            ev.meaning.reason if ev.meaning else None,
            "; ".join(conflict_texts(ev)) or None,
        ]
        return [cell(index + 1), *(cell(v) for v in values)]

    def render(self, report: ReportModel) -> str:
        """The CSV text (RFC 4180: CRLF line ends, quoted where needed)."""
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for claim in report.claims:
            head = [cell(claim.id), cell(claim.text), cell(claim.verdict)]
            for index, ev in enumerate(claim.evidence):
                writer.writerow(head + self.row(report, index, ev))
        return buffer.getvalue()
