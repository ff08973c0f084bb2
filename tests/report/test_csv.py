"""The CSV report: one row per claim-evidence pair, never a formula."""

from __future__ import annotations

import csv
import io

from citeaudit.report import Format, renderer
from report_fixture import (
    OPTIONS,
    fixed_report,
)


def test_csv_one_row_per_claim_evidence_pair_and_no_formulas() -> None:
    text = renderer(Format.CSV, OPTIONS).render(fixed_report()).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(c.evidence) for c in fixed_report().claims) == 13
    assert rows[0]["claim_id"] == "twenty-teams" and rows[0]["verdict"] == "verified"
    assert rows[1]["ref"] == "12a" and rows[1]["locator"] == "p. 2"
    assert rows[3]["differences"] == "“30” for “20” (number)"
    assert rows[3]["similarity"] == "0.900"
    hostile = rows[5]
    assert hostile["source_title"].startswith("<script>")
    assert hostile["note"] == "'@everyone [2Jsee <b>this</b>"  # control character dropped
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert text.startswith(",".join(["claim_id", "claim_text", "claim_verdict"]))
    assert "\r\n" in text


def test_csv_guards_every_formula_prefix() -> None:
    from citeaudit.report.csv import cell

    for start in ("=", "+", "-", "@", "\t", "\r", " =", "\x00="):
        value = cell(f"{start}SUM(A1:A9)")
        assert value.endswith("SUM(A1:A9)")
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert cell("plain") == "plain" and cell(None) == "" and cell(0.5) == "0.500"


def test_csv_starts_with_a_byte_order_mark_so_spreadsheets_keep_accents() -> None:
    """Excel reads a CSV without a byte order mark in the legacy code page: “ and é turn
    into mojibake. With the mark, the bytes are read as UTF-8, and utf-8-sig readers (Python,
    pandas) see a clean header."""
    data = renderer(Format.CSV, OPTIONS).render(fixed_report()).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0])[0] == "claim_id"
    assert "“30” for “20” (number)" in [r["differences"] for r in rows]
    changed = next(r for r in rows if r["source_changed"])
    assert changed["source_id"] == "council"
    assert changed["changed_passage"] == "nitrogen dioxide levels fell by 21% across the borough"
    assert changed["source_changed"].startswith("The source has changed: the live copy of")
    assert [r["source_status"] for r in rows if r["source_id"] == "letter"][0] == "local file"
