"""Reading a Word .docx for its citations (python-docx for the package, lxml for the XML it
does not expose): superscript markers, footnotes and endnotes, hyperlinks, and a reference
list whose numbers Word adds itself.

A .docx keeps what a reader sees in several places: a footnote's number is not in the text
(Word counts the footnote references in order), nor is an auto-numbered list's (the
numbering part says where each list starts and how it counts), and a link's address is in
the part's relationships. Each is read from where Word keeps it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from lxml import etree  # type: ignore[import-untyped]

from citeaudit.draft.markers import entry_start, find_markers, follows, label_list
from citeaudit.draft.markers import reference_heading as heading_name
from citeaudit.draft.model import Block, BlockKind, DocumentText, InlineLink, Marker, Reference
from citeaudit.errors import DocumentError
from citeaudit.extract import DOCX_ERRORS

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HEADING_STYLE = re.compile(r"^(heading\s*\d|title)$", re.IGNORECASE)
_QUOTE_STYLE = re.compile(r"quot|block\s*text", re.IGNORECASE)
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+)*"([^"]+)"', re.IGNORECASE)
_OPENING_QUOTES = "“\"‘«„'"
#: Largest total a .docx may unpack to, and most parts it may hold (a zip bomb guard).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 10_000
#: A paragraph indented at least this much (twentieths of a point) and opening with a
#: quotation mark is a block quotation.
QUOTE_INDENT = 360
_NOTE_KINDS = ("footnote", "endnote")
_SKIPPED_TYPES = frozenset(("separator", "continuationSeparator", "continuationNotice"))
_SCHEMES = ("http://", "https://", "ftp://", "www.")


def check_package(data: bytes) -> None:
    """Refuse a zip that is no .docx, or one that would unpack to more than
    :data:`MAX_UNPACKED` bytes, from its central directory alone (nothing unpacked)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(
            f"the .docx file is damaged: {exc}", hint="open it in Word and save it again"
        ) from exc
    if "word/document.xml" not in {info.filename for info in parts}:
        raise DocumentError(
            "this is a zip archive that is not a Word .docx, not a document to draft from",
            hint="give a .txt, .md, .html, .docx or .pdf file",
        )
    unpacked = sum(info.file_size for info in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED:
        raise DocumentError(
            f"the .docx would unpack to {unpacked:,} bytes in {len(parts):,} parts, over the "
            f"{MAX_UNPACKED:,} byte limit (a zip bomb, or a document too large to read)",
            hint="give a smaller document, or the document as PDF or text",
        )


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(number: int) -> str:
    values = _ROMAN
    out = ""
    for value, letters in values:
        while number >= value:
            out, number = out + letters, number - value
    return out


def number_text(number: int, fmt: str) -> str:
    """A number as Word shows it in a list or a note mark of format ``fmt``."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(number)
        return roman.upper() if fmt == "upperRoman" else roman
    return str(number)


def _val(element: Any, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return None if found is None else found.get(f"{_W}val")


@dataclass
class _Style:
    name: str
    based_on: str | None
    num: tuple[str, int] | None
    superscript: bool
    outline: bool


def _styles(doc: Any) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    for element in doc.styles.element.iter(f"{_W}style"):
        num_id = _val(element, f"{_W}pPr/{_W}numPr/{_W}numId")
        level = _val(element, f"{_W}pPr/{_W}numPr/{_W}ilvl") or "0"
        styles[element.get(f"{_W}styleId", "")] = _Style(
            name=(_val(element, f"{_W}name") or "").strip(),
            based_on=_val(element, f"{_W}basedOn"),
            num=(num_id, int(level) if level.isdigit() else 0) if num_id else None,
            superscript=_val(element, f"{_W}rPr/{_W}vertAlign") == "superscript",
            outline=_val(element, f"{_W}pPr/{_W}outlineLvl") not in (None, "9"),
        )
    return styles


def _style_chain(styles: dict[str, _Style], style_id: str | None) -> list[_Style]:
    chain: list[_Style] = []
    while style_id and style_id in styles and len(chain) < 20:
        chain.append(styles[style_id])
        style_id = styles[style_id].based_on
    return chain


@dataclass
class _Numbering:
    """The numbering part: each list's abstract numbering, start and format per level."""

    abstract: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    levels: dict[tuple[str, int], tuple[int, str]] = field(default_factory=dict)
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def next(self, num_id: str, level: int) -> str | None:
        """The label Word shows on the next item of list ``num_id`` at ``level``; None for
        a bullet."""
        start, fmt = self.levels.get((self.abstract.get(num_id, ""), level), (1, "decimal"))
        start = self.overrides.get((num_id, level), start)
        counts = self.counters.setdefault(num_id, {})
        for deeper in [lvl for lvl in counts if lvl > level]:
            del counts[deeper]
        counts[level] = counts.get(level, start - 1) + 1
        return None if fmt in ("bullet", "none") else number_text(counts[level], fmt)


def _numbering(doc: Any) -> _Numbering:
    numbering = _Numbering()
    try:
        root = doc.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        return numbering
    for abstract in root.iter(f"{_W}abstractNum"):
        abstract_id = abstract.get(f"{_W}abstractNumId", "")
        for lvl in abstract.iter(f"{_W}lvl"):
            level = lvl.get(f"{_W}ilvl", "0")
            start = _val(lvl, f"{_W}start") or "1"
            numbering.levels[(abstract_id, int(level) if level.isdigit() else 0)] = (
                int(start) if start.isdigit() else 1,
                _val(lvl, f"{_W}numFmt") or "decimal",
            )
    for num in root.iter(f"{_W}num"):
        num_id = num.get(f"{_W}numId", "")
        numbering.abstract[num_id] = _val(num, f"{_W}abstractNumId") or ""
        for override in num.iter(f"{_W}lvlOverride"):
            level = override.get(f"{_W}ilvl", "0")
            override_start = _val(override, f"{_W}startOverride")
            if override_start and override_start.isdigit() and level.isdigit():
                numbering.overrides[(num_id, int(level))] = int(override_start)
    return numbering


@dataclass
class _Para:
    """A paragraph read: its text, markers (note references as ``note:kind:id``), links,
    and its place: heading, quote, list item with Word's number."""

    text: str = ""
    markers: list[Marker] = field(default_factory=list)
    links: list[InlineLink] = field(default_factory=list)
    kind: BlockKind = "paragraph"
    number: str | None = None
    bold: bool = False
    styled_heading: bool = False


def _read_paragraph(p: Any, rels: dict[str, str], sup_styles: set[str]) -> _Para:
    """A paragraph's text (tabs and line breaks as spaces), superscript number runs and
    note references as markers, hyperlinks (relationships and HYPERLINK fields) as links."""
    out = _Para()
    sup: list[tuple[int, int]] = []
    links: list[tuple[str | None, int]] = []  # open w:hyperlink: url, start
    fields: list[list[Any]] = []  # open fields: [instruction, result start]
    runs_bold: list[bool] = []
    in_sup = False
    walker = etree.iterwalk(p, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        if event == "start":
            if tag in (_MC_FALLBACK, f"{_W}del", f"{_W}txbxContent") or (
                tag == f"{_W}p" and node is not p
            ):
                walker.skip_subtree()
            elif tag == f"{_W}r":
                rpr = node.find(f"{_W}rPr")
                in_sup = _val(rpr, f"{_W}vertAlign") == "superscript" or (
                    _val(rpr, f"{_W}rStyle") in sup_styles
                )
                bold = rpr is not None and rpr.find(f"{_W}b") is not None
                runs_bold.append(bold and _val(rpr, f"{_W}b") not in ("0", "false"))
            elif tag == f"{_W}t" and node.text:
                start = len(out.text)
                out.text += node.text
                if in_sup:
                    if sup and sup[-1][1] == start:
                        sup[-1] = (sup[-1][0], len(out.text))
                    else:
                        sup.append((start, len(out.text)))
            elif tag in (f"{_W}tab", f"{_W}ptab", f"{_W}cr") or (
                tag == f"{_W}br" and node.get(f"{_W}type") not in ("page", "column")
            ):
                out.text += " "
            elif tag == f"{_W}noBreakHyphen":
                out.text += "-"
            elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
                kind = "footnote" if tag == f"{_W}footnoteReference" else "endnote"
                position = len(out.text)
                out.markers.append(Marker(f"note:{kind}:{node.get(f'{_W}id')}", position, position))
            elif tag == f"{_W}hyperlink":
                r_id = node.get(f"{_R}id")
                links.append((rels.get(r_id) if r_id else None, len(out.text)))
            elif tag == f"{_W}fldSimple":
                match = _HYPERLINK_FIELD.match(node.get(f"{_W}instr", ""))
                links.append((match.group(1) if match else None, len(out.text)))
            elif tag == f"{_W}fldChar":
                kind = node.get(f"{_W}fldCharType")
                if kind == "begin":
                    fields.append(["", None])
                elif kind == "separate" and fields:
                    fields[-1][1] = len(out.text)
                elif kind == "end" and fields:
                    instruction, start = fields.pop()
                    match = _HYPERLINK_FIELD.match(instruction)
                    if match and start is not None and len(out.text) > start:
                        out.links.append(InlineLink(match.group(1), start, len(out.text)))
            elif tag == f"{_W}instrText" and fields:
                fields[-1][0] += node.text or ""
        elif tag in (f"{_W}hyperlink", f"{_W}fldSimple") and links:
            url, start = links.pop()
            if url and len(out.text) > start:
                out.links.append(InlineLink(url, start, len(out.text)))
        elif tag == f"{_W}r":
            in_sup = False
    for start, end in sup:
        labels = label_list(out.text[start:end])
        if labels and start > 0:
            out.markers += [Marker(label, start, end) for label in labels]
    out.bold = bool(runs_bold) and all(runs_bold)
    return out


def _relationships(part: Any) -> dict[str, str]:
    """A part's external link targets by relationship id."""
    targets: dict[str, str] = {}
    for r_id, rel in part.rels.items():
        if rel.is_external:
            targets[r_id] = rel.target_ref
    return targets


def _note_formats(doc: Any) -> dict[str, tuple[str, int]]:
    """How footnote and endnote marks are numbered: Word's defaults (1, 2, 3 and i, ii,
    iii) unless the settings or the last section say otherwise."""
    formats = {"footnote": ("decimal", 1), "endnote": ("lowerRoman", 1)}
    sources: list[Any] = []
    try:
        sources.append(doc.settings.element)
    except (KeyError, AttributeError, NotImplementedError):
        pass
    sect = doc.element.body.find(f"{_W}sectPr")
    if sect is not None:
        sources.append(sect)
    for source in sources:
        for kind in _NOTE_KINDS:
            pr = source.find(f"{_W}{kind}Pr")
            if pr is not None:
                fmt = _val(pr, f"{_W}numFmt") or formats[kind][0]
                start = _val(pr, f"{_W}numStart") or str(formats[kind][1])
                formats[kind] = (fmt, int(start) if start.isdigit() else 1)
    return formats


def _notes(doc: Any, sup_styles: set[str]) -> dict[str, _Para]:
    """Every footnote and endnote, by ``note:kind:id``, read as one paragraph."""
    notes: dict[str, _Para] = {}
    for rel in doc.part.rels.values():
        kind = next((k for k in _NOTE_KINDS if rel.reltype.endswith(f"/{k}s")), None)
        if kind is None or rel.is_external:
            continue
        part = rel.target_part
        try:
            root = etree.fromstring(
                part.blob, etree.XMLParser(resolve_entities=False, huge_tree=False)
            )
        except etree.XMLSyntaxError:
            continue
        rels = _relationships(part)
        for note in root.iter(f"{_W}{kind}"):
            note_id = note.get(f"{_W}id", "")
            if note.get(f"{_W}type") in _SKIPPED_TYPES or note_id in ("-1", "0"):
                continue
            whole = _Para()
            for p in note.iter(f"{_W}p"):
                para = _read_paragraph(p, rels, sup_styles)
                offset = len(whole.text) + (1 if whole.text else 0)
                whole.text += (" " if whole.text else "") + para.text
                whole.links += [
                    InlineLink(k.url, k.start + offset, k.end + offset) for k in para.links
                ]
            notes[f"note:{kind}:{note_id}"] = whole
    return notes


def _open(data: bytes) -> Any:
    check_package(data)
    try:
        return Document(io.BytesIO(data))
    except DOCX_ERRORS as exc:
        raise DocumentError(
            f"the .docx file cannot be read ({exc})", hint="open it in Word and save it again"
        ) from exc


def _paragraphs(doc: Any, styles: dict[str, _Style], numbering: _Numbering) -> list[_Para]:
    """The body's paragraphs in order (tables' too), each placed: heading, quote, item,
    with the number Word shows on a numbered one."""
    rels = _relationships(doc.part)
    sup_styles = {key for key, style in styles.items() if style.superscript}
    paragraphs: list[_Para] = []
    for p in doc.element.body.iter(f"{_W}p"):
        if any(a.tag == _MC_FALLBACK for a in p.iterancestors()):
            continue
        para = _read_paragraph(p, rels, sup_styles)
        ppr = p.find(f"{_W}pPr")
        chain = _style_chain(styles, _val(ppr, f"{_W}pStyle"))
        names = [style.name for style in chain]
        num_id = _val(ppr, f"{_W}numPr/{_W}numId")
        level_text = _val(ppr, f"{_W}numPr/{_W}ilvl")
        num: tuple[str, int] | None = None
        if num_id is not None:
            level = int(level_text) if level_text and level_text.isdigit() else 0
            num = (num_id, level) if num_id != "0" else None
        else:
            num = next((style.num for style in chain if style.num), None)
        listed = False
        if num is not None:
            para.number = numbering.next(*num)
            listed = True
        outline = _val(ppr, f"{_W}outlineLvl") not in (None, "9") or any(s.outline for s in chain)
        indent = ppr.find(f"{_W}ind") if ppr is not None else None
        left = "0" if indent is None else indent.get(f"{_W}left") or indent.get(f"{_W}start") or "0"
        if any(_HEADING_STYLE.match(name) for name in names) or outline:
            para.kind, para.styled_heading = "heading", True
        elif any(_QUOTE_STYLE.search(name) for name in names):
            para.kind = "quote"
        elif listed or any(name.lower().startswith("list") for name in names):
            para.kind = "item"
        elif left.lstrip("-").isdigit() and int(left) >= QUOTE_INDENT:
            if para.text.lstrip()[:1] in _OPENING_QUOTES:
                para.kind = "quote"
        paragraphs.append(para)
    return paragraphs


def _reference_list(paragraphs: list[_Para]) -> tuple[int, int, str | None, list[Reference]]:
    """Where the reference list is (its heading's index, the index after its last entry),
    its heading and its entries: the last paragraph naming a reference list (a heading, a
    short bold line, or the name alone) that numbered paragraphs follow, typed or Word's."""
    for index in range(len(paragraphs) - 1, -1, -1):
        name = heading_name(paragraphs[index].text)
        if name is None:
            continue
        entries: list[Reference] = []
        end = index + 1
        for position in range(index + 1, len(paragraphs)):
            para = paragraphs[position]
            if not para.text.strip():
                continue
            typed = entry_start(para.text)
            previous = entries[-1].label if entries else None
            if para.number is not None:
                label, cut = para.number, 0
            elif typed is not None and follows(typed[0], previous):
                label, cut = typed
            else:
                break
            urls = tuple(dict.fromkeys(link.url for link in para.links))
            text = " ".join(para.text[cut:].split("\n")).strip()
            entries.append(Reference(label, text, urls))
            end = position + 1
        if entries:
            return index, end, name, entries
    return len(paragraphs), len(paragraphs), None, []


def read_docx(data: bytes) -> DocumentText:
    """Read a .docx for its citations; a zip that is no .docx, a zip bomb and a damaged
    package raise :class:`DocumentError`."""
    doc = _open(data)
    styles = _styles(doc)
    paragraphs = _paragraphs(doc, styles, _numbering(doc))
    start, _, heading, references = _reference_list(paragraphs)
    body = paragraphs[:start]
    notes_text = _notes(doc, {key for key, style in styles.items() if style.superscript})
    formats = _note_formats(doc)
    counters = {kind: formats[kind][1] - 1 for kind in _NOTE_KINDS}
    labels: dict[str, str] = {}
    for para in body:
        for marker in para.markers:
            if marker.label.startswith("note:") and marker.label not in labels:
                note_kind = marker.label.split(":")[1]
                counters[note_kind] += 1
                labels[marker.label] = number_text(counters[note_kind], formats[note_kind][0])
    notes: list[str] = []
    for key, label in labels.items():
        note = notes_text.get(key)
        if note is None:
            notes.append(f"{key.split(':')[1]} {label} has no text in the document")
            continue
        urls = tuple(dict.fromkeys(link.url for link in note.links))
        references.append(Reference(label, " ".join(note.text.split("\n")).strip(), urls))
    known = {r.label for r in references}
    blocks: list[Block] = []
    for para in body:
        text = para.text.strip()
        if not text and not para.markers:
            continue
        lead = len(para.text) - len(para.text.lstrip())
        markers = [
            Marker(labels.get(m.label, m.label), max(m.start - lead, 0), max(m.end - lead, 0))
            for m in para.markers
            if not m.label.startswith("note:") or m.label in labels
        ]
        links = [InlineLink(k.url, k.start - lead, k.end - lead) for k in para.links]
        skip = [(m.start, m.end) for m in markers]
        markers += find_markers(text, known or None, skip=skip)
        markers.sort(key=lambda m: (m.start, m.end))
        kind: BlockKind = para.kind
        if kind == "paragraph" and para.bold and len(text.split()) <= 12 and not markers:
            kind = "heading"
        blocks.append(Block(text, kind, tuple(markers), tuple(links)))
    title = (doc.core_properties.title or "").strip() or next(
        (b.text for b in blocks if b.kind == "heading"), None
    )
    return DocumentText(
        kind="docx",
        title=title,
        blocks=tuple(blocks),
        references=tuple(references),
        reference_heading=heading,
        notes=tuple(notes),
    )
