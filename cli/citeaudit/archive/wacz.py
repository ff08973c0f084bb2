"""Export the evidence store as one WACZ file (Web Archive Collection Zipped, 1.1.1).

A WACZ opens in ReplayWeb.page and other Webrecorder tools with nothing installed: the WARC
files (stored, not compressed again, so a reader can seek into them), a CDXJ index that says
where each record is, the list of pages a replay tool offers (chosen by the caller: the store
lists one per source), and a ``datapackage.json`` with the SHA-256 of every file, so a reader
can check nothing was changed. The index comes from ``cdxj-indexer`` (Webrecorder's own),
which keys URLs in SURT form as replay tools expect; citeaudit's metadata records
(``application/warc-fields``) are left out of it, as they are facts about captures rather
than pages.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from citeaudit import __version__
from citeaudit.archive.snapshot import utc
from citeaudit.errors import StoreError

WACZ_VERSION = "1.1.1"
PAGES_PATH = "pages/pages.jsonl"
INDEX_PATH = "indexes/index.cdxj"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ReplayPage:
    """One page a replay tool lists: where a source's copy replays (the URL its record is
    filed under, and when), and what to call it."""

    url: str
    date: datetime
    record_id: str  # the WARC-Record-ID without ``<urn:uuid:`` and ``>``
    title: str


@dataclass(frozen=True)
class WaczExport:
    """What went into a WACZ file."""

    path: Path
    warcs: tuple[str, ...]
    index_lines: int
    pages: int
    size: int


def _iso(moment: datetime) -> str:
    return f"{utc(moment):%Y-%m-%dT%H:%M:%SZ}"


def _cdxj(paths: list[Path]) -> str:
    """The sorted CDXJ index of the WARC files, each record named by its file's base name."""
    from cdxj_indexer.main import CDXJIndexer  # type: ignore[import-untyped]  # slow import

    out = io.StringIO()
    indexer = CDXJIndexer(output=out, inputs=[str(p) for p in paths], sort=True, post_append=True)
    indexer.process_all()
    return out.getvalue()


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def _resource(path: str, data: bytes) -> dict[str, object]:
    return {
        "name": os.path.basename(path).lower(),
        "path": path,
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def write_wacz(
    out: Path, warcs: list[Path], pages: list[ReplayPage], created: datetime
) -> WaczExport:
    """Write the WARC files, their CDXJ index and the page list into the WACZ file ``out``.

    ``out`` is written beside itself and renamed into place, so it is whole or absent.
    """
    index = _cdxj(warcs)
    entries = [
        {"id": p.record_id, "url": p.url, "ts": _iso(p.date), "title": p.title} for p in pages
    ]
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        _write_zip(tmp, warcs, index, entries, created)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {out}: {exc.strerror}") from exc
    return WaczExport(
        path=out,
        warcs=tuple(p.name for p in warcs),
        index_lines=index.count("\n"),
        pages=len(pages),
        size=out.stat().st_size,
    )


def _write_zip(
    path: Path, warcs: list[Path], index: str, pages: list[dict[str, str]], created: datetime
) -> None:
    resources: list[dict[str, object]] = []
    stamp = utc(created).timetuple()[:6]
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for warc in warcs:
            name = f"archive/{warc.name}"
            digest, size = _hash_file(warc)
            # WARCs are stored as they are: their gzip members stay seekable in the zip.
            zf.write(warc, name, compress_type=zipfile.ZIP_STORED)
            resources.append(
                {"name": warc.name.lower(), "path": name, "hash": digest, "bytes": size}
            )

        def put(name: str, data: bytes, *, listed: bool = True) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            if listed:
                resources.append(_resource(name, data))

        put(INDEX_PATH, index.encode("utf-8"))
        header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
        lines = [json.dumps(header)] + [json.dumps(page, ensure_ascii=False) for page in pages]
        put(PAGES_PATH, ("\n".join(lines) + "\n").encode("utf-8"))
        package = {
            "profile": "data-package",
            "title": "citeaudit evidence store",
            "resources": resources,
            "created": _iso(created),
            "wacz_version": WACZ_VERSION,
            "software": f"citeaudit {__version__}",
        }
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        put("datapackage.json", package_bytes, listed=False)
        package_digest = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        digest_bytes = json.dumps(package_digest, indent=2).encode("utf-8")
        put("datapackage-digest.json", digest_bytes, listed=False)
