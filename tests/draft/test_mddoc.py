"""Reading Markdown: plain rendered text with spans on it, footnotes, typed markers, links,
block quotes, and the reference list under a heading."""

from __future__ import annotations

from pathlib import Path

from citeaudit.draft.mddoc import read_markdown
from draft.seed_documents import read_seed, seed_markdown, seed_markdown_footnotes

SOURCE = """---
title: "Front matter title"
---

# A heading

Some **bold** claim[^1] with `code` and [a link](https://e.org/x) plus <https://e.org/a?b=%20>.
A second line [2].

> “A quoted ‘inner’ passage,” with a marker[^note].

- an item [3]

[^1]: A footnote naming <https://a.org/1> and <https://b.org/2>.
[^note]: A named note, no URL.

## References

2. Second source.
3. Third source, [linked](https://c.org/3).
"""


def test_plain_text_and_spans() -> None:
    document = read_markdown(SOURCE)
    assert document.title == "Front matter title"
    heading, claim, quote, item = document.blocks
    assert heading.kind == "heading" and heading.text == "A heading"
    assert claim.text == (
        "Some bold claim with code and a link plus https://e.org/a?b=%20. A second line [2]."
    )
    assert [(m.label, m.start, m.end) for m in claim.markers] == [
        ("1", 15, 15),
        ("2", claim.text.index("[2]"), claim.text.index("[2]") + 3),
    ]
    assert [(k.url, claim.text[k.start : k.end]) for k in claim.links] == [
        ("https://e.org/x", "a link"),
        ("https://e.org/a?b=%20", "https://e.org/a?b=%20"),
    ]
    assert quote.kind == "quote" and quote.markers[0].label == "note"
    assert "[^" not in quote.text
    assert item.kind == "item" and item.markers[0].label == "3"


def test_references_from_footnotes_and_the_list() -> None:
    document = read_markdown(SOURCE)
    by_label = {r.label: r for r in document.references}
    assert by_label["1"].urls == ("https://a.org/1", "https://b.org/2")
    assert by_label["note"].text == "A named note, no URL." and by_label["note"].urls == ()
    assert (by_label["2"].text, by_label["3"].urls) == ("Second source.", ("https://c.org/3",))
    assert document.reference_heading == "References"


def test_numbered_link_definitions_are_references() -> None:
    document = read_markdown('A claim [1].\n\n[1]: https://e.org/one "One"\n')
    (block,) = document.blocks
    assert block.text == "A claim 1." and block.markers[0].label == "1"
    assert document.references[0].urls == ("https://e.org/one",)


def test_relative_links_resolve_against_the_base() -> None:
    document = read_markdown("See [it](/doc.pdf) now.\n", base_url="https://e.org/a/")
    assert document.blocks[0].links[0].url == "https://e.org/doc.pdf"


def test_the_seed_statement_in_both_styles(tmp_path: Path) -> None:
    seed = read_seed()
    for make in (seed_markdown, seed_markdown_footnotes):
        document = read_markdown(make(tmp_path / "seed.md").read_text(encoding="utf-8"))
        assert document.title == seed.title
        assert [r.label for r in document.references] == [str(n) for n in range(1, 23)]
        labels = [m.label for block in document.blocks for m in block.markers]
        assert labels == [str(n) for n in range(1, 23)]
        assert [b.kind for b in document.blocks].count("quote") == 2
        for (_, text), reference in zip(seed.references, document.references, strict=True):
            assert reference.text == text
        for block in document.blocks:
            assert "[^" not in block.text
