"""A model named on the Hugging Face hub (``owner/name``), downloaded once into a cache and
read from there ever after.

Why here and not through the hub's own client: every request citeaudit makes goes through
its one network layer (:mod:`citeaudit.net`: the address policy, proxies, the CA bundle,
capped reads, back-off with Retry-After), and a model is just a few files. The file list
comes from ``<hub>/api/models/<name>`` (sizes and sha256 digests too, when the hub gives
them), else the usual names are tried; each file is fetched from
``<hub>/<name>/resolve/main/<file>`` in byte ranges, so memory stays small and progress can
be shown. Everything lands in a hidden folder beside the model's, which is renamed into
place once every file is there and checked: a download that fails or is killed never
leaves a half model under the model's name. Nothing is requested when ``offline`` is set,
and nothing happens at import time.

The hub is ``CITEAUDIT_HUB_URL`` when set (a mirror; tests use a local server), else
https://huggingface.co; the cache is ``CITEAUDIT_MODEL_CACHE``, else
``$XDG_CACHE_HOME/citeaudit/models``, else ``~/.cache/citeaudit/models``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import quote, urljoin

from citeaudit.errors import ModelError
from citeaudit.net import (
    USER_AGENT,
    AddressRefused,
    AddressRule,
    Classifier,
    GuardedClient,
    Reply,
    Resolver,
    RetryPolicy,
    classify_address,
    decode_content,
    header_value,
    host_label,
    make_client,
    retry_after_seconds,
    send,
    text_headers,
    url_problem,
)

T = TypeVar("T")
DEFAULT_HUB = "https://huggingface.co"
MIB = 1024 * 1024
#: The ONNX file, by preference, then the files that go with it when the hub has them.
MODEL_FILES = ("onnx/model.onnx", "model.onnx")
EXTRA_FILES = (
    "tokenizer.json",
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_RETRY = frozenset({429, 500, 502, 503, 504})
_REDIRECT = frozenset({301, 302, 303, 307, 308})
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_STALE = 24 * 3600  # seconds after which a partial download left by a killed run is removed
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class HubSettings:
    """How to reach the hub; every field has a default, tests inject the rest.

    ``url`` None: ``CITEAUDIT_HUB_URL``, else the public hub. ``max_bytes`` caps a whole
    model; ``chunk`` is the size of each byte range asked for. ``classify``/``resolve``
    are the address policy's (see :mod:`citeaudit.net.addresses`). The other fields are
    what :class:`citeaudit.net.ClientSettings` asks of a client.
    """

    url: str | None = None
    max_bytes: int = 2048 * MIB
    chunk: int = 16 * MIB
    retries: int = 2
    backoff_base: float = 1.0
    retry_after_cap: float = 60.0
    max_redirects: int = 10
    timeout: float = 300.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    user_agent: str = USER_AGENT
    insecure: bool = False
    ca_bundle: str | None = None
    concurrency: int = 2
    per_host: int = 2
    classify: Classifier = classify_address
    resolve: Resolver | None = field(default=None, compare=False)

    def base(self) -> str:
        return (self.url or os.environ.get("CITEAUDIT_HUB_URL") or DEFAULT_HUB).rstrip("/")


def is_model_name(name: str) -> bool:
    """Whether ``name`` is written as a hub model name: ``owner/name``, no ``..``."""
    return bool(_NAME.fullmatch(name)) and ".." not in name


def default_cache_dir() -> Path:
    """Where downloaded models are kept (see the module's docstring)."""
    if chosen := os.environ.get("CITEAUDIT_MODEL_CACHE"):
        return Path(chosen).expanduser()
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / "citeaudit" / "models"
    return Path.home() / ".cache" / "citeaudit" / "models"


def cached_folder(name: str, cache_dir: Path | None = None) -> Path:
    """The folder a downloaded model ``name`` is kept in (whether it is there or not)."""
    owner, _, model = name.partition("/")
    return (cache_dir or default_cache_dir()) / owner / model


def fetch_model(
    name: str,
    *,
    offline: bool,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    settings: HubSettings | None = None,
) -> Path:
    """The folder of model ``name``: from the cache, else downloaded into it (not when
    ``offline``). Raises ModelError when it cannot be had."""
    if not is_model_name(name):
        raise ModelError(
            f"{name!r} is not a model name on the hub",
            hint="write it as owner/name, e.g. sentence-transformers/paraphrase-MiniLM-L3-v2",
        )
    folder = cached_folder(name, cache_dir)
    if folder.is_dir():
        return folder
    settings = settings or HubSettings()
    if offline:
        raise ModelError(
            f"the model {name} is not in the cache ({folder}) and --offline forbids downloading it",
            hint="run once without --offline to download it, or give the folder of a model "
            "you have",
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    partial = folder.with_name(f".{folder.name}.part-{uuid.uuid4().hex[:12]}")
    partial.mkdir()
    try:
        manifest = _run(_download(name, partial, settings, progress))
        (partial / "citeaudit-download.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        try:
            partial.rename(folder)
        except OSError:
            if not folder.is_dir():  # another run may have put it there first: fine
                raise
    except OSError as exc:
        raise ModelError(
            f"the model {name} could not be written to {folder.parent}: {exc}",
            hint="set CITEAUDIT_MODEL_CACHE to a folder you can write to",
        ) from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def _remove_stale(folder: Path) -> None:
    """Remove partial downloads of this model that a killed run left long ago."""
    now = time.time()
    for left in folder.parent.glob(f".{folder.name}.part-*"):
        try:
            if now - left.stat().st_mtime > _STALE:
                shutil.rmtree(left, ignore_errors=True)
        except OSError:
            continue


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code, even from inside an event loop
    (then on a thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    box: dict[str, Any] = {}

    def main() -> None:
        try:
            box["value"] = asyncio.run(work)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=main, name="citeaudit-model-download")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


@dataclass
class _Wanted:
    """A file to download: its path in the repository, size and sha256 when known."""

    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass
class _Downloader:
    """One model's download: the client, where things are, and the progress so far."""

    client: GuardedClient
    settings: HubSettings
    name: str
    progress: Progress | None
    done: int = 0
    total: int = 0
    _retry: RetryPolicy = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self._retry = RetryPolicy(s.retries, s.backoff_base, s.retry_after_cap)

    def tell(self) -> None:
        if self.progress is not None:
            self.progress(self.name, self.done, self.total)

    async def get(
        self, url: str, rule: AddressRule, headers: dict[str, str], cap: int
    ) -> tuple[Reply, str, AddressRule]:
        """One GET, retried when the hub is busy or the connection fails, redirects
        followed; returns the reply, the URL that gave it and the rule it was sent under."""
        for _hop in range(self.settings.max_redirects + 1):
            reply = await self._attempts(url, rule, headers, cap)
            if reply.status not in _REDIRECT:
                return reply, url, rule
            location = _header(reply.headers, "location")
            if not location:
                return reply, url, rule
            url, rule = urljoin(url, location.strip()), rule.after(reply.address)
            if problem := url_problem(url):
                raise ModelError(
                    f"the hub redirected to an address that cannot be fetched: {problem}",
                    hint="check CITEAUDIT_HUB_URL",
                )
        raise ModelError(
            f"the hub at {host_label(url)} redirected more than "
            f"{self.settings.max_redirects} times",
            hint="check CITEAUDIT_HUB_URL",
        )

    async def _attempts(
        self, url: str, rule: AddressRule, headers: dict[str, str], cap: int
    ) -> Reply:
        attempt = 0
        while True:
            attempt += 1
            request = self.client.build_request("GET", url, headers=headers)
            try:
                async with asyncio.timeout(self.settings.timeout):
                    reply, _sent = await send(self.client, request, cap, rule)
            except AddressRefused as exc:
                raise ModelError(
                    f"the hub at {host_label(url)} is at an address citeaudit does not "
                    f"connect to: {exc.reason}",
                    hint="check CITEAUDIT_HUB_URL",
                ) from None
            except Exception as exc:
                if not _network(exc):
                    raise
                if self._retry.may_retry(attempt):
                    await asyncio.sleep(self._retry.backoff(attempt))
                    continue
                raise _network_error(exc, url) from None
            if reply.status in _RETRY and self._retry.may_retry(attempt):
                asked = retry_after_seconds(_header(reply.headers, "retry-after"))
                if not self._retry.too_long(asked):
                    await asyncio.sleep(self._retry.wait(attempt, asked))
                    continue
            return reply


def _header(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    return header_value(text_headers(headers), name)


def _network(exc: BaseException) -> bool:
    """Whether ``exc`` is the network's doing (httpx's errors, sockets, time limits)."""
    if isinstance(exc, OSError | TimeoutError):
        return True
    return any(c.__name__ == "HTTPError" and c.__module__ == "httpx" for c in type(exc).__mro__)


def _network_error(exc: BaseException, url: str) -> ModelError:
    """The error for a request that got no whole answer: the hub out of reach (no
    connection), or a download cut short (the connection broke)."""
    where = host_label(url)
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, TimeoutError):
        reason = "no answer in time"
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {"ConnectError", "ConnectTimeout", "ProxyError", "ConnectionRefusedError"}:
        return ModelError(
            f"the model hub at {where} cannot be reached ({reason}); no model was downloaded",
            hint="try again when online, or download the model yourself and give its folder",
        )
    return ModelError(
        f"the model download from {where} was cut short ({reason}); nothing was kept",
        hint="try again later, or download the model yourself and give its folder",
    )


async def _download(
    name: str, into: Path, settings: HubSettings, progress: Progress | None
) -> dict[str, Any]:
    """Every file of model ``name`` into ``into``; the manifest of what was fetched."""
    async with make_client(
        settings, keepalive=settings.per_host, classify=settings.classify, resolve=settings.resolve
    ) as client:
        loader = _Downloader(client, settings, name, progress)
        base = settings.base()
        if problem := url_problem(f"{base}/api/models"):
            raise ModelError(
                f"the hub's address {base!r} cannot be used: {problem}",
                hint="set CITEAUDIT_HUB_URL to an http or https URL, or unset it",
            )
        wanted = await _file_list(loader, base)
        known = [w.size for w in wanted]
        loader.total = sum(s for s in known if s is not None)
        if loader.total > settings.max_bytes:
            raise _too_big(name, settings)
        loader.tell()
        fetched: dict[str, Any] = {}
        for item in wanted:
            url = f"{base}/{quote(name)}/resolve/main/{quote(item.path)}"
            got = await _fetch_file(loader, url, item, into / item.path)
            if got is not None:
                fetched[item.path] = got
    for left in sorted(into.rglob("*"), reverse=True):  # folders of files the hub lacked
        if left.is_dir() and not any(left.iterdir()):
            left.rmdir()
    if not any(path in fetched for path in MODEL_FILES) or "tokenizer.json" not in fetched:
        missing = (
            "an ONNX file (onnx/model.onnx)" if "tokenizer.json" in fetched else ("tokenizer.json")
        )
        raise ModelError(
            f"the model {name} on {host_label(base)} has no {missing}",
            hint="choose a model published with an ONNX export and its tokenizer.json, or "
            "export one yourself and give its folder",
        )
    return {"model": name, "hub": base, "files": fetched}


def _too_big(name: str, settings: HubSettings) -> ModelError:
    return ModelError(
        f"the model {name} is larger than the {settings.max_bytes // MIB} MiB citeaudit downloads",
        hint="choose a smaller model, or download it yourself and give its folder",
    )


async def _file_list(loader: _Downloader, base: str) -> list[_Wanted]:
    """The files to fetch, from the hub's listing when it gives one, else the usual names
    (each then tried, a missing one skipped)."""
    url = f"{base}/api/models/{quote(loader.name)}?blobs=true"
    reply, _, _ = await loader.get(
        url, AddressRule(loader.settings.classify), {"Accept": "application/json"}, 4 * MIB
    )
    if reply.status == 404:
        raise ModelError(
            f"the hub at {host_label(base)} has no model named {loader.name}",
            hint="check the name (owner/name, as the hub's page of the model writes it)",
        )
    if reply.status in (401, 403):
        raise ModelError(
            f"the hub at {host_label(base)} asks for a login to download {loader.name}",
            hint="download the model yourself and give its folder",
        )
    siblings = _siblings(reply) if reply.status == 200 else None
    if siblings is None:
        return [_Wanted(p) for p in (*MODEL_FILES, *EXTRA_FILES)]
    chosen = [
        next((siblings[p] for p in MODEL_FILES if p in siblings), None),
        *(siblings.get(p) for p in EXTRA_FILES),
    ]
    return [w for w in chosen if w is not None]


def _siblings(reply: Reply) -> dict[str, _Wanted] | None:
    """The listing's files by path; None when the answer is not a listing."""
    try:
        body, _ = decode_content(reply.body, _header(reply.headers, "content-encoding"), 16 * MIB)
        data = json.loads(body)
    except Exception:  # not JSON, or a coding we cannot undo: fall back to the usual names
        return None
    if not isinstance(data, dict) or not isinstance(data.get("siblings"), list):
        return None
    found: dict[str, _Wanted] = {}
    for entry in data["siblings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("rfilename"), str):
            continue
        lfs: dict[str, Any] = entry["lfs"] if isinstance(entry.get("lfs"), dict) else {}
        size = lfs.get("size", entry.get("size"))
        digest = lfs.get("sha256")
        found[entry["rfilename"]] = _Wanted(
            entry["rfilename"],
            size if isinstance(size, int) and size >= 0 else None,
            digest if isinstance(digest, str) and _SHA256.fullmatch(digest) else None,
        )
    return found


async def _fetch_file(
    loader: _Downloader, url: str, item: _Wanted, dest: Path
) -> dict[str, Any] | None:
    """One file into ``dest``, range by range; None when the hub has no such file."""
    if ".." in item.path.split("/") or item.path.startswith("/"):
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    settings = loader.settings
    digest = hashlib.sha256()
    rule = AddressRule(settings.classify)
    size: int | None = item.size
    offset = 0
    start_done = loader.done
    with dest.open("wb") as out:
        while size is None or offset < size:
            end = offset + settings.chunk - 1
            headers = {"Range": f"bytes={offset}-{end}", "Accept-Encoding": "identity"}
            room = settings.max_bytes - loader.done
            reply, url, rule = await loader.get(url, rule, headers, min(settings.chunk, room) + 1)
            if reply.status == 404 and offset == 0:
                dest.unlink()
                if item.size is not None:
                    loader.total -= item.size
                return None
            if reply.status == 416 and offset == 0:
                size = 0
                break
            if reply.status == 200:
                size = _whole(loader, reply, out, digest, start_done, room)
                offset = size
                break
            if reply.status != 206:
                raise ModelError(
                    f"the hub at {host_label(url)} answered {reply.status} {reply.reason} for "
                    f"{item.path} of {loader.name}",
                    hint="try again later, or download the model yourself and give its folder",
                )
            first, total = _range_of(reply, item.path)
            if first != offset or len(reply.body) == 0 or len(reply.body) > settings.chunk:
                raise ModelError(
                    f"the hub's answer for {item.path} of {loader.name} is not the part asked",
                    hint="try again later",
                )
            if size is None and total is not None:
                size = total
                loader.total += total
            out.write(reply.body)
            digest.update(reply.body)
            offset += len(reply.body)
            loader.done += len(reply.body)
            if loader.done > settings.max_bytes:
                raise _too_big(loader.name, settings)
            loader.tell()
            if total is None and len(reply.body) < settings.chunk:
                size = offset  # the server gave no total: a short part is the last
    _check(loader, item, offset, size, digest.hexdigest())
    return {"bytes": offset, "sha256": digest.hexdigest()}


def _whole(
    loader: _Downloader,
    reply: Reply,
    out: IO[bytes],
    digest: Any,
    start_done: int,
    room: int,
) -> int:
    """A 200 answer (the server ignored the range): the whole file, in one body."""
    if reply.truncated:
        raise _too_big(loader.name, loader.settings)
    body, cut = decode_content(reply.body, _header(reply.headers, "content-encoding"), room)
    if cut:
        raise _too_big(loader.name, loader.settings)
    out.seek(0)
    out.truncate()
    out.write(body)
    digest.update(body)
    loader.done = start_done + len(body)
    loader.tell()
    return len(body)


def _range_of(reply: Reply, path: str) -> tuple[int, int | None]:
    """The first byte and the total size a 206 answer's Content-Range gives."""
    found = _CONTENT_RANGE.fullmatch((_header(reply.headers, "content-range") or "").strip())
    if found is None:
        raise ModelError(
            f"the hub's partial answer for {path} says not which part it is",
            hint="try again later",
        )
    total = found.group(3)
    return int(found.group(1)), None if total == "*" else int(total)


def _check(loader: _Downloader, item: _Wanted, got: int, size: int | None, sha: str) -> None:
    """The file is as the hub's listing says: its size and digest."""
    if item.size is not None and got != item.size or size is not None and got != size:
        raise ModelError(
            f"{item.path} of {loader.name} came incomplete ({got} bytes of "
            f"{item.size if item.size is not None else size}); nothing was kept",
            hint="try again later",
        )
    if item.sha256 is not None and sha != item.sha256:
        raise ModelError(
            f"{item.path} of {loader.name} does not match the hub's sha256; nothing was kept",
            hint="try again later; if it persists, download the model yourself",
        )
