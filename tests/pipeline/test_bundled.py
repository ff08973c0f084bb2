"""`citeaudit audit` on a local copy of the bundled evidence base.

tests/fixtures/bundled/ holds a small stand-in for every source of the bundled sources.yaml
that has a URL (HTML, PDF or .docx, as the real one is), with the quoted passages worded as
the real sources word them (so the statement's "Academic Science Health Networks" is a
misquotation of "Academic Health Science Networks"). The URLs are rewritten to a server on
127.0.0.1 and every claim's verdict is checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.fetch.anchors import PageAnchors

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bundled"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# claim: (claim verdict, each evidence's verdict in order). Evidence that quotes nothing is
# judged on its meaning by the built-in judge: the stand-ins word some passages as the claims
# do (supported) and leave most claims unsaid (not_supported, with the closest passage).
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "nhse-email-extract": ("unverifiable", ["source_unavailable"]),
    "endorsed-by-key-individuals": ("supported", ["supported"]),
    "nhse-encouraged-national-rollout": (
        "unsupported",
        ["not_supported", "misquoted", "not_supported"],
    ),
    # the claim goes on "; this review is not in the public domain", which p. 3 does not say
    "keogh-review-ready-and-fit": ("partly_supported", ["not_supported", "verified", "verified"]),
    "nia-national-adoption-and-spread": ("supported", ["verified"]),
    "nia-selection-confirmed-by-nhse": ("unverifiable", ["source_unavailable"]),
    "twenty-teams": ("supported", ["verified"]),
    "sim-london-boards-commissioned-by-nhse": ("supported", ["supported"]),
    "nhse-accountable-for-spread": ("unsupported", ["not_supported"]),
    "regional-trusts-commissioned-by-ccgs": ("unsupported", ["not_supported"]),
    "ccgs-responsible-for-commissioned-services": ("supported", ["supported"]),
    "nhse-oversees-ccg-assurance": ("supported", ["verified"]),
    "nhse-ultimate-responsibility": ("unsupported", ["not_supported"]),
    "nhse-constitution-duty": ("unsupported", ["not_supported"]),
    "hsca-quality-improvement-duty": ("partly_supported", ["not_supported", "supported"]),
    "nhse-monitors-provider-quality": ("supported", ["supported"]),
    "equality-duties": ("unsupported", ["not_supported", "not_supported", "not_supported"]),
    "nhse-retains-safeguarding-accountability": ("unsupported", ["not_supported"]),
}


def stand_in(source_id: str) -> Path:
    found = [p for p in FIXTURES.iterdir() if p.stem == source_id and p.suffix in TYPES]
    assert len(found) == 1, f"no stand-in for {source_id} in {FIXTURES}"
    return found[0]


@pytest.fixture(scope="module")
def bundled(
    tmp_path_factory: pytest.TempPathFactory, make_httpserver: HTTPServer
) -> tuple[dict[str, Any], str]:
    """The audit of the local copy, run once for the module."""
    httpserver = make_httpserver
    httpserver.clear()  # the session's server: no handler left by an earlier test answers first
    data = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    base = httpserver.url_for("").rstrip("/")
    for source in data["sources"]:
        if not source.get("url"):
            continue
        path = stand_in(source["id"])
        httpserver.expect_request(f"/{path.name}").respond_with_data(
            path.read_bytes(), content_type=TYPES[path.suffix]
        )
        fragment = source["url"].partition("#")[2]
        source["url"] = f"{base}/{path.name}" + (f"#{fragment}" if fragment else "")
    folder = tmp_path_factory.mktemp("bundled")
    sources = folder / "sources.yaml"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        result = CliRunner().invoke(app, ["audit", str(sources), "--format", "json"])
    finally:
        httpserver.clear()  # the server is shared with the rest of the session
    assert result.exit_code == 1, result.stderr  # findings: a misquotation
    report: dict[str, Any] = json.loads(result.stdout)
    return report, base


def claims(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {claim["id"]: claim for claim in report["claims"]}


def test_every_claim_gets_the_right_verdict(bundled: tuple[dict[str, Any], str]) -> None:
    report, _ = bundled
    got = {
        claim["id"]: (claim["verdict"], [e["verdict"] for e in claim["evidence"]])
        for claim in report["claims"]
    }
    assert got == EXPECTED, [(s["id"], s["status"], s["reason"]) for s in report["sources"]]
    assert {s["status"] for s in report["sources"] if s["url"]} == {"ok"}


def test_every_quoted_claim_is_covered() -> None:
    data = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    quoted = {c["id"] for c in data["claims"] if any("quote" in e for e in c["evidence"])}
    assert quoted <= set(EXPECTED)
    assert len(quoted) == 7


def test_the_misquotation_in_the_statement(bundled: tuple[dict[str, Any], str]) -> None:
    report, _ = bundled
    evidence = claims(report)["nhse-encouraged-national-rollout"]["evidence"][1]
    assert evidence["differences"] == [
        {
            "op": "replace",
            "quote": "Science Health",
            "source": "Health Science",
            "kind": "word_order",
        }
    ]
    assert evidence["passage"].startswith("As one of the 15 Academic Health Science Networks")
    assert evidence["similarity"] > 0.9
    assert evidence["judged_on"] == "live" and evidence["copy_date"] is not None


def test_where_each_quote_was_found(bundled: tuple[dict[str, Any], str]) -> None:
    report, base = bundled
    by_claim = claims(report)
    saaf = by_claim["nhse-oversees-ccg-assurance"]["evidence"][0]
    assert saaf["found_at"] == "p. 22"  # printed page 22 is the 24th page of the file
    assert saaf["link"] == f"{base}/nhse-saaf.pdf#page=24"
    assert saaf["passage"] == "to oversee assurance of CCGs in their commissioning role"
    keogh = by_claim["keogh-review-ready-and-fit"]["evidence"]
    assert keogh[1]["found_at"] == "p. 3, section 'Background'"
    assert keogh[2]["found_at"].startswith("p. 5, section 'Section 1: Project Overview' > '2.")
    assert keogh[0]["suggested_passage"]["found_at"].startswith("p. 3")
    twenty = by_claim["twenty-teams"]["evidence"][0]
    assert twenty["passage"].startswith("there were approximately 20 teams")
    assert twenty["found_at"] == "section 'Serenity Integrated Mentoring (SIM)' > 'Impact'"
    assert twenty["link"].startswith(f"{base}/ahsn-sim.html#:~:text=there%20were")


def test_links_select_the_passage(bundled: tuple[dict[str, Any], str]) -> None:
    report, _ = bundled
    links = [
        (e["source"], e["link"])
        for c in report["claims"]
        for e in c["evidence"]
        if e["link"] and ":~:text=" in e["link"]
    ]
    assert len(links) >= 2
    for source_id, link in links:
        page = stand_in(source_id).read_bytes()
        fragment = link.partition("#")[2]
        assert PageAnchors(page, "text/html").check(fragment).found, link


def test_bare_links_are_judged_on_meaning_with_their_passage(
    bundled: tuple[dict[str, Any], str],
) -> None:
    report, _ = bundled
    by_claim = claims(report)
    slide = by_claim["endorsed-by-key-individuals"]["evidence"][0]
    assert (slide["verdict"], slide["found_at"]) == ("supported", "slide 15")
    assert "endorsed by key individuals" in slide["passage"]
    assert slide["meaning"]["judge"] == "built-in" and slide["meaning"]["reason"]
    boards = by_claim["sim-london-boards-commissioned-by-nhse"]["evidence"][0]
    assert "directly commissioned by NHS England" in boards["passage"]
    assert boards["found_at"] in ("p. 7", "pp. 7-8", "p. 8")
    handbook = by_claim["nhse-constitution-duty"]["evidence"][0]
    assert handbook["verdict"] == "not_supported" and handbook["passage"] is None
    closest = handbook["suggested_passage"]
    assert closest["found_at"].startswith("section 'The Handbook to the NHS Constitution")
    assert closest["text"].startswith(("NHS bodies", "The values of the NHS"))  # not a title
    assert ":~:text=" in closest["link"]
    # every bare link with a copy is judged, with a score and a reason; none is said to be
    # contradicted by a stand-in that words nothing otherwise
    bare = [
        e
        for c in report["claims"]
        for e in c["evidence"]
        if e["quote"] is None and e["verdict"] != "source_unavailable"
    ]
    assert len(bare) == 17
    assert all(e["meaning"] and 0 <= e["meaning"]["score"] <= 1 for e in bare)
    assert {e["verdict"] for e in bare} == {"supported", "not_supported"}
