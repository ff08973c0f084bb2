"""The README and the --help texts must describe the commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit.commands.app import app

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)


def test_there_are_commands() -> None:
    assert {"validate", "check", "audit"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"citeaudit {command}" in README
    options = set(re.findall(r"--[a-z][a-z-]+", result.stdout)) - {"--help"}
    for option in options:
        assert option in README, f"{command} {option} is not in the README"


def test_readme_quickstart_has_the_two_commands() -> None:
    assert "uv run citeaudit audit" in README
    assert "uv run pytest" in README
    assert "uv run pytest" in (Path(__file__).parents[2] / ".ci" / "run").read_text()


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("citeaudit ")


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(app, ["audit", "--concurrency", "0"])
    assert result.exit_code == 2
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
