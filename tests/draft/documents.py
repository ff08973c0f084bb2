"""Documents the drafting readers' tests read: real .docx files (python-docx, with the parts it
cannot write itself made with lxml: numbering, hyperlinks, footnotes and endnotes), real
PDFs (fpdf2, with a Unicode font, superscripts and link annotations) and HTML pages."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from fpdf import FPDF

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"


# .docx ------------------------------------------------------------------------------------


def docx_bytes(doc: DocxDocument) -> bytes:
    """The saved file."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def add_text(
    paragraph: Paragraph, text: str, *, superscript: bool = False, bold: bool = False
) -> None:
    """A run of ``text``, superscript or bold when asked."""
    run = paragraph.add_run(text)
    if superscript:
        run.font.superscript = True
    if bold:
        run.bold = True


def add_hyperlink(paragraph: Paragraph, url: str, text: str | None = None) -> None:
    """A ``w:hyperlink`` to an external ``url`` (a relationship of the paragraph's part)."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = parse_xml(
        f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="{R_NS}" r:id="{r_id}">'
        f'<w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve"></w:t></w:r>'
        "</w:hyperlink>"
    )
    link.find(f".//{qn('w:t')}").text = text if text is not None else url
    paragraph._p.append(link)


def numbered_list(doc: DocxDocument, *, start: int = 1, fmt: str = "decimal") -> int:
    """A new list in the numbering part (an abstract numbering whose level 0 counts from
    ``start`` in ``fmt``, and a w:num for it); returns its numId."""
    numbering = doc.part.numbering_part.element
    abstract_ids = [
        int(e.get(qn("w:abstractNumId"))) for e in numbering.findall(qn("w:abstractNum"))
    ]
    num_ids = [int(e.get(qn("w:numId"))) for e in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=0) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # every abstractNum comes before the first num
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


def number_paragraph(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
    """Make ``paragraph`` an item of list ``num_id`` (Word numbers it; the text does not)."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def _notes_part(doc: DocxDocument, kind: str) -> XmlPart:
    """The footnotes or endnotes part of ``doc``, made with its two separators if missing."""
    reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    for rel in doc.part.rels.values():
        if rel.reltype == reltype:
            part: XmlPart = rel.target_part
            return part
    root = "footnotes" if kind == "footnote" else "endnotes"
    element = parse_xml(
        f'<w:{root} xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:{kind}></w:{root}>"
    )
    content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    part = XmlPart(PackURI(f"/word/{root}.xml"), content_type, element, doc.part.package)
    doc.part.relate_to(part, reltype)
    return part


def add_note(
    doc: DocxDocument,
    paragraph: Paragraph,
    pieces: Sequence[str | tuple[str, str]],
    *,
    kind: str = "footnote",
) -> None:
    """A footnote (or endnote) reference at the end of ``paragraph``, its note made of
    ``pieces``: text, or (text, url) for a hyperlink."""
    part = _notes_part(doc, kind)
    ids = [int(e.get(qn("w:id"))) for e in part.element.findall(qn(f"w:{kind}"))]
    note_id = max([*ids, 0]) + 1
    style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
    note = parse_xml(
        f'<w:{kind} xmlns:w="{W_NS}" w:id="{note_id}"><w:p>'
        f'<w:r><w:rPr><w:rStyle w:val="{style}"/><w:vertAlign w:val="superscript"/></w:rPr>'
        f"<w:{kind}Ref/></w:r>"
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:{kind}>'
    )
    body = note.find(qn("w:p"))
    for piece in pieces:
        if isinstance(piece, str):
            run = parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve"></w:t></w:r>')
            run.find(qn("w:t")).text = piece
            body.append(run)
        else:
            text, url = piece
            r_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
            link = parse_xml(
                f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="{R_NS}" r:id="{r_id}"><w:r>'
                f'<w:t xml:space="preserve"></w:t></w:r></w:hyperlink>'
            )
            link.find(f".//{qn('w:t')}").text = text
            body.append(link)
    part.element.append(note)
    paragraph._p.append(
        parse_xml(
            f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
        )
    )


def new_docx() -> DocxDocument:
    """An empty .docx from python-docx's template."""
    return Document()


# PDF --------------------------------------------------------------------------------------


def new_pdf() -> FPDF:
    """A PDF with DejaVu Sans (regular as "dv", bold as "dv" style "B") at 11 points."""
    pdf = FPDF()
    pdf.add_font("dv", "", str(FONT))
    pdf.add_font("dv", "B", str(BOLD_FONT))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("dv", size=11)
    return pdf


def pdf_paragraph(pdf: FPDF, pieces: Sequence[str | tuple[str, ...]], *, gap: float = 4) -> None:
    """A paragraph written piece by piece: text, ``("sup", "2")`` for a superscript, or
    ``("link", text, url)`` for a run under a link annotation; then a vertical gap."""
    for piece in pieces:
        if isinstance(piece, str):
            pdf.write(6, piece)
        elif piece[0] == "sup":
            pdf.char_vpos = "SUP"
            pdf.write(6, piece[1])
            pdf.char_vpos = "LINE"
        else:
            pdf.write(6, piece[1], link=piece[2])
    pdf.ln(6 + gap)


def pdf_bytes(pdf: FPDF) -> bytes:
    """The saved file."""
    return bytes(pdf.output())


def image_pdf() -> bytes:
    """A PDF whose one page is a picture of text: no text layer at all."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(image).text((10, 40), "Scanned text [1]", fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=150)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    """A small PNG image."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Secret claim [1].")
    pdf.set_encryption(owner_password="owner", user_password="user")
    return bytes(pdf.output())


# HTML -------------------------------------------------------------------------------------


def html_document(body: str, *, title: str = "A page", head: str = "") -> str:
    """A whole HTML page around ``body``."""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"{head}</head><body>{body}</body></html>"
    )
