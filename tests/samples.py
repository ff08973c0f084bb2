"""Sample documents shared by the extraction and verification tests."""

from __future__ import annotations

from paged_documents import pdf_lines


def report_pdf() -> bytes:
    """Six pages: a running header, a footer with the page number, a hyphenated line, and
    a sentence that runs from page 4 onto page 5."""
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    pages = [[f"{word} opens this page with its own words."] for word in words]
    pages[1] = ["The clinical commis-", "sioning groups hold the budget."]
    pages[3] = ["Plain text here.", "The boards are directly commissioned by"]
    pages[4] = ["NHS England, with membership of the London trusts.", "More."]
    return pdf_lines(pages, header="SIM London - End of Year Report", footer="Page {n} of 6")


ARTICLE = """
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
</header>
<main>
<h1 id="top">Serenity Integrated Mentoring</h1>
<p>At the end of the programme there were approximately 20 teams live across the country,
offering a SIM model or similar.</p>
<h2 id="duties">Statutory duties</h2>
<p>NHS bodies, providers of primary care and others must <em>have regard</em> to the
Constitution, reviewed at least once every 10 years.</p>
<div style="display: none">hidden words</div><p hidden>more hidden words</p>
<span aria-hidden="true">aria hidden words</span>
<figure><img src="x.png" alt=""><figcaption>Figure 1: teams by region</figcaption></figure>
<p>A longer paragraph about spread and adoption so that the main content has enough words
in it to be recognised as the article by the extractor, which wants a few sentences.
Another sentence follows here, and another one after that to make it long enough.</p>
</main>
<footer><p>Cookie settings</p></footer>
"""
