"""A source URL with a user name and password, audited end to end against a server on
127.0.0.1: the credentials are sent, and neither the password nor the Authorization token
is kept in the WARC files, the WACZ export (its WARCs, CDXJ index and page list), the store
or the reports."""

from __future__ import annotations

import base64
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from citeaudit.commands.app import app

SECRET = "S3cretPW"
TOKEN = base64.b64encode(f"alice:{SECRET}".encode()).decode()
NEVER_KEPT = (SECRET.encode(), TOKEN.encode())
PAGE = "<html><head><title>Minutes</title></head><body><p>The council approved the plan.</p>"


def _plain(data: bytes) -> bytes:
    """Bytes as stored, and unpacked when they are gzip (WARC files are, member by member)."""
    if data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            return unpacked.read()
    return data


def _leaks(data: bytes) -> bool:
    plain = _plain(data)
    return any(secret in blob for blob in (data, plain) for secret in NEVER_KEPT)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One audit, its WACZ export and its reports; and what the server was sent."""
    folder = tmp_path_factory.mktemp("credentials")
    with HTTPServer(host="127.0.0.1", port=0) as server:
        server.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
        url = f"http://alice:{SECRET}@127.0.0.1:{server.port}/page"
        sources = folder / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: minutes\n    url: {url}\n"
            "claims:\n  - id: c1\n    text: The plan was approved.\n"
            "    evidence:\n      - source: minutes\n        quote: approved the plan\n",
            encoding="utf-8",
        )
        runner = CliRunner()
        audit = runner.invoke(app, ["audit", str(sources), "--format", "json"])
        sent = [request.headers.get("Authorization") for request, _ in server.log]
    wacz = folder / "out.wacz"
    export = runner.invoke(app, ["export", "--wacz", str(wacz), "--sources", str(sources)])
    html = runner.invoke(app, ["report", str(sources), "--format", "html"])
    assert export.exit_code == 0, export.output
    return {
        "folder": folder,
        "sent": sent,
        "json": audit.stdout,
        "html": html.stdout,
        "wacz": wacz,
        "report": json.loads(audit.stdout),
    }


def test_the_credentials_are_sent(audited: dict[str, object]) -> None:
    assert audited["sent"] == [f"Basic {TOKEN}"]
    source = audited["report"]["sources"][0]  # type: ignore[index]
    assert source["status"] == "ok"


def test_the_warc_files_keep_neither_password_nor_token(audited: dict[str, object]) -> None:
    folder = audited["folder"]
    assert isinstance(folder, Path)
    warcs = sorted((folder / ".citeaudit" / "archive").glob("*.warc.gz"))
    assert warcs
    for warc in warcs:
        data = _plain(warc.read_bytes())
        assert b"Authorization: Basic [redacted]" in data
        assert b"WARC-Target-URI: http://127.0.0.1:" in data
        assert not _leaks(warc.read_bytes()), warc


def test_the_wacz_keeps_neither_password_nor_token(audited: dict[str, object]) -> None:
    wacz = audited["wacz"]
    assert isinstance(wacz, Path)
    with zipfile.ZipFile(wacz) as zipped:
        names = zipped.namelist()
        assert {"indexes/index.cdxj", "pages/pages.jsonl"} <= set(names)
        for name in names:
            assert not _leaks(zipped.read(name)), name
        pages = zipped.read("pages/pages.jsonl").decode()
    assert "http://127.0.0.1:" in pages


def test_the_store_and_the_reports_keep_neither_password_nor_token(
    audited: dict[str, object],
) -> None:
    folder = audited["folder"]
    assert isinstance(folder, Path)
    store = folder / ".citeaudit"
    leaking = [p.name for p in store.rglob("*") if p.is_file() and _leaks(p.read_bytes())]
    assert leaking == []
    for report in ("json", "html"):
        text = audited[report]
        assert isinstance(text, str)
        assert SECRET not in text and TOKEN not in text, report


def test_a_private_page_is_never_named_to_a_public_archive(tmp_path: Path) -> None:
    """A look-up would send the password to the archive, and Save Page Now would publish
    the page: a source with credentials is left out of both, whatever --archived says."""
    with (
        HTTPServer(host="127.0.0.1", port=0) as server,
        HTTPServer(host="127.0.0.1", port=0) as archive,
    ):
        server.expect_request("/page").respond_with_data("gone", status=404)
        archive.expect_request("/", method="GET").respond_with_data("none", status=404)
        url = f"http://alice:{SECRET}@127.0.0.1:{server.port}/page"
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - id: minutes\n    url: {url}\n", encoding="utf-8")
        result = CliRunner().invoke(
            app,
            [
                "audit",
                str(sources),
                "--archived",
                "always",
                "--timegate",
                archive.url_for("/"),
                "--save",
                "--save-endpoint",
                archive.url_for("/save"),
            ],
        )
        asked = [request.url for request, _ in archive.log]
    assert result.exit_code in (0, 1), result.stderr
    assert asked == []
    assert SECRET not in result.stdout + result.stderr
