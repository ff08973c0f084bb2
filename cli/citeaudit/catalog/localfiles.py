"""Whether a source's local file can be read, said before anything reads it; the one careful
read of it; and the name it is shared under.

``validate`` reports a file that cannot be read at its ``file:`` value, ``check`` shows it
on the source, and a run judges that source unavailable and goes on with the rest: all
three ask :func:`local_file_problem`, so they refuse the same files in the same words.
It only looks (``stat``), never opens: opening a FIFO or a device could hang.

A sources file may come from someone else, and what a run reads is archived and shared. So
a local file must lie under the sources file's folder (links followed) unless the user
allows files outside it; a device, pipe or socket is never read, nor anything under
``/proc``, ``/sys`` or ``/dev`` (``/proc/self/environ`` is a regular file holding the
environment's secrets). What is said of a file names it as the sources file does, and what
is archived names it relative to that folder (:func:`local_file_name`): never by a path
that shows where the user keeps their files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Final

from citeaudit.catalog.problems import Located
from citeaudit.errors import CiteauditError

MAX_LOCAL_FILE: Final = 200 * 1024 * 1024
"""Larger local files are refused: a cited document is a few megabytes, not a disk image."""

SYSTEM_FOLDERS: Final = ("/proc", "/sys", "/dev")
"""Never read from, even with outside files allowed: devices and the state of running
programs live there, not documents."""

_RELATIVE: Final = "paths are relative to the folder of the sources file"
_ONLY_BELOW: Final = (
    "citeaudit reads local files only from that folder and below "
    "(use --allow-outside-files to read it anyway)"
)
_KINDS: Final = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)
_OPEN_FLAGS: Final = (
    os.O_RDONLY
    # A FIFO opened without O_NONBLOCK waits for a writer: with it, the open returns at once.
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_NOFOLLOW", 0)  # the path is resolved: a link there now was swapped in
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK: Final = 1024 * 1024


def local_file_problem(file: str, folder: Path, *, allow_outside: bool = False) -> str | None:
    """What stops the local file ``file`` (relative to ``folder``, the sources file's folder)
    from being read, in words that say what to do; None when it can be read.

    ``allow_outside``: files outside ``folder`` may be read too (never a system file).
    Where a file is, is said before whether it exists, so a shared report does not tell
    which files exist outside the folder.
    """
    if "\x00" in file:  # no file can have this name
        return f"file {file!r} cannot be a file name: it holds a NUL character; remove it"
    path = folder / file
    problem = _place_problem(file, folder, os.path.realpath(path), allow_outside)
    if problem is not None:
        return problem
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return f"file {file} does not exist ({_RELATIVE})"
    except PermissionError:
        return (
            f"file {file} cannot be reached: permission denied on a folder in its path; "
            "allow entering it (chmod +x)"
        )
    except OSError as exc:  # a loop of links, a name too long...
        return f"file {file} cannot be read: {exc.strerror or type(exc).__name__}"
    if stat.S_ISDIR(info.st_mode):
        return f"file {file} is a folder: name a file inside it"
    kind = _kind_problem(file, info.st_mode)
    if kind is not None:
        return kind
    if not os.access(path, os.R_OK):
        return f"file {file} cannot be read: permission denied; allow reading it (chmod +r)"
    return _size_problem(file, info.st_size, MAX_LOCAL_FILE)


def read_local_file(file: str, folder: Path, *, allow_outside: bool = False) -> bytes:
    """The bytes of the local file ``file``; CiteauditError says what stops them being read,
    in the words of :func:`local_file_problem`.

    The file may change between the look and the read (swapped for a FIFO, a device, a link
    elsewhere): it is opened without waiting and without following a link, the opened file
    itself is checked, and no more than the size limit is read.
    """
    problem = local_file_problem(file, folder, allow_outside=allow_outside)
    if problem is not None:
        raise CiteauditError(problem)
    limit = MAX_LOCAL_FILE
    real = os.path.realpath(folder / file)
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:  # changed since it was looked at
        raise CiteauditError(
            local_file_problem(file, folder, allow_outside=allow_outside)
            or f"file {file} cannot be read: {exc.strerror or type(exc).__name__}"
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            problem = f"file {file} is a folder: name a file inside it"
        else:
            problem = _kind_problem(file, info.st_mode)
        opened = _opened_path(fd)
        if problem is None and opened is not None:
            problem = _place_problem(file, folder, opened, allow_outside)
        if problem is None:
            problem = _size_problem(file, info.st_size, limit)
        if problem is not None:
            raise CiteauditError(problem)
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(_CHUNK, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise CiteauditError(
            f"file {file} cannot be read: {exc.strerror or type(exc).__name__}"
        ) from None
    finally:
        os.close(fd)
    if size > limit:  # growing while it is read
        raise CiteauditError(_size_problem(file, size, limit) or "")
    return b"".join(chunks)


def local_file_name(file: str, folder: Path) -> str:
    """The name of the local file ``file`` relative to ``folder`` (the sources file's), with
    ``/`` between folders: ``minutes/notes.txt``, ``../shared/letter.pdf`` (outside files
    allowed). What is archived and shared names a file by this, never by an absolute path."""
    if not os.path.isabs(file):
        name = os.path.normpath(file)
    else:
        name = _relative(os.path.normpath(file), os.path.abspath(folder))
        if name.startswith(os.pardir):  # the folder may be named through a link: resolved
            resolved = _relative(os.path.realpath(file), os.path.realpath(folder))
            if not resolved.startswith(os.pardir):
                name = resolved
    return Path(name).as_posix()


def _relative(path: str, start: str) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # another drive, on Windows: the file's own name is all that is said
        return os.path.basename(path)


def _place_problem(file: str, folder: Path, real: str, allow_outside: bool) -> str | None:
    """What is wrong with where ``file`` is (``real``: with every link followed)."""
    lexical = Path(os.path.normpath(os.path.join(os.path.abspath(folder), file)))
    for system in SYSTEM_FOLDERS:
        if Path(real).is_relative_to(system) or lexical.is_relative_to(system):
            return (
                f"file {file} is in {system}, where the system keeps devices and the state of "
                "running programs, not documents: citeaudit never reads from "
                f"{', '.join(SYSTEM_FOLDERS[:-1])} or {SYSTEM_FOLDERS[-1]}; cite a saved copy "
                "of the document"
            )
    if allow_outside or Path(real).is_relative_to(os.path.realpath(folder)):
        return None
    if lexical.is_relative_to(os.path.abspath(folder)):
        return (
            f"file {file} leads, through a symbolic link, outside the folder of the sources "
            f"file: {_ONLY_BELOW}"
        )
    return f"file {file} is outside the folder of the sources file: {_ONLY_BELOW}"


def _kind_problem(file: str, mode: int) -> str | None:
    """What is wrong with a file that is not a regular file (a folder is said elsewhere)."""
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _KINDS if test(mode)), "not a document")
    return (
        f"file {file} is {what}, not a regular file: citeaudit reads only regular files; "
        "cite a saved copy of the document"
    )


def _size_problem(file: str, size: int, limit: int) -> str | None:
    if size <= limit:
        return None
    return (
        f"file {file} is {_megabytes(size)}, over the {_megabytes(limit)} limit for a local "
        "file: cite a smaller copy"
    )


def _opened_path(fd: int) -> str | None:
    """Where the file open as ``fd`` really is, when the system can say (Linux): a folder
    on its path swapped for a link after the look shows here."""
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return where if os.path.isabs(where) else None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size % (1024 * 1024) else f"{size >> 20} MB"


class LocalFiles(Located):
    """Checks, while a sources file is read, that each local file it names can be read."""

    def check_files(self, data: dict[str, Any], folder: Path, allow_outside: bool = False) -> None:
        """Report each source's ``file:`` that cannot be read, at that value."""
        sources = data.get("sources")
        if not isinstance(sources, list):
            return  # the wrong shape is reported already
        for index, entry in enumerate(sources):
            file = entry.get("file") if isinstance(entry, dict) else None
            if not isinstance(file, str) or not file.strip():
                continue  # no file, or one reported already as not text
            problem = local_file_problem(file.strip(), folder, allow_outside=allow_outside)
            if problem is not None:
                self.add(self.marks.get(("sources", index, "file"), (1, 1)), problem)
