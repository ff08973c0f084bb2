"""Save Page Now: ask the Wayback Machine to capture a live source now (opt-in, ``--save``).

With the user's keys in the environment (``IA_ACCESS_KEY``, ``IA_SECRET_KEY``; from
https://archive.org/account/s3.php) this is SPN2: ``POST <endpoint>`` with ``url=...``,
``Accept: application/json`` and ``Authorization: LOW key:secret`` gives a ``job_id``;
``GET <endpoint>/status/<job_id>`` is polled until its ``status`` is ``success`` (with the
capture's ``timestamp``) or ``error`` (with ``status_ext`` and ``message``). Without keys,
the anonymous form: ``GET <endpoint>/<url>``, whose answer names the capture in a
``Content-Location`` or ``Link`` header, or carries a job id to poll. Rate limits (429 and
``Retry-After``) are honoured through :class:`~citeaudit.webarchive.client.ArchiveClient`, and
every failure is reported, never raised: saving is a courtesy to future readers, not a
reason to stop an audit.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin

from citeaudit.errors import UsageError
from citeaudit.fetch import REDIRECT_CODES, FetchOptions
from citeaudit.net import parse_links, strip_fragment, url_problem, with_rel
from citeaudit.webarchive.client import Answer, ArchiveClient, ArchiveUnavailable
from citeaudit.webarchive.copy import ArchivedCopy
from citeaudit.webarchive.memento import memento_timestamp

#: The Wayback Machine's Save Page Now endpoint.
SPN_ENDPOINT = "https://web.archive.org/save"
#: Environment variable naming another endpoint (a test server, a mirror).
SPN_ENV = "CITEAUDIT_SPN_ENDPOINT"
ACCESS_KEY_ENV = "IA_ACCESS_KEY"
SECRET_KEY_ENV = "IA_SECRET_KEY"
#: Most of an SPN answer read: JSON of a few hundred bytes, or a small HTML page.
ANSWER_BYTES = 1024 * 1024

_JOB_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_JOB_IN_PAGE = re.compile(rb"""["'](spn2-[0-9a-f]{8,64})["']""")
_TIMESTAMP = re.compile(r"^\d{14}$")


@dataclass(frozen=True)
class SaveOptions:
    """Where and how to ask for captures.

    ``poll_interval``: most seconds between two looks at a job's status (the first looks
    come sooner: half a second, then twice as long each time); ``max_wait``: seconds
    a job is waited for before it is reported as not finished (it may still finish);
    ``concurrency``: captures asked for at once; ``if_not_archived_within``: SPN2's option
    to return a capture made that recently instead of making another (None: always capture).
    """

    endpoint: str = SPN_ENDPOINT
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    poll_interval: float = 5.0
    max_wait: float = 300.0
    concurrency: int = 2
    if_not_archived_within: str | None = "1h"

    def __post_init__(self) -> None:
        problem = url_problem(self.endpoint)
        if problem is not None:
            raise UsageError(
                f"cannot use {self.endpoint!r} as the Save Page Now endpoint: {problem}",
                hint=f"the Wayback Machine's is {SPN_ENDPOINT}",
            )
        if bool(self.access_key) != bool(self.secret_key):
            raise UsageError(
                f"Save Page Now needs both {ACCESS_KEY_ENV} and {SECRET_KEY_ENV}, or neither",
                hint="get the pair at https://archive.org/account/s3.php, or unset the one "
                "given to save anonymously",
            )
        if self.poll_interval < 0 or self.max_wait < 0 or self.concurrency < 1:
            raise UsageError("Save Page Now's polling and concurrency limits must be positive")

    @classmethod
    def from_env(
        cls, endpoint: str | None = None, environ: Mapping[str, str] | None = None
    ) -> SaveOptions:
        """Options with the keys, and the endpoint unless given, from the environment."""
        env = os.environ if environ is None else environ
        return cls(
            endpoint=endpoint or env.get(SPN_ENV, "").strip() or SPN_ENDPOINT,
            access_key=env.get(ACCESS_KEY_ENV, "").strip() or None,
            secret_key=env.get(SECRET_KEY_ENV, "").strip() or None,
        )

    @property
    def authenticated(self) -> bool:
        return bool(self.access_key and self.secret_key)

    def headers(self) -> dict[str, str]:
        """The headers every request to SPN carries: JSON answers, and the keys if any."""
        headers = {"Accept": "application/json"}
        if self.authenticated:
            headers["Authorization"] = f"LOW {self.access_key}:{self.secret_key}"
        return headers

    def status_url(self, job_id: str) -> str:
        return f"{self.endpoint.rstrip('/')}/status/{quote(job_id, safe='')}"

    def capture_url(self, timestamp: str, url: str) -> str:
        """The capture as people open it: the archive's ``/web/<timestamp>/<url>``."""
        base = self.endpoint.rstrip("/")
        base = base[: -len("/save")] if base.endswith("/save") else base
        return f"{base}/web/{timestamp}/{url}"


def _date(timestamp: str | None) -> datetime | None:
    if not timestamp or not _TIMESTAMP.match(timestamp):
        return None
    try:
        return datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _json(answer: Answer) -> dict[str, Any] | None:
    try:
        data = json.loads(answer.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _text(value: object) -> str | None:
    return " ".join(value.split())[:500] if isinstance(value, str) and value.strip() else None


class _Saver:
    def __init__(self, client: ArchiveClient, options: SaveOptions) -> None:
        self.client = client
        self.options = options
        self._slots = asyncio.Semaphore(options.concurrency)

    def _copy(self, found: bool | None, **fields: Any) -> ArchivedCopy:
        return ArchivedCopy(timegate=self.options.endpoint, found=found, **fields)

    async def save(self, url: str) -> ArchivedCopy:
        async with self._slots:
            try:
                if self.options.authenticated:
                    return await self._spn2(url)
                return await self._anonymous(url)
            except ArchiveUnavailable as exc:
                return self._copy(None, note=f"Save Page Now: {exc.reason}")

    async def _spn2(self, url: str) -> ArchivedCopy:
        form = {"url": url, "skip_first_archive": "1"}
        if self.options.if_not_archived_within:
            form["if_not_archived_within"] = self.options.if_not_archived_within
        answer = await self.client.request(
            "POST",
            self.options.endpoint,
            headers=self.options.headers(),
            data=form,
            cap=ANSWER_BYTES,
        )
        data = _json(answer)
        if answer.status in (401, 403):
            why = _text(data.get("message")) if data else None
            return self._copy(
                None,
                note=f"Save Page Now refused the keys ({answer.line})"
                + (f": {why}" if why else "")
                + f"; check {ACCESS_KEY_ENV} and {SECRET_KEY_ENV}",
            )
        if data is None:
            return self._copy(None, note=f"Save Page Now answered {answer.line}, not JSON")
        if data.get("status") == "error" or not 200 <= answer.status < 300:
            return self._failed(data, answer.line)
        job = data.get("job_id")
        if not isinstance(job, str) or not _JOB_ID.match(job):
            return self._copy(None, note="Save Page Now answered without a job id")
        return await self._poll(job, url, _text(data.get("message")))

    async def _poll(self, job: str, url: str, message: str | None) -> ArchivedCopy:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.max_wait
        polls = 0
        while True:
            # Soon at first (a page already saved is done at once), then every poll_interval.
            await asyncio.sleep(min(self.options.poll_interval, 0.5 * 2**polls))
            polls += 1
            answer = await self.client.request(
                "GET",
                self.options.status_url(job),
                headers=self.options.headers(),
                cap=ANSWER_BYTES,
            )
            data = _json(answer)
            if data is None or not 200 <= answer.status < 300:
                return self._copy(
                    None, note=f"Save Page Now's status of job {job} answered {answer.line}"
                )
            status = data.get("status")
            if status == "success":
                stamp = data.get("timestamp")
                original = data.get("original_url")
                original = original if isinstance(original, str) and original else url
                when = _date(stamp if isinstance(stamp, str) else None)
                if when is None:
                    return self._copy(None, note=f"job {job} succeeded without a timestamp")
                return self._copy(
                    True,
                    url=self.options.capture_url(f"{when:%Y%m%d%H%M%S}", original),
                    date=when,
                    http_status=data.get("http_status")
                    if isinstance(data.get("http_status"), int)
                    else None,
                    note=message,
                )
            if status == "error":
                return self._failed(data, answer.line)
            if loop.time() + self.options.poll_interval > deadline:
                return self._copy(
                    None,
                    note=f"job {job} had not finished after {self.options.max_wait:g}s "
                    "(it may still finish)",
                )

    def _failed(self, data: dict[str, Any], line: str) -> ArchivedCopy:
        ext = _text(data.get("status_ext"))
        message = _text(data.get("message"))
        detail = ": ".join(filter(None, [ext, message])) or line
        return self._copy(False, note=f"Save Page Now could not save it ({detail})")

    async def _anonymous(self, url: str) -> ArchivedCopy:
        where = f"{self.options.endpoint.rstrip('/')}/{url}"
        answer = await self.client.request("GET", where, cap=ANSWER_BYTES)
        if answer.status == 429 or answer.status >= 500:
            return self._copy(None, note=f"Save Page Now answered {answer.line}")
        named = answer.header("content-location")
        if named:
            named = urljoin(where, named)
        elif answer.status in REDIRECT_CODES and answer.location:
            named = answer.location
        else:
            mementos = with_rel(parse_links(answer.header("link")), "memento")
            dated = [m for m in mementos if m.datetime is not None]
            if dated:
                named = urljoin(where, max(dated, key=lambda m: m.datetime or 0).url)
        if named and memento_timestamp(named) is not None:
            return self._copy(True, url=named, date=memento_timestamp(named))
        job = _JOB_IN_PAGE.search(answer.content)
        if job is not None and 200 <= answer.status < 300:
            return await self._poll(job.group(1).decode("ascii"), url, None)
        if 400 <= answer.status < 500:
            return self._copy(False, note=f"Save Page Now answered {answer.line}")
        return self._copy(
            None, note=f"Save Page Now answered {answer.line} without naming a capture"
        )


async def save_pages(
    urls: Iterable[str], options: SaveOptions, fetch: FetchOptions | None = None
) -> dict[str, ArchivedCopy]:
    """Ask for a capture of each URL (fragments dropped), keyed by URL as given."""
    given = list(dict.fromkeys(urls))
    if not given:
        return {}
    async with ArchiveClient(fetch or FetchOptions()) as client:
        saver = _Saver(client, options)
        targets = list(dict.fromkeys(strip_fragment(u) for u in given))
        saved = await asyncio.gather(*(saver.save(t) for t in targets))
    by_target = dict(zip(targets, saved, strict=True))
    return {url: by_target[strip_fragment(url)] for url in given}


def save_pages_sync(
    urls: Iterable[str], options: SaveOptions, fetch: FetchOptions | None = None
) -> dict[str, ArchivedCopy]:
    """:func:`save_pages` for callers without an event loop (the pipeline)."""
    return asyncio.run(save_pages(urls, options, fetch))
