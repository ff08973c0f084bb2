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
    text = renderer(Format.CSV, OPTIONS).render(fixed_report())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(c.evidence) for c in fixed_report().claims) == 10
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
