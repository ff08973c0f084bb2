"""`citeaudit audit` end to end against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

import hostile
from citeaudit.commands.app import app
from documents import html_page, make_docx
from evidence_base import TWENTY, serve, write_sources
from localsite import LocalSite, html


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


@pytest.fixture
def sources(tmp_path: Path, httpserver: HTTPServer) -> Path:
    serve(httpserver)
    return write_sources(tmp_path, httpserver.url_for("").rstrip("/"))


def run_json(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["audit", str(path), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_audit_json_report_field_by_field(sources: Path, httpserver: HTTPServer) -> None:
    code, report = run_json(sources)
    assert code == 1  # a dead link and an unsupported claim are findings
    assert report["tool"]["name"] == "citeaudit"
    assert report["run"]["network"] == "online"
    assert report["run"]["sources_file"] == str(sources)
    assert report["run"]["started"].endswith("Z")

    src = by_id(report["sources"])
    base = httpserver.url_for("").rstrip("/")
    assert src["sim"]["status"] == "ok"
    assert src["sim"]["http_status"] == 200
    assert src["sim"]["content_type"].startswith("text/html")
    assert len(src["sim"]["sha256"]) == 64
    assert src["sim"]["snapshot"]["warc"].startswith("archive/")
    assert src["sim"]["snapshot"]["record_id"].startswith("<urn:uuid:")
    assert src["old-sim"]["status"] == "redirected"
    assert src["old-sim"]["final_url"] == f"{base}/sim"
    assert src["old-sim"]["redirects"] == [{"url": f"{base}/old-sim", "status": 301}]
    assert src["old-sim"]["permanent"] is True
    assert src["gone"]["status"] == "not_found"
    assert src["gone"]["http_status"] == 404
    assert src["email"]["status"] is None
    assert "no public copy" in src["email"]["note"]

    claims = by_id(report["claims"])
    twenty = claims["twenty-teams"]
    assert twenty["verdict"] == "supported"
    first = twenty["evidence"][0]
    assert first["verdict"] == "verified"
    assert first["ref"] == 8
    assert first["judged_on"] == "live"
    assert first["passage"].startswith("there were approximately 20 teams")
    assert first["link"].startswith(f"{base}/sim#:~:text=there%20were%20approximately")
    # the second piece quotes nothing: judged on meaning, by the built-in judge
    bare = twenty["evidence"][1]
    assert bare["verdict"] in ("supported", "not_supported") and bare["meaning"] is not None
    assert bare["meaning"]["judge"] == "built-in" and 0 <= bare["meaning"]["score"] <= 1

    boards = claims["boards"]["evidence"][0]
    assert (boards["verdict"], boards["found_at"], boards["locator"]) == (
        "verified",
        "p. 2",
        "pp. 2-3",
    )
    assert boards["link"] == f"{base}/report.pdf#page=2"
    wrong = claims["boards-wrong-page"]
    assert wrong["verdict"] == "supported"  # the words are in the source; the page is wrong
    assert wrong["evidence"][0]["verdict"] == "wrong_locator"
    assert "found at p. 2" in wrong["evidence"][0]["note"]
    # too few of the quote's words anywhere to name a closest passage: none is invented
    assert claims["invented"]["evidence"][0]["suggested_passage"] is None
    assert claims["ready-and-fit"]["evidence"][0]["verdict"] == "verified"
    invented = claims["invented"]
    assert [e["verdict"] for e in invented["evidence"]] == ["not_in_source", "source_unavailable"]
    assert invented["verdict"] == "unsupported"
    assert claims["emailed"]["verdict"] == "unverifiable"
    assert claims["emailed"]["evidence"][0]["verdict"] == "source_unavailable"

    assert report["summary"]["sources"] == {
        "no_copy": 1,
        "not_found": 1,
        "ok": 3,
        "redirected": 1,
    }
    assert report["summary"]["claims"]["supported"] == 4


def test_audit_writes_a_warc_that_reads_back(sources: Path) -> None:
    code, report = run_json(sources)
    assert code == 1
    store = sources.parent / ".citeaudit"
    warcs = sorted((store / "archive").glob("*.warc.gz"))
    assert len(warcs) == 1
    records: list[tuple[str, str]] = []
    payloads: dict[str, bytes] = {}
    with warcs[0].open("rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            records.append((record.rec_type, uri))
            if record.rec_type == "response":
                payloads[uri] = record.content_stream().read()
    assert records[0][0] == "warcinfo"
    # /sim is fetched once; the redirect's capture of it is a revisit of that response
    responses = [uri for kind, uri in records if kind in ("response", "revisit")]
    requests = [uri for kind, uri in records if kind == "request"]
    assert sorted(responses) == sorted(requests)
    src = by_id(report["sources"])
    sim = sorted(kind for kind, uri in records if uri == src["sim"]["url"])
    assert sim == ["request", "request", "response", "revisit"]
    # the redirect hop and its target are both kept, so the capture replays
    assert src["old-sim"]["url"] in responses
    assert src["sim"]["url"] in responses
    assert TWENTY.encode() in payloads[src["sim"]["url"]]
    assert payloads[src["report"]["url"]].startswith(b"%PDF-")
    assert (store / "citeaudit.sqlite").exists()


def test_a_rotted_page_is_judged_on_our_snapshot(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve(httpserver)
    path = write_sources(tmp_path, httpserver.url_for("").rstrip("/"))
    code, first = run_json(path)
    assert by_id(first["claims"])["twenty-teams"]["evidence"][0]["judged_on"] == "live"

    httpserver.clear()  # /sim is gone; the other sources answer as before (no retries)
    httpserver.expect_request("/sim").respond_with_data("gone", status=404)
    serve(httpserver)
    code, second = run_json(path)
    assert code == 1
    assert by_id(second["sources"])["sim"]["status"] == "not_found"
    evidence = by_id(second["claims"])["twenty-teams"]["evidence"][0]
    assert evidence["verdict"] == "verified"
    assert evidence["judged_on"] == "snapshot"
    assert evidence["copy_date"] is not None
    assert len(list((tmp_path / ".citeaudit" / "archive").glob("*.warc.gz"))) == 2


def test_terminal_report_shows_both_tables(sources: Path) -> None:
    result = CliRunner().invoke(app, ["audit", str(sources)])
    assert result.exit_code == 1
    out = result.stdout
    assert "Sources" in out and "Claims" in out
    assert "twenty-teams" in out and "supported" in out
    assert "not_found" in out and "wrong_locator" in out
    assert "\x1b[" not in out  # no colour when not a terminal
    assert "claims:" in result.stderr  # the summary goes to stderr


def test_output_file(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["audit", str(sources), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["run"]["network"] == "online"


def test_all_holds_exits_zero(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve(httpserver)
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - id: sim\n    url: {httpserver.url_for('/sim')}\n"
        f"claims:\n  - id: c\n    text: t\n    evidence:\n      - source: sim\n"
        f"        quote: approximately 20 teams\n",
        encoding="utf-8",
    )
    code, report = run_json(path)
    assert code == 0
    assert report["claims"][0]["verdict"] == "supported"


def test_offline_run_finishes_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - id: a\n    url: https://nowhere-one.invalid/page\n"
        "  - id: b\n    url: https://nowhere-two.invalid/doc.pdf\n"
        "claims:\n  - id: c\n    text: t\n    evidence:\n      - source: a\n        quote: q\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["audit", str(path), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["run"]["network"] == "offline"
    assert {s["status"] for s in report["sources"]} == {"unreachable"}
    assert report["claims"][0]["verdict"] == "unverifiable"
    assert "network looks unreachable" in result.stderr
    assert result.exit_code == 1
    terminal = CliRunner().invoke(app, ["audit", str(path)]).stdout
    assert "2 not reached (no network)" in terminal
    assert "0 rotted" in terminal  # nothing is declared dead


def test_hostile_page_text_is_shown_as_text(tmp_path: Path, httpserver: HTTPServer) -> None:
    hostile = "[bold red]boom[/] \x1b[2J\x1b]0;pwned\x07 <b>x</b> \u202egnp.exe"
    httpserver.expect_request("/evil").respond_with_data(
        html_page("evil", f"<p>{hostile}</p>"), content_type="text/html"
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - id: evil\n    url: {httpserver.url_for('/evil')}\n"
        f"claims:\n  - id: c\n    text: t\n    evidence:\n      - source: evil\n"
        f'        quote: "[bold red]boom[/]"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["audit", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "verified" in result.stdout


def test_subprocess_python_m_and_console_script(sources: Path) -> None:
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    for prefix in (
        [sys.executable, "-m", "citeaudit"],
        [str(Path(sys.executable).parent / "citeaudit")],
    ):
        proc = subprocess.run(
            [*prefix, "audit", str(sources), "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 1, proc.stderr
        report = json.loads(proc.stdout)
        assert by_id(report["claims"])["twenty-teams"]["verdict"] == "supported"
        assert "Traceback" not in proc.stderr
        assert "sources:" in proc.stderr


def test_check_prints_the_same_document_without_claims(sources: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(sources), "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["claims"] == []
    assert by_id(report["sources"])["sim"]["status"] == "ok"
    assert not (sources.parent / ".citeaudit").exists()  # check keeps nothing


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: a\n    url: not a url\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3:10:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".citeaudit").exists()  # nothing written


def test_local_file_source_is_archived_and_searched(tmp_path: Path) -> None:
    (tmp_path / "letter.docx").write_bytes(make_docx(["We do not mandate the SIM model."]))
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - id: letter\n    file: letter.docx\n"
        "claims:\n  - id: c\n    text: t\n    evidence:\n      - source: letter\n"
        "        quote: do not mandate the SIM model\n",
        encoding="utf-8",
    )
    code, report = run_json(path)
    assert code == 0
    assert report["claims"][0]["evidence"][0]["verdict"] == "verified"
    assert report["sources"][0]["snapshot"]["warc"].startswith("archive/")


def test_bundled_sources_file_validates() -> None:
    bundled = Path(__file__).parents[2] / "sources.yaml"
    result = CliRunner().invoke(app, ["validate", str(bundled)])
    assert result.exit_code == 0, result.stderr
    assert "valid:" in result.stdout


def test_a_soft_404_capture_is_never_judged_on(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve(httpserver)
    path = write_sources(tmp_path, httpserver.url_for("").rstrip("/"))
    run_json(path)  # run 1: the page is there

    httpserver.clear()
    serve_missing = html_page("Page not found", "<h1>Page not found</h1><p>Sorry.</p>")
    httpserver.expect_request("/sim").respond_with_data(serve_missing, content_type="text/html")
    serve(httpserver)  # the other sources answer as before: only /sim changed
    _, second = run_json(path)  # run 2: a 200 that says "not found"
    assert by_id(second["sources"])["sim"]["status"] == "soft_404"

    httpserver.clear()
    httpserver.expect_request("/sim").respond_with_data("gone", status=404)
    serve(httpserver)
    _, third = run_json(path)  # run 3: gone; judged on run 1's copy, not run 2's
    evidence = by_id(third["claims"])["twenty-teams"]["evidence"][0]
    assert evidence["verdict"] == "verified"
    assert evidence["judged_on"] == "snapshot"
    first_copy = by_id(second["claims"])["twenty-teams"]["evidence"][0]["copy_date"]
    assert evidence["copy_date"] == first_copy


def test_the_run_records_the_hash_of_the_sources_it_read(tmp_path: Path) -> None:
    """The hash given (of the bytes the catalog was parsed from) is the one recorded, with
    the run and in its report; a caller that gives none gets the file's as it is now."""
    import hashlib

    from citeaudit.catalog import load_catalog
    from citeaudit.pipeline import AuditOptions, archive, audit
    from citeaudit.report import load_report
    from citeaudit.store import Store

    (tmp_path / "letter.txt").write_text("We do not mandate it.", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: letter\n    file: letter.txt\n", encoding="utf-8")
    catalog, store = load_catalog(path), tmp_path / "store"
    options = AuditOptions(store_dir=store)
    given = "0f" * 32
    audited = audit(catalog, path, options, sources_sha256=given)
    assert audited.run.sources_sha256 == given
    assert load_report(store, audited.run.id).run.sources_sha256 == given
    archived = archive(catalog, path, options)
    assert archived.run.sources_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with Store.open(store) as opened:
        assert opened.sources_sha256(audited.run.id) == given
        assert opened.sources_sha256(archived.run.id) == archived.run.sources_sha256


def missing_file_sources(tmp_path: Path, site: LocalSite) -> Path:
    """A page on ``site`` and a local file that is not there, each quoted by a claim."""
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""\
sources:
  - id: page
    url: {site.url("/page")}
  - id: minutes
    file: minutes/missing.txt
claims:
  - id: on-the-page
    text: The board met.
    evidence:
      - source: page
        quote: the board met in March
  - id: in-the-minutes
    text: The board voted.
    evidence:
      - source: minutes
        quote: the board voted
""",
        encoding="utf-8",
    )
    return path


MISSING_NOTE = (
    "file minutes/missing.txt does not exist (paths are relative to the folder of the sources file)"
)


def test_a_missing_local_file_leaves_the_rest_of_the_audit_alone(tmp_path: Path) -> None:
    pages = {
        "/page": ("text/html; charset=utf-8", html("Minutes", "As agreed, the board met in March."))
    }
    with LocalSite(pages) as site:
        path = missing_file_sources(tmp_path, site)
        result = CliRunner().invoke(
            app, ["audit", str(path), "--format", "json", "--archived", "never"]
        )
    note = MISSING_NOTE

    # the rest is audited; the file that cannot be read is a finding, as a dead link is
    assert result.exit_code == 1, result.stderr
    assert f"source minutes: {note}" in result.stderr
    assert "1 local file that cannot be read" in result.stderr
    report = json.loads(result.stdout)
    sources = by_id(report["sources"])
    assert sources["page"]["status"] == "ok" and sources["page"]["snapshot"] is not None
    assert sources["minutes"]["note"] == sources["minutes"]["problem"] == note
    assert sources["minutes"]["snapshot"] is None
    claims = by_id(report["claims"])
    page = claims["on-the-page"]["evidence"][0]
    assert (claims["on-the-page"]["verdict"], page["verdict"]) == ("supported", "verified")
    minutes = claims["in-the-minutes"]
    assert minutes["verdict"] == "unverifiable"
    assert minutes["evidence"][0]["verdict"] == "source_unavailable"
    assert minutes["evidence"][0]["note"] == note


def test_archive_keeps_every_source_but_a_missing_local_file(tmp_path: Path) -> None:
    pages = {"/page": ("text/html; charset=utf-8", html("Minutes", "The board met in March."))}
    with LocalSite(pages) as site:
        path = missing_file_sources(tmp_path, site)
        result = CliRunner().invoke(app, ["archive", str(path), "--archived", "never"])
    assert result.exit_code == 1, result.stderr  # the unreadable file is a finding
    assert "source minutes: file minutes/missing.txt does not exist" in result.stderr
    warcs = sorted((tmp_path / ".citeaudit" / "archive").glob("*.warc.gz"))
    with warcs[0].open("rb") as fh:
        kinds = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)
        ]
    assert ("response", site.url("/page")) in kinds
    assert not [uri for kind, uri in kinds if kind == "resource"]


# --------------------------------------------------------------------------- hostile sources
# Each audit runs in a process of its own, so its peak memory (and its document reader's)
# is measured; the hostile documents are real, scaled down (with the limits, for the PDF).

MIB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FINE = html("Minutes", "As agreed, the board met in March.")


def hostile_sources(folder: Path, site: Any, hostile_paths: list[str]) -> Path:
    """A sources file citing the fine page (``fine``) and each hostile path (``h0``...),
    with a claim quoting each."""
    lines = ["sources:", f"  - id: fine\n    url: {site.url('/fine')}"]
    lines += [f"  - id: h{n}\n    url: {site.url(path)}" for n, path in enumerate(hostile_paths)]
    lines.append("claims:")
    for source in ["fine", *(f"h{n}" for n in range(len(hostile_paths)))]:
        lines.append(
            f"  - id: on-{source}\n    text: t\n    evidence:\n      - source: {source}\n"
            "        quote: the board met in March"
        )
    path = folder / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def evidence_of(report: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each source's (verdict, note), from its claim's one piece of evidence."""
    found = {}
    for claim in report["claims"]:
        (evidence,) = claim["evidence"]
        found[evidence["source"]] = (evidence["verdict"], evidence.get("note"))
    return found


def test_a_gzipped_page_of_nul_bytes_costs_only_its_source(tmp_path: Path) -> None:
    """32 KB on the wire, 32 MB of NUL bytes inflated: lxml was handed all of it (and the
    run took 0.7 GB); the page is now seen to be no text before it is parsed."""
    nul = hostile.gzip_response(b"<html><body><p>" + b"\0" * (32 * MIB))
    answers = {"/fine": hostile.response(FINE, "text/html"), "/nul": nul}
    with hostile.serve(answers) as site:
        run = hostile.measured_audit(
            hostile_sources(tmp_path, site, ["/nul"]), "--archived", "never"
        )
    assert run.code in (0, 1), run.stderr
    found = evidence_of(json.loads(run.stdout))
    assert found["fine"][0] == "verified"
    assert found["h0"] == (
        "no_text",
        "the page is mostly NUL or control characters, not text: not searched",
    )
    assert run.peak < 300 * MIB


def test_a_pdf_that_inflates_past_the_memory_limit_costs_only_its_source(tmp_path: Path) -> None:
    """300 KB that inflate to 300 MB: pdfium read it inside the run (0.6 GB); now its reader
    is stopped at the limit, and the evidence says why."""
    answers = {
        "/fine": hostile.response(FINE, "text/html"),
        "/bomb.pdf": hostile.response(hostile.inflating_pdf(300 * MIB), "application/pdf"),
    }
    with hostile.serve(answers) as site:
        sources = hostile_sources(tmp_path, site, ["/bomb.pdf"])
        run = hostile.measured_audit(sources, "--archived", "never", "--extract-memory", "200MiB")
    assert run.code in (0, 1), run.stderr
    found = evidence_of(json.loads(run.stdout))
    assert found["fine"][0] == "verified"
    assert found["h0"] == (
        "no_text",
        "the PDF could not be read within the limits (it needed more than 200 MiB of memory): "
        "not searched",
    )
    assert run.peak < 300 * MIB


def test_a_docx_zip_bomb_and_a_truncated_docx_cost_only_their_sources(tmp_path: Path) -> None:
    """A .docx whose XML unpacks to 40 MB from 170 KB (python-docx and lxml took it whole),
    and one whose document.xml is cut off (XMLSyntaxError ended the run with exit 3)."""
    answers = {
        "/fine": hostile.response(FINE, "text/html"),
        "/bomb.docx": hostile.response(hostile.docx_bomb(40 * MIB), DOCX),
        "/cut.docx": hostile.response(hostile.truncated_docx(["The board met."] * 40), DOCX),
    }
    with hostile.serve(answers) as site:
        sources = hostile_sources(tmp_path, site, ["/bomb.docx", "/cut.docx"])
        run = hostile.measured_audit(sources, "--archived", "never")
    assert run.code in (0, 1), run.stderr
    found = evidence_of(json.loads(run.stdout))
    assert found["fine"][0] == "verified"
    verdict, note = found["h0"]
    assert verdict == "no_text" and note is not None
    assert note.startswith("the .docx's XML unpacks to ") and "(a zip bomb" in note
    verdict, note = found["h1"]
    assert verdict == "no_text" and note is not None
    assert note.startswith("cannot read the .docx file: ")
    assert run.peak < 300 * MIB


def test_a_failure_judging_one_claim_or_keeping_one_text_costs_only_that_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever raises for one source, after its document is read (keeping its text for
    search, searching it for a quote), is said on that source; the run goes on."""
    import citeaudit.pipeline.run as run_module

    verify, keep = run_module.verify_claims, run_module.keep_text

    def judging(catalog: Any, copies: Any, how: Any) -> Any:
        if any(e.source == "h0" for c in catalog.claims for e in c.evidence):
            raise IndexError("out of range")
        return verify(catalog, copies, how)

    def keeping(store: Any, run: Any, source_id: str, extraction: Any) -> None:
        if source_id == "h0":
            raise ValueError("no such column")
        keep(store, run, source_id, extraction)

    monkeypatch.setattr(run_module, "verify_claims", judging)
    monkeypatch.setattr(run_module, "keep_text", keeping)
    answers = {"/fine": hostile.response(FINE, "text/html")}
    answers["/also"] = answers["/fine"]
    with hostile.serve(answers) as site:
        sources = hostile_sources(tmp_path, site, ["/also"])
        result = CliRunner().invoke(app, ["audit", str(sources), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    found = evidence_of(json.loads(result.stdout))
    assert found["fine"][0] == "verified"
    assert found["h0"] == (
        "no_text",
        "the source's text could not be searched (IndexError: out of range)",
    )
    assert "source h0: its text was not kept for search (ValueError: no such column)" in (
        result.stderr
    )
