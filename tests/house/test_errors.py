"""The one exception hierarchy: every error a user can cause is a CiteauditError with an
exit code of 2, a message and a hint; a sources file's problems print as FILE:LINE:COL."""

from __future__ import annotations

from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.errors import CatalogError, CiteauditError, Problem, StoreError, UsageError


def test_every_user_error_is_a_citeaudit_error_with_exit_code_2() -> None:
    for kind in (UsageError, StoreError):
        error = kind("what went wrong", hint="what to do")
        assert isinstance(error, CiteauditError)
        assert (error.exit_code, error.message, error.hint) == (2, "what went wrong", "what to do")


def test_a_catalog_error_lists_every_problem_where_it_is() -> None:
    problems = [Problem("s.yaml", 3, 5, "unknown key 'urll'"), Problem("s.yaml", 9, 1, "bad")]
    error = CatalogError(problems)
    assert error.exit_code == 2
    lines = error.message.splitlines()
    assert lines[:2] == ["s.yaml:3:5: unknown key 'urll'", "s.yaml:9:1: bad"]
    assert "2 problems" in lines[2]


def test_the_command_line_prints_it_once_without_a_traceback() -> None:
    result = CliRunner().invoke(app, ["history", "--store", "/nonexistent/store"])
    assert result.exit_code == 2
    assert result.stderr.startswith("citeaudit: ") and "Traceback" not in result.stderr
    assert "hint: " in result.stderr
