"""Reading plain text: paragraphs, bullets, typed markers and the numbered reference list;
the seed statement read as its 22 references and their markers."""

from __future__ import annotations

from pathlib import Path

from citeaudit.draft.plaintext import Line, read_lines, read_text

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "stopsim_statement.txt"


def test_the_seed_statement_reads_as_printed() -> None:
    document = read_text(SEED.read_text(encoding="utf-8"))
    assert document.kind == "text"
    assert document.title is not None and document.title.startswith("Response To NHS England")
    assert document.reference_heading == "References"
    assert [r.label for r in document.references] == [str(n) for n in range(1, 23)]
    labels = [m.label for block in document.blocks for m in block.markers]
    assert labels == [str(n) for n in range(1, 23)]
    for block in document.blocks:
        for marker in block.markers:
            assert block.text[marker.start : marker.end] == f"[{marker.label}]"
        assert "Available from" not in block.text
        assert "Post Navigation" not in block.text
    assert not any("Post Navigation" in r.text for r in document.references)
    first = document.references[0]
    assert (
        first.text == "NHS responses were received via email to StopSIM Coalition on 11 May 2021."
    )
    # White space inside an entry is kept as printed: here no-break spaces.
    assert "Available from: \xa0\xa0https://www.ahsnnetwork.com" in document.references[7].text
    glued = next(b for b in document.blocks if "NHS England[6]" in b.text)
    assert any(m.label == "6" for m in glued.markers)
    items = [b for b in document.blocks if b.kind == "item"]
    assert len(items) == 9 and items[0].text.startswith("Halt the rollout")
    assert not any("•" in b.text for b in document.blocks)


def test_paragraph_lines_join_with_single_spaces() -> None:
    document = read_text("First line\nsecond line [1].\n\nReferences\n1. A source.\n")
    assert document.blocks[0].text == "First line second line [1]."
    assert document.blocks[0].markers[0].start == len("First line second line ")


def test_entries_wrap_over_lines_and_the_tail_is_dropped() -> None:
    text = (
        "A claim (1) and another (2).\n\nNotes\n\n"
        "  1)  A report. Available from:\n     https://example.org/a [accessed 1 May 2021].\n"
        "  2)  Another, no URL.\n\nShare this\nPost Navigation\n"
    )
    document = read_text(text)
    assert [r.label for r in document.references] == ["1", "2"]
    assert document.references[0].text == (
        "A report. Available from: https://example.org/a [accessed 1 May 2021]."
    )
    assert [m.label for m in document.blocks[0].markers] == ["1", "2"]
    assert len(document.blocks) == 1


def test_parentheses_are_no_markers_without_a_numbered_list() -> None:
    document = read_text("The Act (2010) and step (1) of it.\n")
    assert document.blocks[0].markers == ()


def test_unicode_bullets_are_items() -> None:
    document = read_text("Intro:\n\n  • one\n  ◦ two\n  - three\n* four\n")
    assert [(b.kind, b.text) for b in document.blocks[1:]] == [
        ("item", "one"),
        ("item", "two"),
        ("item", "three"),
        ("item", "four"),
    ]


def test_a_marker_list_and_a_range() -> None:
    document = read_text("Claim [1, 3] and [4-5].\n\nReferences\n[1] A\n[3] B\n[4] C\n[5] D\n")
    assert [m.label for m in document.blocks[0].markers] == ["1", "3", "4", "5"]
    assert [r.label for r in document.references] == ["1", "3", "4", "5"]


def test_no_reference_list_is_noted() -> None:
    document = read_text("A claim [1].\n")
    assert document.references == ()
    assert any("no reference list" in note for note in document.notes)


def test_numbering_gaps_are_noted() -> None:
    document = read_text("A [1].\n\nReferences\n1. A\n3. C\n")
    assert "the reference list skips from 1 to 3" in document.notes


def test_lines_keep_newlines_and_map_links() -> None:
    lines = [
        Line("A claim here2 and on.", page=1, markers=((12, 13, "2"),), size=11),
        Line("References", page=2, gap_before=True, size=11),
        Line("1. Report: https://e.org/a-", page=2, links=((11, 27, "https://e.org/a-b"),)),
        Line("b [accessed].", page=2, links=((0, 1, "https://e.org/a-b"),)),
        Line("2. Another.", page=2),
    ]
    document = read_lines(lines, "pdf", keep_newlines=True)
    (block,) = document.blocks
    assert block.page == 1 and block.markers[0].label == "2"
    assert block.text[block.markers[0].start : block.markers[0].end] == "2"
    assert document.references[0].text == "Report: https://e.org/a-\nb [accessed]."
    assert document.references[0].urls == ("https://e.org/a-b",)
    assert document.references[1].urls == ()
