"""`history`, `search`, `export` and `verify-store` on a store built by three real runs (a
source that broke, a PDF that did not change); damaged, and read-only."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.commands.console import store_dir_of
from citeaudit.store.histories import history
from damaged_store import Kept, files_of, flip_bytes, kept
from history_store import three_runs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_runs(tmp_path_factory.mktemp("evidence"))


def test_the_store_defaults_to_the_one_beside_sources_yaml_here() -> None:
    assert store_dir_of(None) == Path(".citeaudit")
    assert store_dir_of(Path("elsewhere")) == Path("elsewhere")


def test_history_commands(store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["history", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    sim_line = next(line for line in lines if "│ p0" in line)
    assert "not_found 404" in sim_line and "│ 3 " in sim_line
    (first_failed,) = [c.date for c in history(store, "p0")[0].captures][1:2]
    assert f"{first_failed:%Y-%m-%d %H:%M:%S}Z" in sim_line
    pdf_line = next(line for line in lines if "│ p1" in line)
    assert "ok 200" in pdf_line

    result = runner.invoke(app, ["history", "p0", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert result.stdout.count("not_found 404") == 2
    assert "failing since" in result.stdout and "last answered" in result.stdout
    result = runner.invoke(app, ["history", "p1", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.stdout.count("unchanged") == 2 and "never failed" in result.stdout

    result = runner.invoke(app, ["history", "nobody", "--store", str(store)])
    assert result.exit_code == 2 and "no source with the id or URL" in result.stderr


def test_search_command_shows_page_text_as_text(store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["search", "boom", "--store", str(store)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "p0  web page  captured" in result.stdout
    assert "[bold red]boom[/]" in result.stdout  # markup from the page is shown, not obeyed
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout

    result = runner.invoke(app, ["search", "commissioned", "--store", str(store)])
    assert "p1  p. 2  captured" in result.stdout
    assert "The boards are commissioned directly by NHS England." in result.stdout

    result = runner.invoke(app, ["search", "zebra", "--store", str(store)])
    assert result.exit_code == 1 and "no page in the store has those words" in result.stderr


def test_export_command(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.wacz"
    result = CliRunner().invoke(app, ["export", "--wacz", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}: 3 WARC files" in result.stderr
    assert zipfile.is_zipfile(out)
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_store_is_found_beside_the_sources_file() -> None:
    assert store_dir_of(None, Path("case/sources.yaml")) == Path("case/.citeaudit")
    assert store_dir_of(Path("elsewhere"), Path("case/sources.yaml")) == Path("elsewhere")


def test_evidence_commands_take_the_sources_file_from_another_folder(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `citeaudit audit case/sources.yaml` from the parent folder, the store is
    case/.citeaudit: history, search and export find it from --sources case/sources.yaml."""
    case = store.parent
    monkeypatch.chdir(case.parent)
    sources = f"{case.name}/sources.yaml"
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    result = runner.invoke(app, ["history", "--sources", sources], env=env)
    assert result.exit_code == 0, result.stderr
    assert "│ p0" in result.stdout and "│ p1" in result.stdout
    result = runner.invoke(app, ["history", "p1", "--sources", sources], env=env)
    assert result.exit_code == 0, result.stderr
    assert "never failed" in result.stdout
    result = runner.invoke(app, ["search", "commissioned", "--sources", sources], env=env)
    assert result.exit_code == 0, result.stderr
    assert "p1  p. 2  captured" in result.stdout
    out = tmp_path / "case.wacz"
    result = runner.invoke(app, ["export", "--wacz", str(out), "--sources", sources])
    assert result.exit_code == 0, result.stderr
    assert zipfile.is_zipfile(out)
    # without --sources, ./sources.yaml: there is none here, so there is no store here
    result = runner.invoke(app, ["search", "commissioned"])
    assert result.exit_code != 0 and "there is no evidence store at .citeaudit" in result.stderr
    # --store wins over --sources
    result = runner.invoke(
        app, ["search", "commissioned", "--sources", "nowhere/sources.yaml", "--store", str(store)]
    )
    assert result.exit_code == 0, result.stderr
    # and from the case folder itself, ./sources.yaml's store is the default
    monkeypatch.chdir(case)
    result = runner.invoke(app, ["search", "commissioned"], env=env)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", ["history", "search", "export", "verify-store"])
def test_evidence_help_says_where_the_store_is(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--sources" in result.stdout and ".citeaudit/ beside" in result.stdout


def test_export_lists_one_page_per_source_of_the_sources_file(store: Path, tmp_path: Path) -> None:
    """ReplayWeb.page lists the WACZ's pages: one per source, at its newest good capture (p0
    broke after the first run: its page is that first capture, not the 404 pages)."""
    import json

    out = tmp_path / "pages.wacz"
    sources = store.parent / "sources.yaml"
    result = CliRunner().invoke(app, ["export", "--wacz", str(out), "--sources", str(sources)])
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as wacz:
        lines = wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    assert [p["url"].rsplit("/", 1)[1] for p in pages] == ["sim", "report.pdf"]
    first_capture = history(store, "p0")[0].captures[0].date
    assert pages[0]["ts"].startswith(f"{first_capture:%Y-%m-%dT%H:%M:%S}")
    assert pages[0]["title"] == "SIM"


# -- a damaged store, and a store that can only be read ---------------------------------------


@pytest.fixture
def damaged(store: Path, tmp_path: Path) -> tuple[Path, Kept]:
    """A copy of the store with bytes flipped in p0's first snapshot (the page as it was)."""
    copy = Path(shutil.copytree(store, tmp_path / "damaged" / ".citeaudit"))
    first = kept(copy, "p0")[0]
    flip_bytes(copy / first.warc, first.offset, first.length)
    return copy, first


def test_verify_store_command(store: Path) -> None:
    result = CliRunner().invoke(app, ["verify-store", "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("the store points at: none damaged\n")
    assert result.stdout.startswith("checked ") and result.stdout.count("\n") == 1


def test_verify_store_names_the_damaged_record(damaged: tuple[Path, Kept]) -> None:
    copy, first = damaged
    result = CliRunner().invoke(app, ["verify-store", "--store", str(copy)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"damaged: {first.warc} at offset {first.offset} ({first.record_id}): its compressed "
        f"bytes do not decode; it holds p0's snapshot of {first.date[:10]}"
    )
    assert lines[1].endswith("the store points at: 1 damaged") and len(lines) == 2
    assert "restore the WARC file from a backup" in result.stderr


def test_history_and_search_still_list_a_damaged_copy(damaged: tuple[Path, Kept]) -> None:
    """They read the database only: the copy is listed as kept, and its text, extracted
    when it was captured, is still found."""
    copy, _first = damaged
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    result = runner.invoke(app, ["history", "--store", str(copy)], env=env)
    assert result.exit_code == 0, result.stderr
    assert "│ 3 " in next(line for line in result.stdout.splitlines() if "│ p0" in line)
    result = runner.invoke(app, ["history", "p0", "--store", str(copy)], env=env)
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["search", "teams", "--store", str(copy)], env=env)
    assert result.exit_code == 0, result.stderr
    assert "p0  web page  captured" in result.stdout


def _every_read_command(store: Path, out: Path) -> None:
    runner = CliRunner()
    for args, code in (
        (["report"], 1),  # a link has rotted: a finding
        (["report", "--list-runs"], 0),
        (["history"], 0),
        (["history", "p1"], 0),
        (["search", "commissioned"], 0),
        (["export", "--wacz", str(out)], 0),
        (["verify-store"], 0),
    ):
        result = runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "200"})
        assert result.exit_code == code, (args, result.stderr)
    assert zipfile.is_zipfile(out)


def test_the_read_commands_change_nothing_in_the_store(store: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(store, tmp_path / "copy" / ".citeaudit"))
    before = files_of(copy)
    _every_read_command(copy, tmp_path / "out.wacz")
    assert files_of(copy) == before  # no -wal, -shm or lock file made, nothing touched


@pytest.mark.skipif(os.geteuid() == 0, reason="run as root, where permissions are not enforced")
def test_the_read_commands_work_on_a_store_that_can_only_be_read(
    store: Path, tmp_path: Path
) -> None:
    copy = Path(shutil.copytree(store, tmp_path / "copy" / ".citeaudit"))
    folders = [copy.parent, copy, copy / "archive"]
    for path in [*folders, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        _every_read_command(copy, tmp_path / "out.wacz")
    finally:
        for path in folders:
            path.chmod(path.stat().st_mode | 0o200)
