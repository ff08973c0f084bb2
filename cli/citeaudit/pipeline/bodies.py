"""The bodies of kept copies, read back from the WARC where the document is read.

A run holds no body once it is archived: each copy's text is read in the extraction worker
(:class:`~citeaudit.extract.Extractor`), which reads the body itself through one of these
functions (pickled with their arguments, so they live in a module the worker can import
cheaply: no HTTP client, no store).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from citeaudit.archive import DEFAULT_PAYLOAD_LIMIT, Snapshot, read_exchange, read_payload
from citeaudit.errors import StoreError
from citeaudit.net import decode_body, header


def fetched_body(store_dir: Path, snapshot: Snapshot, max_bytes: int) -> bytes:
    """The body of a fetch exactly as it was judged: the archived answer, its
    Content-Encoding undone by the fetch's own decoder with the fetch's own cap
    (``max_bytes``: a body that decoded to more was cut there, and is cut here the same),
    checked against the digest the fetch recorded."""
    exchange = read_exchange(store_dir, snapshot, limit=max(DEFAULT_PAYLOAD_LIMIT, max_bytes))
    content, _cut, _error = decode_body(
        exchange.body, header(exchange, "content-encoding"), max_bytes
    )
    if hashlib.sha256(content).hexdigest() != snapshot.sha256:
        raise StoreError(
            f"the archived copy {snapshot.record_id} does not read back as the body fetched"
        )
    return content


def kept_body(store_dir: Path, snapshot: Snapshot) -> bytes:
    """The decoded body of a kept record: a local file, an earlier snapshot, a memento."""
    return read_payload(store_dir, snapshot)
