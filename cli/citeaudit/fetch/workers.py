"""Worker processes for large link checks: each checks its share of the URLs with the
whole engine, so the CPU cost of parsing HTTP and judging pages is spread over cores.

Parsing HTTP and judging pages in Python costs more CPU time than one core has at a few
thousand links a second. The URLs are dealt out host by host (:func:`plan_shares`) so that
each worker applies the per-host limits to its hosts itself; results come back pickled,
one length-prefixed frame each, over a socket pair. A worker shares answers between its own
redirect chains (as one process does), never with other workers: asking the parent first
would cost a round trip per request, so a page reached from hosts dealt to two workers may
be fetched by each.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import traceback
import warnings
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from citeaudit.fetch.fetcher import Fetcher
from citeaudit.fetch.options import FetchOptions
from citeaudit.fetch.result import FetchResult
from citeaudit.net import host_key

# Below this many distinct URLs a run is over before worker processes would pay off.
WORKER_MIN_URLS = 100
MAX_AUTO_WORKERS = 4
_FRAME = struct.Struct("!I")


def worker_count(options: FetchOptions, targets: int) -> int:
    """How many worker processes a run of ``targets`` distinct URLs uses (1: none).

    Workers are forked, so only on Linux (macOS system libraries are not safe to use
    after a fork); and not with ``min_interval``, whose pacing stays exact in one process.
    """
    if sys.platform != "linux" or options.min_interval > 0 or targets < 2:
        return 1
    if options.workers:
        return min(options.workers, targets)
    if targets < WORKER_MIN_URLS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_AUTO_WORKERS))


@dataclass
class Share:
    """What one worker process checks: its URLs (with HEAD-first or not), its part of
    the global limit, and the per-host limits of hosts it shares with other workers."""

    targets: list[tuple[str, bool]] = field(default_factory=list)
    concurrency: int = 1
    host_limits: dict[str, int] = field(default_factory=dict)


def plan_shares(
    targets: Sequence[tuple[str, bool]], workers: int, concurrency: int, per_host: int
) -> list[Share]:
    """Deal the URLs out to ``workers`` processes, host by host.

    All the URLs of a host go to one worker, which then applies the per-host limit, the
    pacing and the failure count to that host as one process would. A host with more
    than a worker's fair share of the URLs (a run against one site) is split between
    workers, its per-host limit divided between them so that together they never exceed
    it. The global limit is divided evenly. Workers with nothing to do are left out.
    """
    hosts: dict[str, list[tuple[str, bool]]] = {}
    for target in targets:
        hosts.setdefault(host_key(target[0]), []).append(target)  # '' if malformed
    fair = len(targets) / workers
    pieces: list[tuple[str, list[tuple[str, bool]], int]] = []  # host, URLs, limit
    for host, urls in hosts.items():
        parts = min(workers, per_host) if host and len(urls) > fair else 1
        for index in range(parts):
            limit = per_host // parts + (1 if index < per_host % parts else 0)
            pieces.append((host, urls[index::parts], limit))
    shares = [Share(concurrency=max(1, concurrency // workers)) for _ in range(workers)]
    limits: list[dict[str, int]] = [{} for _ in range(workers)]
    for host, urls, limit in sorted(pieces, key=lambda piece: -len(piece[1])):
        least = min(range(workers), key=lambda w: len(shares[w].targets))
        shares[least].targets.extend(urls)
        limits[least][host] = limits[least].get(host, 0) + limit
    for share, assigned in zip(shares, limits, strict=True):
        share.host_limits = {h: n for h, n in assigned.items() if h and n != per_host}
    return [share for share in shares if share.targets]


async def _send_frame(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(_FRAME.pack(len(data)) + data)
    await writer.drain()


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = _FRAME.unpack(await reader.readexactly(_FRAME.size))
    return await reader.readexactly(size)


class Workers:
    """Worker processes, each checking its share of the URLs with the whole engine.

    Parsing HTTP and judging pages in Python costs more CPU time than one core has at a
    few thousand links a second, so a large run is split between processes, host by
    host (see :func:`plan_shares`): each worker applies the limits to its hosts itself,
    with no round trip to the parent between one request to a host and the next. The
    parent sends each worker its share and reads back each result, pickled, over a
    socket pair, as it comes. Workers are forked before any request is made, with the
    parent's client (no connection open yet), and end with ``os._exit`` so that nothing
    of the parent's (buffered output, open files, the store) is flushed or closed twice.
    """

    def __init__(self, pids: list[int], streams: list[tuple[Any, Any]]) -> None:
        self._pids = pids
        self._streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = streams

    @classmethod
    async def start(cls, fetcher: Fetcher, shares: list[Share]) -> Workers:
        pairs = [socket.socketpair() for _ in shares]
        pids: list[int] = []
        for index, share in enumerate(shares):
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking while other threads run (a progress bar,
                # a test server): the child runs only this engine and touches no lock
                # they could hold (no logging handler, no standard stream).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage cannot follow a fork
                # Keep only our own end: a copy of another worker's socket held here
                # would keep that worker from seeing its socket close.
                for other, (first, second) in enumerate(pairs):
                    first.close()
                    if other != index:
                        second.close()
                _worker_main(pairs[index][1], fetcher, share)
            pids.append(pid)
        streams = []
        for ours, theirs in pairs:
            theirs.close()
            streams.append(await asyncio.open_connection(sock=ours))
        return cls(pids, streams)

    async def results(self) -> AsyncIterator[FetchResult]:
        """Every worker's results, as they come."""
        queue: asyncio.Queue[FetchResult | BaseException | None] = asyncio.Queue()

        async def listen(reader: asyncio.StreamReader) -> None:
            try:
                while True:
                    kind, payload = pickle.loads(await _read_frame(reader))
                    if kind == "end":
                        break
                    if kind == "error":
                        raise RuntimeError(f"a fetch worker failed:\n{payload}")
                    queue.put_nowait(payload)
            except (asyncio.IncompleteReadError, ConnectionError):
                queue.put_nowait(RuntimeError("a fetch worker process stopped unexpectedly"))
            except BaseException as exc:
                queue.put_nowait(exc)
            else:
                queue.put_nowait(None)

        listeners = [asyncio.create_task(listen(reader)) for reader, _ in self._streams]
        try:
            finished = 0
            while finished < len(listeners):
                item = await queue.get()
                if item is None:
                    finished += 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            for listener in listeners:
                listener.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)

    async def aclose(self) -> None:
        for _, writer in self._streams:
            writer.close()
        for pid in self._pids:
            await _reap(pid)


async def _reap(pid: int) -> None:
    """Wait for a worker to exit (it does as soon as its socket closes), killing it if it
    has not within a few seconds."""
    for _ in range(1000):
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        await asyncio.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _worker_main(
    sock: socket.socket, parent: Fetcher, share: Share
) -> NoReturn:  # pragma: no cover
    """The whole life of a worker process, after the fork: check, then ``os._exit``."""
    code = 0
    try:
        # The fork copied the parent's running event loop: forget it and start afresh.
        asyncio.events._set_running_loop(None)
        if threading.current_thread() is threading.main_thread():
            signal.set_wakeup_fd(-1)
            # Ctrl-C is the parent's to handle: it closes our socket, and we stop.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        options = replace(parent.options, concurrency=share.concurrency, workers=1)
        fetcher = Fetcher(options, share.host_limits, parent)
        asyncio.run(_serve(sock, fetcher, share))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


async def _serve(sock: socket.socket, fetcher: Fetcher, share: Share) -> None:  # pragma: no cover
    """Check the share and send each result to the parent as soon as it is in; stop at
    once if the parent closes the socket (it was interrupted, or it died)."""
    reader, writer = await asyncio.open_connection(sock=sock)
    tasks = [
        asyncio.create_task(fetcher.check(url, head_first=head)) for url, head in share.targets
    ]

    async def send_all() -> None:
        try:
            for next_done in asyncio.as_completed(tasks):
                result = await next_done
                frame = pickle.dumps(("result", result), pickle.HIGHEST_PROTOCOL)
                await _send_frame(writer, frame)
            await _send_frame(writer, pickle.dumps(("end", None)))
        except Exception:
            await _send_frame(writer, pickle.dumps(("error", traceback.format_exc())))

    work = asyncio.create_task(send_all())
    gone = asyncio.create_task(reader.read(1))
    try:
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in [work, gone, *tasks]:
            task.cancel()
        await asyncio.gather(work, gone, *tasks, return_exceptions=True)
        await fetcher.aclose()
        writer.close()
        # close() only starts flushing what is buffered; the process ends with os._exit
        # right after, so wait until the last results (and "end") have left.
        with contextlib.suppress(OSError):
            await writer.wait_closed()
