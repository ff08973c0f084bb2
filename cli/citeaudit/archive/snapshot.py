"""Where a source's archived copy is, as plain data every stage can name without warcio.

A :class:`Snapshot` says where the WARC record of a source's final answer is (file, offset,
length), so later stages read it back instead of downloading again; a :class:`RecordRef`
points at an earlier record a revisit refers to. The report, the store and the web-archive
client name these types, so this module imports neither warcio nor the fetch engine.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citeaudit.fetch import FetchResult

#: The folder of the store that holds the WARC files.
ARCHIVE_DIR = "archive"


@dataclass(frozen=True)
class Snapshot:
    """Where the archived copy of one source is, and what it holds.

    ``offset`` and ``length`` delimit the record's gzip member inside ``warc`` (a path
    relative to the store directory), so the record can be read without scanning the file.
    ``sha256`` is of the decoded payload, the same bytes as :attr:`FetchResult.content`.
    """

    url: str
    warc: str
    offset: int
    length: int
    record_id: str
    date: datetime
    sha256: str
    content_type: str | None
    http_status: int | None
    #: ``response``, ``revisit`` (the payload is in :attr:`refers_to`) or ``resource``.
    record_type: str = "response"
    #: WARC-Payload-Digest: ``sha1:`` and base32, of the payload as it came over the wire.
    payload_digest: str | None = None
    #: For a revisit, the original record that holds the payload.
    refers_to: RecordRef | None = None
    #: The ``metadata`` record that says which sources and claims cite this capture.
    metadata_id: str | None = None


@dataclass(frozen=True)
class RecordRef:
    """Where one earlier record is: enough to refer to it and to read it back."""

    url: str
    date: datetime
    warc: str
    offset: int
    length: int
    record_id: str

    def on_disk(self, store_dir: Path) -> bool:
        """Whether the record's bytes are still there (a WARC file may have been moved)."""
        try:
            size = (Path(store_dir) / self.warc).stat().st_size
        except OSError:
            return False
        return size >= self.offset + self.length


#: Finds an earlier original capture of a URL with a given payload digest, for dedup.
FindEarlier = Callable[[str, str], "RecordRef | None"]
#: What a metadata record says, as WARC fields in order (a name may repeat).
Facts = Sequence[tuple[str, str]]


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest of ``data``, as warcio writes it: ``sha1:`` and base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def capture_facts(
    run_id: str,
    source_ids: Iterable[str],
    claim_ids: Iterable[str],
    result: FetchResult | None = None,
) -> list[tuple[str, str]]:
    """The fields of a capture's metadata record: the run, who cites it, and its status."""
    facts = [("citeaudit-run-id", run_id)]
    facts += [("source-id", s) for s in source_ids]
    facts += [("claim-id", c) for c in claim_ids]
    if result is not None:
        facts.append(("link-status", str(result.status)))
        facts.append(("link-reason", result.reason))
        if result.http_status is not None:
            facts.append(("http-status", str(result.http_status)))
        if result.final_url and result.final_url != result.url:
            facts.append(("final-url", result.final_url))
        facts += [("redirect", f"{hop.status} {hop.url}") for hop in result.redirects]
    return facts


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already (as httpx dates are)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def warc_date(moment: datetime) -> str:
    """A WARC-Date: W3C-DTF in UTC, with microseconds when there are any (WARC 1.1).

    The same text warcio writes (``datetime_to_iso_date(..., use_micros=True)``).
    """
    return utc(moment).replace(tzinfo=None).isoformat() + "Z"
