"""`citeaudit draft` through the real command line, and a document given to `check` and
`audit` instead of a sources file (drafted in memory, its sources served on 127.0.0.1), with
the judging options of `audit`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result

from citeaudit.catalog import Catalog, parse_catalog
from citeaudit.commands.app import app
from draft.documents import html_document, png_bytes
from draft.seed_documents import SEED

WIDE = {"COLUMNS": "200"}
TEAMS = "The network funds twenty teams across the country in 2021."
BUDGET = "The budget of the network was cut by half last year."


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """A web server on 127.0.0.1 itself (not "localhost", which may be ::1 too)."""
    local = HTTPServer(host="127.0.0.1", port=0)
    local.start()
    try:
        yield local
    finally:
        local.clear()
        local.stop()


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(app, list(args), env={**WIDE, **env})


def report_of(result: Result) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def no_traceback(result: Result) -> None:
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """The seed statement, as a .txt in a folder of its own."""
    path = tmp_path / "seed.txt"
    shutil.copyfile(SEED, path)
    return path


def drafted(text: str) -> Catalog:
    return parse_catalog(text, "drafted.yaml")


# --------------------------------------------------------------------------- draft


def test_draft_prints_the_sources_file_on_stdout_and_a_summary_on_stderr(seed: Path) -> None:
    result = run("draft", str(seed))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# Drafted by citeaudit draft from {seed}.\n")
    catalog = drafted(result.stdout)
    assert catalog.document is not None and catalog.document.drafted_from == str(seed)
    quotes = sum(1 for c in catalog.claims for e in c.evidence if e.quote)
    sources, claims = len(catalog.sources), len(catalog.claims)
    assert sources >= 15 and claims >= 10 and quotes >= 1
    summary = result.stderr
    assert (
        f"drafted {sources} sources and {claims} claims ({quotes} quotes) from 22 references"
        in summary
    )
    assert "check by hand (" in summary
    checks = [line for line in summary.splitlines() if line.startswith("  - ")]
    assert checks and all(line[4:] in result.stdout for line in checks)  # the file says so too
    assert "next: save it (--output FILE), then citeaudit validate FILE" in summary.splitlines()[-1]


def test_draft_output_writes_the_file_and_validate_accepts_it(seed: Path) -> None:
    out = seed.parent / "drafted.yaml"

    result = run("draft", str(seed), "--output", str(out))

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"into {out}" in result.stderr
    assert f"next: citeaudit validate {out}, then citeaudit audit {out}" in result.stderr
    written = out.read_text(encoding="utf-8")
    assert written == run("draft", str(seed)).stdout
    valid = run("validate", str(out))
    assert valid.exit_code == 0, valid.output
    assert f"{out}: valid: " in valid.stdout


def test_an_existing_output_is_refused_unless_forced(seed: Path) -> None:
    out = seed.parent / "sources.yaml"
    out.write_text("kept: true\n", encoding="utf-8")

    refused = run("draft", str(seed), "-o", str(out))

    assert refused.exit_code == 2
    no_traceback(refused)
    assert f"{out} already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "kept: true\n"

    forced = run("draft", str(seed), "-o", str(out), "--force")

    assert forced.exit_code == 0, forced.output
    assert drafted(out.read_text(encoding="utf-8")).document is not None


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("picture.png", png_bytes(), "this is a PNG image, not a document to draft from"),
        ("statement.pdf", b"\x00\x01\x02" + bytes(range(256)) * 16, "not a document"),
    ],
    ids=["png", "binary"],
)
def test_what_is_no_document_exits_2_saying_so(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    result = run("draft", str(path))

    assert result.exit_code == 2
    no_traceback(result)
    assert result.stdout == ""
    assert said in result.stderr
    assert "hint: " in result.stderr


def test_a_missing_document_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.docx"
    result = run("draft", str(missing))
    assert result.exit_code == 2
    no_traceback(result)
    assert f"citeaudit: {missing} does not exist" in result.stderr


def test_the_installed_command_refuses_an_image_with_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "citeaudit", "draft", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "this is a PNG image" in done.stderr


# --------------------------------------------------------------------------- check, audit


def serve(server: HTTPServer) -> None:
    server.expect_request("/gone").respond_with_data("Not here", status=404)
    server.expect_request("/teams").respond_with_data(
        html_document(f"<h1>Teams</h1><p>{TEAMS}</p>", title="Teams"),
        content_type="text/html; charset=utf-8",
    )
    server.expect_request("/budget").respond_with_data(
        html_document(f"<h1>Budget</h1><p>{BUDGET}</p>", title="Budget"),
        content_type="text/html; charset=utf-8",
    )


def markdown(folder: Path, server: HTTPServer, *, gone: bool) -> Path:
    """A statement in Markdown citing the teams page, and a page that is gone if asked."""
    lines = [
        "# Statement on the network",
        "",
        "The network funds “twenty teams across the country” [1]."
        + (" A report is no longer there [2]." if gone else ""),
        "",
        "## References",
        "",
        f"1. Teams. Example Network. Available from: {server.url_for('/teams')} "
        "[accessed 11 May 2021].",
    ]
    if gone:
        lines.append(
            f"2. Report. Example Trust. Available from: {server.url_for('/gone')} "
            "[accessed 11 May 2021]."
        )
    path = folder / "statement.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html_statement(folder: Path, server: HTTPServer, *, budget: bool) -> Path:
    """A statement as a web page citing the teams page by a quotation, and the budget page
    for a claim in other words if asked."""
    body = (
        "<h1>Statement on the network</h1>"
        "<p>The network funds “twenty teams across the country”<sup><a href='#r1'>1</a></sup>."
        + (" The budget grew last year<sup><a href='#r2'>2</a></sup>." if budget else "")
        + "</p><h2>References</h2><ol>"
        f"<li id='r1'>Teams. Example Network. Available from: "
        f"<a href='{server.url_for('/teams')}'>{server.url_for('/teams')}</a></li>"
    )
    if budget:
        body += (
            f"<li id='r2'>Budget. Example Trust. Available from: "
            f"<a href='{server.url_for('/budget')}'>{server.url_for('/budget')}</a></li>"
        )
    path = folder / "statement.html"
    path.write_text(html_document(body + "</ol>", title="Statement"), encoding="utf-8")
    return path


def audit(document: Path, *args: str, **env: str) -> Result:
    store = document.parent / "store"
    return run(
        "audit", str(document), "--retries", "0", "--archived", "never", "--store", str(store),
        *args, **env,
    )  # fmt: skip


def test_check_a_document_whose_links_hold_exits_0(tmp_path: Path, server: HTTPServer) -> None:
    serve(server)
    document = markdown(tmp_path, server, gone=False)

    result = run("check", str(document), "--format", "json", "--retries", "0")

    assert result.exit_code == 0, result.output
    report = report_of(result)
    assert report["document"]["drafted_from"] == str(document)
    assert report["document"]["title"] == "Statement on the network"
    assert [s["status"] for s in report["sources"]] == ["ok"]
    assert f"note: {document} is a document: drafted 1 sources and 1 claims" in result.stderr


def test_check_a_document_with_a_dead_link_exits_1(tmp_path: Path, server: HTTPServer) -> None:
    serve(server)
    document = markdown(tmp_path, server, gone=True)

    result = run("check", str(document), "--format", "json", "--retries", "0")

    assert result.exit_code == 1, result.output
    report = report_of(result)
    assert report["document"]["drafted_from"] == str(document)
    statuses = {s["url"]: s["status"] for s in report["sources"]}
    assert statuses == {
        server.url_for("/teams"): "ok",
        server.url_for("/gone"): "not_found",
    }


def test_check_says_in_the_terminal_that_the_claims_were_drafted(
    tmp_path: Path, server: HTTPServer
) -> None:
    serve(server)
    document = markdown(tmp_path, server, gone=False)

    result = run("check", str(document), "--retries", "0")

    assert result.exit_code == 0, result.output
    assert f"drafted from {document}" in " ".join(result.stdout.split())


def test_audit_a_document_verifies_its_quotation_and_exits_0(
    tmp_path: Path, server: HTTPServer
) -> None:
    serve(server)
    document = html_statement(tmp_path, server, budget=False)

    result = audit(document, "--format", "json")

    assert result.exit_code == 0, result.output
    report = report_of(result)
    assert report["document"]["drafted_from"] == str(document)
    (claim,) = report["claims"]
    assert claim["verdict"] == "supported"
    (evidence,) = claim["evidence"]
    assert (evidence["verdict"], evidence["quote"]) == (
        "verified",
        "twenty teams across the country",
    )


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_audit_says_the_claims_were_drafted(tmp_path: Path, server: HTTPServer, fmt: str) -> None:
    serve(server)
    document = html_statement(tmp_path, server, budget=False)

    result = audit(document, "--format", fmt)

    assert result.exit_code == 0, result.output
    said = [line for line in result.stdout.splitlines() if "drafted from" in line]
    assert len(said) == 1 and "citeaudit draft" in said[0]
    assert document.name in said[0]


def test_audit_judges_a_claim_in_other_words_on_its_meaning(
    tmp_path: Path, server: HTTPServer
) -> None:
    serve(server)
    document = html_statement(tmp_path, server, budget=True)

    result = audit(document, "--format", "json")

    claims = by_id(report_of(result)["claims"])
    (budget,) = [c for c in claims.values() if "budget" in c["id"]]
    (evidence,) = budget["evidence"]
    # The budget page does not say it grew: not supported on meaning is no finding by
    # default (a contradiction would be); --fail-on any counts it.
    assert evidence["verdict"] in ("not_supported", "contradicted")
    assert evidence["meaning"]["judge"] == "built-in"
    assert result.exit_code == (1 if evidence["verdict"] == "contradicted" else 0), result.output
    assert audit(document, "--format", "json", "--fail-on", "any").exit_code == 1


def test_audit_no_meaning_leaves_a_claim_in_other_words_link_only(
    tmp_path: Path, server: HTTPServer
) -> None:
    serve(server)
    document = html_statement(tmp_path, server, budget=True)

    result = audit(document, "--format", "json", "--no-meaning")

    report = report_of(result)
    claims = report["claims"]
    (budget,) = [c for c in claims if "budget" in c["id"]]
    (evidence,) = budget["evidence"]
    assert evidence["verdict"] == "link_only" and evidence["meaning"] is None
    assert report["document"]["drafted_from"] == str(document)
    assert result.exit_code in (0, 1), result.output


def test_audit_nli_without_model_exits_2(tmp_path: Path, server: HTTPServer) -> None:
    serve(server)
    document = html_statement(tmp_path, server, budget=False)

    result = audit(document, "--nli", "acme/some-nli")

    assert result.exit_code == 2
    no_traceback(result)
    assert "--nli is used with --model" in result.stderr
    assert "hint: add --model" in result.stderr


def test_audit_offline_with_a_hub_model_not_cached_uses_the_built_in_judge(
    tmp_path: Path, server: HTTPServer
) -> None:
    model = pytest.importorskip("citeaudit.meaning.model")
    if not hasattr(model, "load_scorer"):
        pytest.skip("citeaudit.meaning.model has no load_scorer yet")
    serve(server)
    document = html_statement(tmp_path, server, budget=True)
    name = "acme/no-such-model"
    assert not Path(name).exists()

    result = audit(
        document,
        "--format",
        "json",
        "--model",
        name,
        "--offline",
        CITEAUDIT_MODEL_CACHE=str(tmp_path / "models"),
        CITEAUDIT_HUB_URL="http://127.0.0.1:9",
    )

    assert result.exit_code in (0, 1), result.output
    notes = [line for line in result.stderr.splitlines() if f"model {name} not used" in line]
    assert len(notes) == 1, result.stderr
    assert notes[0].startswith("note: ") and "the built-in judge is used alone" in notes[0]
    (budget,) = [c for c in report_of(result)["claims"] if "budget" in c["id"]]
    assert budget["evidence"][0]["meaning"]["judge"] == "built-in"
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_draft_and_check_a_document_given_by_url(tmp_path: Path, server: HTTPServer) -> None:
    serve(server)
    page = html_statement(tmp_path, server, budget=False).read_bytes()
    server.expect_request("/statement").respond_with_data(page, content_type="text/html")
    url = server.url_for("/statement")

    written = run("draft", url)

    assert written.exit_code == 0, written.output
    document = drafted(written.stdout).document
    assert document is not None and (document.url, document.drafted_from) == (url, url)

    checked = run("check", url, "--format", "json", "--retries", "0")

    assert checked.exit_code == 0, checked.output
    report = report_of(checked)
    assert report["document"]["drafted_from"] == url
    assert [s["url"] for s in report["sources"]] == [server.url_for("/teams")]


def test_draft_of_a_url_that_is_gone_exits_2_with_its_status(server: HTTPServer) -> None:
    serve(server)
    url = server.url_for("/gone")

    result = run("draft", url)

    assert result.exit_code == 2
    no_traceback(result)
    assert f"{url} did not answer with the document: not_found (404 Not Found)" in result.stderr
