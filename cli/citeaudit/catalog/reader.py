"""Load a sources file and check it, reporting every problem at once as ``FILE:LINE:COL``.

A user fixing a sources file wants the whole list of what is wrong, each with the place to
look, not one traceback at a time. So the file is read in steps that all report into one
list: its YAML into plain data, keeping where each value was written
(:mod:`citeaudit.catalog.yamltree`), then that data checked against the models of
:mod:`citeaudit.catalog.entries` (:mod:`citeaudit.catalog.validation`), every error mapped
back to a line and column (:mod:`citeaudit.catalog.problems`).

The input may be hostile or simply wrong (a binary file, an alias bomb, a deeply nested
list): whatever it holds, the only exception that leaves :func:`parse_catalog` and
:func:`load_catalog` is :class:`~citeaudit.errors.CatalogError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, NoReturn

from yaml.nodes import MappingNode, SequenceNode

from citeaudit.catalog.entries import Catalog
from citeaudit.catalog.localfiles import LocalFiles
from citeaudit.catalog.problems import line_col, pos, short
from citeaudit.catalog.validation import Validation
from citeaudit.catalog.yamltree import NULL_TAG, Alias, Stop, YamlTree
from citeaudit.errors import CatalogError, Problem

MAX_BYTES: Final = 32 * 1024 * 1024
"""Larger files are refused. A link list of 100,000 sources with titles is some 15 MB and
reads in about 500 MB of memory; this leaves it twice that, and keeps a run within about
1 GB (``bench/bench_yaml.py`` measures it)."""

_EXAMPLE: Final = (
    "sources: [{id: smith-2020, url: 'https://example.org/report'}] and "
    "claims: [{id: c1, text: '...', evidence: [{source: smith-2020, locator: 'p. 3'}]}]"
)


def load_catalog(
    path: Path, *, check_files: bool = False, allow_outside_files: bool = False
) -> Catalog:
    """Read and check the sources file at ``path``; raise CatalogError listing every problem.

    ``check_files``: also report each local file that cannot be read, at its ``file:``
    (``validate`` does; a run instead judges that source unavailable and goes on);
    ``allow_outside_files``: files outside the sources file's folder may be read.
    """
    return parse_catalog(
        read_sources_file(path),
        str(path),
        files_in=path.parent if check_files else None,
        allow_outside_files=allow_outside_files,
    )


def read_sources_file(path: Path) -> bytes:
    """The bytes of the sources file at ``path`` (at most one past :data:`MAX_BYTES`, which
    :func:`parse_catalog` then refuses), or CatalogError saying why they cannot be read.
    A run hashes these very bytes, so it records the file it checked."""
    name = str(path)
    try:
        if path.is_dir():
            _fail(name, "this is a directory; pass the path of a sources file inside it")
        with path.open("rb") as stream:
            return stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        _fail(name, "no such file; create one or pass its path")
    except IsADirectoryError:
        _fail(name, "this is a directory; pass the path of a sources file inside it")
    except PermissionError:
        _fail(name, "cannot read the file: permission denied")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _fail(name, f"cannot read the file: {reason}")


def parse_catalog(
    data: str | bytes,
    filename: str,
    *,
    files_in: Path | None = None,
    allow_outside_files: bool = False,
) -> Catalog:
    """Check a sources file's contents; raise CatalogError listing every problem found.

    ``filename`` is only used to label the problems. ``files_in``: the folder local files
    are relative to, to report each one that cannot be read (None: they are not looked at);
    ``allow_outside_files``: files outside that folder may be read.
    """
    reader = _Reader(filename, files_in=files_in, allow_outside_files=allow_outside_files)
    try:
        return reader.read(data)
    except CatalogError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise is that nothing else escapes
        # A bug here must still not show a user a traceback; say what happened instead.
        message = f"internal error while reading this file ({type(exc).__name__}: {exc})"
        raise CatalogError([*reader.problems, Problem(filename, 1, 1, message)]) from exc


def _fail(filename: str, message: str) -> NoReturn:
    raise CatalogError([Problem(filename, 1, 1, message)])


@dataclass
class _Reader(YamlTree, Validation, LocalFiles):
    """One reading of one file, from bytes to the checked catalog."""

    files_in: Path | None = None
    allow_outside_files: bool = False

    def read(self, data: str | bytes) -> Catalog:
        text = self.decode(data)
        if text is None:
            raise self.fail()
        try:
            root = self.compose(text)
        except Stop:
            raise self.fail() from None
        if root is None:
            self.add((1, 1), f"file is empty: a sources file holds, for example, {_EXAMPLE}")
            raise self.fail()
        if isinstance(root, Alias):
            raise self.fail()
        if not isinstance(root, MappingNode):
            if isinstance(root, SequenceNode):
                what = "a list"
            elif root.tag == NULL_TAG:
                what = "an empty value"
            else:
                what = f"the value {short(root.value)}"
            self.add(
                pos(root.start_mark),
                "the top level must be a mapping with the keys document, sources and claims, "
                f"not {what}",
            )
            raise self.fail()
        try:
            value = self.walk(root, (), 0, set())
        except Stop:
            raise self.fail() from None
        catalog = self.validate(value) if isinstance(value, dict) else None
        if isinstance(value, dict):
            self.cross_check(value)
            if self.files_in is not None:
                self.check_files(value, self.files_in, self.allow_outside_files)
        if self.problems or catalog is None:
            raise self.fail()
        return catalog

    def decode(self, data: str | bytes) -> str | None:
        """Bytes to text, refusing what is too big or not UTF-8; a leading BOM is dropped."""
        if len(data) > MAX_BYTES:
            size = MAX_BYTES // (1024 * 1024)
            self.add((1, 1), f"file is larger than {size} MB: is it really a sources file?")
            return None
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.add((1, 1), "the file is UTF-16 text: save it as UTF-8")
            return None
        data = data.removeprefix(b"\xef\xbb\xbf")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start].decode("utf-8")
            self.add(
                line_col(before, len(before)),
                f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} cannot be read here; "
                "save the file as UTF-8",
            )
            return None
