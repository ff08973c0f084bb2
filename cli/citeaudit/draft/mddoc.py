"""Reading a Markdown document for its citations (markdown-it-py, with footnotes).

Block text is the rendered plain text (no ``**`` or backticks), so every span is counted on
that text. Markers are footnote references (``[^1]``, which leave no characters: ``start ==
end``), typed ``[1]``, numbered reference-style links (``[1]`` with a ``[1]: url``
definition) and ``<sup>`` digits; references are footnote definitions (labelled as written),
the numbered list under a heading such as "## References", and numbered link definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from citeaudit.draft.markers import entry_start, find_markers, follows, label_list
from citeaudit.draft.markers import reference_heading as heading_name
from citeaudit.draft.model import Block, BlockKind, DocumentText, InlineLink, Marker, Reference

_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.MULTILINE)
_SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:")


@dataclass
class _Inline:
    """An inline token rendered: text, markers, links, and where soft line breaks fell."""

    text: str = ""
    markers: list[Marker] = field(default_factory=list)
    links: list[InlineLink] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    skip: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class _Unit:
    """A paragraph, heading or cell with where it stands: its kind, heading level, the
    number of the ordered-list item it is in, and the footnote it belongs to."""

    kind: BlockKind
    inline: _Inline
    level: int = 0
    number: str | None = None
    footnote: str | None = None


def _render(token: Token, numbered: dict[str, str], base_url: str | None) -> _Inline:
    """The plain text of an inline token, its markers and links at their offsets."""
    out = _Inline()
    link: tuple[str, int, bool] | None = None  # href, start, autolink
    sup_start: int | None = None
    code_spans: list[tuple[int, int]] = []
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            out.text += child.content
        elif kind == "code_inline":
            code_spans.append((len(out.text), len(out.text) + len(child.content)))
            out.text += child.content
        elif kind in ("softbreak", "hardbreak"):
            out.breaks.append(len(out.text))
            out.text += " "
        elif kind == "footnote_ref":
            position = len(out.text)
            out.markers.append(Marker(str(child.meta.get("label", "")), position, position))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link = (href, len(out.text), child.markup in ("autolink", "linkify"))
        elif kind == "link_close" and link is not None:
            href, start, autolink = link
            link = None
            if autolink:
                out.text = out.text[:start] + href  # as written, not percent-decoded
            shown = out.text[start:]
            labels = label_list(shown)
            if labels and (href.startswith("#") or numbered.get(shown.strip("[]")) == href):
                out.markers += [Marker(label, start, len(out.text)) for label in labels]
            elif href and not href.startswith("#") and not href.startswith(_SKIPPED_SCHEMES):
                url = urljoin(base_url, href) if base_url else href
                out.links.append(InlineLink(url, start, len(out.text)))
        elif kind == "html_inline":
            tag = child.content.strip().lower()
            if tag.startswith("<sup"):
                sup_start = len(out.text)
            elif tag == "</sup>" and sup_start is not None:
                shown = out.text[sup_start:]
                out.markers += [
                    Marker(n, sup_start, len(out.text)) for n in label_list(shown) or ()
                ]
                sup_start = None
        elif kind == "image":
            continue
    out.skip = (
        code_spans
        + [(m.start, m.end) for m in out.markers]
        + [(link.start, link.end) for link in out.links]
    )
    return out


def _units(tokens: list[Token], numbered: dict[str, str], base_url: str | None) -> list[_Unit]:
    """The document's text units in order, each with its place (quote, list, footnote)."""
    units: list[_Unit] = []
    quotes = 0
    lists: list[str] = []  # "ol" / "ul" of the open lists
    items: list[str | None] = []  # number of each open list item
    footnote: str | None = None
    heading = 0
    in_cell = False
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind in ("ordered_list_open", "bullet_list_open"):
            lists.append(token.tag)
        elif kind in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            items.append(token.info if lists and lists[-1] == "ol" and token.info else None)
        elif kind == "list_item_close":
            items.pop()
        elif kind == "footnote_open":
            footnote = str(token.meta.get("label", ""))
        elif kind == "footnote_close":
            footnote = None
        elif kind == "heading_open":
            heading = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        elif kind == "heading_close":
            heading = 0
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            block: BlockKind = "paragraph"
            if heading:
                block = "heading"
            elif quotes:
                block = "quote"
            elif items and not in_cell:
                block = "item"
            number = items[-1] if items else None
            units.append(
                _Unit(block, _render(token, numbered, base_url), heading, number, footnote)
            )
    return units


def _section_entries(units: list[_Unit]) -> list[Reference]:
    """The entries of a reference section: numbered list items, or paragraphs whose lines
    start with a number ("1.", "[1]")."""
    entries: list[Reference] = []
    for unit in units:
        inline = unit.inline
        if unit.kind == "item" and unit.number is not None:
            entries.append(_reference(unit.number, inline, 0, len(inline.text)))
            continue
        bounds = [0, *[b + 1 for b in inline.breaks], len(inline.text) + 1]
        for start, end in zip(bounds, bounds[1:], strict=False):
            line = inline.text[start : end - 1]
            found = entry_start(line)
            previous = entries[-1].label if entries else None
            if found is not None and follows(found[0], previous):
                entries.append(_reference(found[0], inline, start + found[1], end - 1))
            elif entries and entries[-1].text:
                last = entries[-1]
                extra = _reference(last.label, inline, start, end - 1)
                urls = tuple(dict.fromkeys((*last.urls, *extra.urls)))
                entries[-1] = Reference(last.label, f"{last.text} {extra.text}".strip(), urls)
    return entries


def _reference(label: str, inline: _Inline, start: int, end: int) -> Reference:
    urls = tuple(
        dict.fromkeys(
            link.url for link in inline.links if start <= link.start < max(end, start + 1)
        )
    )
    return Reference(label, " ".join(inline.text[start:end].split("\n")).strip(), urls)


def _footnotes(units: list[_Unit]) -> list[Reference]:
    texts: dict[str, list[str]] = {}
    urls: dict[str, list[str]] = {}
    for unit in units:
        if unit.footnote is None:
            continue
        texts.setdefault(unit.footnote, []).append(unit.inline.text.strip())
        urls.setdefault(unit.footnote, []).extend(link.url for link in unit.inline.links)
    return [
        Reference(label, " ".join(t for t in parts if t), tuple(dict.fromkeys(urls[label])))
        for label, parts in texts.items()
    ]


def _split(units: list[_Unit]) -> tuple[list[_Unit], list[Reference], str | None]:
    """Body units, the references under a reference heading, and that heading: the last
    heading naming a reference list that numbered entries follow, up to the next heading of
    its level or above."""
    for index in range(len(units) - 1, -1, -1):
        unit = units[index]
        name = heading_name(unit.inline.text) if unit.kind == "heading" else None
        if name is None:
            continue
        end = next(
            (
                i
                for i in range(index + 1, len(units))
                if units[i].kind == "heading" and units[i].level <= unit.level
            ),
            len(units),
        )
        section = [u for u in units[index + 1 : end] if u.footnote is None]
        entries = _section_entries(section)
        if entries:
            footnotes = [u for u in units[index + 1 : end] if u.footnote is not None]
            return [*units[:index], *footnotes, *units[end:]], entries, name
    return units, [], None


def _title(tokens: list[Token], units: list[_Unit]) -> str | None:
    for token in tokens:
        if token.type == "front_matter":
            match = _TITLE.search(token.content)
            if match:
                return match.group(1).strip("\"'") or None
    return next((u.inline.text for u in units if u.kind == "heading" and u.level == 1), None)


def _parser() -> MarkdownIt:
    """CommonMark with footnotes, front matter, tables and, as GitHub renders them, bare
    URLs as links: a URL printed bare is read whole, so the underscores of
    ``a_-_Business_Case_`` are not taken for emphasis (only URLs with a scheme)."""
    parser = (
        MarkdownIt("commonmark", {"html": True, "linkify": True})
        .use(footnote_plugin)
        .use(front_matter_plugin)
        .enable(["table", "strikethrough", "linkify"])
    )
    assert parser.linkify is not None  # linkify-it-py is a dependency
    parser.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    return parser


def read_markdown(text: str, *, base_url: str | None = None) -> DocumentText:
    """Read a Markdown document (already decoded); ``base_url`` resolves relative links."""
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    definitions = env.get("references", {}) or {}
    numbered = {
        key: str(value.get("href", ""))
        for key, value in definitions.items()
        if isinstance(value, dict) and key.isdigit()
    }
    units = _units(tokens, numbered, base_url)
    body, references, heading = _split(units)
    references += _footnotes(body)
    body = [unit for unit in body if unit.footnote is None]
    labels = {r.label for r in references}
    for key, href in numbered.items():
        if key not in labels:
            title = str(definitions[key].get("title") or "")
            references.append(Reference(key, title or href, (href,)))
            labels.add(key)
    blocks: list[Block] = []
    for unit in body:
        inline = unit.inline
        if not inline.text.strip() and not inline.markers:
            continue
        typed = find_markers(inline.text, labels or None, skip=inline.skip)
        markers = sorted([*inline.markers, *typed], key=lambda m: (m.start, m.end))
        blocks.append(Block(inline.text, unit.kind, tuple(markers), tuple(inline.links)))
    return DocumentText(
        kind="markdown",
        title=_title(tokens, units),
        blocks=tuple(blocks),
        references=tuple(references),
        reference_heading=heading,
        base_url=base_url,
    )
