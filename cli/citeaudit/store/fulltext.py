"""Full-text search across every page the store has kept (SQLite FTS5, porter stemming).

The words are searched as words: each is quoted before it reaches FTS5, so a stray quote
or operator in what the user typed cannot break the query. ``"a phrase"`` keeps its words
together and a trailing ``*`` matches a prefix. A hit says which sources carry the page,
which page it is and when it was captured, with a snippet whose matches are marked as
data (never as markup taken from the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from citeaudit.errors import UsageError
from citeaudit.store.database import Store
from citeaudit.store.pagetexts import MATCH_END, MATCH_START

DEFAULT_LIMIT = 20
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Hit:
    """One page that matches, and where it is."""

    source_ids: tuple[str, ...]
    url: str
    page: int
    label: str
    pages: int  # how many pages the document has (1 for a web page)
    date: datetime  # the latest capture that had this text
    snippet: tuple[tuple[str, bool], ...]  # pieces of text; True marks a match


def fts_query(words: str) -> str:
    """An FTS5 query matching pages that have every word (or "phrase") in ``words``."""
    terms: list[str] = []
    for phrase, word in _TOKEN.findall(words):
        text = phrase if phrase else word
        prefix = not phrase and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        text = text.replace('"', "").strip()
        if not text:
            continue
        terms.append(f'"{text}"' + ("*" if prefix else ""))
    if not terms:
        raise UsageError("nothing to search for: give one or more words", hint='e.g. "SIM teams"')
    return " ".join(terms)


def _pieces(snippet: str) -> tuple[tuple[str, bool], ...]:
    pieces: list[tuple[str, bool]] = []
    for n, part in enumerate(snippet.split(MATCH_START)):
        if n == 0:
            if part:
                pieces.append((part, False))
            continue
        matched, _, rest = part.partition(MATCH_END)
        if matched:
            pieces.append((matched, True))
        if rest:
            pieces.append((rest, False))
    return tuple(pieces)


def search(store_dir: Path, words: str, *, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The pages that best match ``words``, best first, at most ``limit`` of them."""
    query = fts_query(words)
    with Store.read(store_dir) as store:
        matches = store.search_pages(query, limit)
    hits: list[Hit] = []
    for match in matches:
        if not match.carriers:
            continue
        latest = max(match.carriers, key=lambda c: c.date)
        hits.append(
            Hit(
                source_ids=tuple(c.source_id for c in match.carriers),
                url=latest.url,
                page=match.page,
                label=match.label,
                pages=match.pages,
                date=latest.date,
                snippet=_pieces(match.snippet),
            )
        )
    return hits
