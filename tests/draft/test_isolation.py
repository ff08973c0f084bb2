"""A document read for drafting in a process of its own: the same reading as in the
command's own process, the same refusals, and a hostile document ended within its limits
with a message, never the machine's memory or a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from citeaudit.draft.isolation import read_isolated
from citeaudit.draft.reading import read_document
from citeaudit.errors import DocumentError
from citeaudit.extract import ExtractLimits
from hostile import inflating_pdf

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "stopsim_statement.txt"
MIB = 1024 * 1024


def test_the_reading_is_the_one_made_in_process() -> None:
    data = SEED.read_bytes()
    assert read_isolated(data, SEED.name) == read_document(data, SEED.name)


def test_a_refusal_comes_back_as_the_same_message_and_hint() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(DocumentError) as here:
        read_document(png, "picture.pdf")
    with pytest.raises(DocumentError) as there:
        read_isolated(png, "picture.pdf")
    assert (there.value.message, there.value.hint) == (here.value.message, here.value.hint)
    assert there.value.exit_code == 2


def test_a_text_bomb_ends_within_its_limits_with_a_message() -> None:
    """A PDF whose one page holds a hundred million characters of text (300 KB on disk)."""
    bomb = inflating_pdf(100 * MIB, text=True)
    limits = ExtractLimits(memory=256 * MIB, cpu=3, timeout=30)
    started = time.monotonic()
    with pytest.raises(DocumentError) as refused:
        read_isolated(bomb, "report.pdf", limits=limits)
    assert time.monotonic() - started < 30
    message = refused.value.message
    assert message.startswith("the document could not be read"), message
    assert refused.value.hint and "--extract-memory" in refused.value.hint


def test_without_isolation_it_is_read_in_process() -> None:
    data = SEED.read_bytes()
    limits = ExtractLimits(isolated=False)
    assert read_isolated(data, SEED.name, limits=limits).references
