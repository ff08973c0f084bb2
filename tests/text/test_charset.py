"""The one charset decision every stage reads a page with, as a browser makes it: byte order
mark, then the Content-Type's charset, then a <meta> declaration, then a guess."""

from __future__ import annotations

import pytest

from citeaudit.text.charset import PRESCAN, decode_text, header_charset, sniff_charset

QUOTED = "“Quoted” — naïve".encode("cp1252")


@pytest.mark.parametrize(
    ("content_type", "codec"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ('text/html; charset="ISO-8859-1"', "cp1252"),  # browsers read latin-1 as windows-1252
        ("text/html; charset=us-ascii", "cp1252"),
        ("text/html; charset=Shift_JIS", "cp932"),
        ("text/html; charset=gb2312", "gb18030"),
        ("text/html; charset=utf-16", "utf-8"),  # declared in ASCII bytes: it is not UTF-16
        ("text/html; charset=no-such-charset", None),
        ("text/html", None),
        (None, None),
    ],
)
def test_header_charset(content_type: str | None, codec: str | None) -> None:
    assert header_charset(content_type) == codec


def test_a_byte_order_mark_comes_first() -> None:
    page = "\ufeff<p>é</p>"
    assert sniff_charset(page.encode("utf-8"), "text/html; charset=cp1252") == "utf-8"
    assert sniff_charset(page.encode("utf-16-le"), None) == "utf-16-le"
    assert decode_text(page.encode("utf-8"), "text/html; charset=cp1252") == "<p>é</p>"


def test_the_header_then_a_meta_declaration() -> None:
    page = b'<meta charset="shift_jis"><p>' + "日本語".encode("shift_jis") + b"</p>"
    assert sniff_charset(page, "text/html; charset=utf-8") == "utf-8"
    assert sniff_charset(page, "text/html") == "cp932"
    assert "日本語" in decode_text(page, "text/html")
    late = b" " * PRESCAN + b'<meta charset="shift_jis">'
    assert sniff_charset(late, None) == "utf-8"  # only the start of a page is prescanned


def test_without_a_declaration_utf_8_else_windows_1252() -> None:
    assert sniff_charset("naïve".encode(), None) == "utf-8"
    assert sniff_charset(QUOTED, None) == "cp1252"
    cut = "é".encode() * 40_000  # a character cut at the end of the 64 KiB sample
    assert sniff_charset(cut[: 64 * 1024 + 1], None) == "utf-8"


def test_iso_8859_1_declared_with_windows_1252_bytes_gives_curly_quotes() -> None:
    text = decode_text(QUOTED, "text/html; charset=iso-8859-1")
    assert text == "“Quoted” — naïve"
    assert not any("\x80" <= c <= "\x9f" for c in text)  # no C1 control characters


def test_a_charset_read_by_the_caller_stands_for_the_header() -> None:
    assert decode_text(QUOTED, None, charset="iso-8859-1") == "“Quoted” — naïve"
    assert decode_text(QUOTED, "text/html; charset=utf-8", charset="latin-1") == (
        "“Quoted” — naïve"
    )
    # an unknown label is passed over: the header, then the guess
    assert decode_text(QUOTED, None, charset="no-such-charset") == "“Quoted” — naïve"


def test_undecodable_bytes_and_a_limit() -> None:
    assert decode_text(b"ok \xff\xfe", "text/html; charset=utf-8") == "ok \ufffd\ufffd"
    assert decode_text(b"abcdef", None, limit=3) == "abc"
