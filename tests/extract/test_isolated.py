"""Each document read in a worker process within limits: a document that needs more memory,
processor time or wall-clock time than allowed, or that crashes its reader, comes back with
no text and a note saying why, and the next document is read as if nothing happened. The
hostile documents are real (a PDF stream that inflates a thousandfold, a PDF text bomb, a
.docx whose XML needs more memory than allowed), scaled down with the limits."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

import pytest

from citeaudit.extract import ExtractLimits, Extractor
from citeaudit.extract.limits import MIB
from documents import html_page, make_pdf
from hostile import crash, docx_bomb, inflating_pdf, measured, spin, stall, truncated_docx

# Reads each file named after the memory limit in a worker, in a process of its own, so
# the test measures the peak memory of that process and of its worker alone.
READ_ALL = """\
import json, sys
from functools import partial
from pathlib import Path
from citeaudit.extract import Extractor, ExtractLimits
found = []
with Extractor(ExtractLimits(memory=int(sys.argv[1]))) as reader:
    for name in sys.argv[2:]:
        got = reader.extract(partial(Path.read_bytes, Path(name)), None, name)
        found.append(None if got is None else [got.kind, got.note, got.text[:80]])
print(json.dumps(found))
"""
LIMIT = 200 * MIB


def _file(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("blank.pdf", lambda: inflating_pdf(300 * MIB)),  # 300 KB inflating to 300 MB
        ("text.pdf", lambda: inflating_pdf(100 * MIB, text=True)),  # a text bomb
        ("tree.docx", lambda: docx_bomb(15 * MIB)),  # under the XML cap, over the memory
    ],
)
def test_a_document_needing_more_memory_than_allowed_costs_only_itself(
    tmp_path: Path, name: str, document: object
) -> None:
    assert callable(document)
    hostile = _file(tmp_path, name, document())
    fine = _file(tmp_path, "fine.pdf", make_pdf(["The boards are commissioned directly."]))
    run = measured([sys.executable, "-c", READ_ALL, str(LIMIT), hostile, fine], tmp_path)
    assert run.code == 0, run.stderr
    bad, good = json.loads(run.stdout)
    kind = name.rsplit(".", 1)[1]
    what = "PDF" if kind == "pdf" else ".docx"
    assert bad == [
        kind,
        f"the {what} could not be read within the limits (it needed more than 200 MiB of "
        "memory): not searched",
        "",
    ]
    assert good[0] == "pdf" and "commissioned directly" in good[2]
    # The reader was stopped at its limit: no process came near what the document asks for.
    assert run.peak < LIMIT + 40 * MIB


def test_processor_time_and_wall_clock_are_limited() -> None:
    with Extractor(ExtractLimits(cpu=1, timeout=60)) as reader:
        busy = reader.extract(spin, None, None)
    with Extractor(ExtractLimits(cpu=60, timeout=1)) as reader:
        stuck = reader.extract(stall, None, None)
        after = reader.extract(lambda: b"", None, None)  # an unpicklable loader: read here
    assert busy is not None and busy.note == (
        "the document could not be read within the limits (it took more than 1 s of "
        "processor time): not searched"
    )
    assert stuck is not None and stuck.note == (
        "the document could not be read within the limits (it took more than 1 s): not searched"
    )
    assert after is not None and after.kind == "unknown"


def test_a_crash_costs_only_its_document(tmp_path: Path) -> None:
    page = _file(tmp_path, "page.html", html_page("T", "<p>Words on the page.</p>").encode())
    with Extractor() as reader:
        crashed = reader.extract(crash, None, None)
        fine = reader.extract(partial(Path.read_bytes, Path(page)), "text/html", page)
    assert crashed is not None and crashed.note == (
        "the document could not be read (its reader crashed: SIGABRT): not searched"
    )
    assert fine is not None and "Words on the page." in fine.text


def test_a_broken_document_says_why_and_a_missing_body_is_no_copy(tmp_path: Path) -> None:
    broken = _file(tmp_path, "cut.docx", truncated_docx(["The boards are commissioned."] * 20))
    with Extractor() as reader:
        cut = reader.extract(partial(Path.read_bytes, Path(broken)), None, broken)
        gone = reader.extract(partial(Path.read_bytes, tmp_path / "gone.pdf"), None, None)
    assert cut is not None and cut.kind == "docx" and not cut.has_text
    assert cut.note and cut.note.startswith("cannot read the .docx file: ")
    assert gone is None  # the body could not be read back: no copy


def test_a_page_s_main_content_is_read_in_the_worker_when_asked(tmp_path: Path) -> None:
    body = (
        "<main><p>" + "The boards are commissioned directly by NHS England. " * 20 + "</p></main>"
    )
    page = _file(tmp_path, "page.html", html_page("T", body).encode())
    with Extractor() as reader:
        extraction = reader.extract(partial(Path.read_bytes, Path(page)), "text/html", page)
        assert extraction is not None
        assert extraction.main_text and "commissioned directly" in extraction.main_text


def test_reading_in_this_process_keeps_the_text_cap_and_contains_failures(
    tmp_path: Path,
) -> None:
    notes: list[str] = []
    broken = _file(tmp_path, "cut.docx", truncated_docx(["The boards."] * 20))
    long = _file(tmp_path, "long.pdf", make_pdf(["The boards are commissioned directly."] * 3))
    with Extractor(ExtractLimits(isolated=False, text=10), notes.append) as reader:
        cut = reader.extract(partial(Path.read_bytes, Path(broken)), None, broken)
        capped = reader.extract(partial(Path.read_bytes, Path(long)), None, long)
    assert cut is not None and not cut.has_text and cut.note
    assert capped is not None and capped.text == "The boards"
    assert notes == []  # asked for, not forced by the platform: nothing to say


def test_a_reader_process_that_cannot_start_leaves_reading_to_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interpreter that exits at once (a broken install, say): every document is then
    read here, once said, rather than each failing."""
    monkeypatch.setattr(sys, "executable", "/bin/false")
    notes: list[str] = []
    fine = _file(tmp_path, "fine.pdf", make_pdf(["The boards are commissioned directly."]))
    with Extractor(on_note=notes.append) as reader:
        first = reader.extract(partial(Path.read_bytes, Path(fine)), None, fine)
        second = reader.extract(partial(Path.read_bytes, Path(fine)), None, fine)
    assert first is not None and "commissioned directly" in first.text
    assert second is not None and second.text == first.text
    assert notes == [
        "documents are read in this process, without memory or time limits: the reader "
        "process did not start"
    ]
