"""Each document read in a worker process, within limits: a hostile one costs only itself.

A parser fed a hostile document can take gigabytes (a gzipped page of NUL bytes, a PDF
content stream that inflates to 2 GiB, a .docx zip bomb), or crash: pdfium aborts the
process when it runs out of memory. So documents are read in a worker process, one at a
time, within :class:`~citeaudit.extract.limits.ExtractLimits`: its address space is capped
(``RLIMIT_AS``), each document's processor time is capped (``RLIMIT_CPU``: the kernel
ends the worker with SIGXCPU), and the parent kills it when a document takes longer than
the timeout. Whatever happens (a MemoryError, a crash, a kill, any exception) comes back
as an :class:`Extraction` with no text and a note saying why in plain words, so that
document's evidence is judged ``no_text`` with that reason and the run goes on; a fresh
worker reads the next document.

The worker is a Python process started once per run (``python -c``, not a fork of the
run: it shares no lock, thread or open store with it, and its limits count only its own
memory) and reused from document to document, so a document costs a round trip (a fraction
of a millisecond), not a process start (a tenth of a second or more). Documents are read in
the order they are submitted, the next one sent ahead, so the worker reads it while the run
keeps the text of the last. The worker is replaced after any failure, and after a document
that left it much larger than it began, since memory its allocator keeps would count
against the next document's limit.

The worker reads each body itself (``load``: a picklable callable, such as a WARC record
read back), so the run never holds it. Where the ``resource`` module is missing (Windows),
documents are read in the calling process, with the text cap but without the other limits.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from types import TracebackType
from typing import Any

from citeaudit.extract.base import Extraction
from citeaudit.extract.limits import ExtractLimits, cap_memory, describe, megabytes, unread
from citeaudit.extract.sniff import detect_kind, extract

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

#: A body to read: called in the worker, so it must pickle (a module-level function, or a
#: functools.partial of one).
Load = Callable[[], bytes]
OnNote = Callable[[str], None]

_FRAME = struct.Struct("!Q")
#: Seconds a new worker may take to load its readers, before its first document's clock.
_STARTUP_WAIT = 60.0
#: Growth (bytes of address space) past which a worker is replaced after a document.
_GROWTH = 64 * 1024 * 1024
#: Documents sent to the worker at once: the one it reads, and the next, so it starts on
#: that one while the caller handles the last.
_AHEAD = 2
# The worker's own start: the run's import path, then its loop.
_BOOT = (
    "import json, sys; "
    "sys.path[:0] = [p for p in json.loads(sys.argv[1]) if p not in sys.path]; "
    "from citeaudit.extract.isolated import serve; serve()"
)


@dataclass(frozen=True)
class _Task:
    """One document to read: its body's loader, its type and URL; ``main`` asks for the
    page's main content (trafilatura) instead of its extraction."""

    load: Load
    content_type: str | None
    url: str | None
    main: bool = False


@dataclass(eq=False)
class _Job:
    """A task and, once read, what came of it."""

    task: _Task
    done: bool = False
    value: Any = None  # an Extraction, a main text, or None


class Reading:
    """A document submitted to the :class:`Extractor`, read in turn; :meth:`result` waits
    for it."""

    def __init__(self, extractor: Extractor, job: _Job) -> None:
        self._extractor = extractor
        self._job = job

    def result(self) -> Extraction | None:
        """The document's text; None when its body could not be loaded (the copy cannot be
        read back). A document that cannot be read within the limits comes back with no
        text and a note saying why."""
        value = self._extractor._wait(self._job)
        if not isinstance(value, Extraction):
            return None
        if value.kind == "html" and value.main_view is None:
            # The main content is read when first asked for, as in-process reading does.
            task = replace(self._job.task, main=True)
            value = replace(value, main_view=partial(self._extractor._main_text, task))
            self._job.value = value
        return value


class Extractor:
    """Reads documents within ``limits``, each in the worker process (see the module), in
    the order they are submitted: the worker reads the next document while the caller
    handles the last.

    Use it as a context manager: the worker lives until :meth:`close`. ``on_note`` is told
    if documents come to be read in this process instead (no ``resource`` module, or a
    worker that cannot start)."""

    def __init__(self, limits: ExtractLimits | None = None, on_note: OnNote | None = None):
        self.limits = limits or ExtractLimits()
        self._note = on_note
        self._worker: _Worker | None = None
        self._queue: deque[_Job] = deque()  # submitted, not yet sent
        self._sent: deque[_Job] = deque()  # sent to the worker, in order
        self._since = 0.0  # when the first job sent began, as far as this side can tell
        self._kind: str | None = None  # the kind of that job's document, once loaded
        self._closed = False
        self._isolated = self.limits.isolated
        if self._isolated and (resource is None or not sys.executable):
            self._in_process("this platform cannot limit a process's memory and time")

    def __enter__(self) -> Extractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker now, so that its start-up overlaps the caller's other work."""
        if self._isolated and not self._closed and self._worker is None:
            self._worker = self._new_worker()

    def close(self) -> None:
        """Stop the worker; a document asked for after this is read in this process."""
        self._closed = True
        self._retire()

    def submit(self, load: Load, content_type: str | None, url: str | None = None) -> Reading:
        """Queue a document (``load`` returns its body, in the worker) to be read in turn."""
        job = _Job(_Task(load, content_type, url))
        self._queue.append(job)
        self._pump()
        return Reading(self, job)

    def extract(
        self, load: Load, content_type: str | None, url: str | None = None
    ) -> Extraction | None:
        """Read one document now: :meth:`submit`, then its :meth:`Reading.result`."""
        return self.submit(load, content_type, url).result()

    def _main_text(self, task: _Task) -> str | None:
        if self._closed:
            return None
        job = _Job(task)
        self._queue.append(job)
        value = self._wait(job)
        return value if isinstance(value, str) else None

    def _wait(self, job: _Job) -> Any:
        """Read documents in turn until ``job``'s is read."""
        while not job.done:
            if self._closed or not self._isolated:
                if job in self._queue:
                    self._queue.remove(job)
                job.value, job.done = _read(job.task, self.limits), True
                break
            self._pump()
            if self._sent:
                self._step()
        return job.value

    def _pump(self) -> None:
        """Send queued documents until the worker has the next one in hand."""
        while self._queue and len(self._sent) < _AHEAD and self._isolated and not self._closed:
            job = self._queue[0]
            try:
                data = pickle.dumps(job.task, pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, AttributeError, TypeError):
                self._queue.popleft()  # a loader that cannot travel is read here
                job.value, job.done = _read(job.task, self.limits), True
                continue
            fresh = self._worker is None
            worker = self._worker or self._new_worker()
            if worker is None:
                return
            self._worker = worker
            if not worker.send(data):
                self._retire(kill=True)
                if fresh:  # a new worker that takes nothing: read here from now on
                    self._in_process("the reader process did not start")
                continue  # the worker had ended while it waited: a fresh one takes it
            self._queue.popleft()
            if not self._sent:
                self._since = time.monotonic()
            self._sent.append(job)

    def _step(self) -> None:
        """Take the worker's next answer about the first document sent to it."""
        worker, job = self._worker, self._sent[0]
        assert worker is not None
        limits = self.limits
        deadline = self._since + (limits.timeout if worker.ready else _STARTUP_WAIT)
        try:
            frame = worker.receive(deadline)
        except TimeoutError:
            frame = None
        if not worker.ready and frame in (None, _GONE):
            # A worker that cannot even start will not start next time: read here instead.
            self._retire(kill=True)
            self._in_process("the reader process did not start")
            return
        if frame is None:
            why = f"within the limits (it took more than {limits.timeout:g} s)"
            self._finish(job, _failed(job.task, why, self._kind or "unknown"))
            self._retire(kill=True)
            return
        if frame is _GONE or frame is _GARBLED:
            worker.stop(kill=True)
            why = "(its answer came back garbled)" if frame is _GARBLED else worker.death(limits)
            self._finish(job, _failed(job.task, why, self._kind or "unknown"))
            self._retire()
        elif frame[0] == "ready":
            worker.ready, worker.start_peak = True, frame[1]
            self._since = time.monotonic()
        elif frame[0] == "kind":
            self._kind = frame[1]
        elif frame[0] == "done":
            self._finish(job, frame[1])
            if frame[2]:  # the worker ends after it
                self._retire()
        elif frame[0] == "unloadable":
            self._finish(job, None)
            if frame[1]:
                self._retire()
        else:  # ("failed", reason, detail): the worker ends after a failure
            why = _why(frame[1], frame[2], limits)
            self._finish(job, _failed(job.task, why, self._kind or "unknown"))
            self._retire()

    def _finish(self, job: _Job, value: Any) -> None:
        self._sent.popleft()
        job.value, job.done = value, True
        self._kind = None
        self._since = time.monotonic()  # the next document's turn starts now

    def _retire(self, *, kill: bool = False) -> None:
        """Let the worker go; what was sent to it and not read goes to the next one."""
        if self._worker is not None:
            self._worker.stop(kill=kill)
            self._worker = None
        self._queue.extendleft(reversed(self._sent))
        self._sent.clear()
        self._kind = None

    def _new_worker(self) -> _Worker | None:
        try:
            return _Worker(self.limits)
        except OSError as exc:
            self._in_process(f"the reader process could not be started ({exc})")
            return None

    def _in_process(self, why: str) -> None:
        self._isolated = False
        if self._note is not None:
            self._note(f"documents are read in this process, without memory or time limits: {why}")


_GONE = object()  # the worker ended before answering
_GARBLED = object()  # an answer that could not be read


class _Worker:
    """One worker process, and the frames to and from it (length-prefixed pickles)."""

    def __init__(self, limits: ExtractLimits) -> None:
        paths = json.dumps([p for p in sys.path if isinstance(p, str)])
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, paths],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._buffer = bytearray()
        self.ready = False
        # Its peak size when ready: exec counts the size of the process that started it.
        self.start_peak = 0
        self.usage: Any = None  # the resource usage of the ended worker
        self.send(pickle.dumps(limits, pickle.HIGHEST_PROTOCOL))

    def send(self, data: bytes) -> bool:
        """Send one pickled frame; False when the worker has ended."""
        stdin = self.proc.stdin
        if stdin is None or stdin.closed:
            return False
        try:
            stdin.write(_FRAME.pack(len(data)) + data)
            stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def receive(self, deadline: float) -> Any:
        """The next frame; _GONE once the worker has ended. TimeoutError at ``deadline``."""
        stdout = self.proc.stdout
        assert stdout is not None
        fd = stdout.fileno()
        while True:
            if len(self._buffer) >= _FRAME.size:
                (size,) = _FRAME.unpack_from(self._buffer)
                end = _FRAME.size + size
                if len(self._buffer) >= end:
                    try:
                        with memoryview(self._buffer) as view:  # many MB of text: no copy
                            value = pickle.loads(view[_FRAME.size : end])
                    except Exception:
                        value = _GARBLED
                    del self._buffer[:end]
                    return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return _GONE
            self._buffer += chunk

    def death(self, limits: ExtractLimits) -> str:
        """Why the worker ended, in words, from its exit status and resource usage."""
        code = self.proc.returncode
        if code is None or code >= 0:
            return f"(its reader process ended with status {code})"
        number = -code
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number == getattr(signal, "SIGXCPU", None):
            return f"within the limits (it took more than {limits.cpu:g} s of processor time)"
        peak = _bytes(self.usage.ru_maxrss) if self.usage else 0
        if number == signal.SIGKILL or peak >= max(limits.memory // 2, self.start_peak + 1):
            # pdfium aborts when an allocation fails; the kernel kills when memory runs out.
            return f"within the limits (it needed more than {megabytes(limits.memory)} of memory)"
        return f"(its reader crashed: {name})"

    def stop(self, *, kill: bool = False) -> None:
        """End the worker (closing its input ends an idle one; ``kill`` ends a busy one)
        and reap it."""
        proc = self.proc
        if proc.returncode is not None:
            return
        # Signalled and reaped here, never through Popen (whose poll() would reap it first
        # and lose its resource usage): until reaped, its pid cannot be another process's.
        if kill:
            os.kill(proc.pid, signal.SIGKILL)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        self.usage = usage
        proc.returncode = os.waitstatus_to_exitcode(status)


def _why(reason: str, detail: str, limits: ExtractLimits) -> str:
    if reason == "memory":
        return f"within the limits (it needed more than {megabytes(limits.memory)} of memory)"
    return f"({detail})"


def _failed(task: _Task, why: str, kind: str = "unknown") -> Extraction | str | None:
    """A task that failed: no main content, or an unread document."""
    return None if task.main else unread(kind, why)


def _read(task: _Task, limits: ExtractLimits) -> Extraction | str | None:
    """Read one document in this process: the text cap holds, and any exception costs
    only this document."""
    try:
        content = task.load()
    except Exception:
        return None
    kind = detect_kind(content, task.content_type, task.url)
    try:
        if task.main:
            from citeaudit.extract.html import main_content

            return main_content(content)
        extraction = extract(content, task.content_type, task.url, text_limit=limits.text)
        # Not the body-holding view in-process reading makes: the body is read again if asked.
        return replace(extraction, main_view=None)
    except MemoryError:
        return _failed(task, "(it needed more memory than there was)", kind)
    except Exception as exc:
        return _failed(task, f"({describe(exc)})", kind)


# ---------------------------------------------------------------------------------------------
# The worker's side


def serve() -> None:  # pragma: no cover - runs in the worker process
    """The worker's loop: take the limits, load the readers, then read task after task
    until its input ends."""
    assert resource is not None
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints must not corrupt the frames
    sys.stdout = sys.stderr

    def send(message: object) -> None:
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        out.write(_FRAME.pack(len(data)))
        out.write(data)
        out.flush()

    limits = _take(inp)
    assert isinstance(limits, ExtractLimits)
    cap_memory(limits.memory)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file
    # The readers are loaded before the baseline is taken: growth past it is a document's.
    from citeaudit.extract import docx, html, pdf  # noqa: F401

    baseline = _footprint()
    send(("ready", _bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
    while True:
        try:
            task = _take(inp)
        except (EOFError, OSError):
            break
        if _serve_one(task, limits, send, baseline):
            break
    out.close()
    os._exit(0)  # nothing to tidy: tearing the readers down would only delay the run


def _serve_one(
    task: Any, limits: ExtractLimits, send: Callable[[object], None], baseline: int
) -> bool:
    """Read one task and send its answer; True when the worker ends after it (a failure,
    or memory its allocator kept: the answer says so, so no task is sent to it)."""
    assert resource is not None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + limits.cpu)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    failure: tuple[str, str] | None = None
    value: object = None
    content = b""
    try:
        content = task.load()
    except MemoryError:
        failure = ("memory", "")
    except Exception as exc:
        ending = _footprint() > baseline + _GROWTH
        send(("unloadable", ending, describe(exc)))
        return ending
    if failure is None:
        send(("kind", detect_kind(content, task.content_type, task.url)))
        try:
            if task.main:
                from citeaudit.extract.html import main_content

                value = main_content(content)
            else:
                extraction = extract(content, task.content_type, task.url, text_limit=limits.text)
                value = replace(extraction, main_view=None)
        except MemoryError:
            failure = ("memory", "")
        except Exception as exc:
            failure = ("error", describe(exc))
    # Out of the handlers, what the reader built is freed before the answer is made.
    content = b""
    if failure is None:
        try:
            ending = _footprint() > baseline + _GROWTH
            send(("done", value, ending))
            return ending
        except MemoryError:
            failure = ("memory", "")
    value = None
    send(("failed", *failure))
    return True


def _take(inp: Any) -> Any:
    head = inp.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    (size,) = _FRAME.unpack(head)
    data = inp.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _bytes(maxrss: int) -> int:
    """A peak resident size as ``getrusage`` gives it (kilobytes, bytes on macOS), in bytes."""
    return maxrss if sys.platform == "darwin" else maxrss * 1024


def _footprint() -> int:  # pragma: no cover - runs in the worker process
    """The process's size now: its address space (Linux), else its peak resident size."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        assert resource is not None
        return _bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
