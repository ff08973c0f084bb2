"""Whether a local file can be read, said in words that say what to do, found by looking
(never by opening: a FIFO would hang), and reported at its ``file:`` while a sources file
is read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from citeaudit.catalog import MAX_LOCAL_FILE, local_file_problem
from citeaudit.catalog.reader import load_catalog, parse_catalog
from citeaudit.errors import CatalogError

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_permissions = pytest.mark.skipif(AS_ROOT, reason="root reads every file")


def relative_to(folder: Path) -> str:
    return f"paths are relative to the folder of the sources file, {folder.resolve()}"


def test_a_file_that_is_there_is_fine(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "minutes.txt").write_text("minutes\n", encoding="utf-8")
    assert local_file_problem("letter.pdf", tmp_path) is None
    assert local_file_problem("evidence/minutes.txt", tmp_path) is None
    assert local_file_problem(str(tmp_path / "letter.pdf"), Path("elsewhere")) is None


def test_a_missing_file_says_where_paths_start(tmp_path: Path) -> None:
    assert local_file_problem("missing.txt", tmp_path) == (
        f"file missing.txt does not exist ({relative_to(tmp_path)})"
    )


def test_a_missing_folder_or_a_file_taken_for_one_is_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    for name in ("evidence/letter.pdf", "letter.pdf/page.txt"):
        assert local_file_problem(name, tmp_path) == (
            f"file {name} does not exist ({relative_to(tmp_path)})"
        )


def test_a_relative_folder_is_shown_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    problem = local_file_problem("missing.txt", Path("."))
    assert problem is not None and problem.endswith(f"sources file, {tmp_path.resolve()})")


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
    assert local_file_problem("over.bin", tmp_path) == (
        "file over.bin is 201.5 MB, over the 200 MB limit for a local file: cite a smaller copy"
    )


def test_a_name_no_file_can_have(tmp_path: Path) -> None:
    assert local_file_problem("a\x00b.pdf", tmp_path) == (
        "file 'a\\x00b.pdf' cannot be a file name: it holds a NUL character; remove it"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_looked_at_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    answers: list[str | None] = []
    worker = threading.Thread(
        target=lambda: answers.append(local_file_problem("pipe", tmp_path)), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # opened for reading: it waits for a writer; free it and fail
        with (tmp_path / "pipe").open("wb"):
            pass
        pytest.fail("local_file_problem opened the FIFO")
    assert len(answers) == 1


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
        (5, 11, f"file missing.txt does not exist ({relative_to(tmp_path)})"),
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
        f"{path}:3:11: file missing.txt does not exist ({relative_to(tmp_path)})"
    ]


def test_a_file_value_that_is_not_text_is_reported_once(tmp_path: Path) -> None:
    text = "sources:\n  - id: odd\n    file: [a, b]\n"
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "sources.yaml", files_in=tmp_path)
    assert len(caught.value.problems) == 1
    assert "does not exist" not in caught.value.problems[0].message
