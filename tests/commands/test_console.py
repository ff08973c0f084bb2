"""What the commands share: the report written whole or not at all, the summary on stderr,
the exit code, and the collector kept off while long-lived things are built."""

from __future__ import annotations

import gc
import hashlib
import json
import sys
from pathlib import Path

import pytest

from citeaudit.commands.console import (
    emit,
    err,
    exit_code,
    inert,
    long_lived,
    note,
    out,
    read_catalog,
    read_sources,
    say,
)
from citeaudit.errors import CatalogError, CiteauditError
from citeaudit.report import Format
from citeaudit.result import Outcome
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network, Verdict
from report_fixture import fixed_report


def test_long_lived_nests_and_turns_the_collector_back_on() -> None:
    assert gc.isenabled()
    with long_lived():
        with long_lived():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not end the outer one
    assert gc.isenabled()


def test_emit_writes_the_report_whole_and_the_summary_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    emit(fixed_report(), Format.JSON, out)
    assert out.read_text(encoding="utf-8").startswith("{")
    assert not list(tmp_path.glob(".*.tmp"))
    err = capsys.readouterr().err
    assert f"report written to {out}" in err and "sources: " in err


def test_emit_to_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CiteauditError, match="cannot write the report"):
        emit(fixed_report(), Format.JSON, tmp_path / "no" / "report.json")


def test_exit_code_follows_fail_on() -> None:
    facts = Outcome(
        network=Network.ONLINE,
        sources=(("a", LinkStatus.BLOCKED, False),),
        claims=(("c", ClaimVerdict.SUPPORTED, (Verdict.VERIFIED,)),),
    )
    assert exit_code(facts) == 0
    assert exit_code(facts, ["blocked"]) == 1


def test_read_catalog(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: a\n    url: https://example.org/\n", encoding="utf-8")
    assert [s.id for s in read_catalog(path).sources] == ["a"]
    assert gc.isenabled()


def test_read_sources_hashes_the_bytes_it_checked(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    data = "\ufeffsources:\n  - id: a\n    url: https://example.org/\n".encode()
    path.write_bytes(data)
    catalog, sha256 = read_sources(path)
    assert [s.id for s in catalog.sources] == ["a"]
    assert sha256 == hashlib.sha256(data).hexdigest()  # the bytes, BOM and all
    assert gc.isenabled()
    with pytest.raises(CatalogError, match="no such file"):
        read_sources(tmp_path / "missing.yaml")
    with pytest.raises(CatalogError, match="this is a directory"):
        read_sources(tmp_path)


HOSTILE = "gone\x1b[2J\x1b[H\u202e.txt\x9b31m"
SHOWN = "gone\\x1b[2J\\x1b[H\\u202e.txt\\x9b31m"


def test_every_way_of_printing_makes_text_inert(capsys: pytest.CaptureFixture[str]) -> None:
    say(f"warning: {HOSTILE}")
    note(f"source s1: {HOSTILE}")
    err().print(f"hint: {HOSTILE}", "and", HOSTILE)
    out().print(f"listed: {HOSTILE}")
    printed = capsys.readouterr()
    assert printed.err.splitlines() == [
        f"warning: {SHOWN}",
        f"citeaudit: source s1: {SHOWN}",
        f"hint: {SHOWN} and {SHOWN}",
    ]
    assert printed.out == f"listed: {SHOWN}\n"
    assert inert("plain words, café\nand a second line") == "plain words, café\nand a second line"


def test_a_data_report_read_at_a_terminal_is_inert(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = fixed_report()
    run = report.run.model_copy(update={"sources_file": f"sources{HOSTILE}.yaml"})
    report = report.model_copy(update={"run": run})
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    emit(report, Format.JSON, None)
    at_terminal = capsys.readouterr().out
    assert "\x1b" not in at_terminal and "\u202e" not in at_terminal
    assert json.loads(at_terminal)["run"]["sources_file"] == f"sources{HOSTILE}.yaml"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    emit(report, Format.JSON, None)
    assert json.loads(capsys.readouterr().out)["run"]["sources_file"] == f"sources{HOSTILE}.yaml"
