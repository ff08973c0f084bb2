"""A run given a received sources file: a local file outside its folder is not read, a FIFO
does not hang it, and what it keeps and shares names local files relative to that folder,
never by an absolute path; everything else is audited as usual."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from localsite import LocalSite, html

SECRET = b"SECRET_TOKEN=hunter2-outside"
NOTES = "As minuted, the board voted to close the clinic.\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def citeaudit(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command run from the sources file's folder, in a process of its own: were the
    FIFO opened, the timeout would end it (and fail the test)."""
    return subprocess.run(
        [sys.executable, "-m", "citeaudit", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", "COLUMNS": "200"},
    )


def received(tmp_path: Path, site: LocalSite) -> Path:
    """A project folder whose sources file cites a page, a good local file, a file beside
    the folder (holding a secret) and a FIFO; a claim quotes each."""
    folder = tmp_path / "project"
    (folder / "minutes").mkdir(parents=True)
    (folder / "minutes" / "notes.txt").write_text(NOTES, encoding="utf-8")
    (tmp_path / "outside.txt").write_bytes(SECRET + b"\n")
    os.mkfifo(folder / "pipe")
    (folder / "sources.yaml").write_text(
        f"""\
sources:
  - id: page
    url: {site.url("/page")}
  - id: notes
    title: Board minutes
    file: minutes/notes.txt
  - id: out
    file: ../outside.txt
  - id: pipe
    file: pipe
claims:
  - id: met
    text: The board met.
    evidence:
      - source: page
        quote: the board met in March
  - id: voted
    text: The board voted.
    evidence:
      - source: notes
        quote: the board voted to close the clinic
  - id: secret
    text: There is a token.
    evidence:
      - source: out
        quote: hunter2
  - id: piped
    text: Something.
    evidence:
      - source: pipe
        quote: anything
""",
        encoding="utf-8",
    )
    return folder


def unpacked(path: Path) -> bytes:
    """Every byte a reader of ``path`` sees: a WACZ's members, its WARC files decompressed."""
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes())
    parts = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            parts.append(gzip.decompress(data) if name.endswith(".gz") else data)
    return b"\n".join(parts)


def test_a_received_sources_file_cannot_share_outside_files_or_hang_the_run(
    tmp_path: Path,
) -> None:
    pages = {"/page": ("text/html; charset=utf-8", html("Minutes", "The board met in March."))}
    with LocalSite(pages) as site:
        folder = received(tmp_path, site)
        audited = citeaudit(
            folder, "audit", "sources.yaml", "--format", "json", "--archived", "never"
        )
    exported = citeaudit(folder, "export", "--wacz", "shared.wacz")
    assert exported.returncode == 0, exported.stderr

    # the rest of the audit is done; the refused files are findings, said on their sources
    assert audited.returncode == 1, audited.stderr
    report = json.loads(audited.stdout)
    sources = {s["id"]: s for s in report["sources"]}
    claims = {c["id"]: c for c in report["claims"]}
    assert sources["page"]["status"] == "ok" and sources["page"]["snapshot"] is not None
    assert claims["met"]["evidence"][0]["verdict"] == "verified"
    assert sources["notes"]["snapshot"] is not None and sources["notes"]["problem"] is None
    assert claims["voted"]["evidence"][0]["verdict"] == "verified"
    assert sources["out"]["problem"] == (
        "file ../outside.txt is outside the folder of the sources file: citeaudit reads local "
        "files only from that folder and below (use --allow-outside-files to read it anyway)"
    )
    assert sources["pipe"]["problem"] is not None
    assert sources["pipe"]["problem"].startswith("file pipe is a named pipe (FIFO)")
    for claim in ("secret", "piped"):
        assert claims[claim]["evidence"][0]["verdict"] == "source_unavailable"

    # nothing of the outside file is kept or shared
    warcs = sorted((folder / ".citeaudit" / "archive").glob("*.warc.gz"))
    wacz = unpacked(folder / "shared.wacz")
    for kept in [*(unpacked(w) for w in warcs), wacz]:
        assert b"hunter2" not in kept
    assert "SECRET_TOKEN" not in audited.stdout + audited.stderr

    # the good file is filed, indexed and listed under its name in the folder
    uri = "urn:citeaudit:file:minutes/notes.txt"
    with warcs[0].open("rb") as stream:
        resources = [
            (r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(stream)
            if r.rec_type == "resource"
        ]
    assert resources == [(uri, NOTES.encode())]
    with zipfile.ZipFile(folder / "shared.wacz") as zf:
        listed = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()[1:]]
        index = zf.read("indexes/index.cdxj").decode()
    assert {page["url"] for page in listed} == {site.url("/page"), uri}
    assert f'"url": "{uri}"' in index

    # no absolute path in anything shared: the WACZ, the JSON report, any other report
    shared = [wacz, audited.stdout.encode()]
    for fmt in ("markdown", "html", "csv", "terminal"):
        rendered = citeaudit(folder, "report", "sources.yaml", "--format", fmt)
        assert rendered.returncode == 1, rendered.stderr
        shared.append(rendered.stdout.encode())
    for place in {str(tmp_path), str(tmp_path.resolve())}:
        for text in shared:
            assert place.encode() not in text
