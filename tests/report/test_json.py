"""The JSON report: the model as it is, and read back."""

from __future__ import annotations

import json

from citeaudit.report import Format, renderer
from citeaudit.report.model import (
    ReportModel,
)
from report_fixture import (
    OPTIONS,
    fixed_report,
)


def test_json_is_the_model_and_reads_back() -> None:
    report = fixed_report()
    text = renderer(Format.JSON, OPTIONS).render(report)
    data = json.loads(text)
    assert ReportModel.model_validate(data) == report
    assert ReportModel.model_validate_json(text) == report
    assert data["run"]["started"] == "2026-05-03T10:00:00Z"
    assert data["sources"][2]["archived_copy"] == {
        "url": "https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/numbers.pdf",
        "date": "2021-05-10T09:30:00Z",
        "raw_url": "https://web.archive.org/web/20210510093000id_/https://highintensitynetwork.org/numbers.pdf",
        "timegate": "https://web.archive.org/web/",
        "found": True,
        "note": None,
        "http_status": 200,
    }
    assert data["sources"][0]["history"][1] == {
        "run_id": "20260502T100000Z-run2",
        "date": "2026-05-02T10:00:00Z",
        "status": "ok",
        "http_status": 200,
        "kept": "revisit",
    }
    misquote = data["claims"][2]["evidence"][0]
    assert misquote["comparison"] == [
        {"op": "equal", "text": "As one of the 15 Academic"},
        {"op": "delete", "text": "Health Science"},
        {"op": "insert", "text": "Science Health"},
        {"op": "equal", "text": "Networks"},
        {"op": "insert", "text": "(AHSNs)"},
        {"op": "equal", "text": "in England"},
    ]
