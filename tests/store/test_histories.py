"""`citeaudit history`: every capture of a source over time, and when it broke, from a store
built by real runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.errors import UsageError
from citeaudit.store.histories import all_histories, history
from citeaudit.vocab import LinkStatus
from history_store import three_runs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_runs(tmp_path_factory.mktemp("history"))


def test_history_of_a_source_that_broke(store: Path) -> None:
    (sim,) = history(store, "p0")
    assert [c.status for c in sim.captures] == [
        LinkStatus.OK,
        LinkStatus.NOT_FOUND,
        LinkStatus.NOT_FOUND,
    ]
    assert [c.record_type for c in sim.captures] == ["response", "response", "response"]
    assert sim.first_failed == sim.captures[1]
    assert sim.last_answered == sim.captures[0]
    assert sim.captures[1].http_status == 404

    (pdf,) = history(store, "p1")
    assert [c.record_type for c in pdf.captures] == ["response", "revisit", "revisit"]
    assert pdf.first_failed is None and pdf.ever_failed is None
    # looked up by URL (as cited, a #fragment ignored) it is the same source
    assert history(store, pdf.url + "#page=2") == [pdf]
    with pytest.raises(UsageError, match="no source with the id or URL"):
        history(store, "nobody")


def test_all_histories_is_one_per_source(store: Path) -> None:
    assert [h.source_id for h in all_histories(store)] == ["p0", "p1"]


def test_history_without_a_store(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["history"], ["history", "p0"]):
        result = runner.invoke(app, [*args, "--store", str(tmp_path / "none")])
        assert result.exit_code == 2, args
        assert "there is no evidence store at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_histories_of_an_open_store_are_those_of_its_folder(store: Path) -> None:
    from citeaudit.store import Store, source_histories

    with Store.open(store, create=False) as opened:
        assert source_histories(opened) == all_histories(store)
