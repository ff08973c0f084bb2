"""Save Page Now against a small local server that speaks SPN2's documented shapes: the
``LOW key:secret`` header, a job id, status polling from pending to success or error, 429
with Retry-After, and the anonymous ``/save/<url>`` form. The Wayback Machine is never
asked: conftest points the default endpoint at a refused port."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.errors import UsageError
from citeaudit.fetch import FetchOptions
from citeaudit.webarchive import SPN_ENDPOINT, ArchivedCopy, SaveOptions, save_pages_sync
from localsite import LocalSite, html

KEYS = {"access_key": "k3y", "secret_key": "s3cr3t"}
PAGE = "http://example.org/statement"
STAMP = "20240501120000"
QUICK = FetchOptions(timeout=5, retries=2, backoff_base=0.01)


@dataclass
class FakeSpn:
    """What the fake answers, and every request it got (method, path, headers, form)."""

    pending: int = 1  # status polls answered "pending" before the outcome
    error: str | None = None  # status_ext of a failed capture
    throttle: list[str] = field(default_factory=list)  # Retry-After of each 429 to send first
    never_done: bool = False
    anonymous_page: bool = False  # the anonymous form answers with a page naming a job
    requests: list[tuple[str, str, dict[str, str], dict[str, list[str]]]] = field(
        default_factory=list
    )
    polls: int = 0

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        form = parse_qs(body.decode()) if body else {}
        self.requests.append((method, path, headers, form))
        authorised = headers.get("authorization") == "LOW k3y:s3cr3t"
        if self.throttle:
            return 429, {"Retry-After": self.throttle.pop(0)}, {"message": "slow down"}
        if method == "POST" and path == "/save":
            if not authorised:
                return 401, {}, {"message": "You need to be logged in to use Save Page Now."}
            assert headers.get("accept") == "application/json"
            return 200, {}, {"url": form["url"][0], "job_id": "spn2-0123456789abcdef"}
        if method == "GET" and path.startswith("/save/status/"):
            job = path.rsplit("/", 1)[1]
            self.polls += 1
            if self.never_done or self.polls <= self.pending:
                return 200, {}, {"status": "pending", "job_id": job, "resources": []}
            if self.error:
                return (
                    200,
                    {},
                    {
                        "status": "error",
                        "status_ext": self.error,
                        "job_id": job,
                        "message": "Couldn't resolve host for http://example.org/statement.",
                    },
                )
            return (
                200,
                {},
                {
                    "status": "success",
                    "job_id": job,
                    "original_url": PAGE,
                    "timestamp": STAMP,
                    "duration_sec": 3.2,
                    "http_status": 200,
                },
            )
        if method == "GET" and path.startswith("/save/"):
            url = unquote(path[len("/save/") :])
            if self.anonymous_page:
                page = '<script>spn.watchJob("spn2-fedcba9876543210", "/_static/",6000);</script>'
                return 200, {"Content-Type": "text/html"}, page
            return 200, {"Content-Location": f"/web/{STAMP}/{url}"}, "<html>saved</html>"
        return 404, {}, {"message": "no such endpoint"}


@pytest.fixture
def spn() -> Iterator[tuple[FakeSpn, str]]:
    fake = FakeSpn()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = urlsplit(self.path).path
            status, extra, data = fake.answer(method, path, headers, body)
            payload = data.encode() if isinstance(data, str) else json.dumps(data).encode()
            self.send_response(status)
            extra.setdefault("Content-Type", "application/json")
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/save"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


def save(endpoint: str, authenticated: bool = True, **more: Any) -> ArchivedCopy:
    keys: dict[str, Any] = dict(KEYS) if authenticated else {}
    options = SaveOptions(endpoint=endpoint, poll_interval=0.01, **{**keys, **more})
    return save_pages_sync([PAGE], options, QUICK)[PAGE]


def test_spn2_submits_with_the_keys_and_polls_until_success(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.pending = 2

    copy = save(endpoint)

    base = endpoint.removesuffix("/save")
    assert copy.found is True
    assert copy.url == f"{base}/web/{STAMP}/{PAGE}"
    assert copy.date == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert copy.timegate == endpoint
    assert copy.http_status == 200
    method, path, headers, form = fake.requests[0]
    assert (method, path) == ("POST", "/save")
    assert headers["authorization"] == "LOW k3y:s3cr3t"
    assert form["url"] == [PAGE] and form["skip_first_archive"] == ["1"]
    assert form["if_not_archived_within"] == ["1h"]
    polls = [r for r in fake.requests if r[1].startswith("/save/status/")]
    assert [r[1] for r in polls] == ["/save/status/spn2-0123456789abcdef"] * 3
    assert all(r[2]["authorization"] == "LOW k3y:s3cr3t" for r in polls)


def test_a_429_is_waited_out_as_retry_after_asks(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.throttle = ["1"]

    copy = save(endpoint)

    assert copy.found is True
    assert [r[:2] for r in fake.requests[:2]] == [("POST", "/save"), ("POST", "/save")]


def test_a_429_asking_too_long_is_reported(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.throttle = ["7200"]

    copy = save(endpoint)

    assert copy.found is None
    assert copy.note is not None and "asked to wait 7200s, more than the 60s limit" in copy.note
    assert len(fake.requests) == 1


def test_a_failed_capture_is_not_saved(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.error = "error:invalid-host-resolution"

    copy = save(endpoint)

    assert copy.found is False
    assert copy.note == (
        "Save Page Now could not save it (error:invalid-host-resolution: "
        "Couldn't resolve host for http://example.org/statement.)"
    )


def test_refused_keys_are_reported(spn: tuple[FakeSpn, str]) -> None:
    _, endpoint = spn

    copy = save(endpoint, access_key="wrong", secret_key="keys")

    assert copy.found is None
    assert copy.note is not None
    assert copy.note.startswith("Save Page Now refused the keys (401 Unauthorized)")
    assert "IA_ACCESS_KEY and IA_SECRET_KEY" in copy.note


def test_a_job_that_does_not_finish_in_time_is_unknown(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.never_done = True

    copy = save(endpoint, max_wait=0.2)

    assert copy.found is None
    assert copy.note is not None and "had not finished after 0.2s" in copy.note


def test_the_anonymous_form_reads_content_location(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn

    copy = save(endpoint, authenticated=False)

    base = endpoint.removesuffix("/save")
    assert copy.found is True
    assert copy.url == f"{base}/web/{STAMP}/{PAGE}"
    (method, path, headers, _) = fake.requests[0]
    assert (method, path) == ("GET", f"/save/{PAGE}")
    assert "authorization" not in headers


def test_the_anonymous_form_polls_the_job_its_page_names(spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    fake.anonymous_page = True

    copy = save(endpoint, authenticated=False)

    assert copy.found is True
    assert fake.requests[-1][1] == "/save/status/spn2-fedcba9876543210"


def test_options_come_from_the_environment() -> None:
    env = {
        "IA_ACCESS_KEY": "a",
        "IA_SECRET_KEY": "b",
        "CITEAUDIT_SPN_ENDPOINT": "http://x.test/save",
    }
    options = SaveOptions.from_env(environ=env)

    assert options.authenticated and options.endpoint == "http://x.test/save"
    assert SaveOptions.from_env(environ={}).endpoint == SPN_ENDPOINT
    assert SaveOptions.from_env("http://y.test/save", env).endpoint == "http://y.test/save"
    assert "s3cr3t" not in repr(SaveOptions(access_key="k3y", secret_key="s3cr3t"))
    with pytest.raises(UsageError, match="needs both IA_ACCESS_KEY and IA_SECRET_KEY"):
        SaveOptions.from_env(environ={"IA_ACCESS_KEY": "a"})


def test_audit_save_submits_live_sources_only(
    tmp_path: Path, spn: tuple[FakeSpn, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, endpoint = spn
    fake.pending = 0
    monkeypatch.setenv("IA_ACCESS_KEY", "k3y")
    monkeypatch.setenv("IA_SECRET_KEY", "s3cr3t")
    with LocalSite({"/live": ("text/html", html("Live", "Here."))}) as site:
        path = tmp_path / "sources.yaml"
        path.write_text(
            f"""\
sources:
  - id: live
    url: {site.url("/live")}
  - id: dead
    url: {site.url("/dead")}
claims: []
""",
            encoding="utf-8",
        )
        done = CliRunner().invoke(
            app,
            [
                "audit", str(path), "--format", "json", "--archived", "never",
                "--save", "--save-endpoint", endpoint, "--retries", "0",
            ],
        )  # fmt: skip

    assert done.exit_code == 1, done.output  # the dead link is a finding
    report = json.loads(done.stdout)
    live, dead = report["sources"]
    assert live["saved"]["found"] is True
    assert live["saved"]["url"].endswith(f"/web/{STAMP}/{PAGE}")  # as the fake names it
    assert dead["saved"] is None
    submitted = [r[3]["url"][0] for r in fake.requests if r[0] == "POST"]
    assert submitted == [site.url("/live")]
    db = sqlite3.connect(tmp_path / ".citeaudit" / "citeaudit.sqlite")
    try:
        rows = db.execute("SELECT source_id, kind, found FROM archived_copies").fetchall()
    finally:
        db.close()
    assert rows == [("live", "saved", 1)]


def test_saving_is_never_on_by_default(tmp_path: Path, spn: tuple[FakeSpn, str]) -> None:
    fake, endpoint = spn
    with LocalSite({"/live": ("text/html", html("Live", "Here."))}) as site:
        path = tmp_path / "sources.yaml"
        path.write_text(f"sources:\n  - id: live\n    url: {site.url('/live')}\nclaims: []\n")
        done = CliRunner().invoke(app, ["audit", str(path), "--save-endpoint", endpoint])

    assert done.exit_code == 0, done.output
    assert fake.requests == []
