"""`citeaudit history` and `citeaudit search` over a store built by real runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citeaudit.catalog.reader import load_catalog
from citeaudit.commands.app import app
from citeaudit.errors import UsageError
from citeaudit.pipeline.run import AuditOptions, archive, audit
from citeaudit.store.history import all_histories, history
from citeaudit.store.search import fts_query, search
from citeaudit.vocab import LinkStatus
from documents import make_pdf
from localsite import LocalSite, html, write_sources

HOSTILE = "[bold red]boom[/] \x1b[2J <b>tag</b> \u202eevil"
PAGES = {
    "/sim": (
        "text/html",
        html("SIM", f"There were approximately twenty teams live across the country. {HOSTILE}"),
    ),
    "/report.pdf": (
        "application/pdf",
        make_pdf(["Contents.", "The boards are commissioned directly by NHS England."]),
    ),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three runs: all well; then /sim gone (404) and the PDF unchanged; then /sim still gone."""
    tmp_path = tmp_path_factory.mktemp("history")
    with LocalSite(dict(PAGES)) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, ["/sim", "/report.pdf"])
        catalog = load_catalog(sources)
        archive(catalog, sources, AuditOptions())
        del site.pages["/sim"]
        archive(catalog, sources, AuditOptions())
        audit(catalog, sources, AuditOptions())
    return tmp_path / ".citeaudit"


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


def test_history_and_search_without_a_store(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["history"], ["history", "p0"], ["search", "words"]):
        result = runner.invoke(app, [*args, "--store", str(tmp_path / "none")])
        assert result.exit_code == 2, args
        assert "there is no evidence store at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_all_histories_is_one_per_source(store: Path) -> None:
    assert [h.source_id for h in all_histories(store)] == ["p0", "p1"]
