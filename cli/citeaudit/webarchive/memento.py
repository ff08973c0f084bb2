"""Public web archives' copies of a source near the date it was cited (Memento, RFC 7089).

Five years after a document is published most of its links have rotted. As
InternetArchiveBot does for Wikipedia, citeaudit asks a TimeGate for the copy nearest the
date the author read the source (``Accept-Datetime``: the source's ``accessed`` date, else
the document's ``published`` date, else now), and prefers the closest copy **on or before**
that date whose archived answer was a 200 and the page itself (not an archived 404, error,
soft 404 or redirect to one), else the closest after it. The TimeGate's answer is checked
first; when it is not such a copy, the archive's TimeMap (or, failing that, the
``prev``/``next`` links each memento carries) gives the others, tried closest first, at most
:attr:`MementoOptions.tries` of them.

The copy is fetched raw (Wayback's ``id_`` form, no rewriting) through
:class:`~citeaudit.webarchive.client.ArchiveClient`, with the run's limits, so it can be kept in
our WARC and judged like a live page. Several archives may be asked in order
(:attr:`MementoOptions.timegates`, ``--timegate``, ``CITEAUDIT_TIMEGATE``) until one has a
copy. An archive that is down, slow or rate-limiting is reported in
:attr:`ArchivedCopy.note <citeaudit.result.ArchivedCopy>` with ``found`` None: unknown,
never "never archived".
"""

from __future__ import annotations

import asyncio
import heapq
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from urllib.parse import urljoin

from citeaudit.catalog import Document, Source
from citeaudit.errors import UsageError
from citeaudit.fetch import REDIRECT_CODES, FetchOptions, classify_response, soft404
from citeaudit.net import (
    Exchange,
    Hop,
    Link,
    format_http_date,
    host_label,
    http_date,
    iter_links,
    parse_links,
    strip_fragment,
    url_problem,
    with_rel,
)
from citeaudit.webarchive.client import Answer, ArchiveClient, ArchiveUnavailable
from citeaudit.webarchive.copy import ArchivedCopy
from citeaudit.webarchive.memento_urls import (
    derived_timemap,
    in_archive,
    memento_timestamp,
    original_of,
    raw_memento_url,
    shown_memento_url,
    split_origin,
    timegate_url,
)

#: The Wayback Machine's TimeGate: the default archive asked.
WAYBACK_TIMEGATE = "https://web.archive.org/web/"
#: Environment variable with the TimeGates to ask, comma-separated (``none``: ask none).
TIMEGATE_ENV = "CITEAUDIT_TIMEGATE"
#: A TimeGate's answer is a redirect: its body is never needed beyond this.
TIMEGATE_BYTES = 64 * 1024
#: Most of a TimeMap read (it lists every copy: a busy page's runs to megabytes).
TIMEMAP_BYTES = 32 * 1024 * 1024
#: Redirects followed inside an archive from one memento (an archived redirect, a
#: redirect to the exact timestamp).
MAX_ARCHIVE_REDIRECTS = 5


def check_timegate(url: str) -> str:
    """A TimeGate URL as given, or a UsageError saying what is wrong with it."""
    problem = url_problem(url.replace("{url}", ""))
    if problem is not None:
        raise UsageError(
            f"cannot use {url!r} as a TimeGate: {problem}",
            hint="give a Memento TimeGate such as https://web.archive.org/web/ "
            "(the URL of a page is appended to it, or put where {url} is)",
        )
    return url


def timegates_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The TimeGates in ``CITEAUDIT_TIMEGATE`` (comma-separated), else the Wayback Machine's.

    ``none`` (or ``off``) asks no archive at all.
    """
    value = (os.environ if environ is None else environ).get(TIMEGATE_ENV, "").strip()
    if not value:
        return (WAYBACK_TIMEGATE,)
    if value.lower() in ("none", "off"):
        return ()
    return tuple(check_timegate(part.strip()) for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class MementoOptions:
    """Which archives to ask, in order, and how hard.

    ``tries``: most mementos fetched for one source from one archive while looking for a
    usable one. ``timegates`` empty: no archive is asked.
    """

    timegates: tuple[str, ...] = (WAYBACK_TIMEGATE,)
    tries: int = 6

    def __post_init__(self) -> None:
        for gate in self.timegates:
            check_timegate(gate)
        if self.tries < 1:
            raise UsageError("at least one memento must be tried per archive")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MementoOptions:
        """The TimeGates named in the environment (see :func:`timegates_from_env`)."""
        return cls(timegates=timegates_from_env(environ))


@dataclass(frozen=True)
class Memento:
    """One archived copy, as fetched raw from its archive: what is kept and judged on.

    ``url`` is the memento as the archive shows it to people; ``raw_url`` the unrewritten
    form that was fetched; ``exchange`` the archive's answer as received (headers, with
    its ``Memento-Datetime``, and the raw body); ``content`` the decoded body.
    """

    original: str
    url: str
    raw_url: str
    date: datetime
    timegate: str
    exchange: Exchange
    content: bytes = field(repr=False)
    truncated: bool = False

    @property
    def content_type(self) -> str | None:
        return next(
            (v for k, v in self.exchange.response_headers if k.lower() == "content-type"), None
        )

    @property
    def status(self) -> int:
        return self.exchange.status


@dataclass(frozen=True)
class Lookup:
    """What asking the archives for one URL near one date came to: the copy found (with
    the memento itself, to keep and judge on), or why there is none."""

    copy: ArchivedCopy
    memento: Memento | None = None


def sought_date(source: Source, document: Document | None = None) -> datetime:
    """The moment archived copies are sought near: the end of the day the author read the
    source (so a copy from that day counts as before it), else of the day the document was
    published, else now."""
    day: date | None = source.accessed or (document.published if document else None)
    if day is None:
        return datetime.now(UTC).replace(microsecond=0)
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "an unknown date"


# --------------------------------------------------------------------------- looking up


@dataclass(frozen=True)
class _Checked:
    """One memento tried: the copy when it is usable, else why not."""

    url: str
    date: datetime | None
    links: list[Link]
    memento: Memento | None = None
    reason: str | None = None


@dataclass(frozen=True)
class _Found:
    memento: Memento | None
    note: str | None


class _Finder:
    """Asks the archives, one source at a time per archive slot; never raises for a URL."""

    def __init__(self, client: ArchiveClient, options: MementoOptions, fetch: FetchOptions):
        self.client = client
        self.options = options
        self.fetch = fetch
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._failing: dict[str, tuple[int, str]] = {}

    def _slot(self, gate: str) -> asyncio.Semaphore:
        if gate not in self._slots:
            self._slots[gate] = asyncio.Semaphore(self.fetch.per_host)
        return self._slots[gate]

    def _given_up(self, gate: str) -> str | None:
        limit = self.fetch.host_failures
        count, reason = self._failing.get(gate, (0, ""))
        if limit == 0 or count < limit:
            return None
        return f"{host_label(gate)}: not asked ({count} look-ups in a row failed: {reason})"

    async def find(self, url: str, sought: datetime) -> Lookup:
        gates = self.options.timegates
        problem = url_problem(url)
        if problem is not None:
            return Lookup(ArchivedCopy(", ".join(gates), None, note=problem, sought=sought))
        notes: list[str] = []
        unknown = False
        for gate in gates:
            try:
                async with self._slot(gate):
                    skipped = self._given_up(gate)
                    if skipped is not None:
                        notes.append(skipped)
                        unknown = True
                        continue
                    found = await self._ask(gate, url, sought)
            except ArchiveUnavailable as exc:
                count, _ = self._failing.get(gate, (0, ""))
                self._failing[gate] = (count + 1, exc.reason)
                notes.append(f"{host_label(gate)}: {exc.reason}")
                unknown = True
                continue
            self._failing.pop(gate, None)
            memento = found.memento
            if memento is not None:
                notes.append(f"{host_label(gate)}: {found.note}" if found.note else "")
                copy = ArchivedCopy(
                    timegate=gate,
                    found=True,
                    url=memento.url,
                    raw_url=memento.raw_url,
                    date=memento.date,
                    http_status=memento.status,
                    note="; ".join(n for n in notes if n) or None,
                    sought=sought,
                )
                return Lookup(copy, memento)
            notes.append(f"{host_label(gate)}: {found.note}")
        copy = ArchivedCopy(
            timegate=", ".join(gates),
            found=None if unknown else False,
            note="; ".join(notes) or None,
            sought=sought,
        )
        return Lookup(copy)

    async def _ask(self, gate: str, url: str, sought: datetime) -> _Found:
        """One archive: its TimeGate, then other mementos until a usable one."""
        where = timegate_url(gate, url)
        answer = await self.client.request(
            "GET", where, headers={"Accept-Datetime": format_http_date(sought)}, cap=TIMEGATE_BYTES
        )
        links = parse_links(answer.header("link"))
        if answer.status in (404, 410):
            return _Found(None, "no copy")
        if answer.status in REDIRECT_CODES and answer.location:
            first = answer.location
        elif 200 <= answer.status < 300 and answer.header("memento-datetime"):
            first = urljoin(where, answer.header("content-location") or where)
        else:
            raise ArchiveUnavailable(f"the TimeGate answered {answer.line} without naming a copy")
        return await self._search(gate, url, sought, first, links)

    async def _search(
        self, gate: str, url: str, sought: datetime, first: str, links: list[Link]
    ) -> _Found:
        known: dict[str, datetime | None] = {}
        tried: dict[str, datetime | None] = {}
        skipped: list[str] = []

        def learn(found: Iterable[Link]) -> None:
            for link in with_rel(list(found), "memento"):
                known.setdefault(shown_memento_url(urljoin(gate, link.url)), link.datetime)

        async def attempt(where: str) -> _Checked:
            checked = await self._check(gate, url, where, known.get(shown_memento_url(where)))
            tried[shown_memento_url(where)] = checked.date
            tried[shown_memento_url(checked.url)] = checked.date
            learn(checked.links)
            if checked.memento is None and checked.reason:
                skipped.append(checked.reason)
            return checked

        learn(links)
        checked = await attempt(first)
        budget = self.options.tries - 1
        best_after: Memento | None = None
        if checked.memento is not None:
            if checked.memento.date <= sought:
                return _Found(checked.memento, _skipped_note(skipped))
            best_after = checked.memento
        timemap_note: str | None = None
        timemap = next((link.url for link in with_rel(links + checked.links, "timemap")), None)
        timemap = urljoin(gate, timemap) if timemap else derived_timemap(gate, url)
        if timemap is not None:
            try:
                answer = await self.client.request("GET", timemap, cap=TIMEMAP_BYTES)
                if 200 <= answer.status < 300:
                    text = answer.content.decode("utf-8", "replace")
                    learn(_nearest(iter_links(text), sought, self.options.tries + 1))
                elif answer.status not in (404, 410):
                    timemap_note = f"its TimeMap answered {answer.line}"
            except ArchiveUnavailable as exc:
                timemap_note = f"its TimeMap could not be read ({exc.reason})"
        while budget > 0:
            where = _next_candidate(known, tried, sought, best_after)
            if where is None:
                break
            budget -= 1
            checked = await attempt(where)
            memento = checked.memento
            if memento is None:
                continue
            if memento.date <= sought:
                return _Found(memento, _skipped_note(skipped, timemap_note))
            if best_after is None or memento.date < best_after.date:
                best_after = memento
        if best_after is not None:
            note = f"no usable copy on or before {_day(sought)}; the closest after it"
            return _Found(best_after, "; ".join(filter(None, [note, _skipped_note(skipped)])))
        what = "no usable copy"
        if budget <= 0 and _next_candidate(known, tried, sought, None) is not None:
            what += f" among the {self.options.tries} closest"
        details = "; ".join(skipped)
        return _Found(
            None, "; ".join(filter(None, [f"{what}: {details}" if details else what, timemap_note]))
        )

    async def _check(self, gate: str, original: str, where: str, hint: datetime | None) -> _Checked:
        """Fetch one memento raw and judge whether it is the page as archived."""
        raw = raw_memento_url(where)
        answer, hops = await self._follow(raw)
        if answer.header("memento-datetime") is None and raw != where and not hops:
            answer, hops = await self._follow(where)  # the archive has no raw form
        stamp = http_date(answer.header("memento-datetime"))
        moment = stamp or hint or memento_timestamp(answer.url)
        links = parse_links(answer.header("link"))
        shown = where if answer.url == raw else shown_memento_url(answer.url)
        if stamp is None and (not 200 <= answer.status < 300 or moment is None):
            if answer.status >= 500:
                raise ArchiveUnavailable(f"{host_label(where)} answered {answer.line} for {where}")
            if hops:
                target = original_of(answer.url) or answer.url
                first = hint or memento_timestamp(raw)
                reason = (
                    f"the copy of {_day(first)} is an archived redirect to {target}, "
                    f"of which the archive has no copy ({answer.line})"
                )
            else:
                reason = f"{where} answered {answer.line}, not an archived copy"
            return _Checked(shown, moment, links, reason=reason)
        when = f"the copy of {_day(moment)}"
        if answer.status in REDIRECT_CODES:
            target = answer.location or "nowhere"
            reason = f"{when} is an archived {answer.line} redirect to {target}"
            return _Checked(shown, moment, links, reason=reason)
        verdict = classify_response(answer.exchange, hops)
        if not verdict.status.alive:
            return _Checked(shown, moment, links, reason=f"{when} is an archived {answer.line}")
        final_original = original_of(answer.url) or original
        judged = soft404.judge_answer(
            original,
            final_original,
            answer.status,
            answer.exchange.response_headers,
            answer.header("content-type"),
            answer.content,
        )
        if judged is not None:
            return _Checked(shown, moment, links, reason=f"{when} is not the page: {judged.reason}")
        assert moment is not None
        memento = Memento(
            original=original,
            url=shown,
            raw_url=answer.url,
            date=moment,
            timegate=gate,
            exchange=answer.exchange,
            content=answer.content,
            truncated=answer.truncated,
        )
        return _Checked(shown, moment, links, memento=memento)

    async def _follow(self, url: str) -> tuple[Answer, list[Hop]]:
        """GET a memento, following redirects that stay in the archive (to the exact
        timestamp, or an archived redirect to another memento)."""
        hops: list[Hop] = []
        seen = {url}
        current = url
        while True:
            answer = await self.client.request("GET", current)
            target = answer.location
            if answer.status not in REDIRECT_CODES or target is None:
                return answer, hops
            if len(hops) >= MAX_ARCHIVE_REDIRECTS:
                return answer, hops
            if split_origin(target)[0].lower() != split_origin(current)[0].lower():
                target = in_archive(current, target) or ""
            if not target or target in seen or url_problem(target) is not None:
                return answer, hops  # it leaves the archive, or loops: not followed
            seen.add(target)
            hops.append(Hop(current, answer.status))
            current = target


def _next_candidate(
    known: dict[str, datetime | None],
    tried: dict[str, datetime | None],
    sought: datetime,
    best_after: Memento | None,
) -> str | None:
    """The next memento to try: the closest on or before the date sought, then (when no
    usable copy after it is in hand yet) the closest after it."""
    tried_dates = {d for d in tried.values() if d is not None}

    def untried(url: str, moment: datetime | None) -> bool:
        return url not in tried and (moment is None or moment not in tried_dates)

    before = [(d, u) for u, d in known.items() if d is not None and d <= sought and untried(u, d)]
    if before:
        return max(before)[1]
    limit = best_after.date if best_after is not None else None
    after = [
        (d, u)
        for u, d in known.items()
        if d is not None and d > sought and (limit is None or d < limit) and untried(u, d)
    ]
    if after:
        return min(after)[1]
    return None


def _nearest(links: Iterable[Link], sought: datetime, keep: int) -> list[Link]:
    """The ``keep`` dated mementos closest before ``sought`` and after it, from a TimeMap
    that may list hundreds of thousands."""
    before: list[tuple[float, int, Link]] = []  # min-heap: the oldest kept is dropped first
    after: list[tuple[float, int, Link]] = []  # min-heap on -time: the latest is dropped
    for n, link in enumerate(links):
        moment = link.datetime if "memento" in link.rel else None
        if moment is None:
            continue
        stamp = moment.timestamp()
        heap, key = (before, stamp) if moment <= sought else (after, -stamp)
        heapq.heappush(heap, (key, n, link))
        if len(heap) > keep:
            heapq.heappop(heap)
    return [link for _, _, link in before + after]


def _skipped_note(skipped: list[str], *more: str | None) -> str | None:
    parts = [f"skipped: {'; '.join(skipped)}"] if skipped else []
    parts += [m for m in more if m]
    return "; ".join(parts) or None


# --------------------------------------------------------------------------- public API

Wanted = tuple[str, datetime]
OnFound = Callable[[Wanted, Lookup], None]


async def find_archived(
    wanted: Iterable[Wanted],
    options: MementoOptions | None = None,
    fetch: FetchOptions | None = None,
    on_found: OnFound | None = None,
) -> dict[Wanted, Lookup]:
    """Look up each (URL, date sought) in the archives, in order; every answer, found or
    not, keyed as given. ``on_found`` is called as each look-up ends (to keep the memento
    at once). Never raises for a URL or an archive."""
    options = options or MementoOptions()
    fetch = fetch or FetchOptions()
    keys = list(dict.fromkeys(wanted))
    results: dict[Wanted, Lookup] = {}
    if not keys or not options.timegates:
        return results
    async with ArchiveClient(fetch) as client:
        finder = _Finder(client, options, fetch)

        async def one(key: Wanted) -> None:
            lookup = await finder.find(strip_fragment(key[0]), key[1])
            results[key] = lookup
            if on_found is not None:
                on_found(key, lookup)

        await asyncio.gather(*(one(key) for key in keys))
    return {key: results[key] for key in keys}


def find_archived_sync(
    wanted: Iterable[Wanted],
    options: MementoOptions | None = None,
    fetch: FetchOptions | None = None,
    on_found: OnFound | None = None,
) -> dict[Wanted, Lookup]:
    """:func:`find_archived` for callers without an event loop (the pipeline)."""
    return asyncio.run(find_archived(wanted, options, fetch, on_found))
