"""Options shared by commands: sizes, status codes and --fail-on values parsed once, a bad
one refused as a usage error before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.commands.options import _codes, _fail_on_values, _size, fetch_options


def test_sizes_and_codes() -> None:
    assert _size("2MiB") == 2 * 1024 * 1024 and _size(5) == 5
    assert _codes("403,429") == frozenset({403, 429})
    assert 503 in _codes("500-599")
    with pytest.raises(typer.BadParameter):
        _size("lots")
    with pytest.raises(typer.BadParameter):
        _codes("4xx")


def test_fail_on_values_are_checked() -> None:
    assert _fail_on_values(["unsupported,blocked"]) == ["unsupported,blocked"]
    with pytest.raises(typer.BadParameter, match="misquote"):
        _fail_on_values(["misquote"])


def test_fetch_options_carry_what_was_asked() -> None:
    options = fetch_options(8, 2, 5.0, retries=0, head=True, accept=frozenset({403}))
    assert (options.concurrency, options.per_host, options.timeout) == (8, 2, 5.0)
    assert options.retries == 0 and options.head_first and options.accept == {403}


def test_a_bad_size_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - id: a\n    kind: letter\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--max-bytes", "lots"])
    assert result.exit_code == 2 and "--max-bytes" in result.stderr
