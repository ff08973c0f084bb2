"""`citeaudit check` (and `audit`) fetch options, end to end against local servers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result
from werkzeug import Request, Response

from citeaudit.commands.app import app
from servers import leaf_context, tls_server

WIDE = {"COLUMNS": "400"}


def sources_file(tmp_path: Path, urls: dict[str, str]) -> Path:
    lines = ["sources:"]
    for source_id, url in urls.items():
        lines += [f"  - id: {source_id}", f'    url: "{url}"']
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=WIDE)


def check_json(path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = run("check", str(path), "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {source["id"]: source for source in report["sources"]}


# --------------------------------------------------------------------------- --head


def test_head_falls_back_to_get_on_a_non_2xx(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc", method="HEAD").respond_with_data("", 405)
    httpserver.expect_request("/doc", method="GET").respond_with_data(
        "<p>the document</p>", content_type="text/html"
    )
    httpserver.expect_request("/fine", method="HEAD").respond_with_data("", 200)
    path = sources_file(
        tmp_path, {"doc": httpserver.url_for("/doc"), "fine": httpserver.url_for("/fine")}
    )

    code, report, _ = check_json(path, "--head")

    assert code == 0
    sources = by_id(report)
    assert sources["doc"]["status"] == "ok" and sources["doc"]["reason"] == "200 OK"
    assert sources["fine"]["status"] == "ok"
    methods = sorted((request.path, request.method) for request, _ in httpserver.log)
    assert methods == [("/doc", "GET"), ("/doc", "HEAD"), ("/fine", "HEAD")]


def test_without_head_only_get_is_sent(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc").respond_with_data("ok")
    path = sources_file(tmp_path, {"doc": httpserver.url_for("/doc")})

    code, _, _ = check_json(path)

    assert code == 0
    assert [request.method for request, _ in httpserver.log] == ["GET"]


# --------------------------------------------------------------------------- --accept


@pytest.fixture
def refused_and_broken(tmp_path: Path, httpserver: HTTPServer) -> Path:
    httpserver.expect_request("/refused").respond_with_data("no", 403)
    httpserver.expect_request("/broken").respond_with_data("oops", 500)
    return sources_file(
        tmp_path,
        {"refused": httpserver.url_for("/refused"), "broken": httpserver.url_for("/broken")},
    )


def test_accept_turns_a_run_with_a_403_and_a_500_into_exit_0(refused_and_broken: Path) -> None:
    code, report, _ = check_json(refused_and_broken, "--retries", "0")
    assert code == 1  # the 500 is a finding; the 403 is not
    assert by_id(report)["broken"]["accepted"] is False

    code, report, _ = check_json(refused_and_broken, "--retries", "0", "--accept", "403,500")

    assert code == 0
    sources = by_id(report)
    assert (sources["refused"]["status"], sources["refused"]["reason"]) == (
        "blocked",
        "403 Forbidden (access refused)",
    )
    assert (sources["broken"]["status"], sources["broken"]["http_status"]) == (
        "server_error",
        500,
    )
    assert sources["refused"]["accepted"] is True and sources["broken"]["accepted"] is True
    assert report["run"]["accept"] == [403, 500]
    assert report["summary"]["sources"] == {"blocked": 1, "server_error": 1}


def test_accept_403_alone_reports_blocked_and_exits_0(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/linkedin").respond_with_data("", 999)
    httpserver.expect_request("/paper").respond_with_data("no", 403)
    path = sources_file(
        tmp_path,
        {"paper": httpserver.url_for("/paper"), "profile": httpserver.url_for("/linkedin")},
    )

    code, report, _ = check_json(path, "--accept", "403")

    assert code == 0
    sources = by_id(report)
    assert sources["paper"]["status"] == "blocked" and sources["paper"]["accepted"] is True
    assert sources["profile"]["status"] == "blocked" and sources["profile"]["accepted"] is False


def test_accept_in_the_terminal_table(refused_and_broken: Path) -> None:
    result = run("check", str(refused_and_broken), "--retries", "0", "--accept", "500-599")

    assert result.exit_code == 0
    assert "500 Internal Server Error (HTTP 500 accepted: not a finding)" in result.stdout


def test_a_soft_404_cannot_be_accepted(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(
        "<title>Page not found</title>", content_type="text/html"
    )
    path = sources_file(tmp_path, {"p": httpserver.url_for("/p")})

    code, report, _ = check_json(path, "--accept", "200")

    assert code == 1
    assert by_id(report)["p"]["status"] == "soft_404"
    assert by_id(report)["p"]["soft_kind"] == "not_found_page"
    assert by_id(report)["p"]["accepted"] is False


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--accept", "forbidden", "cannot read 'forbidden' as an HTTP status code"),
        ("--accept", "99", "cannot read '99' as an HTTP status code"),
        ("--max-bytes", "5XB", "cannot read '5XB' as a size"),
        ("--min-interval", "-1", "Invalid value for '--min-interval'"),
        ("--retries", "-1", "Invalid value for '--retries'"),
    ],
)
def test_bad_option_values_exit_2(tmp_path: Path, option: str, value: str, words: str) -> None:
    path = sources_file(tmp_path, {"a": "http://127.0.0.1:9/"})

    result = run("check", str(path), option, value)

    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_url(ca: trustme.CA) -> Iterator[str]:
    with tls_server(leaf_context(ca)) as server:
        server.expect_request("/").respond_with_data("<p>secure</p>", content_type="text/html")
        yield server.url_for("/")


def test_insecure_only_when_asked_and_the_report_says_so(tmp_path: Path, https_url: str) -> None:
    path = sources_file(tmp_path, {"s": https_url})

    code, report, _ = check_json(path)
    assert code == 1
    assert by_id(report)["s"]["status"] == "tls_error"
    assert by_id(report)["s"]["reason"] == (
        "TLS certificate of 127.0.0.1: certificate issued by an unknown CA "
        "(unable to get local issuer certificate)"
    )
    assert report["run"]["insecure"] is False

    code, report, stderr = check_json(path, "--insecure")
    assert code == 0
    assert by_id(report)["s"]["status"] == "ok"
    assert by_id(report)["s"]["insecure"] is True
    assert report["run"]["insecure"] is True
    assert "warning: --insecure: TLS certificates are not verified" in stderr

    table = run("check", str(path), "--insecure")
    assert "(TLS certificate not verified: --insecure)" in table.stdout


def test_ca_bundle(tmp_path: Path, https_url: str, ca: trustme.CA) -> None:
    path = sources_file(tmp_path, {"s": https_url})
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))

    code, report, _ = check_json(path, "--ca-bundle", str(bundle))

    assert code == 0
    assert by_id(report)["s"]["status"] == "ok" and by_id(report)["s"]["insecure"] is False


# --------------------------------------------------------------------------- the rest


def test_user_agent(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    path = sources_file(tmp_path, {"a": httpserver.url_for("/ua")})

    code, _, _ = check_json(path, "--user-agent", "StopSIM-audit/1.0 (mailto:x@example.org)")

    assert code == 0
    (request, _) = httpserver.log[0]
    assert request.headers["User-Agent"] == "StopSIM-audit/1.0 (mailto:x@example.org)"


def test_max_bytes(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/plain")
    path = sources_file(tmp_path, {"big": httpserver.url_for("/big")})

    code, report, _ = check_json(path, "--max-bytes", "1KiB")

    assert code == 0
    assert by_id(report)["big"]["truncated"] is True
    table = run("check", str(path), "--max-bytes", "1KiB")
    assert "(body truncated at the size limit)" in table.stdout


def test_retries(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/busy").respond_with_data("", 503)
    path = sources_file(tmp_path, {"busy": httpserver.url_for("/busy")})

    code, report, _ = check_json(path, "--retries", "0")

    assert code == 1
    assert by_id(report)["busy"]["reason"] == "503 Service Unavailable"
    assert len(httpserver.log) == 1


def test_min_interval(tmp_path: Path, httpserver: HTTPServer) -> None:
    stamps: list[float] = []

    def stamp(request: Request) -> Response:
        stamps.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request(re.compile(r"^/\d$")).respond_with_handler(stamp)
    path = sources_file(tmp_path, {f"s{i}": httpserver.url_for(f"/{i}") for i in range(3)})

    code, _, _ = check_json(path, "--min-interval", "0.3")

    assert code == 0
    assert len(stamps) == 3
    assert min(b - a for a, b in zip(stamps, stamps[1:], strict=False)) >= 0.2


def test_fragment_problems_are_reported_on_the_source(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/h").respond_with_data(
        '<h2 id="duties">Statutory duties</h2><p>Renewed every 10 years.</p>',
        content_type="text/html",
    )
    base = httpserver.url_for("/h")
    path = sources_file(
        tmp_path,
        {
            "good": f"{base}#:~:text=Statutory%20duties",
            "bad": f"{base}#:~:text=every%205%20years",
            "anchor": f"{base}#powers",
        },
    )

    code, report, _ = check_json(path)

    assert code == 0  # a missing fragment is not a dead link
    sources = by_id(report)
    assert sources["good"]["fragment"] == {
        "fragment": ":~:text=Statutory%20duties",
        "found": True,
        "problem": None,
        "note": None,
    }
    assert sources["bad"]["status"] == "ok"
    assert sources["bad"]["fragment_problem"] == (
        "text fragment 'every 5 years' not found on the page"
    )
    assert sources["bad"]["fragment"]["found"] is False
    assert (
        sources["anchor"]["fragment_problem"] == "no element with id or name 'powers' on the page"
    )
    assert len(httpserver.log) == 1

    table = run("check", str(path))
    assert "200 OK; #fragment: no element with id or name 'powers' on the page" in table.stdout


def test_a_soft_404_is_a_finding(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", 301, {"Location": "/"})
    httpserver.expect_request("/").respond_with_data(
        "<title>Home</title>", content_type="text/html"
    )
    path = sources_file(tmp_path, {"old": httpserver.url_for("/old")})

    result = run("check", str(path))

    assert result.exit_code == 1
    assert "soft_404" in result.stdout
    assert "the deep link was sent to the home page" in result.stdout


def test_audit_takes_the_fetch_options(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", 404)
    path = sources_file(tmp_path, {"gone": httpserver.url_for("/gone")})
    store = tmp_path / "store"

    plain = run("audit", str(path), "--format", "json", "--store", str(store))
    accepted = run(
        "audit",
        str(path),
        "--format",
        "json",
        "--store",
        str(store),
        "--accept",
        "404",
        "--retries",
        "0",
        "--min-interval",
        "0",
        "--max-bytes",
        "1MB",
        "--user-agent",
        "audit-agent/2",
    )

    assert plain.exit_code == 1
    assert accepted.exit_code == 0, accepted.stderr
    report = json.loads(accepted.stdout)
    assert by_id(report)["gone"]["status"] == "not_found"
    assert by_id(report)["gone"]["accepted"] is True
    assert httpserver.log[-1][0].headers["User-Agent"] == "audit-agent/2"


# --------------------------------------------------------------------------- start-up


def test_check_as_json_imports_only_what_it_uses(tmp_path: Path) -> None:
    """Start-up is much of a run: `check --format json` leaves out what only other commands
    or formats need (the store, WARCs, the verifier, rich)."""
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: letter\n    kind: letter\n", encoding="utf-8")
    # httpx loads its own command line (click, rich) when click is installed, as the dev
    # tools install it; a user's install has no click. Leave httpx's CLI out, as there.
    script = (
        "import sys\n"
        "sys.modules['httpx._main'] = None\n"
        "from citeaudit.commands.app import main\n"
        "try:\n"
        "    main(['check', sys.argv[1], '--format', 'json'])\n"
        "except SystemExit:\n"
        "    print(*sorted(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=False
    )

    loaded = set(done.stderr.split())
    assert "citeaudit.pipeline.linkcheck" in loaded, done.stderr
    unused = {
        "rich",
        "warcio",
        "sqlite3",
        "jinja2",
        "citeaudit.pipeline.run",
        "citeaudit.store.database",
    }
    assert not loaded & {*unused, "citeaudit.archive.writer", "citeaudit.verify.judge"}


# --------------------------------------------------------------------------- --workers


def test_workers_option_gives_the_same_report(tmp_path: Path, httpserver: HTTPServer) -> None:
    """`--workers 1` (one process) and `--workers 2` judge 120 links alike."""
    for n in range(120):
        if n % 10 == 3:
            httpserver.expect_request(f"/p/{n}").respond_with_data("gone", 404)
        else:
            httpserver.expect_request(f"/p/{n}").respond_with_data(
                f"<title>page {n}</title>", content_type="text/html"
            )
    path = sources_file(tmp_path, {f"p{n}": httpserver.url_for(f"/p/{n}") for n in range(120)})

    reports = {}
    for workers in ("1", "2"):
        code, report, _ = check_json(path, "--workers", workers)
        assert code == 1
        reports[workers] = {s["id"]: s["status"] for s in report["sources"]}
    assert reports["1"] == reports["2"]
    assert sum(status == "not_found" for status in reports["1"].values()) == 12


def test_workers_cannot_be_negative(tmp_path: Path) -> None:
    path = sources_file(tmp_path, {"a": "http://127.0.0.1:9/"})
    result = run("check", str(path), "--workers", "-1")
    assert result.exit_code == 2
    assert "--workers" in result.stderr


# --------------------------------------------------------------------------- local files


def local_sources(tmp_path: Path) -> Path:
    """Two local sources, one of whose files is missing, and one with no copy at all."""
    (tmp_path / "letter.txt").write_text("We do not mandate the model.\n", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - id: letter\n"
        "    file: letter.txt\n"
        "  - id: minutes\n"
        "    file: missing.txt\n"
        "  - id: call\n"
        "    kind: phone call\n",
        encoding="utf-8",
    )
    return path


def test_validate_reports_a_missing_local_file_where_it_is_named(tmp_path: Path) -> None:
    path = local_sources(tmp_path)

    result = run("validate", str(path))

    assert result.exit_code == 2
    assert (
        f"{path}:5:11: file missing.txt does not exist (paths are relative to the folder of "
        "the sources file)"
    ) in result.stderr
    assert "letter.txt" not in result.stderr
    assert "1 problem found" in result.stderr
    assert "Traceback" not in result.stderr

    (tmp_path / "missing.txt").write_text("found after all\n", encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert "valid: 3 sources" in result.stdout


def test_validate_lists_a_folder_named_as_a_file_with_the_other_problems(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - id: folder\n    file: evidence\n  - id: bad\n    url: not a url\n",
        encoding="utf-8",
    )

    result = run("validate", str(path))

    assert result.exit_code == 2
    assert f"{path}:3:11: file evidence is a folder: name a file inside it" in result.stderr
    assert f"{path}:5:10: URL 'not a url'" in result.stderr
    assert "2 problems found" in result.stderr


def test_check_shows_a_missing_local_file_and_exits_1(tmp_path: Path) -> None:
    path = local_sources(tmp_path)
    problem = (
        "file missing.txt does not exist (paths are relative to the folder of the sources file)"
    )

    code, report, stderr = check_json(path)

    assert code == 1
    sources = by_id(report)
    assert sources["minutes"]["note"] == problem
    assert sources["letter"]["note"] == "local file: not checked"  # a file that is there
    assert f"citeaudit: source minutes: {problem}" in stderr
    assert "source letter" not in stderr

    terminal = run("check", str(path))
    assert terminal.exit_code == 1
    assert problem in terminal.stdout
    assert "local file: not checked" in terminal.stdout  # the letter, shown as it was

    (tmp_path / "missing.txt").write_text("found after all\n", encoding="utf-8")
    code, report, stderr = check_json(path)

    assert code == 0, stderr
    assert {s["note"] for s in report["sources"] if s["file"]} == {"local file: not checked"}


def test_check_with_fail_on_none_still_says_so_but_exits_0(tmp_path: Path) -> None:
    path = local_sources(tmp_path)

    code, report, stderr = check_json(path, "--fail-on", "none")

    assert code == 0
    assert "citeaudit: source minutes: file missing.txt does not exist" in stderr
    assert by_id(report)["minutes"]["note"].startswith("file missing.txt does not exist")


# --------------------------------------------------------------------------- refused local files

ONLY_BELOW = (
    "citeaudit reads local files only from that folder and below "
    "(use --allow-outside-files to read it anyway)"
)
NEVER = (
    "where the system keeps devices and the state of running programs, not documents: "
    "citeaudit never reads from /proc, /sys or /dev; cite a saved copy of the document"
)
REFUSED = {
    "out": f"file ../outside.txt is outside the folder of the sources file: {ONLY_BELOW}",
    "link": (
        "file letter.txt leads, through a symbolic link, outside the folder of the sources "
        f"file: {ONLY_BELOW}"
    ),
    "pipe": (
        "file pipe is a named pipe (FIFO), not a regular file: citeaudit reads only regular "
        "files; cite a saved copy of the document"
    ),
    "zero": f"file /dev/zero is in /dev, {NEVER}",
    "env": f"file /proc/self/environ is in /proc, {NEVER}",
}


def refused_sources(tmp_path: Path) -> Path:
    """A sources file in ``tmp_path/project`` citing a good file, and files it must refuse:
    one beside its folder, a link out of it, a FIFO, a device and the process environment."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "notes.txt").write_text("The board met.\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("SECRET=hunter2\n", encoding="utf-8")
    (folder / "letter.txt").symlink_to(tmp_path / "outside.txt")
    os.mkfifo(folder / "pipe")
    path = folder / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - id: good\n    file: notes.txt\n"
        "  - id: out\n    file: ../outside.txt\n"
        "  - id: link\n    file: letter.txt\n"
        "  - id: pipe\n    file: pipe\n"
        "  - id: zero\n    file: /dev/zero\n"
        "  - id: env\n    file: /proc/self/environ\n",
        encoding="utf-8",
    )
    return path


def citeaudit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own: were a FIFO opened, the timeout ends it."""
    return subprocess.run(
        [sys.executable, "-m", "citeaudit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **WIDE},
        cwd=cwd,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_validate_reports_every_refused_local_file_where_it_is_named(tmp_path: Path) -> None:
    path = refused_sources(tmp_path)

    result = citeaudit("validate", str(path))

    assert result.returncode == 2, result.stdout
    lines = {"out": 5, "link": 7, "pipe": 9, "zero": 11, "env": 13}
    for source_id, line in lines.items():
        assert f"{path}:{line}:11: {REFUSED[source_id]}" in result.stderr
    assert "notes.txt" not in result.stderr
    assert "5 problems found" in result.stderr

    allowed = citeaudit("validate", str(path), "--allow-outside-files")

    assert allowed.returncode == 2
    assert "../outside.txt" not in allowed.stderr and "letter.txt" not in allowed.stderr
    for source_id in ("pipe", "zero", "env"):  # never read, whatever is allowed
        assert REFUSED[source_id] in allowed.stderr
    assert "3 problems found" in allowed.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_check_shows_every_refused_local_file_on_its_source(tmp_path: Path) -> None:
    path = refused_sources(tmp_path)

    # run from the sources file's folder, as a user would: the report names it as given
    result = citeaudit("check", path.name, "--format", "json", cwd=path.parent)

    assert result.returncode == 1, result.stderr
    sources = by_id(json.loads(result.stdout))
    assert sources["good"]["note"] == "local file: not checked"
    for source_id, problem in REFUSED.items():
        assert sources[source_id]["note"] == sources[source_id]["problem"] == problem
        assert f"citeaudit: source {source_id}: {problem}" in result.stderr
    assert str(tmp_path) not in result.stdout and "hunter2" not in result.stdout

    allowed = citeaudit("check", str(path), "--format", "json", "--allow-outside-files")

    assert allowed.returncode == 1, allowed.stderr

    sources = by_id(json.loads(allowed.stdout))
    for source_id in ("good", "out", "link"):
        assert sources[source_id]["note"] == "local file: not checked"
    for source_id in ("pipe", "zero", "env"):
        assert sources[source_id]["problem"] == REFUSED[source_id]


def test_validate_says_where_written_urls_lead_without_fetching(tmp_path: Path) -> None:
    """A sources file from a stranger cannot hide a URL into the user's own network: validate
    says so (no lookup, no request), and the file is still valid."""
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - id: router\n    url: http://192.168.1.1/admin\n"
        "  - id: metadata\n    url: http://169.254.169.254/latest/meta-data/\n"
        "  - id: public\n    url: https://example.org/page\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "valid: 3 sources" in result.stdout
    assert "note: source router: 192.168.1.1 is a private or loopback address" in result.stderr
    assert "note: source metadata: 169.254.169.254 is a link-local address: it is never" in (
        result.stderr
    )
    assert "source public" not in result.stderr


def test_validate_counts_notes_past_twenty(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    lines = ["sources:"] + [f"  - id: s{n}\n    url: http://10.0.0.{n}/" for n in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.count("note: source s") == 20
    assert "note: and 10 more sources like these" in result.stderr
