"""Check every source's link and keep nothing: what ``citeaudit check`` runs.

Apart from :mod:`citeaudit.pipeline.run` so that checking links imports only what it uses, not
what archiving and verifying need (warcio, SQLite, the extractors, the quote finder).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.catalog import Catalog, Source, local_file_problem
from citeaudit.fetch import FetchOptions, FetchResult, fetch_all_sync, network_state
from citeaudit.result import AuditResult, RunInfo, SourceResult, new_run_id
from citeaudit.vocab import Network

OnStart = Callable[[int], None]
OnFetch = Callable[[FetchResult], None]


def source_urls(catalog: Catalog) -> list[str]:
    """Every source's URL, once each, in the order of the sources file."""
    return list(dict.fromkeys(s.url for s in catalog.sources if s.url))


def no_copy_note(source: Source) -> str:
    """What the report says of a source with neither a URL nor a file."""
    kind = f" ({source.kind})" if source.kind else ""
    return f"no public copy{kind}: the source has no url or file"


def _unfetched(source: Source, folder: Path, allow_outside: bool) -> SourceResult:
    """A source with no URL: a local file is looked at (not read) for what would stop a run
    reading it, as ``validate`` does; a source with neither URL nor file has no copy."""
    if not source.file:
        return SourceResult(source, note=no_copy_note(source))
    problem = local_file_problem(source.file, folder, allow_outside=allow_outside)
    return SourceResult(source, note=problem or "local file: not checked", problem=problem)


def check_links(
    catalog: Catalog,
    sources_file: Path,
    options: FetchOptions,
    on_start: OnStart | None = None,
    on_fetch: OnFetch | None = None,
    *,
    allow_outside_files: bool = False,
) -> AuditResult:
    """Check every source's link; keep nothing. Claims are left empty.

    ``allow_outside_files``: local files outside the sources file's folder would be read
    (as ``AuditOptions.allow_outside_files`` says), so are not shown as refused."""
    started = datetime.now(UTC)
    urls = source_urls(catalog)
    if on_start:
        on_start(len(urls))
    fetched = fetch_all_sync(urls, options, on_fetch)
    sources = tuple(
        # The note says when a URL the user wrote reached a private or loopback address.
        SourceResult(s, fetch=fetched[s.url], note=fetched[s.url].extra.get("address"))
        if s.url
        else _unfetched(s, sources_file.parent, allow_outside_files)
        for s in catalog.sources
    )
    run = RunInfo(
        id=new_run_id(),
        started=started,
        finished=datetime.now(UTC),
        sources_file=str(sources_file),
        network=network_state(fetched.values()) if fetched else Network.ONLINE,
        accept=options.accept,
        insecure=options.insecure,
    )
    return AuditResult(run=run, document=catalog.document, sources=sources)
