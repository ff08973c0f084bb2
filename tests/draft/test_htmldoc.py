"""Reading HTML pages: the main content without chrome, footnote links and superscripts as
markers, the reference list (<ol start>, <li value>, footnote sections), inline links."""

from __future__ import annotations

from pathlib import Path

from citeaudit.draft.htmldoc import read_html_document
from draft.documents import html_document
from draft.seed_documents import PAGE_URL, read_seed, seed_html

CHROME = """
<header><a href="/">Site</a><nav><ul><li><a href="/about">About</a></li>
<li><a href="https://other.example/partner">Partner</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/blog/">Blog</a></div>
<main>
<h1>The post</h1>
<p>A claim about rollout<sup><a href="#fn1" id="r1">1</a></sup> and another claim.<sup>2</sup></p>
<blockquote><p>“She said ‘no’ to it,” he wrote.<sup><a href="#fn2">[3]</a></sup></p></blockquote>
<p>See <a href="/reports/2020.pdf">the 2020 report</a> and
<a href="https://twitter.com/intent/tweet?url=x">Tweet</a>.</p>
<ul class="share-buttons"><li><a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></li>
<li><a href="mailto:?subject=Look">Email</a></li></ul>
<ul><li><a href="/tags/health">Health</a></li></ul>
<section class="footnotes"><hr><ol>
<li id="fn1"><p>First source, <a href="https://a.example/one">one</a> and
<a href="https://b.example/two">two</a>. <a href="#r1" class="footnote-back">↩</a></p></li>
<li id="fn2"><p>Second source with no URL. <a href="#r2">↩︎</a></p></li>
</ol></section>
<h2>References</h2>
<ol start="2"><li>A direct source. <a href="https://c.example/two">link</a></li></ol>
</main>
<aside class="sidebar"><a href="https://ads.example/">Ad</a></aside>
<footer><p>© Site <a href="/privacy">Privacy</a></p></footer>
"""


def _page(body: str, **head: str) -> bytes:
    return html_document(body, **head).encode()


def test_chrome_is_no_citation() -> None:
    document = read_html_document(_page(CHROME), base_url="https://site.example/post/")
    urls = [link.url for block in document.blocks for link in block.links]
    assert urls == ["https://site.example/reports/2020.pdf"]
    texts = " ".join(block.text for block in document.blocks)
    for chrome in ("About", "Partner", "Privacy", "Ad", "Share", "Email", "Home", "Health"):
        assert chrome not in texts.split()
    assert document.title == "The post"
    assert document.base_url == "https://site.example/post/"


def test_footnote_links_map_labels_to_their_targets() -> None:
    document = read_html_document(_page(CHROME), base_url="https://site.example/post/")
    claim = document.blocks[1]
    assert [m.label for m in claim.markers] == ["1", "2"]
    marker = claim.markers[0]
    assert claim.text[marker.start : marker.end] == "1"
    quote = document.blocks[2]
    assert quote.kind == "quote"
    assert quote.text == "“She said ‘no’ to it,” he wrote.[3]"
    assert [(m.label, quote.text[m.start : m.end]) for m in quote.markers] == [("3", "[3]")]
    by_label = {r.label: r for r in document.references}
    assert by_label["1"].text == "First source, one and two."
    assert by_label["1"].urls == ("https://a.example/one", "https://b.example/two")
    assert by_label["3"].text == "Second source with no URL." and by_label["3"].urls == ()
    assert by_label["2"].urls == ("https://c.example/two",)
    assert document.reference_heading == "References"
    assert all("source" not in block.text for block in document.blocks)


def test_ol_start_and_li_value() -> None:
    body = (
        "<article><p>Claim [5] and [7].</p><h2>Notes</h2><ol start='5'><li>Five</li>"
        "<li value='7'>Seven</li><li>Eight</li></ol></article>"
    )
    document = read_html_document(_page(body))
    assert [(r.label, r.text) for r in document.references] == [
        ("5", "Five"),
        ("7", "Seven"),
        ("8", "Eight"),
    ]
    assert [m.label for m in document.blocks[0].markers] == ["5", "7"]


def test_numbered_paragraphs_under_a_bold_heading() -> None:
    body = (
        "<p>A claim (1).</p><p><strong>Sources:</strong></p>"
        "<p>1. First <a href='https://e.org/1'>https://e.org/1</a></p><p>2. Second</p>"
        "<p>Post Navigation</p>"
    )
    document = read_html_document(_page(body))
    assert [(r.label, r.text, r.urls) for r in document.references] == [
        ("1", "First https://e.org/1", ("https://e.org/1",)),
        ("2", "Second", ()),
    ]
    assert [b.text for b in document.blocks] == ["A claim (1)."]
    assert document.blocks[0].markers[0].label == "1"


def test_base_href_and_canonical_resolve_links() -> None:
    head = '<link rel="canonical" href="https://site.example/a/page"><base href="/docs/">'
    body = "<p>It says so in <a href='report.pdf'>the report</a>, at length.</p>"
    document = read_html_document(_page(body, head=head))
    assert document.base_url == "https://site.example/a/page"
    assert document.blocks[0].links[0].url == "https://site.example/docs/report.pdf"


def test_line_breaks_become_spaces_and_items_are_items() -> None:
    body = "<p>Copied to:<br>Someone</p><ul><li>One point [1]</li></ul>"
    document = read_html_document(_page(body))
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("paragraph", "Copied to: Someone"),
        ("item", "One point [1]"),
    ]


def test_the_seed_statement(tmp_path: Path) -> None:
    data = seed_html(tmp_path / "seed.html").read_bytes()
    document = read_html_document(data)
    seed = read_seed()
    assert document.base_url == PAGE_URL
    assert document.title == seed.title
    assert [r.label for r in document.references] == [str(n) for n in range(1, 23)]
    labels = [m.label for block in document.blocks for m in block.markers]
    assert labels == [str(n) for n in range(1, 23)]
    assert [b.text for b in document.blocks if b.kind == "quote"][0].startswith("“The model")
    assert not any(block.links for block in document.blocks)
    assert "Post Navigation" not in " ".join(b.text for b in document.blocks)
    for (label, text), reference in zip(seed.references, document.references, strict=True):
        assert reference.text == " ".join(text.replace("\xa0", "\0").split()).replace("\0", "\xa0")
        urls = [w for w in text.replace("\xa0", " ").split() if w.startswith("http")]
        assert list(reference.urls) == list(dict.fromkeys(urls)), label
