"""The schema's migrations: a store written by an older release keeps its data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from citeaudit.errors import StoreError
from citeaudit.store.database import Store
from citeaudit.store.schema import MIGRATIONS, statements
from store_samples import RUN, T0, rows


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def test_a_first_schema_store_is_migrated_with_its_data(tmp_path: Path) -> None:
    """A store written by the first release: its rows survive, and gain the new columns."""
    path = tmp_path / "citeaudit.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
        " VALUES (?, '2024-05-01T12:00:00.000000Z', 'sources.yaml', 'ab', '0.1.0')",
        (RUN,),
    )
    db.execute(
        'INSERT INTO snapshots (run_id, source_id, url, warc, "offset", length, record_id,'
        " date, sha256, content_type, http_status) VALUES (?, 's', 'https://example.org/',"
        " 'archive/a.warc.gz', 10, 20, '<urn:uuid:1>', '2024-05-01T12:00:00.000000Z', 'cd',"
        " 'text/html', 200)",
        (RUN,),
    )
    db.close()
    with Store.open(tmp_path) as store:
        (snap,) = store.snapshots_for("s")
        assert (snap.record_id, snap.offset, snap.record_type) == ("<urn:uuid:1>", 10, "response")
        assert snap.payload_digest is None and snap.refers_to is None
        # the same record may now be recorded for a second source
        store.record_snapshot(RUN, "s2", snap)
        assert store.snapshots_for("s2") == [snap]
    (run,) = rows(path, "SELECT command, resumed FROM runs")
    assert (run["command"], run["resumed"]) == ("audit", 0)


def test_statements_keep_trigger_bodies_whole() -> None:
    parts = statements(MIGRATIONS[1])
    triggers = [p for p in parts if p.startswith("CREATE TRIGGER")]
    assert len(triggers) == 3
    assert all(p.endswith("END;") and p.count(";") >= 2 for p in triggers)
    assert all(sqlite3.complete_statement(p) for p in parts)
    assert statements("SELECT 1;\nSELECT 2") == ["SELECT 1;", "SELECT 2"]  # an unended last one


def test_a_migration_that_fails_changes_nothing(tmp_path: Path) -> None:
    """All or nothing: a store a migration cannot bring up to date is left as it was."""
    path = tmp_path / "citeaudit.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("CREATE TABLE page_texts (x)")  # in the way of the second migration
    db.close()
    with pytest.raises(StoreError, match="cannot be used: table page_texts already exists"):
        Store.open(tmp_path)
    assert [r[0] for r in rows(path, "PRAGMA user_version")] == [1]
    columns = [r["name"] for r in rows(path, "PRAGMA table_info(runs)")]
    assert "command" not in columns
    tables = {r["name"] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "snapshots_v2" not in tables and "warc_files" not in tables


def test_page_texts_kept_before_search_text_are_mended_and_indexed(tmp_path: Path) -> None:
    """A store of schema 4: its page texts are indexed again, mended, when citeaudit next
    searches it, and the index is declared as Datasette recognises it."""
    path = tmp_path / "citeaudit.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for number in range(4):
        db.executescript(MIGRATIONS[number])
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
        " VALUES (?, '2024-05-01T12:00:00.000000Z', 'sources.yaml', 'ab', '0.1.0')",
        (RUN,),
    )
    db.execute(
        'INSERT INTO snapshots (run_id, source_id, url, warc, "offset", length, record_id,'
        " date, sha256) VALUES (?, 's', 'https://example.org/', 'archive/a.warc.gz', 10, 20,"
        " '<urn:uuid:1>', '2024-05-01T12:00:00.000000Z', 'cd')",
        (RUN,),
    )
    db.execute(
        "INSERT INTO page_texts (sha256, snapshot_id, page, label, text)"
        " VALUES ('cd', 1, 1, '1', 'Teams were commis-\nsioned by NHS England.')"
    )
    db.close()
    with Store.open(tmp_path) as store:
        (match,) = store.search_pages('"commissioned"', 10)
        assert match.snippet == "Teams were \x01commissioned\x02 by NHS England."
        assert store.mend_page_texts() == 0  # all mended already
    (row,) = rows(path, "SELECT text, search_text FROM page_texts")
    assert row["text"] == "Teams were commis-\nsioned by NHS England."
    assert row["search_text"] == "Teams were commissioned by NHS England."
    (fts,) = rows(path, "SELECT sql FROM sqlite_master WHERE name = 'page_texts_fts'")
    assert 'content="page_texts"' in fts["sql"]
    db = sqlite3.connect(path)
    db.execute("INSERT INTO page_texts_fts (page_texts_fts) VALUES ('integrity-check')")
    db.close()


def test_a_first_schema_store_has_each_runs_sources_hash(tmp_path: Path) -> None:
    """Runs recorded by the first release already carry their sources file's SHA-256: no
    migration is needed for `report` to tell when that file has changed since."""
    path = tmp_path / "citeaudit.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
        " VALUES (?, '2024-05-01T12:00:00.000000Z', 'sources.yaml', ?, '0.1.0')",
        (RUN, "ab" * 32),
    )
    db.close()
    with Store.open(tmp_path) as store:
        assert store.sources_sha256(RUN) == "ab" * 32
