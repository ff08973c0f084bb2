"""Content-Encoding decoding: every coding we undo, stacked codings, the output cap (and so
decompression bombs), corrupt bodies and codings we cannot undo."""

from __future__ import annotations

import gzip
import importlib
import zlib

import pytest

from citeaudit.net import decoding
from citeaudit.net.decoding import (
    ACCEPT_ENCODING,
    BROTLI,
    ContentDecodingError,
    content_codings,
    decode_body,
    decode_content,
)

MIB = 1024 * 1024
TEXT = b"some text " * 50


def _raw_deflate(data: bytes) -> bytes:
    deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return deflater.compress(data) + deflater.flush()


def test_no_coding_and_identity_leave_the_bytes_alone() -> None:
    assert decode_content(TEXT, None, MIB) == (TEXT, False)
    assert decode_content(TEXT, "", MIB) == (TEXT, False)
    assert decode_content(TEXT, "identity", MIB) == (TEXT, False)


def test_gzip_and_x_gzip() -> None:
    assert decode_content(gzip.compress(TEXT), "gzip", MIB) == (TEXT, False)
    assert decode_content(gzip.compress(TEXT), "x-gzip", MIB) == (TEXT, False)
    assert decode_content(gzip.compress(TEXT), " GZIP ", MIB) == (TEXT, False)


def test_gzip_with_several_members_is_read_whole() -> None:
    two_members = gzip.compress(b"one ") + gzip.compress(b"two")
    assert decode_content(two_members, "gzip", MIB) == (b"one two", False)


def test_trailing_garbage_after_a_gzip_member_is_ignored() -> None:
    assert decode_content(gzip.compress(TEXT) + b"junk", "gzip", MIB) == (TEXT, False)


def test_deflate_with_and_without_the_zlib_wrapper() -> None:
    assert decode_content(zlib.compress(TEXT), "deflate", MIB) == (TEXT, False)
    assert decode_content(_raw_deflate(TEXT), "deflate", MIB) == (TEXT, False)


def test_stacked_codings_are_undone_in_reverse() -> None:
    stacked = gzip.compress(zlib.compress(TEXT))  # deflate applied first, then gzip
    assert decode_content(stacked, "deflate, gzip", MIB) == (TEXT, False)
    assert decode_content(gzip.compress(gzip.compress(TEXT)), "gzip, gzip", MIB) == (TEXT, False)
    assert decode_content(zlib.compress(TEXT), "identity, deflate", MIB) == (TEXT, False)


def test_output_is_cut_at_the_cap() -> None:
    assert decode_content(gzip.compress(TEXT), "gzip", 10) == (TEXT[:10], True)
    assert decode_content(gzip.compress(TEXT), "gzip", len(TEXT)) == (TEXT, False)
    assert decode_content(gzip.compress(TEXT), "gzip", len(TEXT) - 1) == (TEXT[:-1], True)


def test_a_bomb_is_stopped_at_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (64 * MIB))
    assert len(bomb) < MIB // 8

    content, truncated = decode_content(bomb, "gzip", MIB)

    assert truncated and content == b"\0" * MIB


def test_a_bomb_hidden_under_a_second_coding_is_still_capped() -> None:
    inner = zlib.compress(b"\0" * (16 * MIB))
    content, truncated = decode_content(gzip.compress(inner), "deflate, gzip", MIB)
    assert truncated and len(content) == MIB


def test_a_cut_off_stream_yields_what_it_holds() -> None:
    whole = gzip.compress(b"x" * 100_000)
    content, truncated = decode_content(whole[: len(whole) // 2], "gzip", MIB)
    assert not truncated
    assert 0 < len(content) < 100_000 and set(content) == {ord("x")}


def test_a_corrupt_body_raises_naming_the_coding() -> None:
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(b"not gzip at all", "gzip", MIB)
    assert caught.value.coding == "gzip" and caught.value.detail
    assert "corrupt gzip body" in str(caught.value)


def test_an_unknown_coding_raises_without_detail() -> None:
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(b"\x28\xb5\x2f\xfd", "zstd", MIB)
    assert caught.value.coding == "zstd" and caught.value.detail is None
    assert str(caught.value) == "cannot decode Content-Encoding 'zstd'"


def test_content_codings_lists_the_codings_as_applied() -> None:
    assert content_codings(None) == []
    assert content_codings("identity") == []
    assert content_codings("Deflate, , GZIP") == ["deflate", "gzip"]


def test_decode_body_reports_instead_of_raising() -> None:
    assert decode_body(gzip.compress(TEXT), "gzip", MIB) == (TEXT, False, None)
    assert decode_body(gzip.compress(TEXT), "gzip", 10) == (TEXT[:10], True, None)

    content, truncated, error = decode_body(b"not gzip at all", "gzip", MIB)
    assert (content, truncated) == (b"not gzip at all", False)
    assert error is not None and error.startswith("content left encoded: corrupt gzip")

    content, truncated, error = decode_body(b"\x28\xb5", "zstd", MIB)
    assert (content, truncated) == (b"\x28\xb5", False)
    assert error == "content left encoded: cannot decode Content-Encoding 'zstd'"


def test_brotli_is_offered_only_when_it_can_be_decoded() -> None:
    assert ("br" in ACCEPT_ENCODING) is BROTLI


def test_brotli_without_a_capped_decoder_is_an_unknown_coding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decoding, "BROTLI", False)
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(b"\x0b\x02\x80hi\x03", "br", MIB)
    assert caught.value.coding == "br" and caught.value.detail is None


@pytest.mark.skipif(not BROTLI, reason="no capped brotli decoder is installed")
def test_brotli_is_decoded_and_capped() -> None:  # pragma: no cover - depends on brotli
    brotli = importlib.import_module("brotli")

    assert decode_content(brotli.compress(TEXT), "br", MIB) == (TEXT, False)
    assert decode_content(brotli.compress(TEXT), "br", 10) == (TEXT[:10], True)
    content, truncated = decode_content(brotli.compress(b"\0" * (64 * MIB)), "br", MIB)
    assert truncated and len(content) == MIB
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(b"definitely not brotli", "br", MIB)
    assert caught.value.coding == "br" and caught.value.detail is not None


# Kept from the engine's tests, where decoding lived before it was shared.
def test_decode_body_variants() -> None:
    text = b"some text " * 50
    deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = deflater.compress(text) + deflater.flush()

    assert decode_body(text, None, MIB) == (text, False, None)
    assert decode_body(text, "identity", MIB) == (text, False, None)
    assert decode_body(zlib.compress(text), "deflate", MIB) == (text, False, None)
    assert decode_body(raw_deflate, "deflate", MIB) == (text, False, None)
    two_members = gzip.compress(b"one ") + gzip.compress(b"two")
    assert decode_body(two_members, "gzip", MIB) == (b"one two", False, None)
    assert decode_body(gzip.compress(gzip.compress(text)), "gzip, gzip", MIB)[0] == text
    assert decode_body(gzip.compress(text), "gzip", 10) == (text[:10], True, None)

    content, truncated, error = decode_body(b"not gzip at all", "gzip", MIB)
    assert (content, truncated) == (b"not gzip at all", False)
    assert error is not None and "corrupt gzip" in error

    content, _, error = decode_body(b"\x28\xb5\x2f\xfd", "zstd", MIB)
    assert content == b"\x28\xb5\x2f\xfd"
    assert error is not None and "zstd" in error
