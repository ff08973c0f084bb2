"""The seed statement (``tests/fixtures/stopsim_statement.txt``) made into a document of each
format, from that file's text: every claim, quotation, reference and URL as printed there.

- Markdown: typed ``[N]`` markers and a numbered list under "## References"
  (:func:`seed_markdown`), or footnotes ``[^N]`` and their definitions
  (:func:`seed_markdown_footnotes`); the two quotations in quotation marks as ``>`` quotes.
- HTML: ``<p>``, ``<blockquote>`` for the two quotations, ``<ul>`` for bullets,
  ``<sup><a href="#ref-N">N</a></sup>`` markers, an ``<ol>`` of references with their URLs
  linked, and a site's header, navigation, share links and footer to be ignored.
- .docx: superscript-run markers, the quotations styled "Quote", bullets styled "List
  Bullet", and the references a Word auto-numbered list (the numbers in the numbering part,
  not the text) with hyperlinks on their URLs, under a short bold "References:" line.
- PDF: DejaVu Sans, typed ``[N]`` markers, the references with their long URLs wrapping
  across lines and link annotations on the URLs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from draft.documents import (
    add_hyperlink,
    add_text,
    docx_bytes,
    new_docx,
    new_pdf,
    number_paragraph,
    numbered_list,
    pdf_bytes,
)

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "stopsim_statement.txt"
SITE = "https://stopsim.co.uk"
PAGE_URL = f"{SITE}/2021/05/12/response-to-nhs-englands-statement/"
_MARKER = re.compile(r"\[(\d+)\]")
_URL = re.compile(r"https?://\S+")
_BULLET = re.compile(r"^\s*•\s*")
_ENTRY = re.compile(r"^\s*(\d+)\.\s+")


@dataclass(frozen=True)
class Seed:
    """The statement's parts: its title; its body as (kind, text) with kind "paragraph",
    "quote" or "item", markers typed ``[N]`` in the text; its reference list heading; and
    its references as (label, text)."""

    title: str
    body: tuple[tuple[str, str], ...]
    heading: str
    references: tuple[tuple[str, str], ...]


def read_seed() -> Seed:
    """The statement, split into its parts as printed (the page's trailing "Post
    Navigation" left out)."""
    text = SEED.read_text(encoding="utf-8")
    top, _, rest = text.partition("\nReferences:\n")
    paragraphs = [p for p in re.split(r"\n\s*\n", top) if p.strip()]
    title = paragraphs[0].strip()
    body: list[tuple[str, str]] = []
    for paragraph in paragraphs[1:]:
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if all(_BULLET.match(line) for line in lines):
            body += [("item", _BULLET.sub("", line).strip()) for line in lines]
            continue
        joined = " ".join(line.strip() for line in lines)
        body.append(("quote" if joined.startswith("“") else "paragraph", joined))
    references: list[tuple[str, str]] = []
    for line in rest.split("\n"):
        match = _ENTRY.match(line)
        if match:
            references.append((match.group(1), line[match.end() :].strip()))
    return Seed(title, tuple(body), "References:", tuple(references))


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its markers: ("text", ...) and ("marker", N) in order."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in _MARKER.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position : match.start()]))
        pieces.append(("marker", match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


def _url_pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its URLs: ("text", ...) and ("url", ...) in order."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in _URL.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position : match.start()]))
        pieces.append(("url", match.group(0)))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces


# Markdown ---------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    """Text as Markdown prints it: "_" and "*" in prose are no emphasis; a URL is printed
    bare, as people write them (GitHub-style readers take it whole)."""
    return "".join(
        value
        if kind == "url"
        else value.replace("\\", "\\\\").replace("_", "\\_").replace("*", "\\*")
        for kind, value in _url_pieces(text)
    )


def _markdown(footnotes: bool) -> str:
    seed = read_seed()
    out = [f"# {seed.title}", ""]

    def marked(text: str) -> str:
        text = _escaped(text)
        return _MARKER.sub(r"[^\1]", text) if footnotes else text

    previous = ""
    for kind, text in seed.body:
        if kind == "item":
            out.append(f"- {marked(text)}")
        else:
            if previous == "item":
                out.append("")
            out += [f"> {marked(text)}" if kind == "quote" else marked(text), ""]
        previous = kind
    out.append("")
    if footnotes:
        out += [f"[^{label}]: {_escaped(text)}" for label, text in seed.references]
    else:
        out += ["## References", ""]
        out += [f"{label}. {_escaped(text)}" for label, text in seed.references]
    return "\n".join(out) + "\n"


def seed_markdown(path: Path) -> Path:
    """The statement as Markdown with typed [N] markers and a numbered reference list."""
    path.write_text(_markdown(footnotes=False), encoding="utf-8")
    return path


def seed_markdown_footnotes(path: Path) -> Path:
    """The statement as Markdown with footnotes: [^N] markers and [^N]: definitions."""
    path.write_text(_markdown(footnotes=True), encoding="utf-8")
    return path


# HTML -------------------------------------------------------------------------------------


def _html_marked(text: str) -> str:
    parts: list[str] = []
    for kind, value in _pieces(text):
        if kind == "marker":
            parts.append(f'<sup><a href="#ref-{value}">{value}</a></sup>')
        else:
            parts.append(html.escape(value, quote=False))
    return "".join(parts)


def seed_html(path: Path) -> Path:
    """The statement as a blog page, with a site's chrome around it."""
    seed = read_seed()
    share = html.escape(PAGE_URL)
    out = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{html.escape(seed.title)} – StopSIM Coalition</title>",
        f'<link rel="canonical" href="{share}">',
        "</head><body>",
        '<header class="site-header"><a href="/" class="logo">StopSIM Coalition</a>',
        '<nav class="main-navigation"><ul><li><a href="/">Home</a></li>',
        '<li><a href="/about/">About</a></li><li><a href="/statements/">Statements</a></li>',
        '<li><a href="/contact/">Contact</a></li></ul></nav></header>',
        '<main id="main"><article>',
        f'<h1 class="entry-title">{html.escape(seed.title)}</h1>',
        '<div class="entry-content">',
    ]
    in_list = False
    for kind, text in seed.body:
        if kind == "item" and not in_list:
            out.append("<ul>")
            in_list = True
        elif kind != "item" and in_list:
            out.append("</ul>")
            in_list = False
        marked = _html_marked(text)
        if kind == "item":
            out.append(f"<li>{marked}</li>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{marked}</p></blockquote>")
        elif text.startswith("Copied to:"):
            out.append(f"<p>Copied to:<br>\n{_html_marked(text[len('Copied to: ') :])}</p>")
        else:
            out.append(f"<p>{marked}</p>")
    if in_list:
        out.append("</ul>")
    out.append(f"<p><strong>{html.escape(seed.heading)}</strong></p>")
    out.append("<ol>")
    for label, text in seed.references:
        parts = []
        for kind, value in _url_pieces(text):
            escaped = html.escape(value, quote=False)
            parts.append(
                f'<a href="{html.escape(value)}">{escaped}</a>' if kind == "url" else escaped
            )
        out.append(f'<li id="ref-{label}">{"".join(parts)}</li>')
    out += [
        "</ol>",
        "</div>",
        '<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3><ul>',
        f'<li><a href="https://twitter.com/intent/tweet?url={share}">Twitter</a></li>',
        f'<li><a href="https://www.facebook.com/sharer/sharer.php?u={share}">Facebook</a></li>',
        f'<li><a href="mailto:?subject=Response&amp;body={share}">Email</a></li>',
        "</ul></div>",
        '<nav class="post-navigation"><h2>Post Navigation</h2>',
        f'<a href="{SITE}/2021/05/10/statement-on-data/" rel="prev">Previous post</a></nav>',
        "</article></main>",
        '<aside id="secondary" class="widget-area"><h2>Recent Posts</h2><ul>',
        f'<li><a href="{SITE}/2021/05/10/statement-on-data/">Statement on data</a></li>',
        "</ul></aside>",
        '<footer class="site-footer"><p>© 2021 StopSIM Coalition. '
        f'<a href="{SITE}/privacy/">Privacy</a> · <a href="https://wordpress.org/">Proudly '
        "powered by WordPress</a></p></footer>",
        "</body></html>",
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# .docx ------------------------------------------------------------------------------------


def seed_docx(path: Path) -> Path:
    """The statement as a Word document: superscript markers, an auto-numbered reference
    list with hyperlinks."""
    seed = read_seed()
    doc = new_docx()
    doc.core_properties.title = seed.title
    doc.add_paragraph(seed.title, style="Title")
    for kind, text in seed.body:
        style = {"quote": "Quote", "item": "List Bullet"}.get(kind)
        paragraph = doc.add_paragraph(style=style)
        for piece, value in _pieces(text):
            add_text(paragraph, value, superscript=piece == "marker")
    heading = doc.add_paragraph()
    add_text(heading, seed.heading, bold=True)
    num_id = numbered_list(doc)
    for _, text in seed.references:
        paragraph = doc.add_paragraph()
        number_paragraph(paragraph, num_id)
        for piece, value in _url_pieces(text):
            if piece == "url":
                add_hyperlink(paragraph, value)
            else:
                add_text(paragraph, value)
    path.write_bytes(docx_bytes(doc))
    return path


# PDF --------------------------------------------------------------------------------------


def seed_pdf(path: Path) -> Path:
    """The statement as a PDF: typed markers, references whose long URLs wrap and carry
    link annotations."""
    seed = read_seed()
    pdf = new_pdf()
    pdf.set_title(seed.title)
    pdf.set_font("dv", "B", 14)
    pdf.multi_cell(0, 7, seed.title)
    pdf.ln(5)
    pdf.set_font("dv", "", 11)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, text in seed.body:
        if kind == "item":
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(width - 5, 6, f"• {text}")
            pdf.ln(2)
        elif kind == "quote":
            pdf.set_x(pdf.l_margin + 10)
            pdf.multi_cell(width - 20, 6, text)
            pdf.ln(4)
        else:
            pdf.multi_cell(width, 6, text)
            pdf.ln(4)
    pdf.ln(2)
    pdf.set_font("dv", "B", 11)
    pdf.cell(0, 6, seed.heading)
    pdf.ln(8)
    pdf.set_font("dv", "", 10)
    for label, text in seed.references:
        pdf.write(5, f"{label}. ")
        for piece, value in _url_pieces(text):
            pdf.write(5, value, link=value if piece == "url" else "")
        pdf.ln(5)
    path.write_bytes(pdf_bytes(pdf))
    return path
