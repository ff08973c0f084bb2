"""The store's schema: numbered migrations, each run inside one transaction.

The tables are plain, and commented, so a journalist can open the database in Datasette or
any SQLite tool; the views ``latest_status`` and ``snapshot_pages`` join them up. Times are
ISO 8601 UTC text (``2024-05-01T12:00:00.000000Z``), so they sort as text and SQLite's date
functions read them.
"""

from __future__ import annotations

import sqlite3

# Numbered migrations: MIGRATIONS[n] takes a database from user_version n to n + 1. Append
# only; never edit one that has shipped. Comments stay in the schema Datasette shows.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,                 -- run id: UTC start time and a random suffix
        started TEXT NOT NULL,               -- when the run began (UTC)
        finished TEXT,                       -- when it ended; empty if it was interrupted
        sources_file TEXT NOT NULL,          -- the sources file that was audited
        sources_sha256 TEXT NOT NULL,        -- SHA-256 of that file, as it was read
        tool_version TEXT NOT NULL,          -- citeaudit version that did the run
        network TEXT                         -- online or offline
    );

    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the URL as cited
        status TEXT NOT NULL,                -- ok, redirected, not_found, blocked, timeout, ...
        reason TEXT NOT NULL,                -- why, in words
        http_status INTEGER,                 -- final HTTP status code, if any answer came
        final_url TEXT,                      -- where redirects ended
        redirects TEXT NOT NULL DEFAULT '[]',  -- JSON list of {"url", "status"} hops
        permanent INTEGER NOT NULL DEFAULT 0 CHECK (permanent IN (0, 1)),  -- moved for good
        content_type TEXT,
        sha256 TEXT,                         -- SHA-256 of the decoded body
        truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),  -- body cut off
        fetched TEXT NOT NULL,               -- when the fetch began (UTC)
        elapsed REAL NOT NULL,               -- seconds it took
        error TEXT,                          -- technical detail of a failure
        fragment_problem TEXT,               -- the #fragment cited is not on the page
        UNIQUE (run_id, source_id)
    );

    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,
        url TEXT NOT NULL,                   -- the URL (or file:// URI) the copy is of
        warc TEXT NOT NULL,                  -- WARC file, relative to the store folder
        "offset" INTEGER NOT NULL,           -- where the record starts in that file (bytes)
        length INTEGER NOT NULL,             -- how long its gzip member is (bytes)
        record_id TEXT NOT NULL UNIQUE,      -- WARC-Record-ID
        date TEXT NOT NULL,                  -- when the copy was captured (UTC)
        sha256 TEXT NOT NULL,                -- SHA-256 of the decoded body
        content_type TEXT,
        http_status INTEGER                  -- empty for local files
    );
    CREATE INDEX snapshots_by_source ON snapshots (source_id, date);

    CREATE TABLE verdicts (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        claim_id TEXT NOT NULL,
        evidence_index INTEGER NOT NULL,     -- which evidence of the claim, from 0
        source_id TEXT,
        verdict TEXT NOT NULL,               -- verified, misquoted, not_in_source, ...
        judged_on TEXT,                      -- live, snapshot or archive copy
        found_at TEXT,                       -- where the passage was found (page, section)
        passage TEXT,                        -- the passage as found in the source
        UNIQUE (run_id, claim_id, evidence_index)
    );
    """,
    # 2: revisits and metadata records, page texts with full-text search, resumable runs,
    # WARC files and their repairs. Snapshots are rebuilt: several sources may share one
    # record (URLs that differ only in their #fragment), so record_id is no longer unique.
    """
    ALTER TABLE runs ADD COLUMN command TEXT NOT NULL DEFAULT 'audit';  -- audit or archive
    ALTER TABLE runs ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;  -- times it was resumed

    CREATE TABLE snapshots_v2 (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the URL (or file:// URI) the copy is of
        warc TEXT NOT NULL,                  -- WARC file, relative to the store folder
        "offset" INTEGER NOT NULL,           -- where the record starts in that file (bytes)
        length INTEGER NOT NULL,             -- how long its gzip member is (bytes)
        record_id TEXT NOT NULL,             -- WARC-Record-ID of the record
        date TEXT NOT NULL,                  -- when the copy was captured (UTC)
        sha256 TEXT NOT NULL,                -- SHA-256 of the decoded body
        content_type TEXT,
        http_status INTEGER,                 -- empty for local files
        record_type TEXT NOT NULL DEFAULT 'response'
            CHECK (record_type IN ('response', 'revisit', 'resource')),
            -- revisit: unchanged since an earlier capture, whose record holds the body
        payload_digest TEXT,                 -- WARC-Payload-Digest: SHA-1 of the body as sent
        refers_to_record_id TEXT,            -- revisit: the earlier record holding the body
        refers_to_warc TEXT,                 -- revisit: that record's WARC file
        refers_to_offset INTEGER,            -- revisit: where that record starts
        refers_to_length INTEGER,            -- revisit: how long that record is
        refers_to_date TEXT,                 -- revisit: when that record was captured (UTC)
        metadata_record_id TEXT,             -- the metadata record: who cites this capture
        UNIQUE (run_id, source_id, record_id)
    );
    INSERT INTO snapshots_v2 (id, run_id, source_id, url, warc, "offset", length, record_id,
        date, sha256, content_type, http_status)
        SELECT id, run_id, source_id, url, warc, "offset", length, record_id, date, sha256,
        content_type, http_status FROM snapshots;
    DROP TABLE snapshots;
    ALTER TABLE snapshots_v2 RENAME TO snapshots;
    CREATE INDEX snapshots_by_source ON snapshots (source_id, date);
    CREATE INDEX snapshots_by_payload ON snapshots (url, payload_digest);
    CREATE INDEX snapshots_by_sha256 ON snapshots (sha256);
    CREATE INDEX fetches_by_source ON fetches (source_id, fetched);

    CREATE TABLE page_texts (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,                -- the body this text is of (snapshots.sha256):
                                             -- kept once however many snapshots share it
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),  -- first snapshot read
        page INTEGER NOT NULL,               -- page number from 1 (1 for a page of HTML)
        label TEXT NOT NULL,                 -- the page number as printed, e.g. "iv" or "12"
        text TEXT NOT NULL,                  -- the page's text
        UNIQUE (sha256, page)
    );
    CREATE VIRTUAL TABLE page_texts_fts USING fts5 (
        text, content = 'page_texts', content_rowid = 'id', tokenize = 'porter unicode61'
    );
    CREATE TRIGGER page_texts_insert AFTER INSERT ON page_texts BEGIN
        INSERT INTO page_texts_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER page_texts_delete AFTER DELETE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER page_texts_update AFTER UPDATE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
        INSERT INTO page_texts_fts (rowid, text) VALUES (new.id, new.text);
    END;

    CREATE TABLE warc_files (
        name TEXT PRIMARY KEY,               -- WARC file, relative to the store folder
        run_id TEXT REFERENCES runs (id),    -- the run that wrote it
        opened TEXT NOT NULL,                -- when writing began (UTC)
        closed TEXT,                         -- when it was closed, or found complete after
                                             -- its run was killed; empty while written
        bytes INTEGER                        -- its size then
    );

    CREATE TABLE warc_repairs (
        id INTEGER PRIMARY KEY,
        warc TEXT NOT NULL,                  -- the WARC file whose end was repaired
        repaired TEXT NOT NULL,              -- when (UTC)
        kept_bytes INTEGER NOT NULL,         -- it now ends after its last whole record
        cut_bytes INTEGER NOT NULL,          -- bytes of an unfinished record cut off its end
        moved_to TEXT                        -- where those bytes were kept, in the store
    );

    -- Every page of every snapshot, with the source and date: texts are kept once per body.
    CREATE VIEW snapshot_pages AS
        SELECT s.id AS snapshot_id, s.run_id, s.source_id, s.url, s.date, s.record_type,
            p.page, p.label, p.text
        FROM snapshots s JOIN page_texts p ON p.sha256 = s.sha256;

    -- Each source's latest link status, when it last answered, and how many captures.
    CREATE VIEW latest_status AS
        SELECT f.source_id, f.url, f.status, f.reason, f.http_status, f.fetched, f.run_id,
            (SELECT max(g.fetched) FROM fetches g WHERE g.source_id = f.source_id
                AND g.status IN ('ok', 'redirected')) AS last_ok,
            (SELECT count(*) FROM snapshots s WHERE s.source_id = f.source_id) AS captures
        FROM fetches f
        WHERE f.id = (SELECT g.id FROM fetches g WHERE g.source_id = f.source_id
            ORDER BY g.fetched DESC, g.id DESC LIMIT 1);
    """,
    # 3: each audit's report, so `citeaudit report` renders it again without the network.
    """
    CREATE TABLE reports (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        created TEXT NOT NULL,               -- when the report was saved (UTC)
        report TEXT NOT NULL                 -- the JSON report (the --format json contract)
    );
    """,
    # 4: copies of sources in public web archives (Memento look-ups near the accessed date)
    # and captures asked of Save Page Now; a memento judged on is kept in our WARC.
    """
    CREATE TABLE archived_copies (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the source's URL, as cited
        kind TEXT NOT NULL CHECK (kind IN ('lookup', 'saved')),
            -- lookup: found by asking TimeGates; saved: captured by Save Page Now
        sought TEXT,                         -- lookup: the moment sought near (UTC)
        archive TEXT NOT NULL,               -- the TimeGate (or SPN endpoint) that had it;
                                             -- when none had it, every one asked
        found INTEGER CHECK (found IN (0, 1)),  -- 1: a copy; 0: none (the archives said);
                                             -- empty: unknown (an archive failed)
        memento_url TEXT,                    -- the copy as the archive shows it
        raw_url TEXT,                        -- the unrewritten copy that was fetched
        memento_date TEXT,                   -- when the archive captured it (UTC)
        http_status INTEGER,                 -- the archived HTTP status
        note TEXT,                           -- copies skipped, or why none was found
        warc TEXT,                           -- where the memento is kept: WARC file,
        "offset" INTEGER,                    --   its record's offset and length,
        length INTEGER,
        record_id TEXT,                      --   WARC-Record-ID (filed under url, dated
                                             --   memento_date, WARC-Source-URI raw_url)
        sha256 TEXT,                         -- SHA-256 of the decoded body
        content_type TEXT,
        metadata_record_id TEXT,             -- the metadata record: who cites it
        recorded TEXT NOT NULL,              -- when this row was written (UTC)
        UNIQUE (run_id, source_id, kind)
    );
    CREATE INDEX archived_copies_by_source ON archived_copies (source_id, kind, recorded);
    """,
    # 5: page texts searched as the quote finder reads them, so a word hyphenated at a line
    # end is found whole ("commis-" then "sioned" is "commissioned"), and the full-text index
    # declared as Datasette recognises it (content="page_texts"), so ?_search= works on
    # page_texts. Texts kept before this are mended by citeaudit when it next opens the store:
    # SQL alone cannot tell a word that goes on from two words joined by a hyphen.
    """
    DROP TRIGGER page_texts_insert;
    DROP TRIGGER page_texts_delete;
    DROP TRIGGER page_texts_update;
    DROP TABLE page_texts_fts;
    ALTER TABLE page_texts ADD COLUMN search_text TEXT;
        -- the text as searched and shown in search snippets: words hyphenated at a line
        -- end mended, compatibility forms (ligatures) folded, white space collapsed;
        -- empty for a text kept by an older citeaudit until citeaudit mends it
    CREATE INDEX page_texts_unmended ON page_texts (id) WHERE search_text IS NULL;
    CREATE VIRTUAL TABLE page_texts_fts USING fts5 (
        search_text, content="page_texts", content_rowid="id", tokenize="porter unicode61"
    );
    -- A text not mended yet is not in the index: it is added when it is mended.
    CREATE TRIGGER page_texts_insert AFTER INSERT ON page_texts BEGIN
        INSERT INTO page_texts_fts (rowid, search_text)
            SELECT new.id, new.search_text WHERE new.search_text IS NOT NULL;
    END;
    CREATE TRIGGER page_texts_delete AFTER DELETE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, search_text)
            SELECT 'delete', old.id, old.search_text WHERE old.search_text IS NOT NULL;
    END;
    CREATE TRIGGER page_texts_update AFTER UPDATE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, search_text)
            SELECT 'delete', old.id, old.search_text WHERE old.search_text IS NOT NULL;
        INSERT INTO page_texts_fts (rowid, search_text)
            SELECT new.id, new.search_text WHERE new.search_text IS NOT NULL;
    END;
    """,
]


def statements(script: str) -> list[str]:
    """Split a migration into statements, so it runs inside our transaction.

    ``executescript`` would commit first; migrations must be all or nothing.
    """
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found
