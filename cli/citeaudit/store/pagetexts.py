"""The text of every page the store has kept, once per body, with a full-text index.

A body captured again unchanged (same SHA-256) shares the text kept the first time, so the
database does not grow with every run. Search runs on SQLite FTS5 with porter stemming, over
each page's text as the quote finder reads it (:func:`search_text`): a word hyphenated at the
end of a line is one word again, so "commis-" then "sioned" is found as "commissioned". A
match comes back with the sources whose captures carry that page, and a snippet whose
matches are marked by :data:`MATCH_START` and :data:`MATCH_END` (control characters that
are dropped from every page text, so a page can never forge one).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from citeaudit.store.connection import StoreConnection, parse_time
from citeaudit.text import display

if TYPE_CHECKING:
    from citeaudit.extract import Page

#: What marks the start and the end of a match in a snippet.
MATCH_START, MATCH_END = "\x01", "\x02"


@dataclass(frozen=True)
class Carrier:
    """A source whose captures carry a page, and its latest capture of it."""

    source_id: str
    url: str
    date: datetime


@dataclass(frozen=True)
class PageMatch:
    """A page whose text matches a search, and the sources that carry it."""

    sha256: str  # the body the page is of
    page: int  # page number from 1 (1 for a web page)
    label: str  # the page number as printed
    pages: int  # how many pages the body has
    snippet: str  # text around the matches, each between MATCH_START and MATCH_END
    carriers: tuple[Carrier, ...]  # in order of source id


class PageTextRecords(StoreConnection):
    """The store's page texts and their full-text index."""

    def has_pages(self, sha256: str) -> bool:
        """Whether the text of this body (by its SHA-256) is kept already."""
        with self._errors():
            row = self._db.execute(
                "SELECT 1 FROM page_texts WHERE sha256 = ? LIMIT 1", (sha256,)
            ).fetchone()
        return row is not None

    def record_pages(self, snapshot_id: int, sha256: str, pages: Iterable[Page]) -> int:
        """Keep the text of each page of a body, once per body; how many pages were added.

        The control characters U+0001 and U+0002 are dropped: search marks matches with them.
        """
        rows = []
        for page in pages:
            text = _unmarked(page.text)
            rows.append((sha256, snapshot_id, page.number, page.label, text, search_text(text)))
        with self._transaction():
            cursor = self._db.executemany(
                "INSERT INTO page_texts (sha256, snapshot_id, page, label, text, search_text)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256, page) DO NOTHING",
                rows,
            )
            return max(cursor.rowcount, 0)

    def has_unmended_texts(self) -> bool:
        """Whether any text kept by an older citeaudit still waits for its search text."""
        with self._errors():
            return self._db.execute(_UNMENDED, (1,)).fetchone() is not None

    def mend_page_texts(self, batch: int = 500) -> int:
        """Give every text kept by an older citeaudit its :func:`search_text` (and so its
        place in the full-text index); how many were mended. Nothing to do costs one look-up.
        """
        mended = 0
        while True:
            with self._errors():
                todo = self._db.execute(_UNMENDED, (batch,)).fetchall()
            if not todo:
                return mended
            with self._transaction():
                self._db.executemany(
                    "UPDATE page_texts SET search_text = ? WHERE id = ? AND search_text IS NULL",
                    [(search_text(str(text)), int(row_id)) for row_id, text in todo],
                )
            mended += len(todo)

    def search_pages(self, fts_query: str, limit: int) -> list[PageMatch]:
        """The pages that best match an FTS5 query, best first, at most ``limit`` of them.

        ``fts_query`` is passed to FTS5 as it is: quote the user's words first. The snippet
        is of the page's :func:`search_text`.
        """
        with self._errors():
            rows = self._db.execute(_SEARCH, (fts_query, limit)).fetchall()
            matches = []
            for sha256, page, label, snippet, pages in rows:
                carriers = self._db.execute(_CARRIERS, (sha256,)).fetchall()
                matches.append(
                    PageMatch(
                        sha256=str(sha256),
                        page=int(page),
                        label=str(label),
                        pages=int(pages),
                        snippet=str(snippet),
                        carriers=tuple(
                            Carrier(str(source), str(url), parse_time(str(date)))
                            for source, url, date in carriers
                        ),
                    )
                )
        return matches


_SEARCH = """
    SELECT p.sha256, p.page, p.label,
        snippet(page_texts_fts, 0, char(1), char(2), '…', 24) AS snippet,
        (SELECT count(*) FROM page_texts q WHERE q.sha256 = p.sha256) AS pages
    FROM page_texts_fts JOIN page_texts p ON p.id = page_texts_fts.rowid
    WHERE page_texts_fts MATCH ?
    ORDER BY bm25(page_texts_fts), p.id
    LIMIT ?
"""

_UNMENDED = "SELECT id, text FROM page_texts WHERE search_text IS NULL ORDER BY id LIMIT ?"

_CARRIERS = """
    SELECT source_id, url, max(date) AS date FROM snapshots WHERE sha256 = ?
    GROUP BY source_id ORDER BY source_id
"""


def search_text(text: str) -> str:
    """A page's text as it is searched and shown in snippets: hyphenation at line ends mended
    as the quote finder mends it (a hyphen stays when the next line starts in capitals),
    soft hyphens dropped, compatibility forms such as ligatures folded (NFKC), white space
    collapsed. Case, accents and punctuation are kept, for reading; FTS5 folds them itself.
    """
    return unicodedata.normalize("NFKC", display(text))


def _unmarked(text: str) -> str:
    return text.replace(MATCH_START, "").replace(MATCH_END, "")
