"""Undoing Content-Encoding with every output capped.

One decoder for everything that reads an HTTP body: the link checker decoding what it
fetched, the web-archive client decoding a memento, the archive reading a WARC record back.
Output is capped because a few kilobytes of gzip or brotli can expand to gigabytes.
"""

from __future__ import annotations

import importlib
import zlib
from types import ModuleType


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_brotli = _optional_module("brotli")
# Only a brotli new enough to cap its output is used: without a cap a tiny body can
# expand without bound.
BROTLI = _brotli is not None and hasattr(_brotli.Decompressor(), "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI else "gzip, deflate"


class ContentDecodingError(ValueError):
    """A body whose Content-Encoding cannot be undone: ``detail`` is None when the coding is
    one we have no decoder for, else what was wrong with the encoded bytes."""

    def __init__(self, coding: str, detail: str | None = None) -> None:
        self.coding = coding
        self.detail = detail
        if detail is None:
            message = f"cannot decode Content-Encoding {coding!r}"
        else:
            message = f"corrupt {coding} body ({detail})"
        super().__init__(message)


def _inflate(data: bytes, wbits: int, cap: int) -> tuple[bytes, bool]:
    """zlib/gzip-decode at most ``cap`` bytes; True when there was more (a bomb, say)."""
    out = bytearray()
    while data:
        decoder = zlib.decompressobj(wbits)
        pending = data
        while pending and not decoder.eof:
            out += decoder.decompress(pending, cap + 1 - len(out))
            if len(out) > cap:
                return bytes(out[:cap]), True
            pending = decoder.unconsumed_tail
        # A gzip body may hold several members; anything else after the end is ignored.
        data = decoder.unused_data if decoder.eof else b""
        if not data.startswith(b"\x1f\x8b"):
            break
    return bytes(out), False


def _unbrotli(data: bytes, cap: int) -> tuple[bytes, bool]:
    assert _brotli is not None
    decoder = _brotli.Decompressor()
    out = bytearray(decoder.process(data, output_buffer_limit=cap + 1))
    while len(out) <= cap and not decoder.is_finished():
        more = decoder.process(b"", output_buffer_limit=cap + 1 - len(out))
        if not more:
            break
        out += more
    return bytes(out[:cap]), len(out) > cap


def _decode_one(coding: str, data: bytes, cap: int) -> tuple[bytes, bool]:
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, 32 + zlib.MAX_WBITS, cap)
    if coding == "deflate":
        try:
            return _inflate(data, 32 + zlib.MAX_WBITS, cap)
        except zlib.error:  # servers often send raw deflate without the zlib wrapper
            return _inflate(data, -zlib.MAX_WBITS, cap)
    if coding == "br" and BROTLI:
        return _unbrotli(data, cap)
    raise ContentDecodingError(coding)


def content_codings(encodings: str | None) -> list[str]:
    """The codings a Content-Encoding value names, in the order they were applied."""
    codings = [c.strip().lower() for c in (encodings or "").split(",")]
    return [c for c in codings if c and c != "identity"]


def decode_content(data: bytes, encodings: str | None, cap: int) -> tuple[bytes, bool]:
    """Undo the Content-Encoding ``encodings`` (applied in the order listed, so undone in
    reverse), keeping at most ``cap`` bytes of each step's output.

    Returns (content, truncated): truncated is True when some step had more than ``cap``
    bytes to give (a bomb, or just a big body), and a cut-off stream yields what it holds.
    Raises :class:`ContentDecodingError` for a coding we cannot undo or a corrupt body.
    """
    truncated = False
    for coding in reversed(content_codings(encodings)):
        try:
            data, cut = _decode_one(coding, data, cap)
        except zlib.error as exc:
            raise ContentDecodingError(coding, str(exc)) from exc
        except ContentDecodingError:
            raise
        except Exception as exc:  # brotli.error has no common base we can name
            if _brotli is not None and isinstance(exc, _brotli.error):
                raise ContentDecodingError(coding, str(exc)) from exc
            raise
        truncated = truncated or cut
    return data, truncated


def decode_body(
    raw: bytes, content_encoding: str | None, cap: int
) -> tuple[bytes, bool, str | None]:
    """Undo Content-Encoding with output capped at ``cap``, never raising.

    Returns (content, truncated, error). On an encoding we cannot undo the raw bytes come
    back with the error saying so, rather than a guess.
    """
    try:
        content, truncated = decode_content(raw, content_encoding, cap)
    except ContentDecodingError as exc:
        return raw, False, f"content left encoded: {exc}"
    return content, truncated, None
