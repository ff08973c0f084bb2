"""Hostile documents made by the tests, small to send but huge to read, and an audit run in a
process of its own whose peak memory is measured.

* :func:`inflating_pdf`: a PDF whose content stream (FlateDecode) inflates a thousandfold,
  to blank space or, with ``text``, to text-showing operators (a text bomb);
* :func:`docx_bomb`: a .docx whose ``word/document.xml`` unpacks to many megabytes;
* :func:`truncated_docx`: a valid zip whose ``word/document.xml`` is cut off half-way;
* :func:`gzip_response`: an HTTP answer with a gzipped body (a page of NUL bytes, say);
* :func:`serve`: a local server answering each path with a prepared HTTP answer;
* :func:`measured`: a command in a child process, with the peak resident size of that
  process and of every process it started (the document reader); :func:`measured_audit`
  runs ``citeaudit audit`` so;
* :func:`spin`, :func:`stall`, :func:`crash`: bodies that never load, or crash the reader.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from documents import make_docx
from servers import RawServer, keep_alive, request_target

MIB = 1024 * 1024


def inflating_pdf(size: int, *, text: bool = False) -> bytes:
    """A one-page PDF whose content stream unpacks to ``size`` bytes (a few hundred
    kilobytes on the wire for hundreds of megabytes inflated)."""
    if text:
        chunk = b"BT /F1 1 Tf 10 10 Td (" + b"A" * 4000 + b") Tj ET\n"
    else:
        chunk = b" " * MIB
    packer = zlib.compressobj(9)
    parts: list[bytes] = []
    made = 0
    while made < size:
        parts.append(packer.compress(chunk))
        made += len(chunk)
    parts.append(packer.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _replace_part(docx: bytes, name: str, data: bytes | Iterator[bytes]) -> bytes:
    """``docx`` with one part's bytes replaced (streamed in when an iterator)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            with target.open(name, "w", force_zip64=True) as part:
                for piece in [data] if isinstance(data, bytes) else data:
                    part.write(piece)
    return out.getvalue()


def docx_bomb(xml_size: int) -> bytes:
    """A .docx whose ``word/document.xml`` unpacks to about ``xml_size`` bytes of short
    paragraphs (each an element tree of its own for lxml), from a few hundred kilobytes."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>"
    )
    paragraph = b"<w:p><w:r><w:t>boom</w:t></w:r></w:p>"
    block = paragraph * (MIB // len(paragraph))

    def pieces() -> Iterator[bytes]:
        yield head
        for _ in range(max(1, xml_size // len(block))):
            yield block
        yield b"</w:body></w:document>"

    return _replace_part(make_docx(["seed"]), "word/document.xml", pieces())


def truncated_docx(paragraphs: list[str]) -> bytes:
    """A .docx (a sound zip) whose ``word/document.xml`` stops half-way through."""
    docx = make_docx(paragraphs)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml")
    return _replace_part(docx, "word/document.xml", xml[: len(xml) // 2])


def response(body: bytes, content_type: str, *headers: tuple[str, str]) -> bytes:
    """A complete HTTP/1.1 answer, kept alive."""
    lines = [
        "HTTP/1.1 200 OK",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def gzip_response(body: bytes, content_type: str = "text/html") -> bytes:
    """An answer whose body is sent gzipped (``Content-Encoding: gzip``)."""
    return response(gzip.compress(body, 9), content_type, ("Content-Encoding", "gzip"))


_NOT_FOUND = response(b"gone", "text/plain").replace(b"200 OK", b"404 Not Found", 1)


@contextmanager
def serve(answers: Mapping[str, bytes]) -> Iterator[RawServer]:
    """A server on 127.0.0.1 answering each path with its prepared answer (404 otherwise)."""
    table = {path.encode(): answer for path, answer in answers.items()}

    def answer(request: bytes) -> bytes:
        return table.get(request_target(request), _NOT_FOUND)

    with RawServer(keep_alive(answer)) as server:
        yield server


@dataclass(frozen=True)
class Measured:
    """An audit run in a child process: its exit code, output, and the peak resident size
    (bytes) of the largest of it and the processes it started."""

    code: int
    stdout: str
    stderr: str
    peak: int


# Runs the command given after it and prints its exit code and peak resident size. The
# command is started from this small process, not from the test runner: a process's peak
# counts the size of the process it was started from (the kernel carries it over exec),
# and a test runner grows to hundreds of megabytes.
_LAUNCH = """\
import json, os, subprocess, sys
out, err = sys.argv[1], sys.argv[2]
with open(out, "wb") as stdout, open(err, "wb") as stderr:
    child = subprocess.Popen(sys.argv[3:], stdout=stdout, stderr=stderr)
    _, status, usage = os.wait4(child.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]))
"""


def measured(command: list[str], folder: Path) -> Measured:
    """Run ``command`` in a child process (its output kept in ``folder``), measured: wait4
    reports the child's own usage with that of the processes it waited for."""
    out, err = folder / "measured.out", folder / "measured.err"
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    launch = [sys.executable, "-c", _LAUNCH, str(out), str(err), *command]
    done = subprocess.run(launch, capture_output=True, text=True, env=env, check=True)
    code, peak = json.loads(done.stdout)
    return Measured(
        code,
        out.read_text(encoding="utf-8"),
        err.read_text(encoding="utf-8"),
        peak * (1 if sys.platform == "darwin" else 1024),
    )


def measured_audit(sources: Path, *options: str) -> Measured:
    """``citeaudit audit SOURCES --format json OPTIONS`` in a child process, measured."""
    command = [sys.executable, "-m", "citeaudit", "audit", str(sources), "--format", "json"]
    return measured([*command, *options], sources.parent)


def spin() -> bytes:
    """A body that never loads: it keeps the processor busy."""
    while True:
        pass


def stall() -> bytes:
    """A body that never comes: it waits."""
    time.sleep(3600)
    return b""


def crash() -> bytes:
    """A reader that crashes, as pdfium aborts the process when an allocation fails."""
    os.abort()
