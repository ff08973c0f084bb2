"""Before a run writes, what a killed run left is put in order: every WARC file not known to
be complete is checked, repaired, and recorded; complete files are not read again."""

from __future__ import annotations

import zlib
from pathlib import Path

from citeaudit.archive.recovery import repair_warc
from citeaudit.store.database import Store
from citeaudit.store.repair import recover
from store_samples import rows


def test_repair_edge_cases(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    archive_dir.mkdir()
    good = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    member = good.compress(b"WARC/1.1\r\n\r\n") + good.flush()
    (archive_dir / "whole.warc.gz").write_bytes(member * 2)
    (archive_dir / "garbage-tail.warc.gz").write_bytes(member + b"\0" * 64)
    (archive_dir / "nothing-whole.warc.gz").write_bytes(member[:10])
    (archive_dir / "empty.warc.gz").write_bytes(b"")
    assert repair_warc(tmp_path, "archive/whole.warc.gz") is None
    with Store.open(tmp_path) as store:
        repairs = {r.warc: r for r in recover(store)}
        assert set(repairs) == {"archive/garbage-tail.warc.gz", "archive/nothing-whole.warc.gz"}
        assert repairs["archive/garbage-tail.warc.gz"].cut == 64
        assert repairs["archive/nothing-whole.warc.gz"].kept == 0
        assert sorted(p.name for p in archive_dir.iterdir()) == [
            "garbage-tail.warc.gz",
            "whole.warc.gz",
        ]
        assert (tmp_path / "repaired" / "nothing-whole.warc.gz.0.partial").read_bytes() == (
            member[:10]
        )
        assert set(store.closed_warcs()) == {
            "archive/garbage-tail.warc.gz",
            "archive/whole.warc.gz",
        }
        assert recover(store) == []  # checked once; closed files are not read again
    recorded = rows(tmp_path / "citeaudit.sqlite", "SELECT * FROM warc_repairs ORDER BY warc")
    assert [(r["warc"], r["kept_bytes"], r["cut_bytes"], r["moved_to"]) for r in recorded] == [
        (
            "archive/garbage-tail.warc.gz",
            len(member),
            64,
            f"repaired/garbage-tail.warc.gz.{len(member)}.partial",
        ),
        ("archive/nothing-whole.warc.gz", 0, 10, "repaired/nothing-whole.warc.gz.0.partial"),
    ]


def test_a_file_that_grew_after_its_check_is_checked_again(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    archive_dir.mkdir()
    good = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    member = good.compress(b"WARC/1.1\r\n\r\n") + good.flush()
    path = archive_dir / "resumed.warc.gz"
    path.write_bytes(member)
    with Store.open(tmp_path) as store:
        assert recover(store) == []
        assert store.closed_warcs() == {"archive/resumed.warc.gz": len(member)}
        with open(path, "ab") as fh:
            fh.write(member[:7])  # written to again, and cut short
        (repair,) = recover(store)
        assert (repair.kept, repair.cut) == (len(member), 7)
        assert path.read_bytes() == member
