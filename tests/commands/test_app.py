"""The Typer app: every command registered, help and version, and a bug reported as one
without a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from citeaudit import __version__
from citeaudit.commands import app as app_module
from citeaudit.commands import main
from citeaudit.commands.app import app

COMMANDS = ("validate", "check", "audit", "archive", "report", "history", "search", "export")


def test_every_command_is_registered_and_helped() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout == f"citeaudit {__version__}\n"


def test_help_loads_no_engine() -> None:
    code = (
        "import sys\n"
        "from citeaudit.commands import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(*sorted(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stderr.split())
    for heavy in ("httpx", "pydantic", "warcio", "lxml", "sqlite3", "citeaudit.fetch.fetcher"):
        assert heavy not in loaded, heavy


def test_a_bug_is_reported_as_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: list[str] | None = None) -> None:
        raise RuntimeError("something impossible")

    monkeypatch.setattr(app_module, "app", broken)
    with pytest.raises(SystemExit) as done:
        main(["validate"])
    assert done.value.code == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: something impossible" in err
    assert "CITEAUDIT_DEBUG=1" in err and "Traceback" not in err
