"""The Typer app: every command registered, help and version, and a bug reported as one
without a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit import __version__
from citeaudit.commands import app as app_module
from citeaudit.commands import main
from citeaudit.commands.app import app

COMMANDS = (
    "validate",
    "check",
    "audit",
    "archive",
    "report",
    "history",
    "search",
    "export",
    "verify-store",
)


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


# ---------------------------------------------------------------------------------------------
# What a sources file holds reaches the terminal inert

#: What would act on a terminal: ESC, C1 controls, bidi marks and overrides.
ACTING = re.compile("[\x1b\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The same, as a message shows it.
SHOWN = "\\x1b[2J\\x1b[Hgone\\u202e.txt"


def hostile_sources(tmp_path: Path, *, valid_id: bool) -> Path:
    """A sources file whose file name (and id) would clear the screen and reverse the line."""
    ident = "s1" if valid_id else '"s1\\e[2J\\e[H\\u202e"'
    path = tmp_path / "sources.yaml"
    path.write_text(
        'document:\n  title: "Report \\e]0;retitled\\a\\u202e"\n'
        f'sources:\n  - id: {ident}\n    title: "Title \\e[31mred\\u202e\\x9b2J"\n'
        '    file: "\\e[2J\\e[Hgone\\u202e.txt"\n'
        'claims:\n  - id: c1\n    text: "All sources verified \\e[2J"\n    evidence:\n'
        "      - source: s1\n        quote: hello world\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["validate", "check", "audit"])
def test_a_hostile_sources_file_reaches_the_terminal_inert(tmp_path: Path, command: str) -> None:
    extra = ["--archived", "never"] if command == "audit" else []
    for valid_id in (False, True):
        path = hostile_sources(tmp_path, valid_id=valid_id)
        done = CliRunner().invoke(app, [command, str(path), *extra])
        assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
        both = done.stdout + done.stderr
        assert not ACTING.search(both), (command, valid_id, both)
        if not valid_id:  # every command refuses the file, naming the id as written
            assert done.exit_code == 2
            assert "id 's1\\x1b[2J\\x1b[H\\u202e' is not a valid id" in done.stderr
        if command == "validate" or valid_id:  # the file that cannot be read is named
            assert SHOWN in done.stderr, done.stderr
        if valid_id and command != "validate":
            assert done.exit_code == 1
            assert f"citeaudit: source s1: file {SHOWN}" in done.stderr
