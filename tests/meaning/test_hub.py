"""Downloading a model named on the hub, against real HTTP servers on 127.0.0.1 laid out as
the hub is (``/api/models/<name>``, ``/<name>/resolve/main/<file>``, a redirect to a
content server that answers byte ranges): the first use downloads with progress, later
uses read the cache without a request, offline or out of reach nothing is fetched, and a
download that fails leaves nothing in the cache. The injected address classifier refuses
every address but 127.0.0.1, so nothing can leave the machine."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from citeaudit.errors import ModelError
from citeaudit.meaning.hub import (
    HubSettings,
    cached_folder,
    default_cache_dir,
    fetch_model,
    is_model_name,
)
from citeaudit.meaning.model import load_scorer
from loopbacks import LINK_LOCAL_IP, LoopbackServer, pretend, serve
from servers import RawServer, unused_port

# The tiny models live beside the tests (tests/meaning is no package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_onnx import SENTENCES, embedding_model, pooling_files  # noqa: E402

NAME = "someone/tiny-embedding"
_RANGE = re.compile(r"bytes=(\d+)-(\d+)?")


@pytest.fixture(autouse=True)
def _no_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets to name its hub gets a refused connection on 127.0.0.1."""
    monkeypatch.setenv("CITEAUDIT_HUB_URL", "http://127.0.0.1:9")
    for name in ("CITEAUDIT_MODEL_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The tiny model's files by their path in the repository (the ONNX file under onnx/)."""
    folder = tmp_path_factory.mktemp("hub") / "tiny"
    embedding_model(folder)
    pooling_files(folder)
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    files["onnx/model.onnx"] = files.pop("model.onnx")
    files["README.md"] = b"# a model card, never downloaded\n"
    return files


def listing(files: dict[str, bytes], digest: str | None = None) -> bytes:
    siblings = []
    for path, data in files.items():
        entry: dict[str, object] = {"rfilename": path, "size": len(data)}
        if path.endswith(".onnx"):
            sha = digest or hashlib.sha256(data).hexdigest()
            entry["lfs"] = {"sha256": sha, "size": len(data)}
        siblings.append(entry)
    return json.dumps({"id": NAME, "siblings": siblings}).encode()


def ranged(request: Request, data: bytes) -> Response:
    """``data`` as a file server answers: the byte range asked for (206), else all of it."""
    found = _RANGE.fullmatch(request.headers.get("Range", ""))
    if found is None:
        return Response(data, 200, {"Content-Type": "application/octet-stream"})
    first = int(found.group(1))
    last = min(int(found.group(2) or len(data) - 1), len(data) - 1)
    if first >= len(data):
        return Response(b"", 416, {"Content-Range": f"bytes */{len(data)}"})
    headers = {"Content-Range": f"bytes {first}-{last}/{len(data)}"}
    return Response(data[first : last + 1], 206, headers)


class Hub:
    """A hub on pytest-httpserver: the listing, resolve URLs that redirect the ONNX file to
    a content server (as the real hub does for large files), byte ranges."""

    def __init__(self, server: HTTPServer, files: dict[str, bytes], digest: str | None = None):
        self.server = server
        self.files = files
        self.digest = digest
        server.expect_request(re.compile(".*")).respond_with_handler(self.answer)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def answer(self, request: Request) -> Response:
        path = request.path
        if path == f"/api/models/{NAME}":
            return Response(
                listing(self.files, self.digest), 200, {"Content-Type": "application/json"}
            )
        prefix = f"/{NAME}/resolve/main/"
        if path.startswith(prefix) and path[len(prefix) :] in self.files:
            wanted = path[len(prefix) :]
            if wanted.endswith(".onnx"):
                return Response(b"", 302, {"Location": f"/cdn/{wanted}"})
            return ranged(request, self.files[wanted])
        if path.startswith("/cdn/") and path[5:] in self.files:
            return ranged(request, self.files[path[5:]])
        return Response(b"Entry not found", 404)

    def paths(self) -> list[str]:
        return [request.path for request, _ in self.server.log]


@pytest.fixture
def hub(httpserver: HTTPServer, model_files: dict[str, bytes]) -> Iterator[Hub]:
    yield Hub(httpserver, model_files)


def settings(url: str, **changes: object) -> HubSettings:
    values: dict[str, object] = {"url": url, "classify": pretend, "retries": 0, "chunk": 4096}
    values.update(changes)
    return HubSettings(**values)  # type: ignore[arg-type]


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- downloads


def test_first_use_downloads_with_progress_and_second_use_reads_the_cache(
    hub: Hub, model_files: dict[str, bytes], tmp_path: Path
) -> None:
    seen: list[tuple[str, int, int]] = []
    folder = fetch_model(
        NAME,
        offline=False,
        cache_dir=tmp_path,
        progress=lambda what, done, total: seen.append((what, done, total)),
        settings=settings(hub.url),
    )

    assert folder == cached_folder(NAME, tmp_path) == tmp_path / "someone" / "tiny-embedding"
    for path, data in model_files.items():
        if path != "README.md":
            assert (folder / path).read_bytes() == data
    assert not (folder / "README.md").exists()  # only the files a model needs
    manifest = json.loads((folder / "citeaudit-download.json").read_text())
    assert manifest["model"] == NAME and "onnx/model.onnx" in manifest["files"]
    # Progress: one bar for the model, the total known from the listing, never going back.
    total = sum(len(d) for p, d in model_files.items() if p != "README.md")
    assert {what for what, _, _ in seen} == {NAME}
    assert seen[-1][1:] == (total, total) and all(t == total for _, _, t in seen)
    dones = [done for _, done, _ in seen]
    assert dones == sorted(dones) and len(dones) > 4  # the ONNX file came in several ranges
    assert "/cdn/onnx/model.onnx" in hub.paths()  # the redirect was followed

    asked = len(hub.server.log)
    scorer = load_scorer(NAME, offline=False, cache_dir=tmp_path, hub=settings(hub.url))
    assert scorer.name == "tiny-embedding"
    close, far = scorer.similarities(SENTENCES[0], [SENTENCES[1], SENTENCES[4]])
    assert close > far
    assert load_scorer(NAME, offline=True, cache_dir=tmp_path).name == "tiny-embedding"
    assert len(hub.server.log) == asked  # the cache answered: no request at all
    assert files_in(tmp_path) == sorted(
        f"someone/tiny-embedding/{p}" for p in [*manifest["files"], "citeaudit-download.json"]
    )


def test_the_hub_url_and_the_cache_come_from_the_environment(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITEAUDIT_HUB_URL", hub.url + "/")
    monkeypatch.setenv("CITEAUDIT_MODEL_CACHE", str(tmp_path / "models"))
    assert default_cache_dir() == tmp_path / "models"
    folder = fetch_model(NAME, offline=False, settings=HubSettings(classify=pretend))
    assert folder == tmp_path / "models" / "someone" / "tiny-embedding"
    assert hub.paths()[0] == f"/api/models/{NAME}"


def test_the_default_cache_follows_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "citeaudit" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "citeaudit" / "models"


def test_without_a_listing_the_usual_file_names_are_tried(
    httpserver: HTTPServer, model_files: dict[str, bytes], tmp_path: Path
) -> None:
    files = dict(model_files)
    files["model.onnx"] = files.pop("onnx/model.onnx")  # at the top, as some models have it

    def answer(request: Request) -> Response:
        prefix = f"/{NAME}/resolve/main/"
        if request.path.startswith(prefix) and request.path[len(prefix) :] in files:
            return ranged(request, files[request.path[len(prefix) :]])
        if request.path.startswith("/api/"):
            return Response(b"<html>no API here</html>", 200, {"Content-Type": "text/html"})
        return Response(b"", 404)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    url = f"http://127.0.0.1:{httpserver.port}"
    folder = fetch_model(NAME, offline=False, cache_dir=tmp_path, settings=settings(url))
    assert (folder / "model.onnx").read_bytes() == files["model.onnx"]
    assert (folder / "tokenizer.json").is_file() and (folder / "1_Pooling/config.json").is_file()
    assert not (folder / "onnx").exists()


# --------------------------------------------------------------------------- no download


def test_offline_makes_no_request_and_names_the_option(hub: Hub, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        load_scorer(NAME, offline=True, cache_dir=tmp_path, hub=settings(hub.url))
    assert "--offline" in caught.value.message and NAME in caught.value.message
    assert caught.value.hint and "without --offline" in caught.value.hint
    assert hub.server.log == []
    assert files_in(tmp_path) == []


def test_an_unreachable_hub_is_a_model_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    with pytest.raises(ModelError) as caught:
        fetch_model(NAME, offline=False, cache_dir=tmp_path, settings=settings(url))
    assert "cannot be reached" in caught.value.message
    assert "no model was downloaded" in caught.value.message
    assert files_in(tmp_path) == []


def test_a_hub_at_a_refused_address_is_never_connected_to(tmp_path: Path) -> None:
    with LoopbackServer(LINK_LOCAL_IP, serve(b"HTTP/1.1 200 OK\r\n\r\n")) as server:
        with pytest.raises(ModelError) as caught:
            fetch_model(NAME, offline=False, cache_dir=tmp_path, settings=settings(server.url("")))
        assert server.accepted() == 0
    assert "does not connect to" in caught.value.message


def test_an_unknown_model_says_so(hub: Hub, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        fetch_model("someone/else", offline=False, cache_dir=tmp_path, settings=settings(hub.url))
    assert "no model named someone/else" in caught.value.message
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    "name", ["noslash", "a/b/c", "owner/..", "../etc", "owner/na..me", "/abs/path", "a b/c"]
)
def test_a_model_name_is_owner_slash_name_without_dots(name: str, tmp_path: Path) -> None:
    assert not is_model_name(name)
    with pytest.raises(ModelError):
        fetch_model(name, offline=False, cache_dir=tmp_path, settings=settings("http://x"))
    assert files_in(tmp_path) == []
    assert is_model_name("sentence-transformers/paraphrase-MiniLM-L3-v2")


# --------------------------------------------------------------------------- failures


def test_a_download_cut_short_leaves_nothing_in_the_cache(
    model_files: dict[str, bytes], tmp_path: Path
) -> None:
    onnx = model_files["onnx/model.onnx"]
    base = f"/{NAME}/resolve/main/"
    answers = {f"/api/models/{NAME}?blobs=true": _whole(listing(model_files))}
    for path, data in model_files.items():
        answers[base + path] = _whole(data)  # a server that ignores Range: 200, all of it
    # The model file: the length announced, half of it sent, then the connection closes.
    answers[base + "onnx/model.onnx"] = (
        f"HTTP/1.1 200 OK\r\nContent-Length: {len(onnx)}\r\nConnection: close\r\n\r\n".encode()
        + onnx[: len(onnx) // 2]
    )
    with RawServer(serve(answers)) as server:
        with pytest.raises(ModelError) as caught:
            fetch_model(NAME, offline=False, cache_dir=tmp_path, settings=settings(server.url("")))
    assert "cut short" in caught.value.message and "nothing was kept" in caught.value.message
    assert files_in(tmp_path) == []
    assert [p.name for p in (tmp_path / "someone").iterdir()] == []  # no partial folder


def _whole(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


def test_a_file_that_does_not_match_its_digest_is_not_kept(
    httpserver: HTTPServer, model_files: dict[str, bytes], tmp_path: Path
) -> None:
    Hub(httpserver, model_files, digest="0" * 64)
    url = f"http://127.0.0.1:{httpserver.port}"
    with pytest.raises(ModelError) as caught:
        fetch_model(NAME, offline=False, cache_dir=tmp_path, settings=settings(url))
    assert "sha256" in caught.value.message
    assert files_in(tmp_path) == []


def test_a_model_over_the_size_cap_is_not_downloaded(hub: Hub, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        fetch_model(
            NAME, offline=False, cache_dir=tmp_path, settings=settings(hub.url, max_bytes=1000)
        )
    assert "larger than" in caught.value.message
    assert not any("/resolve/" in p for p in hub.paths())  # the listing's sizes said so
    assert files_in(tmp_path) == []
