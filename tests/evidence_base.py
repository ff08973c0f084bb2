"""A small evidence base served by a local test server, shared by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from documents import html_page, make_docx, make_pdf

TWENTY = (
    "At the end of the programme there were approximately 20 teams live across the "
    "country, offering a SIM model or similar."
)


QUOTE_20 = (
    "…there were approximately 20 teams live across the country, offering a SIM model or similar."
)


def serve(httpserver: HTTPServer) -> None:
    """The sources of the test evidence base, one path each."""
    httpserver.expect_request("/sim").respond_with_data(
        html_page(
            "Serenity Integrated Mentoring",
            f"<h1>SIM</h1><p>{TWENTY}</p><div hidden>secret hidden words</div>",
        ),
        content_type="text/html; charset=utf-8",
    )
    httpserver.expect_request("/old-sim").respond_with_response(
        Response(status=301, headers={"Location": "/sim"})
    )
    httpserver.expect_request("/gone").respond_with_data("no such page", status=404)
    httpserver.expect_request("/report.pdf").respond_with_data(
        make_pdf(
            [
                "Contents and introduction.",
                "The boards are directly commissioned by NHS England, with membership of "
                "the London trusts.",
            ]
        ),
        content_type="application/pdf",
    )
    httpserver.expect_request("/case.docx").respond_with_data(
        make_docx(["Business case", "The review concluded SIM was ready and fit for spread."]),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def write_sources(tmp_path: Path, base: str) -> Path:
    text = f"""\
document:
  title: A test statement
sources:
  - id: sim
    title: Serenity Integrated Mentoring
    url: {base}/sim
    accessed: 2021-05-12
    kind: ahsn
  - id: old-sim
    url: {base}/old-sim
  - id: gone
    url: {base}/gone
  - id: report
    url: {base}/report.pdf
  - id: case
    url: {base}/case.docx
  - id: email
    title: An email
    kind: correspondence
claims:
  - id: twenty-teams
    text: About 20 teams were live.
    evidence:
      - source: sim
        ref: 8
        quote: "{QUOTE_20}"
      - source: old-sim
  - id: boards
    text: The boards are commissioned by NHS England.
    evidence:
      - source: report
        ref: 9
        locator: pp. 2-3
        quote: directly commissioned by NHS England
  - id: boards-wrong-page
    text: The same, cited on the wrong page.
    evidence:
      - source: report
        locator: p. 1
        quote: directly commissioned by NHS England
  - id: ready-and-fit
    text: SIM was found "ready and fit".
    evidence:
      - source: case
        ref: 5
        locator: p. 3
        quote: ready and fit
  - id: invented
    text: A quote that is not there.
    evidence:
      - source: sim
        quote: three hundred teams
      - source: gone
        quote: anything
  - id: emailed
    text: An email said so.
    evidence:
      - source: email
        ref: 1
        quote: does not mandate
"""
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path
