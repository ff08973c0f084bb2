"""Put a store back in order after a run was killed: every WARC file ends on a whole record.

A run writes each WARC record as its own gzip member and flushes it, and records a snapshot
in the database only after its record is on disk. A run killed mid-write (SIGKILL, a power
cut) can still leave the last gzip member half written; ``warcio check`` and replay tools
may then fail on the file. Before the next run writes anything (under the store lock), each
WARC file that was not closed cleanly is scanned, and a partial last member is cut off the
end. The cut bytes are not thrown away: they are kept in ``<store>/repaired/`` and the
repair is recorded in the ``warc_repairs`` table. No database row ever points past the
last whole record, so nothing the store refers to is touched. A record damaged later (a
member that no longer decodes, with whole ones after it) is not an unfinished end: it is
left where it is, so the records after it are kept, and ``verify-store`` reports it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from citeaudit.archive.readback import check_warc
from citeaudit.errors import StoreError

REPAIRED_DIR = "repaired"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class WarcScan:
    """Where the whole gzip members of a WARC file end, and what follows them."""

    size: int
    complete: int  # bytes up to the end of the last whole member
    members: int

    @property
    def partial(self) -> int:
        """Bytes of an unfinished member after the last whole one."""
        return self.size - self.complete


@dataclass(frozen=True)
class Repair:
    """One WARC file cut back to its last whole record."""

    warc: str
    kept: int
    cut: int
    moved_to: str | None

    def describe(self) -> str:
        """One line for the user: what was done and where the cut bytes are."""
        where = f"; they are kept in {self.moved_to}" if self.moved_to else ""
        return (
            f"repaired {self.warc}: an interrupted run left {self.cut} bytes of an "
            f"unfinished record at its end, cut off after {self.kept} bytes{where}"
        )


def scan_warc(path: Path) -> WarcScan:
    """Walk the gzip members of ``path`` without keeping their contents.

    Each member must decompress to its end with a good CRC; the scan stops at the first one
    that does not (the unfinished record of a killed run).
    """
    complete = 0
    members = 0
    position = 0
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(0)
            pending = b""
            while True:
                data = pending or fh.read(_CHUNK)
                pending = b""
                if not data:
                    break
                try:  # decompress in bounded steps: a member may expand enormously
                    decompressor.decompress(data, _CHUNK)
                    while decompressor.unconsumed_tail and not decompressor.eof:
                        decompressor.decompress(decompressor.unconsumed_tail, _CHUNK)
                except zlib.error:
                    break
                if decompressor.eof:
                    rest = decompressor.unused_data
                    position += len(data) - len(rest)
                    complete = position
                    members += 1
                    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                    pending = rest
                else:
                    position += len(data)
    except OSError as exc:
        raise StoreError(f"cannot read the archive file {path}: {exc.strerror}") from exc
    return WarcScan(size=size, complete=complete, members=members)


def repair_warc(store_dir: Path, name: str) -> Repair | None:
    """Cut a partial last member off the WARC file ``name`` (relative to the store).

    The cut bytes go to ``repaired/<file>.<offset>.partial`` first, so nothing is lost even
    if the truncation is interrupted in turn. A file without a single whole record is moved
    there whole. None when the file needed nothing.
    """
    path = Path(store_dir) / name
    scan = scan_warc(path)
    if scan.partial == 0 and scan.members > 0:
        return None
    if scan.size == 0:
        return None  # an empty file: nothing to cut; it is removed by the caller's check
    # Something other than whole members: an unfinished end, or damage inside the file (a
    # member that does not decode, whole ones after it). Only an unfinished end is cut:
    # cutting at damage would cut every whole record after it too. Damage is left as it
    # is, for verify-store to report.
    cut = check_warc(path).unfinished
    if cut == 0:
        return None
    complete = scan.size - cut
    aside_dir = Path(store_dir) / REPAIRED_DIR
    aside = aside_dir / f"{path.name}.{complete}.partial"
    try:
        aside_dir.mkdir(parents=True, exist_ok=True)
        with open(path, "rb") as src, open(aside, "wb") as dst:
            src.seek(complete)
            while chunk := src.read(_CHUNK):
                dst.write(chunk)
            dst.flush()
        if complete == 0:
            path.unlink()
        else:
            with open(path, "r+b") as fh:
                fh.truncate(complete)
    except OSError as exc:
        raise StoreError(f"cannot repair the archive file {path}: {exc.strerror}") from exc
    return Repair(
        warc=name,
        kept=complete,
        cut=cut,
        moved_to=f"{REPAIRED_DIR}/{aside.name}",
    )
