"""Whether a local file can be read, said in words that say what to do, found by looking
(never by opening: a FIFO would hang), and reported at its ``file:`` while a sources file
is read; only files under the sources file's folder, never a device, pipe or system file;
the one careful read; and the name a file is shared under."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from citeaudit.catalog import (
    MAX_LOCAL_FILE,
    local_file_name,
    local_file_problem,
    localfiles,
    read_local_file,
)
from citeaudit.catalog.reader import load_catalog, parse_catalog
from citeaudit.errors import CatalogError, CiteauditError

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_permissions = pytest.mark.skipif(AS_ROOT, reason="root reads every file")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
needs_linux = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="no /proc")

RELATIVE = "paths are relative to the folder of the sources file"
ONLY_BELOW = (
    "citeaudit reads local files only from that folder and below "
    "(use --allow-outside-files to read it anyway)"
)


def outside(file: str) -> str:
    return f"file {file} is outside the folder of the sources file: {ONLY_BELOW}"


def through_a_link(file: str) -> str:
    return (
        f"file {file} leads, through a symbolic link, outside the folder of the sources file: "
        f"{ONLY_BELOW}"
    )


def system(file: str, where: str) -> str:
    return (
        f"file {file} is in {where}, where the system keeps devices and the state of running "
        "programs, not documents: citeaudit never reads from /proc, /sys or /dev; cite a saved "
        "copy of the document"
    )


def not_regular(file: str, what: str) -> str:
    return (
        f"file {file} is {what}, not a regular file: citeaudit reads only regular files; "
        "cite a saved copy of the document"
    )


def project(tmp_path: Path) -> Path:
    """The folder of a sources file, with a file beside it (outside) and one in it."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("SECRET=hunter2\n", encoding="utf-8")
    return folder


def answered_without_hanging(ask: Callable[[], object], fifo: Path) -> list[object]:
    """Call ``ask`` in a thread; fail (freeing it) if it waits on the FIFO ``fifo``."""
    answers: list[object] = []

    def call() -> None:
        try:
            answers.append(ask())
        except CiteauditError as exc:
            answers.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # opened for reading: it waits for a writer; free it and fail
        with fifo.open("wb"):
            pass
        pytest.fail("the FIFO was opened and waited on")
    return answers


def test_a_file_that_is_there_is_fine(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "minutes.txt").write_text("minutes\n", encoding="utf-8")
    assert local_file_problem("letter.pdf", tmp_path) is None
    assert local_file_problem("evidence/minutes.txt", tmp_path) is None
    assert local_file_problem(str(tmp_path / "letter.pdf"), tmp_path) is None
    absolute = str(tmp_path / "letter.pdf")
    assert local_file_problem(absolute, Path("elsewhere"), allow_outside=True) is None


def test_a_missing_file_says_where_paths_start_without_naming_the_folder(tmp_path: Path) -> None:
    assert local_file_problem("missing.txt", tmp_path) == (
        f"file missing.txt does not exist ({RELATIVE})"
    )


def test_a_missing_folder_or_a_file_taken_for_one_is_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    for name in ("evidence/letter.pdf", "letter.pdf/page.txt"):
        assert local_file_problem(name, tmp_path) == f"file {name} does not exist ({RELATIVE})"


def test_a_relative_folder_is_never_shown_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is said of a file goes into reports that are shared: no absolute path."""
    monkeypatch.chdir(tmp_path)
    for name in ("missing.txt", "gone/missing.txt", "../missing.txt"):
        problem = local_file_problem(name, Path("."))
        assert problem is not None and str(tmp_path) not in problem
        assert str(tmp_path.resolve()) not in problem


def test_a_link_to_nothing_is_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").symlink_to(tmp_path / "gone.pdf")
    problem = local_file_problem("letter.pdf", tmp_path)
    assert problem is not None and problem.startswith("file letter.pdf does not exist")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    assert local_file_problem("evidence", tmp_path) == (
        "file evidence is a folder: name a file inside it"
    )


@needs_permissions
def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private\n", encoding="utf-8")
    secret.chmod(0)
    try:
        assert local_file_problem("secret.txt", tmp_path) == (
            "file secret.txt cannot be read: permission denied; allow reading it (chmod +r)"
        )
    finally:
        secret.chmod(0o600)


@needs_permissions
def test_a_folder_that_cannot_be_entered(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "letter.txt").write_text("letter\n", encoding="utf-8")
    closed.chmod(0)
    try:
        assert local_file_problem("closed/letter.txt", tmp_path) == (
            "file closed/letter.txt cannot be reached: permission denied on a folder in its "
            "path; allow entering it (chmod +x)"
        )
    finally:
        closed.chmod(0o700)


def test_the_size_limit(tmp_path: Path) -> None:
    with (tmp_path / "at-limit.bin").open("wb") as stream:
        stream.truncate(MAX_LOCAL_FILE)  # sparse: no disk is used
    with (tmp_path / "over.bin").open("wb") as stream:
        stream.truncate(MAX_LOCAL_FILE + 3 * 1024 * 1024 // 2)
    assert local_file_problem("at-limit.bin", tmp_path) is None
    assert local_file_problem("over.bin", tmp_path, allow_outside=True) is not None
    assert local_file_problem("over.bin", tmp_path) == (
        "file over.bin is 201.5 MB, over the 200 MB limit for a local file: cite a smaller copy"
    )


def test_a_name_no_file_can_have(tmp_path: Path) -> None:
    assert local_file_problem("a\x00b.pdf", tmp_path) == (
        "file 'a\\x00b.pdf' cannot be a file name: it holds a NUL character; remove it"
    )


@needs_fifo
def test_a_fifo_is_looked_at_not_opened_and_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    for allow in (False, True):
        answers = answered_without_hanging(
            partial(local_file_problem, "pipe", tmp_path, allow_outside=allow), tmp_path / "pipe"
        )
        assert answers == [not_regular("pipe", "a named pipe (FIFO)")]


@needs_fifo
def test_a_link_to_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "letter.txt").symlink_to(tmp_path / "pipe")
    answers = answered_without_hanging(
        lambda: local_file_problem("letter.txt", tmp_path), tmp_path / "pipe"
    )
    assert answers == [not_regular("letter.txt", "a named pipe (FIFO)")]


def test_a_socket_is_refused(tmp_path: Path) -> None:
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no Unix sockets here")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "sock"))
        assert local_file_problem("sock", tmp_path) == not_regular("sock", "a socket")
    finally:
        server.close()


# --------------------------------------------------------------------------- where it is


def test_a_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert local_file_problem("notes.txt", folder) is None
    assert local_file_problem("../outside.txt", folder) == outside("../outside.txt")
    deep = "../../../../../../../../../../etc/passwd"
    assert local_file_problem(deep, folder) == outside(deep)
    absolute = str(tmp_path / "outside.txt")
    assert local_file_problem(absolute, folder) == outside(absolute)
    # a path that leaves and comes back is still inside
    assert local_file_problem("../project/notes.txt", folder) is None


def test_a_file_outside_is_refused_whether_or_not_it_exists(tmp_path: Path) -> None:
    """A received sources file must not learn, from a shared report, which files exist."""
    folder = project(tmp_path)
    assert local_file_problem("../nothing-here.txt", folder) == outside("../nothing-here.txt")


def test_a_link_inside_the_folder_to_a_file_outside_is_refused(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "letter.txt").symlink_to(tmp_path / "outside.txt")
    (folder / "copy.txt").symlink_to(folder / "notes.txt")  # a link that stays inside: fine
    assert local_file_problem("letter.txt", folder) == through_a_link("letter.txt")
    assert local_file_problem("copy.txt", folder) is None


def test_a_linked_folder_that_leads_outside_is_refused(tmp_path: Path) -> None:
    folder = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "minutes.txt").write_text("minutes\n", encoding="utf-8")
    (folder / "evidence").symlink_to(elsewhere, target_is_directory=True)
    assert local_file_problem("evidence/minutes.txt", folder) == through_a_link(
        "evidence/minutes.txt"
    )
    # the system follows the link before the ..: this names a file beside ``elsewhere``
    assert local_file_problem("evidence/../notes.txt", folder) == through_a_link(
        "evidence/../notes.txt"
    )


def test_a_sources_folder_reached_through_a_link_is_its_own_folder(tmp_path: Path) -> None:
    folder = project(tmp_path)
    alias = tmp_path / "alias"
    alias.symlink_to(folder, target_is_directory=True)
    assert local_file_problem("notes.txt", alias) is None
    assert local_file_problem(str(folder / "notes.txt"), alias) is None
    assert local_file_problem("../outside.txt", alias) == outside("../outside.txt")


def test_devices_and_system_files_are_refused_even_when_outside_files_are_allowed(
    tmp_path: Path,
) -> None:
    folder = project(tmp_path)
    (folder / "zero.bin").symlink_to("/dev/zero")
    for allow in (False, True):
        assert local_file_problem("/dev/zero", folder, allow_outside=allow) == system(
            "/dev/zero", "/dev"
        )
        assert local_file_problem("zero.bin", folder, allow_outside=allow) == system(
            "zero.bin", "/dev"
        )
        assert local_file_problem("/sys/kernel", folder, allow_outside=allow) == system(
            "/sys/kernel", "/sys"
        )


@needs_linux
def test_proc_files_are_refused_even_when_outside_files_are_allowed(tmp_path: Path) -> None:
    """/proc/self/environ is a regular file of size 0 that reads the environment's secrets."""
    folder = project(tmp_path)
    (folder / "env.txt").symlink_to("/proc/self/environ")
    for allow in (False, True):
        for name in ("/proc/self/environ", "env.txt", "../" * 20 + "proc/self/environ"):
            assert local_file_problem(name, folder, allow_outside=allow) == system(name, "/proc")


def test_outside_files_are_read_when_allowed(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "letter.txt").symlink_to(tmp_path / "outside.txt")
    for name in ("../outside.txt", "letter.txt", str(tmp_path / "outside.txt")):
        assert local_file_problem(name, folder, allow_outside=True) is None
        assert read_local_file(name, folder, allow_outside=True) == b"SECRET=hunter2\n"
    assert local_file_problem("../gone.txt", folder, allow_outside=True) == (
        f"file ../gone.txt does not exist ({RELATIVE})"
    )


# --------------------------------------------------------------------------- reading


def test_a_file_is_read_whole(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert read_local_file("notes.txt", folder) == b"notes\n"


def test_the_read_refuses_what_the_look_refuses(tmp_path: Path) -> None:
    folder = project(tmp_path)
    with pytest.raises(CiteauditError) as caught:
        read_local_file("../outside.txt", folder)
    assert caught.value.message == outside("../outside.txt")
    with pytest.raises(CiteauditError) as caught:
        read_local_file("/dev/zero", folder, allow_outside=True)
    assert caught.value.message == system("/dev/zero", "/dev")


@needs_fifo
def test_a_fifo_swapped_in_after_the_look_is_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between looking and reading, a file can become a FIFO: the read itself refuses it."""
    os.mkfifo(tmp_path / "pipe")
    monkeypatch.setattr(localfiles, "local_file_problem", lambda *args, **kwargs: None)
    answers = answered_without_hanging(lambda: read_local_file("pipe", tmp_path), tmp_path / "pipe")
    assert len(answers) == 1 and isinstance(answers[0], CiteauditError)
    assert answers[0].message == not_regular("pipe", "a named pipe (FIFO)")


def test_a_device_swapped_in_after_the_look_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(localfiles, "local_file_problem", lambda *args, **kwargs: None)
    with pytest.raises(CiteauditError) as caught:
        read_local_file("/dev/zero", tmp_path, allow_outside=True)  # it would never end
    assert caught.value.message == not_regular("/dev/zero", "a device")


def test_a_file_grown_after_the_look_is_cut_at_the_limit_and_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "big.bin").write_bytes(b"x" * 100)
    monkeypatch.setattr(localfiles, "local_file_problem", lambda *args, **kwargs: None)
    monkeypatch.setattr(localfiles, "MAX_LOCAL_FILE", 10)
    with pytest.raises(CiteauditError) as caught:
        read_local_file("big.bin", tmp_path)
    assert caught.value.message.startswith("file big.bin is ")
    assert caught.value.message.endswith(" limit for a local file: cite a smaller copy")


# --------------------------------------------------------------------------- shared names


def test_a_file_is_named_relative_to_the_folder(tmp_path: Path) -> None:
    folder = project(tmp_path)
    assert local_file_name("notes.txt", folder) == "notes.txt"
    assert local_file_name("./minutes//2024/../notes.txt", folder) == "minutes/notes.txt"
    assert local_file_name(str(folder / "minutes" / "notes.txt"), folder) == "minutes/notes.txt"
    assert local_file_name("../outside.txt", folder) == "../outside.txt"
    assert local_file_name(str(tmp_path / "outside.txt"), folder) == "../outside.txt"
    alias = tmp_path / "alias"
    alias.symlink_to(folder, target_is_directory=True)
    assert local_file_name(str(folder / "notes.txt"), alias) == "notes.txt"
    for name in ("notes.txt", "../outside.txt", str(folder / "notes.txt")):
        assert str(tmp_path) not in local_file_name(name, folder)


# --------------------------------------------------------------------------- while reading


SOURCES = """\
sources:
  - id: there
    file: letter.txt
  - id: gone
    file: missing.txt
  - id: web
    url: not a url
  - id: folder
    file: " evidence "
"""


def test_each_unreadable_file_is_reported_at_its_value_with_every_other_problem(
    tmp_path: Path,
) -> None:
    (tmp_path / "letter.txt").write_text("letter\n", encoding="utf-8")
    (tmp_path / "evidence").mkdir()
    with pytest.raises(CatalogError) as caught:
        parse_catalog(SOURCES, "sources.yaml", files_in=tmp_path)
    found = [(p.line, p.column, p.message) for p in caught.value.problems]
    assert found == [
        (5, 11, f"file missing.txt does not exist ({RELATIVE})"),
        (7, 10, "URL 'not a url' contains white space"),
        (9, 11, "file evidence is a folder: name a file inside it"),
    ]


def test_files_are_not_looked_at_unless_asked(tmp_path: Path) -> None:
    text = "sources:\n  - id: gone\n    file: missing.txt\n"
    assert parse_catalog(text, "sources.yaml").sources[0].file == "missing.txt"
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_catalog(path).sources[0].file == "missing.txt"
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, check_files=True)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:11: file missing.txt does not exist ({RELATIVE})"
    ]


def test_a_file_value_that_is_not_text_is_reported_once(tmp_path: Path) -> None:
    text = "sources:\n  - id: odd\n    file: [a, b]\n"
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "sources.yaml", files_in=tmp_path)
    assert len(caught.value.problems) == 1
    assert "does not exist" not in caught.value.problems[0].message


def test_refused_files_are_reported_at_their_values_unless_outside_files_are_allowed(
    tmp_path: Path,
) -> None:
    folder = project(tmp_path)
    text = (
        "sources:\n"
        "  - id: good\n    file: notes.txt\n"
        "  - id: out\n    file: ../outside.txt\n"
        "  - id: zero\n    file: /dev/zero\n"
    )
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "sources.yaml", files_in=folder)
    assert [(p.line, p.column, p.message) for p in caught.value.problems] == [
        (5, 11, outside("../outside.txt")),
        (7, 11, system("/dev/zero", "/dev")),
    ]
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "sources.yaml", files_in=folder, allow_outside_files=True)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (7, system("/dev/zero", "/dev"))
    ]
    path = folder / "sources.yaml"
    path.write_text(text.replace("  - id: zero\n    file: /dev/zero\n", ""), encoding="utf-8")
    assert len(load_catalog(path, check_files=True, allow_outside_files=True).sources) == 2
    with pytest.raises(CatalogError):
        load_catalog(path, check_files=True)
