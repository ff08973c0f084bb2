"""`citeaudit report` renders what `audit` kept in the store, in every format, with no
network; `--fail-on` chooses what makes the exit code 1 for audit, check and report alike."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result

from citeaudit.commands.app import app
from citeaudit.report import Format
from citeaudit.result import findings
from citeaudit.vocab import LinkStatus
from evidence_base import serve, write_sources
from localsite import LocalSite, html
from localsite import write_sources as cite_pages


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120", **env})


@pytest.fixture(scope="module")
def audited(
    tmp_path_factory: pytest.TempPathFactory, make_httpserver: HTTPServer
) -> tuple[Path, dict[str, Any]]:
    """Two audits of test_audit's evidence base (the second after a page was fixed), then
    the server is cleared: nothing below can reach a source."""
    httpserver = make_httpserver
    httpserver.clear()  # the session's server: no handler left by an earlier test answers first
    serve(httpserver)
    folder = tmp_path_factory.mktemp("audited")
    sources = write_sources(folder, httpserver.url_for("").rstrip("/"))
    try:
        first = run("audit", str(sources), "--format", "json")
        assert first.exit_code == 1, first.stderr
        httpserver.clear()
        httpserver.expect_request("/gone").respond_with_data("back", content_type="text/plain")
        serve(httpserver)  # the rest as before (the first handler of a path answers)
        second = run("audit", str(sources), "--format", "json")
        assert second.exit_code == 1, second.stderr
    finally:
        httpserver.clear()
    report: dict[str, Any] = json.loads(second.stdout)
    report["first"] = json.loads(first.stdout)
    return sources, report


def test_audit_keeps_its_report_and_report_renders_it_again(
    audited: tuple[Path, dict[str, Any]],
) -> None:
    sources, printed = audited
    again = run("report", str(sources), "--format", "json")
    assert again.exit_code == 1
    stored = json.loads(again.stdout)
    assert stored == {k: v for k, v in printed.items() if k != "first"}
    assert "sources:" in again.stderr and "claims:" in again.stderr  # the summary, on stderr
    # The latest run is the second; each source's history has both runs' looks.
    assert stored["run"]["id"] != printed["first"]["run"]["id"]
    gone = next(s for s in stored["sources"] if s["id"] == "gone")
    assert [c["status"] for c in gone["history"]] == ["not_found", "ok"]
    assert gone["status"] == "ok" and gone["failing_since"] is None


def test_report_of_an_earlier_run(audited: tuple[Path, dict[str, Any]]) -> None:
    sources, printed = audited
    first_id = printed["first"]["run"]["id"]
    old = run("report", str(sources), "--format", "json", "--run", first_id)
    assert old.exit_code == 1
    report = json.loads(old.stdout)
    assert report["run"]["id"] == first_id
    gone = next(s for s in report["sources"] if s["id"] == "gone")
    assert gone["status"] == "not_found" and [c["status"] for c in gone["history"]] == ["not_found"]


@pytest.mark.parametrize("fmt", list(Format))
def test_report_renders_every_format_from_the_store(
    audited: tuple[Path, dict[str, Any]], fmt: Format, tmp_path: Path
) -> None:
    sources, _ = audited
    out = tmp_path / f"report.{fmt}"
    done = run("report", str(sources), "--format", str(fmt), "--output", str(out))
    assert done.exit_code == 1, done.stderr
    assert done.stdout == ""
    assert f"report written to {out}" in done.stderr
    text = out.read_text(encoding="utf-8")
    assert "twenty-teams" in text or (fmt is Format.CLAIMREVIEW and "About 20 teams" in text)


def test_html_links_reach_the_snapshots_in_the_store(
    audited: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    sources, _ = audited
    out = tmp_path / "reports" / "audit.html"
    out.parent.mkdir()
    done = run("report", str(sources), "--format", "html", "--output", str(out))
    assert done.exit_code == 1
    tree = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    snapshots = [a.get("href") for a in tree.xpath("//a[starts-with(text(), 'Our snapshot')]")]
    assert snapshots
    for link in snapshots:
        target = (out.parent / url2pathname(link)).resolve()
        assert target.is_file() and target.name.endswith(".warc.gz"), link


def test_report_with_no_store_or_no_report_exits_2(tmp_path: Path) -> None:
    nothing = run("report", "--store", str(tmp_path / "none"))
    assert nothing.exit_code == 2
    assert "there is no evidence store" in nothing.stderr
    assert "Traceback" not in nothing.stderr

    (tmp_path / "letter.txt").write_text("We do not mandate it.", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - id: letter\n    file: letter.txt\n", encoding="utf-8")
    archived = run("archive", str(sources))
    assert archived.exit_code == 0, archived.stderr
    empty = run("report", str(sources))
    assert empty.exit_code == 2
    assert "holds no audit report yet" in empty.stderr
    assert "run 'citeaudit audit' first" in empty.stderr
    assert empty.stdout == ""


def test_report_of_an_unknown_run_exits_2(audited: tuple[Path, dict[str, Any]]) -> None:
    sources, _ = audited
    done = run("report", str(sources), "--run", "20990101T000000Z-000000")
    assert done.exit_code == 2
    assert "no report of run '20990101T000000Z-000000'" in done.stderr
    said = " ".join(done.stderr.replace("│", " ").split())
    assert "run 'citeaudit report --list-runs'" in said
    assert "Traceback" not in done.stderr


def test_report_list_runs_names_the_runs_with_a_kept_report(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from citeaudit.store import Store

    store_dir = tmp_path / ".citeaudit"
    t0 = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    with Store.open(store_dir) as store:
        store.begin_run("20260101T093000Z-aaaaaa", t0, "doc/sources.yaml", "ab" * 32)
        store.begin_run("20260102T093000Z-bbbbbb", t0 + timedelta(days=1), "b.yaml", "cd" * 32)
        store.begin_run(
            "20260103T093000Z-cccccc", t0 + timedelta(days=2), "c.yaml", "ef" * 32, "archive"
        )
        store.save_report("20260102T093000Z-bbbbbb", t0 + timedelta(days=1), "{}")
        store.save_report("20260101T093000Z-aaaaaa", t0 + timedelta(days=3), "{}")
    done = run("report", "--store", str(store_dir), "--list-runs")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines() == [
        "20260101T093000Z-aaaaaa  2026-01-01T09:30:00Z  audit    doc/sources.yaml",
        "20260102T093000Z-bbbbbb  2026-01-02T09:30:00Z  audit    b.yaml",
    ]
    # the sources file finds the store beside it, as for the report itself
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    beside = run("report", str(tmp_path / "sources.yaml"), "--list-runs")
    assert beside.stdout == done.stdout

    both = run("report", "--store", str(store_dir), "--list-runs", "--run", "x")
    assert both.exit_code == 2
    assert "--list-runs cannot be combined with --run" in both.stderr


def test_report_list_runs_of_an_empty_or_missing_store(tmp_path: Path) -> None:
    from citeaudit.store import Store

    Store.open(tmp_path / "empty").close()
    empty = run("report", "--store", str(tmp_path / "empty"), "--list-runs")
    assert empty.exit_code == 0, empty.stderr
    assert empty.stdout == ""
    assert "no report is kept in the store" in empty.stderr
    missing = run("report", "--store", str(tmp_path / "none"), "--list-runs")
    assert missing.exit_code == 2
    assert "there is no evidence store" in missing.stderr
    assert not (tmp_path / "none").exists()


# ---------------------------------------------------------------------------------------------
# The sources file changed since the run

CLAIM = """claims:
  - id: teams
    text: Twenty teams were commissioned.
    evidence:
      - source: p0
        quote: About 20 teams were commissioned
"""


@pytest.fixture
def one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An audit of ./sources.yaml (one page on a local site, one claim it supports), run in
    tmp_path as a user would; the site is gone afterwards. Its JSON report is returned."""
    monkeypatch.chdir(tmp_path)
    page = html("Teams", "About 20 teams were commissioned in 2019.")
    with LocalSite({"/teams": ("text/html", page)}) as site:
        cite_pages(tmp_path / "sources.yaml", site, ["/teams"], CLAIM)
        done = run("audit", "sources.yaml", "--format", "json")
    assert done.exit_code == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def since(report: dict[str, Any]) -> str:
    started = datetime.fromisoformat(report["run"]["started"])
    return f"since run {report['run']['id']} ({started:%Y-%m-%d %H:%M} UTC)"


def test_the_run_and_its_report_record_the_hash_of_the_sources_file(
    one_run: dict[str, Any], tmp_path: Path
) -> None:
    data = (tmp_path / "sources.yaml").read_bytes()
    assert one_run["run"]["sources_sha256"] == hashlib.sha256(data).hexdigest()


def test_report_warns_when_the_sources_file_changed_since_the_run(
    one_run: dict[str, Any], tmp_path: Path
) -> None:
    unchanged = run("report", "--format", "json")
    assert unchanged.exit_code == 0, unchanged.stderr
    assert "warning" not in unchanged.stderr
    assert json.loads(unchanged.stdout) == one_run

    sources = tmp_path / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("About 20 teams", "About 30 teams"), encoding="utf-8")
    changed = run("report", "sources.yaml", "--format", "json")
    assert changed.exit_code == 0  # the run's, as before
    assert changed.stderr.startswith(
        f"warning: sources.yaml has changed {since(one_run)}: this report shows the claims "
        "and sources as they were then; run `citeaudit audit sources.yaml` to audit them as "
        "they are now\n"
    )
    assert json.loads(changed.stdout) == one_run  # the report itself, as the run kept it

    terminal = run("report")  # the default file and format
    assert terminal.exit_code == 0
    assert terminal.stderr.startswith("warning: sources.yaml has changed since run ")
    assert "teams" in terminal.stdout and "warning" not in terminal.stdout

    with_store = run("report", "sources.yaml", "--store", ".citeaudit", "--format", "json")
    assert "run `citeaudit audit sources.yaml --store .citeaudit` to audit" in with_store.stderr

    sources.unlink()
    gone = run("report", "--format", "json")
    assert gone.exit_code == 0
    assert gone.stderr.startswith(
        f"warning: sources.yaml is gone {since(one_run)}: this report shows the claims and "
        "sources as they were then\n"
    )
    assert json.loads(gone.stdout) == one_run


def test_report_with_store_alone_does_not_compare_the_default_file(
    one_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --store and no FILE, ./sources.yaml is only a default: the run's file may be
    anywhere, so nothing is compared (nor said to be gone)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    done = run("report", "--store", str(tmp_path / ".citeaudit"), "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert "warning" not in done.stderr
    assert json.loads(done.stdout) == one_run


def test_report_of_another_file_in_the_same_store_is_not_compared(
    one_run: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "other.yaml").write_text("sources: []\n", encoding="utf-8")
    done = run("report", "other.yaml", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert "warning" not in done.stderr


def test_a_report_kept_without_the_hash_is_compared_with_the_runs_record(
    one_run: dict[str, Any], tmp_path: Path
) -> None:
    """A report kept by an earlier citeaudit has no ``sources_sha256``; the store recorded
    the hash with every run, so the warning is given all the same."""
    import sqlite3

    from citeaudit.store import DATABASE_NAME

    db = sqlite3.connect(tmp_path / ".citeaudit" / DATABASE_NAME)
    with db:
        (text,) = db.execute("SELECT report FROM reports").fetchone()
        older = json.loads(text)
        del older["run"]["sources_sha256"]
        db.execute("UPDATE reports SET report = ?", (json.dumps(older),))
    db.close()
    assert "warning" not in run("report", "--format", "json").stderr
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = run("report", "--format", "json")
    assert done.exit_code == 0
    assert done.stderr.startswith(f"warning: sources.yaml has changed {since(one_run)}: ")
    assert json.loads(done.stdout)["run"]["sources_sha256"] is None


# ---------------------------------------------------------------------------------------------
# --fail-on

# test_audit's evidence base, second run: sources ok, redirected and no copy; claims
# supported, unsupported (a wrong page; a quote not in the source) and unverifiable.


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ([], 1),  # default: claims unsupported
        (["none"], 0),
        (["any"], 1),
        (["unsupported"], 1),
        (["partly_supported"], 0),
        (["unverifiable"], 1),
        (["misquoted"], 0),
        (["wrong_locator"], 1),
        (["not_in_source"], 1),
        (["rotted"], 0),  # the dead page came back on the second run
        (["redirected"], 1),
        (["blocked,misquoted"], 0),
        (["blocked", "misquoted", "not_in_source"], 1),
        (["ROTTED, Partly_Supported"], 0),
    ],
)
def test_fail_on_chooses_what_is_a_finding(
    audited: tuple[Path, dict[str, Any]], fail_on: list[str], code: int
) -> None:
    sources, _ = audited
    options = [arg for value in fail_on for arg in ("--fail-on", value)]
    done = run("report", str(sources), "--format", "json", *options)
    assert done.exit_code == code, (fail_on, done.stderr)


def test_fail_on_for_the_first_run(audited: tuple[Path, dict[str, Any]]) -> None:
    sources, printed = audited
    first = printed["first"]["run"]["id"]
    for fail_on, code in (("rotted", 1), ("not_found", 1), ("blocked", 0)):
        done = run("report", str(sources), "--run", first, "--fail-on", fail_on)
        assert done.exit_code == code, fail_on


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("bogus", "unknown --fail-on value 'bogus'"),
        ("none,rotted", "--fail-on none cannot be combined with other values"),
    ],
)
def test_a_bad_fail_on_exits_2_before_any_work(tmp_path: Path, value: str, words: str) -> None:
    for command in ("audit", "check", "report"):
        done = run(command, str(tmp_path / "sources.yaml"), "--fail-on", value)
        assert done.exit_code == 2, command
        assert words in " ".join(done.stderr.replace("│", " ").split()), command
        assert not (tmp_path / ".citeaudit").exists()


def test_check_and_audit_take_fail_on(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/refused").respond_with_data("no", 403)
    httpserver.expect_request("/fine").respond_with_data("<p>fine</p>", content_type="text/html")
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - id: refused\n    url: {httpserver.url_for('/refused')}\n"
        f"  - id: fine\n    url: {httpserver.url_for('/fine')}\n"
        "claims:\n  - id: c\n    text: t\n    evidence:\n      - source: fine\n"
        "        quote: fine\n",
        encoding="utf-8",
    )
    assert run("check", str(path)).exit_code == 0  # refused is not rot
    assert run("check", str(path), "--fail-on", "blocked").exit_code == 1
    assert run("check", str(path), "--fail-on", "blocked", "--accept", "403").exit_code == 0
    assert run("audit", str(path), "--format", "json").exit_code == 0
    assert run("audit", str(path), "--format", "json", "--fail-on", "any").exit_code == 1


# ---------------------------------------------------------------------------------------------
# At a terminal


def at_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    environment |= {"TERM": "xterm-256color", "NO_PROXY": "127.0.0.1,localhost", **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "citeaudit", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.stderr is not None
    proc.stderr.close()
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_at_a_terminal_and_never_with_no_color(
    audited: tuple[Path, dict[str, Any]],
) -> None:
    sources, _ = audited
    coloured = at_a_terminal(["report", str(sources)], {"COLUMNS": "80"})
    assert "\x1b[" in coloured
    assert "twenty-teams" in coloured
    plain = at_a_terminal(["report", str(sources)], {"COLUMNS": "80", "NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "twenty-teams" in plain
    narrow = at_a_terminal(["report", str(sources)], {"COLUMNS": "40", "NO_COLOR": "1"})
    for line in narrow.replace("\r", "").splitlines():  # long only for a word kept whole
        assert len(line) <= 40 or len(line.split()[-1]) > 30, line


def test_not_a_terminal_is_plain_without_progress(audited: tuple[Path, dict[str, Any]]) -> None:
    sources, _ = audited
    done = subprocess.run(
        [sys.executable, "-m", "citeaudit", "report", str(sources)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        timeout=60,
    )
    assert done.returncode == 1
    assert "\x1b" not in done.stdout + done.stderr
    # the wrong-page claim stands: its quote is in the source
    assert re.search(r"Claims:\s+4 supported", done.stdout)
    assert "Sources that need attention" in done.stdout
    assert done.stderr.strip().startswith("sources:")  # the summary only: no progress bar


# --------------------------------------------------------------------------- the library


def test_audit_from_python_keeps_its_report_with_the_accepted_codes(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """The core keeps the report, not the CLI: a script calling `audit` gets the same kept
    report (and its --accept and --insecure) as the command."""
    from citeaudit.catalog.reader import load_catalog
    from citeaudit.fetch import FetchOptions
    from citeaudit.pipeline import AuditOptions, audit
    from citeaudit.report.saved import load_report

    httpserver.expect_request("/refused").respond_with_data("no", 403)
    httpserver.expect_request("/fine").respond_with_data("<p>fine</p>", content_type="text/html")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - id: refused\n    url: {httpserver.url_for('/refused')}\n"
        f"  - id: fine\n    url: {httpserver.url_for('/fine')}\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    fetch = FetchOptions(retries=0, accept=frozenset({403}), workers=1)
    result = audit(load_catalog(sources), sources, AuditOptions(fetch=fetch, store_dir=store))

    assert result.run.accept == frozenset({403})
    assert not findings(result)
    kept = load_report(store, result.run.id)
    assert kept.run.accept == [403]
    assert kept.run.insecure is False
    refused = next(s for s in kept.sources if s.id == "refused")
    assert (refused.status, refused.accepted) == (LinkStatus.BLOCKED, True)
    assert run("report", "--store", str(store), "--format", "json").exit_code == 0


# --------------------------------------------------------------- a source that changed


CHANGED_SOURCES = """\
sources:
  - id: press
    title: Council press release
    url: {url}
claims:
  - id: c1
    text: Nitrogen dioxide fell by 23% across the borough.
    evidence:
      - source: press
        quote: nitrogen dioxide levels fell by 23% across the borough
"""


def press(figure: str) -> tuple[str, bytes]:
    body = (
        f"The council said today that nitrogen dioxide levels fell by {figure} across the borough."
    )
    return ("text/html; charset=utf-8", html("Cleaner air", body))


def test_a_source_edited_since_it_was_cited_is_a_finding(tmp_path: Path) -> None:
    """A press release edited from 23% to 21% after it was cited: the claim stands on our
    snapshot, but the run says the source changed, shows the old words and the new, and
    fails (by default, and with --fail-on changed; not with --fail-on rotted)."""
    with LocalSite({"/press": press("23%")}) as site:
        path = tmp_path / "sources.yaml"
        path.write_text(CHANGED_SOURCES.format(url=site.url("/press")), encoding="utf-8")
        first = CliRunner().invoke(app, ["audit", str(path), "--archived", "never"])
        assert first.exit_code == 0, first.stderr
        site.pages["/press"] = press("21%")
        second = CliRunner().invoke(
            app, ["audit", str(path), "--archived", "never"], env={"COLUMNS": "100"}
        )
    assert second.exit_code == 1
    text = second.stdout
    assert "verified (source changed)  press" in text
    assert "The source has changed: the live copy of" in text
    assert "nitrogen dioxide levels fell by [-23%-] {+21%+} across the borough" in text
    attention = text.split("Sources that need attention")[1]
    assert "was: “nitrogen dioxide levels fell by 23% across the borough”" in attention
    assert "now: “nitrogen dioxide levels fell by 21% across the borough”" in attention
    assert "1 changed since cited" in second.stderr
    for fail_on, code in (("changed", 1), ("rotted", 0), ("none", 0)):
        again = CliRunner().invoke(app, ["report", str(path), "--fail-on", fail_on])
        assert again.exit_code == code, (fail_on, again.stderr)
    data = json.loads(CliRunner().invoke(app, ["report", str(path), "-f", "json"]).stdout)
    drift = data["claims"][0]["evidence"][0]["drift"]
    assert (drift["judged_on"], drift["verdict"]) == ("live", "misquoted")
    assert drift["passage"] == "nitrogen dioxide levels fell by 21% across the borough"
    assert data["claims"][0]["evidence"][0]["link"] is None  # not the live page at old words
    assert data["sources"][0]["changed"] is True


def test_a_quote_on_another_page_backs_the_claim_and_is_a_citation_to_correct(
    tmp_path: Path,
) -> None:
    from documents import make_pdf

    pages = [f"Page {n} of the report says little." for n in range(1, 7)]
    pages[3] = "Nitrogen dioxide levels fell by 23% across the borough, the council found."
    sources = (
        "sources:\n  - id: report\n    url: {url}\nclaims:\n  - id: c2\n    text: It fell.\n"
        "    evidence:\n      - source: report\n        locator: p. 9\n"
        "        quote: Nitrogen dioxide levels fell by 23%\n"
    )
    with LocalSite({"/r.pdf": ("application/pdf", make_pdf(pages))}) as site:
        path = tmp_path / "sources.yaml"
        path.write_text(sources.format(url=site.url("/r.pdf")), encoding="utf-8")
        result = CliRunner().invoke(app, ["audit", str(path), "--archived", "never"])
    assert result.exit_code == 1  # a wrong page is a finding of its own
    assert "└── supported  c2" in result.stdout
    assert "cited at p. 9, found at p. 4 (the PDF has no page 9: it has 6 pages)" in result.stdout
    fix = result.stdout.split("Citations to correct")[1]
    assert "c2  report p. 9" in fix and "found at p. 4" in fix
    assert CliRunner().invoke(app, ["report", str(path), "--fail-on", "unsupported"]).exit_code == 0
