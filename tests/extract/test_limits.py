"""What reading one document may take: limits that cannot work are refused, the text kept of
a document is capped page by page, and a document not read says why in plain words."""

from __future__ import annotations

import pytest

from citeaudit.errors import UsageError
from citeaudit.extract import Anchor, Extraction, ExtractLimits, Heading, Page
from citeaudit.extract.limits import MIB, cut_text, describe, megabytes, unread


def test_the_defaults_bound_a_document_and_the_floor_is_enforced() -> None:
    limits = ExtractLimits()
    assert (limits.memory, limits.cpu, limits.timeout, limits.text) == (
        512 * MIB,
        60,
        120,
        16 * MIB,
    )
    assert limits.isolated
    with pytest.raises(UsageError, match="at least 128 MiB"):
        ExtractLimits(memory=64 * MIB)
    with pytest.raises(UsageError, match="positive"):
        ExtractLimits(timeout=0)


def test_a_document_not_read_has_no_text_and_says_why() -> None:
    extraction = unread("pdf", "within the limits (it needed more than 512 MiB of memory)")
    assert extraction.pages == () and not extraction.has_text and extraction.paged
    assert extraction.note == (
        "the PDF could not be read within the limits (it needed more than 512 MiB of memory): "
        "not searched"
    )
    assert unread("html", "(x)").note == "the page could not be read (x): not searched"
    assert unread("unknown", "(x)").note == "the document could not be read (x): not searched"


def test_the_text_is_cut_after_whole_pages_and_the_note_says_so() -> None:
    pages = (
        Page(1, "i", "Head\none one", margins=(5, 0)),
        Page(2, "ii", "Head\ntwo two\nFoot", margins=(5, 5)),
        Page(3, "iii", "three"),
    )
    extraction = Extraction(
        kind="pdf",
        pages=pages,
        paged=True,
        headings=(Heading(0, 5, "one"), Heading(1, 10, "two"), Heading(2, 0, "three")),
        anchors=(Anchor(1, 5, "a"), Anchor(1, 14, "b")),
    )
    cut = cut_text(extraction, 24)  # page one (12) and 12 characters of page two
    assert [page.text for page in cut.pages] == ["Head\none one", "Head\ntwo two"]
    assert cut.pages[1].margins == (5, 0)  # the running footer was cut off
    assert [h.text for h in cut.headings] == ["one", "two"]
    assert [a.id for a in cut.anchors] == ["a"]
    assert cut.note == "only its first 24 characters of text were kept and searched"
    assert cut_text(extraction, 10_000) is extraction


def test_a_memory_limit_is_said_in_the_unit_it_was_given_in() -> None:
    assert megabytes(512 * MIB) == "512 MiB"
    assert megabytes(200_000_000) == "200 MB"
    assert megabytes(300 * MIB + 1) == "300.0 MiB"


def test_an_exception_in_a_few_words() -> None:
    assert describe(ValueError("bad\nsecond line")) == "ValueError: bad"
    assert describe(MemoryError()) == "MemoryError"
