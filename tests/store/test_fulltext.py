"""`citeaudit search`: full-text search across every page the store kept, from a store built
by real runs; the user's words are words, never query syntax, and page text is shown as text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.errors import UsageError
from citeaudit.store.fulltext import fts_query, search
from history_store import three_runs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_runs(tmp_path_factory.mktemp("search"))


def test_search_finds_pages_with_stemming(store: Path) -> None:
    (hit,) = search(store, "commission NHS")
    assert hit.source_ids == ("p1",)
    assert (hit.page, hit.label, hit.pages) == (2, "2", 2)
    marked = [text for text, matched in hit.snippet if matched]
    assert marked == ["commissioned", "NHS"]
    assert "".join(text for text, _ in hit.snippet).startswith("The boards are commissioned")

    (sim,) = search(store, '"twenty teams"')
    assert sim.source_ids == ("p0",) and sim.pages == 1
    assert search(store, '"teams twenty"') == []  # a phrase keeps its order
    assert [h.source_ids for h in search(store, "commiss*")] == [("p1",)]
    # the gone page's text is still searchable: it came from its first capture
    assert search(store, "approximately")[0].source_ids == ("p0",)


def test_search_text_is_kept_once_per_body(store: Path) -> None:
    db = sqlite3.connect(store / "citeaudit.sqlite")
    try:
        pages = db.execute("SELECT count(*) FROM page_texts").fetchone()[0]
        bodies = db.execute("SELECT count(DISTINCT sha256) FROM page_texts").fetchone()[0]
    finally:
        db.close()
    assert (pages, bodies) == (3, 2)  # the PDF's two pages and the web page, once each


def test_search_query_is_words_not_syntax() -> None:
    assert fts_query('alpha "beta gamma" delta*') == '"alpha" "beta gamma" "delta"*'
    assert fts_query('NEAR(a b) OR "x') == '"NEAR(a" "b)" "OR" "x"'
    with pytest.raises(UsageError, match="nothing to search for"):
        fts_query(' " " ')


def test_search_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "words", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "there is no evidence store at" in result.stderr
    assert not (tmp_path / "none").exists()
