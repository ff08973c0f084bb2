"""The WARC archive: every source kept as WARC 1.1 records, read back offline, repaired after
a killed run, and exported as WACZ. Naming :class:`Snapshot` loads no warcio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.archive.readback import DEFAULT_PAYLOAD_LIMIT as DEFAULT_PAYLOAD_LIMIT
    from citeaudit.archive.readback import RecordCheck as RecordCheck
    from citeaudit.archive.readback import WarcCheck as WarcCheck
    from citeaudit.archive.readback import check_snapshot as check_snapshot
    from citeaudit.archive.readback import check_warc as check_warc
    from citeaudit.archive.readback import read_exchange as read_exchange
    from citeaudit.archive.readback import read_payload as read_payload
    from citeaudit.archive.recovery import Repair as Repair
    from citeaudit.archive.recovery import WarcScan as WarcScan
    from citeaudit.archive.recovery import repair_warc as repair_warc
    from citeaudit.archive.recovery import scan_warc as scan_warc
    from citeaudit.archive.snapshot import ARCHIVE_DIR as ARCHIVE_DIR
    from citeaudit.archive.snapshot import Facts as Facts
    from citeaudit.archive.snapshot import FindEarlier as FindEarlier
    from citeaudit.archive.snapshot import RecordRef as RecordRef
    from citeaudit.archive.snapshot import Snapshot as Snapshot
    from citeaudit.archive.snapshot import capture_facts as capture_facts
    from citeaudit.archive.snapshot import payload_digest as payload_digest
    from citeaudit.archive.snapshot import utc as utc
    from citeaudit.archive.snapshot import warc_date as warc_date
    from citeaudit.archive.wacz import ReplayPage as ReplayPage
    from citeaudit.archive.wacz import WaczExport as WaczExport
    from citeaudit.archive.wacz import write_wacz as write_wacz
    from citeaudit.archive.writer import WarcArchive as WarcArchive

exports(
    globals(),
    {
        "readback": (
            "DEFAULT_PAYLOAD_LIMIT",
            "RecordCheck",
            "WarcCheck",
            "check_snapshot",
            "check_warc",
            "read_exchange",
            "read_payload",
        ),
        "recovery": ("Repair", "WarcScan", "repair_warc", "scan_warc"),
        "snapshot": (
            "ARCHIVE_DIR",
            "Facts",
            "FindEarlier",
            "RecordRef",
            "Snapshot",
            "capture_facts",
            "payload_digest",
            "utc",
            "warc_date",
        ),
        "wacz": ("ReplayPage", "WaczExport", "write_wacz"),
        "writer": ("WarcArchive",),
    },
)
