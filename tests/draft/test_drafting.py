"""The way in to drafting: what ``audit``/``check`` take for a document, a document drafted
from a file in every format, the files refused (with what to do instead), and a document
fetched from a web server on 127.0.0.1 (the address policy injected, so nothing goes
beyond 127.0.0.0/8)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from citeaudit.catalog import Catalog, parse_catalog
from citeaudit.draft import drafting
from citeaudit.draft.drafting import draft_file, draft_url, is_document, is_url
from citeaudit.errors import DocumentError
from citeaudit.fetch import FetchOptions
from draft.documents import (
    docx_bytes,
    html_document,
    new_docx,
    new_pdf,
    pdf_bytes,
    png_bytes,
)
from draft.seed_documents import (
    SEED,
    read_seed,
    seed_docx,
    seed_html,
    seed_markdown,
    seed_markdown_footnotes,
    seed_pdf,
)
from loopbacks import pretend

QUICK = FetchOptions(address_classifier=pretend, retries=0, timeout=10.0)
REFERENCES = (
    "<h2>References</h2><ol><li id='r1'>Annual report. Example Trust. Available from: "
    "<a href='report.pdf'>report.pdf</a> [accessed 11 May 2021].</li></ol>"
)
STATEMENT = html_document(
    "<h1>Statement</h1><p>Teams are funded by the Trust<sup><a href='#r1'>1</a></sup>.</p>"
    + REFERENCES,
    title="Statement",
)


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


def read(text: str) -> Catalog:
    return parse_catalog(text, "drafted.yaml")


# --------------------------------------------------------------------------- is_url


@pytest.mark.parametrize("name", ["https://e.example/s", "http://e.example", "HTTPS://E.EXAMPLE/"])
def test_a_url_is_a_url(name: str) -> None:
    assert is_url(name) and is_document(name)


@pytest.mark.parametrize("name", ["ftp://e.example/s", "https.txt", "statement.html", "e.example"])
def test_anything_else_is_not_a_url(name: str) -> None:
    assert not is_url(name)


# --------------------------------------------------------------------------- is_document


@pytest.mark.parametrize("name", ["sources.yaml", "SOURCES.YML", "drafted.yml"])
def test_a_yaml_file_is_never_a_document(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n" + pdf_bytes(new_pdf()))  # whatever it holds
    assert not is_document(str(path))
    assert not is_document(str(tmp_path / f"missing-{name}"))


@pytest.mark.parametrize(
    "name", ["s.pdf", "s.docx", "s.html", "s.htm", "s.md", "s.markdown", "s.txt", "S.PDF"]
)
def test_document_suffixes_are_documents_even_before_they_exist(tmp_path: Path, name: str) -> None:
    assert is_document(str(tmp_path / name))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda: pdf_bytes(new_pdf()), True),
        (lambda: docx_bytes(new_docx()), True),
        (lambda: b"  \n<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        (lambda: b"<html><body><p>x</p></body></html>", True),
        (lambda: b"sources:\n  - id: a\n    url: https://e.example/\n", False),
        (lambda: b"A plain statement [1].\n", False),
        (lambda: png_bytes(), False),
        (lambda: b"", False),
    ],
    ids=["pdf", "docx", "doctype", "html", "yaml", "text", "png", "empty"],
)
def test_a_file_with_no_suffix_is_sniffed_by_its_first_bytes(
    tmp_path: Path, content: Callable[[], bytes], expected: bool
) -> None:
    path = tmp_path / "statement"
    path.write_bytes(content())
    assert is_document(str(path)) is expected


def test_a_missing_file_with_no_suffix_is_not_a_document(tmp_path: Path) -> None:
    assert not is_document(str(tmp_path / "nothing"))
    assert not is_document(str(tmp_path))  # a folder is read as a sources file's name


# --------------------------------------------------------------------------- draft_file


SEEDS: dict[str, Callable[[Path], Path]] = {
    "text": lambda folder: SEED,
    "markdown": lambda folder: seed_markdown(folder / "seed.md"),
    "markdown-footnotes": lambda folder: seed_markdown_footnotes(folder / "seed-notes.md"),
    "html": lambda folder: seed_html(folder / "seed.html"),
    "docx": lambda folder: seed_docx(folder / "seed.docx"),
    "pdf": lambda folder: seed_pdf(folder / "seed.pdf"),
}


@pytest.mark.parametrize("name", list(SEEDS))
def test_the_seed_statement_drafts_from_every_format(tmp_path: Path, name: str) -> None:
    path = SEEDS[name](tmp_path)
    result = draft_file(path)
    catalog = read(result.text)
    seed = read_seed()
    assert result.references == len(seed.references) == 22
    assert result.sources == len(catalog.sources) and result.sources >= 15
    assert result.claims == len(catalog.claims) and result.claims >= 10
    assert result.quotes >= 1
    assert catalog.document is not None
    assert catalog.document.title == " ".join(seed.title.split())
    assert catalog.document.drafted_from == str(path)
    assert result.text.startswith(f"# Drafted by citeaudit draft from {path}.")


def test_a_generated_docx_with_a_typed_marker_and_a_reference_list(tmp_path: Path) -> None:
    doc = new_docx()
    doc.add_paragraph("Teams are funded by the Trust [1].")
    doc.add_paragraph("References")
    doc.add_paragraph("1. Annual report. Example Trust. https://e.example/report.pdf")
    path = tmp_path / "statement.docx"
    path.write_bytes(docx_bytes(doc))
    catalog = read(draft_file(path).text)
    assert [s.url for s in catalog.sources] == ["https://e.example/report.pdf"]
    assert [c.text for c in catalog.claims] == ["Teams are funded by the Trust."]


def test_a_document_is_recognised_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "statement"
    path.write_text(STATEMENT, encoding="utf-8")
    catalog = read(draft_file(path).text)
    assert catalog.document is not None and catalog.document.title == "Statement"
    assert [c.text for c in catalog.claims] == ["Teams are funded by the Trust."]


def refused(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        draft_file(path)
    assert caught.value.exit_code == 2
    return caught.value


def test_a_missing_file_is_refused_saying_so(tmp_path: Path) -> None:
    error = refused(tmp_path / "nowhere.pdf")
    assert error.message == f"{tmp_path / 'nowhere.pdf'} does not exist"
    assert error.hint is not None and "path" in error.hint


def test_a_folder_is_refused_saying_what_to_give(tmp_path: Path) -> None:
    folder = tmp_path / "statement.md"
    folder.mkdir()
    error = refused(folder)
    assert error.message == f"{folder} is not a file"
    assert error.hint is not None and ".pdf" in error.hint


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "statement.html"
    path.write_text(STATEMENT, encoding="utf-8")
    monkeypatch.setattr(drafting, "MAX_DOCUMENT_BYTES", len(STATEMENT.encode()) - 1)
    error = refused(path)
    assert error.message.startswith(f"{path} is ")
    assert "larger than any statement or report" in error.message
    assert error.hint is not None and "split the document" in error.hint
    monkeypatch.setattr(drafting, "MAX_DOCUMENT_BYTES", len(STATEMENT.encode()))
    assert draft_file(path).claims == 1  # at the cap exactly: read


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (png_bytes, "this is a PNG image, not a document"),
        (lambda: b"\x00\x01" + random.Random(7).randbytes(4096), "a binary file"),
        (lambda: b"", "the document is empty"),
        (lambda: b"Nothing is cited here.\n", "found no numbered markers"),
    ],
    ids=["png", "binary", "empty", "nothing-cited"],
)
def test_what_is_no_citing_document_is_refused(
    tmp_path: Path, content: Callable[[], bytes], said: str
) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(content())
    assert said in refused(path).message


# --------------------------------------------------------------------------- draft_url


def test_a_page_that_answers_200_with_a_document_drafts(server: HTTPServer) -> None:
    server.expect_request("/statement").respond_with_data(STATEMENT, content_type="text/html")
    url = server.url_for("/statement")

    result = draft_url(url, QUICK)

    catalog = read(result.text)
    assert catalog.document is not None
    assert (catalog.document.url, catalog.document.drafted_from) == (url, url)
    (source,) = catalog.sources
    assert source.url == server.url_for("/report.pdf")  # relative to the page
    assert [c.text for c in catalog.claims] == ["Teams are funded by the Trust."]
    assert [request.path for request, _ in server.log] == ["/statement"]


def test_a_pdf_served_by_url_drafts(server: HTTPServer, tmp_path: Path) -> None:
    data = seed_pdf(tmp_path / "seed.pdf").read_bytes()
    server.expect_request("/files/statement").respond_with_data(
        data, content_type="application/pdf"
    )
    result = draft_url(server.url_for("/files/statement"), QUICK)
    assert result.references == 22


def test_a_redirect_to_the_document_is_followed(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new/statement"}
    )
    server.expect_request("/new/statement").respond_with_data(STATEMENT, content_type="text/html")
    url = server.url_for("/old")

    catalog = read(draft_url(url, QUICK).text)

    assert catalog.document is not None and catalog.document.drafted_from == url
    # The page's relative links are read against where the page was found.
    assert [s.url for s in catalog.sources] == [server.url_for("/new/report.pdf")]
    assert [request.path for request, _ in server.log] == ["/old", "/new/statement"]


def url_refused(url: str, options: FetchOptions = QUICK) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        draft_url(url, options)
    assert caught.value.exit_code == 2
    return caught.value


def test_a_404_is_refused_with_its_status(server: HTTPServer) -> None:
    server.expect_request("/gone").respond_with_data("Not here", status=404)
    url = server.url_for("/gone")
    error = url_refused(url)
    assert error.message == f"{url} did not answer with the document: not_found (404 Not Found)"
    assert error.hint is not None and "save the page" in error.hint


def test_a_soft_404_is_refused_with_its_status_and_reason(server: HTTPServer) -> None:
    server.expect_request("/soft").respond_with_data(
        html_document("<h1>Page not found</h1>", title="Page not found"),
        content_type="text/html",
    )
    error = url_refused(server.url_for("/soft"))
    assert "did not answer with the document: soft_404 (200 OK: " in error.message
    assert "not found" in error.message


def test_a_page_that_cites_nothing_is_refused(server: HTTPServer) -> None:
    server.expect_request("/plain").respond_with_data(
        html_document("<h1>Hello</h1><p>" + "Nothing is cited here at all. " * 20 + "</p>"),
        content_type="text/html",
    )
    assert "found no numbered markers" in url_refused(server.url_for("/plain")).message


def test_a_page_over_max_bytes_is_refused(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data(
        STATEMENT + "<!-- padding -->" * 40_000, content_type="text/html"
    )
    error = url_refused(server.url_for("/big"), replace(QUICK, max_bytes=32_768))
    assert "is larger than" in error.message and "--max-bytes" in error.message


def test_the_max_bytes_refusal_states_the_limit_given(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data(
        STATEMENT + "<!-- padding -->" * 40_000, content_type="text/html"
    )
    error = url_refused(server.url_for("/big"), replace(QUICK, max_bytes=500_000))
    assert "0 MiB" not in error.message and "488 KiB" in error.message, error.message
