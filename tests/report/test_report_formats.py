"""Every report format, rendered from one fixed report model and compared with its golden
file in tests/golden/. Set CITEAUDIT_UPDATE_GOLDEN=1 to write the golden files afresh (then
read the diff before committing it)."""

from __future__ import annotations

import pytest

from citeaudit.report import Format, renderer
from report_fixture import (
    OPTIONS,
    fixed_report,
    golden,
)

WORDS = ["the", "The", "teams", "20", "30", "not", "…", "[sic]", "(AHSNs)", "live,", "“ready”", "-"]
EXTENSION = {
    Format.TERMINAL: "txt",
    Format.JSON: "json",
    Format.MARKDOWN: "md",
    Format.HTML: "html",
    Format.CSV: "csv",
    Format.CLAIMREVIEW: "jsonld",
}


# ---------------------------------------------------------------------------------------------
# Every format


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_matches_its_golden_file(fmt: Format) -> None:
    text = renderer(fmt, OPTIONS).render(fixed_report())
    golden(f"report.{fmt}.{EXTENSION[fmt]}", text)
    assert text.endswith("\n")
    for claim in fixed_report().claims:  # every format names every claim
        assert claim.id in text or (fmt is Format.CLAIMREVIEW and claim.text in text)


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_a_run_without_claims(fmt: Format) -> None:
    """What ``check`` gives: sources only; and a report of nothing at all."""
    report = fixed_report().model_copy(update={"claims": []})
    text = renderer(fmt, OPTIONS).render(report)
    assert text.endswith("\n")
    empty = report.model_copy(update={"sources": [], "document": None})
    assert renderer(fmt, OPTIONS).render(empty).endswith("\n")


# ---------------------------------------------------------------------------------------------
# Terminal


# ---------------------------------------------------------------------------------------------
# Markdown, CSV, ClaimReview
