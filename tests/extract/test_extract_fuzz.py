"""The extractors on hostile documents: real PDFs, .docx files and web pages, cut short,
with bytes flipped, spliced and repeated. Whatever comes in, extraction returns an
Extraction (perhaps with no text and a note saying why) and never raises: one broken
document costs that source, never the run."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeaudit.extract import Extraction, extract
from documents import html_page, make_docx, make_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@functools.cache
def seeds() -> tuple[tuple[bytes, str], ...]:
    """One small real document of each kind, to be damaged."""
    return (
        (make_pdf(["The boards are commissioned.", "Page two words."]), "application/pdf"),
        (make_docx(["The boards are commissioned."], table=[["a", "b"]]), DOCX),
        (html_page("T", "<p>The boards <b>are</b> commissioned.</p>").encode(), "text/html"),
    )


@st.composite
def damaged(draw: st.DrawFn) -> tuple[bytes, str]:
    """A seed document with a few of the damages real files suffer."""
    data, content_type = draw(st.sampled_from(seeds()))
    body = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cut", "flip", "splice", "repeat", "nul"]))
        at = draw(st.integers(0, max(0, len(body) - 1)))
        if action == "cut":
            del body[at:]
        elif action == "flip" and body:
            body[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "splice":
            body[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif action == "repeat":
            piece = bytes(body[at : at + draw(st.integers(1, 256))])
            body[at:at] = piece * draw(st.integers(1, 50))
        else:
            body[at:at] = b"\x00" * draw(st.integers(1, 4096))
    return bytes(body), content_type


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(damaged())
def test_damaged_documents_never_raise(case: tuple[bytes, str]) -> None:
    body, content_type = case
    result = extract(body, content_type, "https://example.test/document")
    assert isinstance(result, Extraction)
    if result.kind in ("pdf", "docx") and not result.has_text:
        assert result.note, "a document with no text says why"
