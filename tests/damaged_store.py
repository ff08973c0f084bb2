"""Damage done to a real store's WARC files, as a failing disk or a bad copy would: bytes
flipped inside a record's gzip member, or a record's content changed under a gzip member
that still decodes (so only its digests tell). Records are found where the store says they
are (the snapshots table), and every change keeps the file's size, so every other offset
the store holds stays right. And a record of a folder's files, to prove a reader left them
as they were."""

from __future__ import annotations

import gzip
import os
import sqlite3
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kept:
    """Where the store says one snapshot's record is."""

    source_id: str
    warc: str
    offset: int
    length: int
    record_id: str
    date: str
    record_type: str


def kept(store: Path, source_id: str) -> list[Kept]:
    """The snapshots of a source, oldest first."""
    db = sqlite3.connect(store / "citeaudit.sqlite")
    try:
        rows = db.execute(
            'SELECT source_id, warc, "offset", length, record_id, date, record_type'
            " FROM snapshots WHERE source_id = ? ORDER BY date, id",
            (source_id,),
        ).fetchall()
    finally:
        db.close()
    return [Kept(*row) for row in rows]


def flip_bytes(path: Path, offset: int, length: int, count: int = 4) -> None:
    """Invert ``count`` bytes in the middle of the gzip member at ``offset``, in place."""
    with open(path, "r+b") as fh:
        fh.seek(offset + length // 2)
        data = fh.read(count)
        fh.seek(offset + length // 2)
        fh.write(bytes(b ^ 0xFF for b in data))


def change_content(path: Path, offset: int, length: int, old: bytes, new: bytes) -> None:
    """Replace ``old`` with ``new`` (as long) inside the record at ``offset``, under a gzip
    member that still decodes and is exactly as long as the original (padded in its
    header). ``new`` must compress better than ``old`` (say, one letter repeated)."""
    assert len(old) == len(new)
    data = path.read_bytes()
    text = gzip.decompress(data[offset : offset + length])
    assert old in text
    member = _gzip_of_length(text.replace(old, new), length)
    path.write_bytes(data[:offset] + member + data[offset + length :])


def _gzip_of_length(text: bytes, length: int) -> bytes:
    """A gzip member of ``text`` exactly ``length`` bytes long: an FEXTRA field fills it."""
    tries = [zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS) for level in (9, 6, 1)]
    deflated = min((c.compress(text) + c.flush() for c in tries), key=len)
    extra = length - (10 + 2 + len(deflated) + 8)
    assert extra >= 0, "the changed record compresses to more than the original"
    header = b"\x1f\x8b\x08\x04" + b"\0\0\0\0" + b"\x02\xff" + struct.pack("<H", extra)
    trailer = struct.pack("<II", zlib.crc32(text), len(text) & 0xFFFFFFFF)
    return header + b"\0" * extra + deflated + trailer


def files_of(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folder``: size, mtime (ns) and mode, by relative path."""
    found: dict[str, tuple[int, int, int]] = {}
    for root, dirs, names in os.walk(folder):
        for name in [*dirs, *names]:
            path = Path(root) / name
            info = path.lstat()
            found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return found
