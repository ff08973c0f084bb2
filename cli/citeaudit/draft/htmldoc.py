"""Reading an HTML page for its citations (lxml.html): the main content without the site's
chrome, footnote links and superscripts as markers, the reference list, and inline links.

A web page wraps the document in navigation, headers, footers, share buttons and menus
whose links are not citations, so the main content is taken (``<main>``, ``<article>``) and
chrome dropped by tag, by class/id/role and by where links go. The reference list is the
list under a heading such as "References", and whatever footnote links point at: a marker's
label is the number its link shows, mapped to the reference through the link's target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from citeaudit.draft.markers import entry_start, find_markers, label_list, reference_heading
from citeaudit.draft.model import Block, BlockKind, DocumentText, InlineLink, Marker, Reference
from citeaudit.errors import DocumentError
from citeaudit.text import decode_text

_INVISIBLE = frozenset(
    "script style noscript template svg canvas iframe object embed head title button "
    "select input textarea dialog".split()
)
_CHROME_TAGS = frozenset(("nav", "header", "footer", "aside", "form", "menu"))
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(nav|navbar|navigation|menu|menubar|breadcrumbs?|share|sharing|sharedaddy|"
    r"social|cookies?|consent|footer|sidebar|related|comments?|respond|widget|widget-area|"
    r"newsletter|subscribe|pagination|skip-link|screen-reader-text|banner)(?:$|[\s_-])",
    re.IGNORECASE,
)
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search"))
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td "
    "tfoot th thead tr ul caption center".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_NOTE_ID = re.compile(r"(fn|note|ref|cite|endnote|footnote|bib)", re.IGNORECASE)
_NOTE_CONTAINER = re.compile(r"(footnotes?|endnotes?|references|reflist|notes|citations)", re.I)
_BACKLINK = re.compile(r"(back|return|reversefootnote|backref|backlink)", re.IGNORECASE)
_BACKLINK_TEXT = frozenset("↩ ↩︎ ^ ↑ ⮌ ⤴ back return".split())
_SHARE_HOSTS = (
    ("twitter.com", "/intent"),
    ("x.com", "/intent"),
    ("facebook.com", "/sharer"),
    ("facebook.com", "/share"),
    ("linkedin.com", "/share"),
    ("linkedin.com", "/cws/share"),
    ("reddit.com", "/submit"),
    ("pinterest.com", "/pin/create"),
    ("wa.me", "/"),
    ("api.whatsapp.com", "/send"),
    ("t.me", "/share"),
    ("telegram.me", "/share"),
    ("bsky.app", "/intent"),
    ("tumblr.com", "/widgets/share"),
    ("pocket.co", "/save"),
    ("getpocket.com", "/save"),
)
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:")


def _classes(element: Any) -> str:
    return " ".join(
        element.get(name, "") for name in ("class", "id", "aria-label") if element.get(name)
    )


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style", "")))


def _share_link(href: str) -> bool:
    """A link that shares the page (a tweet, a Facebook post, an email of it)."""
    lowered = href.strip().lower()
    if lowered.startswith("mailto:") and "?" in lowered and lowered[7:].startswith("?"):
        return True
    parts = urlsplit(lowered)
    host = parts.hostname or ""
    return any(
        (host == share or host.endswith("." + share)) and parts.path.startswith(path)
        for share, path in _SHARE_HOSTS
    )


def _host(url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    return host[4:] if host.startswith("www.") else host


def _text_of(element: Any) -> str:
    """An element's visible text, white space collapsed."""
    return " ".join(_WHITESPACE.sub(" ", "".join(_strings(element))).split(" ")).strip()


def _strings(element: Any) -> list[str]:
    out: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if not isinstance(node.tag, str):
                continue
            if node.text and node.tag not in _INVISIBLE and not _hidden(node):
                out.append(node.text)
        elif node is not element and node.tail:
            out.append(node.tail)
    return out


@dataclass
class _Builder:
    """The block being read: text with white space collapsed, its markers and links."""

    text: str = ""
    kind: BlockKind = "paragraph"
    markers: list[Marker] = field(default_factory=list)
    links: list[InlineLink] = field(default_factory=list)

    def add(self, value: str | None) -> None:
        if not value:
            return
        collapsed = _WHITESPACE.sub(" ", value)
        if collapsed.startswith(" ") and (not self.text or self.text.endswith(" ")):
            collapsed = collapsed[1:]
        self.text += collapsed


@dataclass
class _Page:
    """What the walk needs: the footnote links' labels, elements not to read as body, the
    base for links and the page's own host."""

    base: str | None
    own_host: str
    note_links: dict[Any, list[str]] = field(default_factory=dict)
    skip: set[Any] = field(default_factory=set)
    blocks: list[Block] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """A span trimmed of the spaces at its ends."""
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def _flush(page: _Page, builder: _Builder) -> None:
    text = builder.text
    lead = len(text) - len(text.lstrip(" "))
    text = text.strip(" ")
    if text:
        markers: list[Marker] = []
        for m in builder.markers:
            start, end = _span(text, max(m.start - lead, 0), min(m.end - lead, len(text)))
            markers.append(Marker(m.label, start, end))
        links: list[InlineLink] = []
        for link in builder.links:
            start, end = _span(text, max(link.start - lead, 0), min(link.end - lead, len(text)))
            if end <= start:
                continue
            if not _menu_like(page, link.url, text, text[start:end]):
                links.append(InlineLink(link.url, start, end))
            elif end - start >= len(text.strip(" .,;:·|•›»/-")):
                builder.text, builder.markers, builder.links = "", [], []
                return  # a menu entry alone in its block: no text of the document
        skip = [(m.start, m.end) for m in markers] + [(k.start, k.end) for k in links]
        markers += find_markers(text, page.labels or None, skip=skip)
        markers.sort(key=lambda m: (m.start, m.end))
        page.blocks.append(Block(text, builder.kind, tuple(markers), tuple(links)))
    builder.text, builder.markers, builder.links = "", [], []


def _menu_like(page: _Page, url: str, block: str, shown: str) -> bool:
    """A link to the page's own site that is a menu entry, not a citation: all its block,
    or a few words with hardly a word around them."""
    if not page.own_host or _host(url) != page.own_host:
        return False
    around = block.replace(shown, " ", 1).strip(" .,;:·|•›»/-")
    return len(shown.split()) <= 4 and len(around.split()) <= 1


def _kind(tag: str, outer: BlockKind) -> BlockKind:
    if tag in _HEADINGS:
        return "heading"
    if tag == "blockquote" or outer == "quote":
        return "quote"
    if tag == "li" or outer == "item":
        return "item"
    return "paragraph"


def _walk(page: _Page, element: Any, builder: _Builder, outer: BlockKind) -> None:
    """Read ``element`` into blocks: block elements start and end blocks, footnote links
    and number superscripts become markers, other links inline links."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or element in page.skip or tag in _INVISIBLE or _hidden(element):
        return
    if tag == "br":
        builder.add(" ")
        return
    if tag == "sup" and _sup_marker(page, element, builder):
        return
    if tag == "a" and element in page.note_links:
        start = len(builder.text)
        builder.add(_text_of(element))
        builder.markers += [Marker(n, start, len(builder.text)) for n in page.note_links[element]]
        return
    block = tag in _BLOCK_TAGS
    kind = _kind(tag, outer) if block else outer
    if block:
        _flush(page, builder)
        builder.kind = kind
    link_start = len(builder.text)
    builder.add(element.text)
    for child in element:
        _walk(page, child, builder, kind)
        if block:
            builder.kind = kind
        builder.add(child.tail)
    if tag == "a" and element.get("href"):
        _inline_link(page, element.get("href", ""), builder, link_start)
    if block:
        _flush(page, builder)


def _inline_link(page: _Page, href: str, builder: _Builder, start: int) -> None:
    href = href.strip()
    lowered = href.lower()
    if not href or href.startswith("#") or lowered.startswith(_SKIPPED_SCHEMES):
        return
    if _share_link(href):
        return
    url = urljoin(page.base, href) if page.base else href
    if len(builder.text) > start:
        builder.links.append(InlineLink(url, start, len(builder.text)))


def _sup_marker(page: _Page, element: Any, builder: _Builder) -> bool:
    """Read a ``<sup>`` holding a marker (a footnote link, or numbers) as markers over its
    text; False for any other superscript ("1st"), read as text."""
    shown = _text_of(element)
    labels: list[str] = []
    for link in element.iter("a"):
        labels += page.note_links.get(link, [])
    if not labels:
        labels = label_list(shown) or []
        hrefs = [link.get("href", "").strip() for link in element.iter("a")]
        if any(href and not href.startswith("#") for href in hrefs):
            return False  # a superscript link to elsewhere: an inline link
    if not labels:
        return False
    start = len(builder.text)
    builder.add(shown)
    builder.markers += [Marker(label, start, len(builder.text)) for label in labels]
    return True


def _parse(data: bytes, content_type: str | None) -> Any:
    text = decode_text(data, content_type)
    parser = lxml.html.HTMLParser(encoding="utf-8", recover=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(
            f"the HTML page cannot be read ({exc})", hint="save the page again from a browser"
        ) from exc
    return root


def _meta_url(root: Any) -> str | None:
    for link in root.iter("link"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            return (meta.get("content") or "").strip() or None
    return None


def _main(root: Any) -> Any:
    """The main content: ``<main>``, role=main, the one ``<article>``, else ``<body>``."""
    for found in (root.xpath("//main"), root.xpath("//*[@role='main']")):
        visible = [e for e in found if not _hidden(e)]
        if visible:
            return visible[0]
    articles = root.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    return body if body is not None else root


def _chrome(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _CHROME_TAGS:
        return True
    if element.get("role", "").lower() in _CHROME_ROLES:
        return True
    words = _classes(element)
    return bool(words and _CHROME_WORDS.search(words))


def _item_of(target: Any) -> Any | None:
    """The reference a footnote link's target stands for: its list item, else its block."""
    for node in (target, *target.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "li":
            return node
        if tag in ("p", "div", "dd", "dt", "section", "aside", "td", "tr"):
            return node
    return None


def _note_links(root: Any, main: Any, notes: list[str]) -> dict[Any, tuple[list[str], Any]]:
    """Footnote links in the main content: (labels it shows, the reference element it
    points at), for links that show numbers and point at another element of the page."""
    ids: dict[str, Any] = {}
    for node in root.iter():
        if isinstance(node.tag, str):
            for key in (node.get("id"), node.get("name") if node.tag == "a" else None):
                if key and key not in ids:
                    ids[key] = node
    found: dict[Any, tuple[list[str], Any]] = {}
    for link in main.iter("a"):
        href = link.get("href", "").strip()
        if not href.startswith("#") or len(href) < 2:
            continue
        shown = _text_of(link)
        labels = label_list(shown)
        in_sup = any(a.tag == "sup" for a in link.iterancestors())
        if not labels or not (in_sup or _NOTE_ID.search(href) or shown.startswith("[")):
            continue
        target = ids.get(unquote(href[1:]))
        if target is None:
            notes.append(f"footnote link {href} points at nothing on the page")
            continue
        item = _item_of(target)
        if item is None or link in item.iter("a"):
            continue
        found[link] = (labels, item)
    return found


def _heading_level(element: Any) -> int | None:
    """The level of an element that stands as a heading: h1-h6, or a short paragraph whose
    whole text is bold ("<p><strong>References</strong></p>") as level 7."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _HEADINGS:
        return _HEADINGS[tag]
    if tag in ("p", "div") and len(element) == 1 and element[0].tag in ("strong", "b"):
        if not (element.text or "").strip() and not (element[0].tail or "").strip():
            return 7
    return None


def _following(heading: Any) -> list[Any]:
    """The elements after a heading, up to the next heading of its level or above (going
    up to the heading's parent when the heading is alone in it)."""
    level = _heading_level(heading) or 7
    node = heading
    while (
        node.getnext() is None
        and node.getparent() is not None
        and node.getparent().tag
        not in (
            "body",
            "main",
            "article",
        )
    ):
        node = node.getparent()
    out: list[Any] = []
    for sibling in node.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        other = _heading_level(sibling)
        if other is not None and other <= level and reference_heading(_text_of(sibling)) is None:
            break
        out.append(sibling)
    return out


def _entries(elements: list[Any]) -> list[tuple[str, Any, int]]:
    """Reference entries among ``elements``: (label, element, characters of typed label to
    leave out), from list items (``<ol start>``, ``<li value>``) or numbered paragraphs."""
    entries: list[tuple[str, Any, int]] = []
    for element in elements:
        tag = element.tag
        if tag in ("ol", "ul"):
            number = int(element.get("start", "1")) if element.get("start", "1").isdigit() else 1
            for item in element.iterchildren("li"):
                value = item.get("value", "")
                number = int(value) if value.isdigit() else number
                typed = entry_start(_text_of(item))
                if tag == "ul" and typed is not None:
                    entries.append((typed[0], item, typed[1]))
                else:
                    entries.append((str(number), item, 0))
                number += 1
            continue
        typed = entry_start(_text_of(element))
        if tag in ("p", "div") and typed is not None:
            entries.append((typed[0], element, typed[1]))
        elif entries and _text_of(element):
            break
    return entries


def _reference(element: Any, label: str, cut: int, base: str | None) -> Reference:
    """A reference from its element: its text without backlinks or a typed label, and its
    links."""
    for link in list(element.iter("a")):
        href = link.get("href", "")
        shown = _text_of(link)
        if href.startswith("#") and (shown in _BACKLINK_TEXT or _BACKLINK.search(_classes(link))):
            link.drop_tree()
    for node in list(element.iter()):
        if isinstance(node.tag, str) and _BACKLINK.search(node.get("class", "")):
            node.drop_tree()
    text = _text_of(element)[cut:].strip()
    urls: list[str] = []
    for link in element.iter("a"):
        href = link.get("href", "").strip()
        if href and not href.startswith("#") and not href.lower().startswith(_SKIPPED_SCHEMES):
            urls.append(urljoin(base, href) if base else href)
    return Reference(label, text, tuple(dict.fromkeys(urls)))


def _reference_list(
    main: Any, notes_map: dict[Any, tuple[list[str], Any]], base: str | None
) -> tuple[list[Reference], set[Any], str | None]:
    """The references (under a heading, and what footnote links point at) and the elements
    they were read from, which the body leaves out."""
    heading_name: str | None = None
    listed: list[tuple[str, Any, int]] = []
    skip: set[Any] = set()
    for element in reversed(list(main.iter())):
        if not isinstance(element.tag, str) or _heading_level(element) is None:
            continue
        name = reference_heading(_text_of(element))
        if name is None:
            continue
        following = _following(element)
        listed = _entries(following)
        if listed:
            heading_name = name
            skip.add(element)
            skip.update(following)  # the list, and what follows it in its section
            break
    shown: dict[Any, str] = {}
    for labels, item in notes_map.values():
        if len(labels) == 1:
            shown.setdefault(item, labels[0])
    items: dict[Any, tuple[str, int]] = {item: (label, cut) for label, item, cut in listed}
    for _, target in notes_map.values():
        if target not in items:
            typed = entry_start(_text_of(target))
            items[target] = (typed[0], typed[1]) if typed else (shown.get(target, ""), 0)
            container = next(
                (a for a in target.iterancestors() if _NOTE_CONTAINER.search(_classes(a))), None
            )
            skip.add(container if container is not None and container is not main else target)
    order = {node: index for index, node in enumerate(main.getroottree().iter())}
    references: list[Reference] = []
    for item in sorted(items, key=lambda node: order.get(node, 0)):
        label, cut = items[item]
        label = shown.get(item, label)
        skip.add(item)
        references.append(_reference(item, label, cut, base))
    return references, skip, heading_name


def read_html_document(
    data: bytes, *, content_type: str | None = None, base_url: str | None = None
) -> DocumentText:
    """Read an HTML page for its citations. ``base_url``: the page's address (else its
    canonical link or og:url), for relative links and to tell its own site's menus."""
    root = _parse(data, content_type)
    page_url = base_url or _meta_url(root)
    base_element = root.find(".//base[@href]")
    base = page_url
    if base_element is not None:
        base = urljoin(page_url or "", base_element.get("href", "").strip()) or page_url
    main = _main(root)
    title_element = next(iter(main.iter("h1")), None) if main is not None else None
    title = _text_of(title_element) if title_element is not None else None
    if not title:
        titles = root.xpath("//title")
        title = _text_of(titles[0]) if titles else None
    notes: list[str] = []
    notes_map = _note_links(root, main, notes)
    references, skip, heading = _reference_list(main, notes_map, base)
    page = _Page(base, _host(page_url or base), skip=skip)
    page.labels = {r.label for r in references}
    for link, (labels, _) in notes_map.items():
        page.note_links[link] = labels
    ancestors = {main, *main.iterancestors()}
    for element in list(main.iter()):
        if isinstance(element.tag, str) and element not in ancestors and _chrome(element):
            if not any(node in skip for node in element.iter()) or element.tag in _CHROME_TAGS:
                page.skip.add(element)
    builder = _Builder()
    _walk(page, main, builder, "paragraph")
    _flush(page, builder)
    return DocumentText(
        kind="html",
        title=title or None,
        blocks=tuple(page.blocks),
        references=tuple(references),
        reference_heading=heading,
        base_url=page_url,
        notes=tuple(dict.fromkeys(notes)),
    )
