"""Reports kept in the store: read back as they were kept, and clear errors when there is
none, the run is unknown, or what was kept cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from citeaudit.errors import StoreError, UsageError
from citeaudit.report import load_report
from citeaudit.store import Store
from report_fixture import fixed_report

AT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def test_a_kept_report_reads_back_as_it_was(tmp_path: Path) -> None:
    report = fixed_report()
    with Store.open(tmp_path) as store:
        store.begin_run(report.run.id, AT, "sources.yaml", "0" * 64, "audit")
        store.save_report(report.run.id, AT, report.model_dump_json())
    assert load_report(tmp_path) == report
    assert load_report(tmp_path, report.run.id) == report


def test_no_store_no_report_an_unknown_run(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        load_report(tmp_path / "nothing")
    Store.open(tmp_path).close()
    with pytest.raises(UsageError, match="holds no audit report yet"):
        load_report(tmp_path)
    with pytest.raises(UsageError, match="no report of run 'bogus'"):
        load_report(tmp_path, "bogus")


def test_a_damaged_report_is_said_and_left_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.begin_run("run-1", AT, "sources.yaml", "0" * 64, "audit")
        store.save_report("run-1", AT, '{"run": "not a run"}')
    with pytest.raises(StoreError, match="cannot be read"):
        load_report(tmp_path)
