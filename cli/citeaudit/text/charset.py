"""Which text encoding a fetched page is in, decided as a browser would.

Soft-404 detection, fragment checks and extraction read titles, ids and text: a page in
windows-1252 or Shift_JIS read as UTF-8 would match nothing, so the encoding is taken from
the byte order mark, then the Content-Type header, then a ``<meta>`` declaration, and only
then guessed. Every stage that reads a page decides here, so they all read the same text.
"""

from __future__ import annotations

import codecs
import functools
import re
from email.message import Message

# WHATWG maps these labels to a superset that browsers actually decode with.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "tis-620": "cp874",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META = re.compile(rb"""<meta\b[^<>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
PRESCAN = 4096


def _usable(label: str | None) -> str | None:
    """A Python codec for an encoding label, or None when Python knows no such codec."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    # A page cannot really be UTF-16 once it declares so in ASCII-compatible bytes.
    return "utf-8" if name.startswith("utf-16") else name


@functools.lru_cache(maxsize=256)  # a run meets a handful of distinct Content-Types
def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, as a usable codec name."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    value = message.get_param("charset")
    return _usable(value) if isinstance(value, str) else None


def sniff_charset(content: bytes, content_type: str | None, *, charset: str | None = None) -> str:
    """The codec to decode ``content`` with: BOM, header, ``<meta>``, then UTF-8 if the
    bytes are valid UTF-8, else windows-1252 (the web's default).

    ``charset`` is a label the caller already read from the header: it stands for the
    header's when Python knows it."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    declared = _usable(charset) or header_charset(content_type)
    if declared:
        return declared
    match = _META.search(content[:PRESCAN])
    if match is not None:
        meta = _usable(match.group(1).decode("ascii", "replace"))
        if meta:
            return meta
    try:
        content[: 64 * 1024].decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < min(len(content), 64 * 1024) - 4:
            return "cp1252"
    return "utf-8"


def decode_text(
    content: bytes,
    content_type: str | None,
    limit: int | None = None,
    *,
    charset: str | None = None,
) -> str:
    """The page as text (at most ``limit`` bytes of it); undecodable bytes become U+FFFD.
    ``charset`` as for :func:`sniff_charset`."""
    encoding = sniff_charset(content, content_type, charset=charset)
    data = content if limit is None else content[:limit]
    text = data.decode(encoding, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text
