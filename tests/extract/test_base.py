"""The plain data every extractor returns: pages joined into a searchable layout and back."""

from __future__ import annotations

from citeaudit.extract import Extraction, Page, extract
from samples import report_pdf


def test_layout_maps_offsets_back_to_pages() -> None:
    ex = extract(report_pdf(), "application/pdf")
    layout = ex.body_layout
    at = layout.text.index("NHS England, with")
    page, offset = layout.locate(at)
    assert page == 4
    assert ex.pages[4].text[offset:].startswith("NHS England, with")


def test_a_page_body_leaves_its_running_lines_out() -> None:
    page = Page(number=3, label="iii", text="Header\nbody text\nFooter 3", margins=(7, 9))
    assert page.body == "body text"


def test_layouts_with_and_without_running_lines() -> None:
    pages = (
        Page(1, "1", "Head\none", (5, 0)),
        Page(2, "1", "Head\ntwo", (5, 0)),
    )
    ex = Extraction(kind="pdf", pages=pages, paged=True)
    assert ex.body_layout.text == "one\ntwo"
    assert ex.full_layout.text == "Head\none\nHead\ntwo"
    assert ex.body_layout.locate(4) == (1, 5)  # "two" is at offset 5 of page 2's text
    assert ex.label_index == {"1": [0, 1]}  # two pages printed with the same label
    assert ex.text == "Head\none\nHead\ntwo" and ex.has_text


def test_the_main_text_is_read_once_and_only_when_asked() -> None:
    calls: list[int] = []

    def main() -> str:
        calls.append(1)
        return "main"

    ex = Extraction(kind="html", pages=(Page(1, "1", ""),), main_view=main)
    assert calls == [] and not ex.has_text
    assert ex.main_text == "main" and ex.main_text == "main"
    assert calls == [1]
    assert Extraction(kind="text", pages=()).main_text is None
