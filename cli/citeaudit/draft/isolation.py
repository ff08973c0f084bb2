"""A document read for drafting in a process of its own, within the limits every document
is read within (:class:`~citeaudit.extract.ExtractLimits`): memory, processor time, wall
clock. The document is the one input of ``draft``, so a hostile one (a PDF whose stream
inflates to gigabytes, a file that crashes pdfium) cannot make the run take the machine's
memory or hang: it ends in a clear message and exit code 2.

Where processes cannot be limited (no ``resource`` module: Windows), the document is read
in the calling process.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass

from citeaudit.draft.model import DocumentText
from citeaudit.draft.reading import read_document
from citeaudit.errors import DocumentError
from citeaudit.extract import ExtractLimits, cap_memory, describe, megabytes

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

_HINT = "give the document in another format, or raise --extract-memory / --extract-timeout"


@dataclass(frozen=True)
class _Task:
    """What the reading process is sent: the document and how it was named."""

    data: bytes
    name: str | None
    content_type: str | None
    base_url: str | None
    limits: ExtractLimits


def read_isolated(
    data: bytes,
    name: str | None = None,
    *,
    content_type: str | None = None,
    base_url: str | None = None,
    limits: ExtractLimits | None = None,
) -> DocumentText:
    """``read_document`` in a process of its own within ``limits``; DocumentError when the
    document is not one, or cannot be read within them (saying which)."""
    limits = limits or ExtractLimits()
    if resource is None or not limits.isolated:
        return read_document(data, name, content_type=content_type, base_url=base_url)
    task = pickle.dumps(_Task(data, name, content_type, base_url, limits))
    command = [sys.executable, "-c", "from citeaudit.draft.isolation import serve; serve()"]
    try:
        done = subprocess.run(command, input=task, capture_output=True, timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        raise DocumentError(
            f"the document could not be read within {limits.timeout:g} s", hint=_HINT
        ) from None
    if done.returncode != 0 or not done.stdout:
        raise DocumentError(
            f"the document could not be read: {_death(done.returncode, limits)}", hint=_HINT
        )
    answer = pickle.loads(done.stdout)
    if answer[0] == "read":
        assert isinstance(answer[1], DocumentText)
        return answer[1]
    if answer[0] == "refused":
        raise DocumentError(answer[1], hint=answer[2])
    if answer[0] == "memory":
        raise DocumentError(
            f"the document could not be read within {megabytes(limits.memory)} of memory",
            hint=_HINT,
        )
    raise DocumentError(f"the document could not be read ({answer[1]})", hint=_HINT)


def _death(code: int, limits: ExtractLimits) -> str:
    """Why the reading process ended, in plain words."""
    if code == -signal.SIGXCPU:
        return f"it took more than {limits.cpu:g} s of processor time"
    if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return (
            f"the reader crashed (it may have needed more than {megabytes(limits.memory)} of "
            "memory)"
        )
    return f"the reading process ended with code {code}"


def serve() -> None:  # pragma: no cover - runs in the reading process
    """Read the one task on stdin within its limits; write the answer on stdout."""
    assert resource is not None
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints must not corrupt the answer
    task = pickle.loads(sys.stdin.buffer.read())
    assert isinstance(task, _Task)
    cap_memory(task.limits.memory)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(task.limits.cpu) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    answer: tuple[object, ...]
    try:
        document = read_document(
            task.data, task.name, content_type=task.content_type, base_url=task.base_url
        )
        answer = ("read", document)
    except DocumentError as exc:
        answer = ("refused", exc.message, exc.hint)
    except MemoryError:
        answer = ("memory",)
    except Exception as exc:
        answer = ("failed", describe(exc))
    try:
        out.write(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        out.write(pickle.dumps(("memory",)))
    out.close()
    os._exit(0)
