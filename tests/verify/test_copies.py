"""Which copy a verdict is judged on, chosen from plain candidates: live, our snapshots
newest first, a public archive's copy; and the older copies that come along."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from citeaudit.extract import Extraction, Page
from citeaudit.verify.copies import (
    EARLIER_LIMIT,
    ArchiveCandidate,
    Candidate,
    EarlierCopies,
    LiveCandidate,
    SourceCopy,
    choose_archived,
    choose_copy,
)
from citeaudit.vocab import JudgedOn

URL = "https://e.test/p"


def day(n: int) -> datetime:
    return datetime(2024, 1, n, tzinfo=UTC)


def text(words: str) -> Extraction:
    return Extraction(kind="text", pages=(Page(1, "1", words),))


class Reads:
    """Candidates whose reads are counted: a copy is read only when it is needed."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def candidate(self, name: str, date: datetime | None, sha: str | None = None) -> Candidate:
        def read() -> Extraction | None:
            self.read.append(name)
            return None if name.startswith("broken") else text(name)

        return Candidate(date, sha or name, read)


def names(copy: SourceCopy) -> list[str]:
    return [c.extraction.pages[0].text for c in copy.earlier if c.extraction]


def test_live_wins_and_older_copies_come_along_unread() -> None:
    reads = Reads()
    live = LiveCandidate(reads.candidate("live", day(9)), alive=True)
    snapshots = [reads.candidate("s8", day(8)), reads.candidate("s5", day(5))]

    copy = choose_copy("src", URL, live, snapshots)

    assert (copy.judged_on, copy.copy_date, copy.url, copy.note) == (
        JudgedOn.LIVE,
        day(9),
        URL,
        None,
    )
    assert copy.extraction == text("live")
    assert reads.read == ["live"]
    assert names(copy) == ["s8", "s5"]
    assert reads.read == ["live", "s8", "s5"]


def test_copies_with_the_payload_of_the_chosen_one_are_one_copy() -> None:
    reads = Reads()
    live = LiveCandidate(reads.candidate("live", day(9), "same"), alive=True)
    snapshots = [reads.candidate("s8", day(8), "same"), reads.candidate("s5", day(5))]
    assert names(choose_copy("src", URL, live, snapshots)) == ["s5"]


def test_a_dead_link_is_judged_on_our_latest_readable_snapshot() -> None:
    reads = Reads()
    live = LiveCandidate(reads.candidate("live", day(9)), False, "not_found", "404 Not Found")
    snapshots = [reads.candidate("broken", day(8)), reads.candidate("s5", day(5))]

    copy = choose_copy("src", URL, live, snapshots)

    assert copy.judged_on is JudgedOn.SNAPSHOT and copy.copy_date == day(5)
    assert copy.note == "live copy not_found (404 Not Found): judged on our snapshot of 2024-01-05"
    assert reads.read == ["broken", "s5"]  # the live body is never read


def test_then_on_the_archive_s_copy() -> None:
    reads = Reads()
    live = LiveCandidate(reads.candidate("live", day(9)), False, "not_found", "404 Not Found")
    archived = ArchiveCandidate(
        True, reads.candidate("memento", day(2)), url="https://arch.test/m", where="arch.test"
    )

    copy = choose_copy("src", URL, live, [], archived)

    assert copy.judged_on is JudgedOn.ARCHIVE and copy.url == "https://arch.test/m"
    assert copy.note == (
        "live copy not_found (404 Not Found): judged on the archived copy of 2024-01-02 "
        "at arch.test (https://arch.test/m)"
    )


def test_the_archive_s_copy_takes_its_place_among_older_copies_by_date() -> None:
    reads = Reads()
    live = LiveCandidate(reads.candidate("live", day(20)), alive=True)
    snapshots = [reads.candidate(f"s{n}", day(n)) for n in (9, 7, 3)]
    archived = ArchiveCandidate(True, reads.candidate("memento", day(5)), url="m", where="a")
    assert names(choose_copy("src", URL, live, snapshots, archived)) == [
        "s9",
        "s7",
        "memento",
        "s3",
    ]
    many = [reads.candidate(f"old{n}", day(n + 10)) for n in range(15, 0, -1)]
    older = names(choose_copy("src", URL, live, many, archived))
    assert len(older) == EARLIER_LIMIT and older[-1] == "memento"  # always the last word


def test_why_there_is_no_copy() -> None:
    reads = Reads()
    dead = LiveCandidate(reads.candidate("live", day(9)), False, "not_found", "404 Not Found")
    assert choose_copy("src", URL, dead).unavailable == (
        "live copy not_found (404 Not Found) and no earlier snapshot"
    )
    missing = ArchiveCandidate(False, note="2 archives asked")
    assert choose_copy("src", URL, dead, [], missing).unavailable == (
        "live copy not_found (404 Not Found) and no earlier snapshot; "
        "no archived copy (2 archives asked)"
    )
    unknown = ArchiveCandidate(None)
    offline = choose_copy("src", URL, dead, [], unknown, offline=True)
    assert offline.extraction is None
    assert offline.unavailable == "the network looks unreachable; archived copy unknown"
    broken = ArchiveCandidate(True, reads.candidate("broken memento", day(1)), where="a")
    assert choose_copy("src", URL, dead, [], broken).unavailable == (
        "live copy not_found (404 Not Found) and no earlier snapshot"
    )


def test_earlier_copies_load_each_item_once_and_at_most_a_few() -> None:
    loaded: list[int] = []

    def load(n: int) -> SourceCopy | None:
        loaded.append(n)
        return None if n == 1 else SourceCopy("src", text(str(n)))

    earlier = EarlierCopies(range(20), load, limit=4)
    first = next(iter(earlier))
    assert first.extraction == text("0") and loaded == [0]
    assert [c.extraction.pages[0].text for c in earlier if c.extraction] == ["0", "2", "3"]
    assert [c.extraction.pages[0].text for c in earlier if c.extraction] == ["0", "2", "3"]
    assert loaded == [0, 1, 2, 3]


@dataclass(frozen=True)
class Answer:
    found: bool | None
    date: datetime | None
    name: str = ""


def test_which_archive_copy() -> None:
    kept = [Answer(True, day(3), "a"), Answer(True, day(8), "b"), Answer(True, None, "c")]
    fresh = Answer(True, day(20), "fresh")
    assert choose_archived(fresh, lambda: kept, day(10)) is fresh
    none = Answer(False, None)
    assert choose_archived(none, lambda: kept, day(10)) == kept[1]  # closest before
    assert choose_archived(none, lambda: kept, day(5)) == kept[0]
    assert choose_archived(none, lambda: kept, day(1)) == kept[0]  # else the earliest
    assert choose_archived(none, lambda: [], day(1)) is none
    assert choose_archived(None, lambda: [], day(1)) is None
