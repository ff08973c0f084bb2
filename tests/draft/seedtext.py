"""A test-only reading of a plain-text statement: blank-line paragraphs, ``[N]`` markers
and a numbered reference list after a "References" line (until the document readers can
read it)."""

from __future__ import annotations

import re
from pathlib import Path

from citeaudit.draft.model import Block, BlockKind, DocumentText, InlineLink, Marker, Reference

_MARKER = re.compile(r"\[([0-9]+)\]")
_ENTRY = re.compile(r"^\s*([0-9]+)\.\s+(.*)$")


def seed_text(path: Path) -> DocumentText:
    """The statement at ``path`` read into blocks and references."""
    text = path.read_text(encoding="utf-8")
    body, _, tail = text.partition("\nReferences:")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    blocks = []
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            kind: BlockKind = "item" if line.startswith("•") else "paragraph"
            line = line.lstrip("• ").strip()
            markers = tuple(Marker(m.group(1), m.start(), m.end()) for m in _MARKER.finditer(line))
            blocks.append(Block(line, kind, markers))
    references = []
    for line in tail.splitlines():
        entry = _ENTRY.match(line)
        if entry:
            references.append(Reference(entry.group(1), entry.group(2).strip()))
    return DocumentText(
        kind="text",
        title=blocks[0].text,
        blocks=tuple(blocks[1:]),
        references=tuple(references),
        reference_heading="References:",
    )


_TYPED = re.compile(r"\[([0-9]+(?:\s*[-–,]\s*[0-9]+)*)\]")


def marked(text: str, kind: BlockKind = "paragraph", links: tuple[InlineLink, ...] = ()) -> Block:
    """A block whose typed markers (``[3]``, ``[1-3]``, ``[1, 3]``) are found as a reader
    finds them: each label a marker with the span of the whole bracket."""
    markers: list[Marker] = []
    for match in _TYPED.finditer(text):
        for part in re.split(r"\s*,\s*", match.group(1)):
            bounds = re.split(r"\s*[-–]\s*", part)
            first, last = int(bounds[0]), int(bounds[-1])
            span = range(first, last + 1)
            markers.extend(Marker(str(n), match.start(), match.end()) for n in span)
    return Block(text, kind, tuple(markers), links)


def link(text: str, words: str, url: str) -> InlineLink:
    """An inline link over the first occurrence of ``words`` in ``text``."""
    start = text.index(words)
    return InlineLink(url, start, start + len(words))
