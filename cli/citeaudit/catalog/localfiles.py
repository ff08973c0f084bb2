"""Whether a source's local file can be read, said before anything reads it.

``validate`` reports a file that cannot be read at its ``file:`` value, ``check`` shows it
on the source, and a run judges that source unavailable and goes on with the rest: all
three ask :func:`local_file_problem`, so they refuse the same files in the same words.
It only looks (``stat``, ``access``), never opens: opening a FIFO or a device could hang.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Final

from citeaudit.catalog.problems import Located

MAX_LOCAL_FILE: Final = 200 * 1024 * 1024
"""Larger local files are refused: a cited document is a few megabytes, not a disk image."""


def local_file_problem(file: str, folder: Path) -> str | None:
    """What stops the local file ``file`` (relative to ``folder``, the sources file's folder)
    from being read, in words that say what to do; None when it can be read."""
    path = folder / file
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return f"file {file} does not exist ({_relative_to(folder)})"
    except PermissionError:
        return (
            f"file {file} cannot be reached: permission denied on a folder in its path; "
            "allow entering it (chmod +x)"
        )
    except OSError as exc:
        return f"file {file} cannot be read: {exc.strerror or exc} ({_relative_to(folder)})"
    except ValueError:  # a NUL character: no file can have this name
        return f"file {file!r} cannot be a file name: it holds a NUL character; remove it"
    if stat.S_ISDIR(info.st_mode):
        return f"file {file} is a folder: name a file inside it"
    if not os.access(path, os.R_OK):
        return f"file {file} cannot be read: permission denied; allow reading it (chmod +r)"
    if info.st_size > MAX_LOCAL_FILE:
        return (
            f"file {file} is {_megabytes(info.st_size)}, over the {_megabytes(MAX_LOCAL_FILE)} "
            "limit for a local file: cite a smaller copy"
        )
    return None


def _relative_to(folder: Path) -> str:
    return f"paths are relative to the folder of the sources file, {folder.resolve()}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size % (1024 * 1024) else f"{size >> 20} MB"


class LocalFiles(Located):
    """Checks, while a sources file is read, that each local file it names can be read."""

    def check_files(self, data: dict[str, Any], folder: Path) -> None:
        """Report each source's ``file:`` that cannot be read, at that value."""
        sources = data.get("sources")
        if not isinstance(sources, list):
            return  # the wrong shape is reported already
        for index, entry in enumerate(sources):
            file = entry.get("file") if isinstance(entry, dict) else None
            if not isinstance(file, str) or not file.strip():
                continue  # no file, or one reported already as not text
            problem = local_file_problem(file.strip(), folder)
            if problem is not None:
                self.add(self.marks.get(("sources", index, "file"), (1, 1)), problem)
