"""The store opened in Datasette, as the README tells a journalist to: full-text search on
the page texts works with no metadata file (Datasette finds the FTS table by itself)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from citeaudit.extract import Page
from citeaudit.store.database import Store
from store_samples import RUN, T0, snapshot

datasette_app = pytest.importorskip("datasette.app")


def _get(db_path: Path, path: str) -> Any:
    async def fetch() -> Any:
        ds = datasette_app.Datasette([str(db_path)])
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


def test_datasette_searches_page_texts(tmp_path: Path) -> None:
    with Store.open(tmp_path / ".citeaudit") as store:
        store.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        snap_id = store.record_snapshot(RUN, "report", snapshot(1, T0))
        store.record_pages(
            snap_id,
            snapshot(1, T0).sha256,
            [
                Page(1, "i", "Contents"),
                Page(2, "1", "The teams were commis-\nsioned directly by NHS England."),
                Page(3, "2", "Budgets and staffing."),
            ],
        )
        db_path = store.path
    found = _get(db_path, "/citeaudit/page_texts.json?_search=commissioned&_shape=array")
    assert [row["label"] for row in found] == ["1"]
    # the page text is shown as kept (as printed); the search ran on it mended
    assert "commis-\nsioned" in found[0]["text"]
    stemmed = _get(db_path, "/citeaudit/page_texts.json?_search=budget&_shape=array")
    assert [row["label"] for row in stemmed] == ["2"]
    none = _get(db_path, "/citeaudit/page_texts.json?_search=elephant&_shape=array")
    assert none == []
