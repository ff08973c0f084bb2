"""``validate`` and ``check``: the sources file, and its links, with nothing kept."""

from __future__ import annotations

from pathlib import Path

import typer

from citeaudit.commands.console import emit, exit_code, long_lived, progress, say
from citeaudit.commands.drafts import InputArg, read_input
from citeaudit.commands.options import (
    DEFAULTS,
    AcceptOpt,
    AllowOutsideFilesOpt,
    CaBundleOpt,
    ConcurrencyOpt,
    FailOnOpt,
    FileArg,
    FormatOpt,
    HeadOpt,
    InsecureOpt,
    MaxBytesOpt,
    MinIntervalOpt,
    OutputOpt,
    PerHostOpt,
    RetriesOpt,
    ReviewerOpt,
    TimeoutOpt,
    UserAgentOpt,
    WorkersOpt,
    fetch_options,
)
from citeaudit.report import Format

#: The most notes `validate` prints one by one; the rest are counted.
_NOTES_SHOWN = 20


def validate(
    file: FileArg = Path("sources.yaml"), allow_outside_files: AllowOutsideFilesOpt = False
) -> None:
    """Check a sources file, and that its local files can be read; list every problem in it
    as FILE:LINE:COL: message."""
    from citeaudit.catalog import load_catalog

    with long_lived():
        catalog = load_catalog(file, check_files=True, allow_outside_files=allow_outside_files)
    evidence = sum(len(c.evidence) for c in catalog.claims)
    typer.echo(
        f"{file}: valid: {len(catalog.sources)} sources, {len(catalog.claims)} claims, "
        f"{evidence} pieces of evidence"
    )
    from citeaudit.net import written_address_note

    # A URL written to this machine or a private network is the user's to fetch (a
    # link-local one never is): said, so a file from a stranger cannot hide it.
    notes = [
        f"note: source {source.id}: {said}"
        for source in catalog.sources
        if source.url and (said := written_address_note(source.url))
    ]
    for line in notes[:_NOTES_SHOWN]:
        say(line)
    if len(notes) > _NOTES_SHOWN:  # a list of 100,000 local links: not 100,000 lines
        say(f"note: and {len(notes) - _NOTES_SHOWN} more sources like these")


def check(
    given: InputArg = "sources.yaml",
    fmt: FormatOpt = Format.TERMINAL,
    output: OutputOpt = None,
    concurrency: ConcurrencyOpt = DEFAULTS.concurrency,
    per_host: PerHostOpt = DEFAULTS.per_host,
    workers: WorkersOpt = DEFAULTS.workers,
    timeout: TimeoutOpt = DEFAULTS.timeout,
    head: HeadOpt = False,
    accept: AcceptOpt = frozenset(),
    retries: RetriesOpt = DEFAULTS.retries,
    min_interval: MinIntervalOpt = DEFAULTS.min_interval,
    max_bytes: MaxBytesOpt = DEFAULTS.max_bytes,
    user_agent: UserAgentOpt = DEFAULTS.user_agent,
    insecure: InsecureOpt = False,
    ca_bundle: CaBundleOpt = None,
    fail_on: FailOnOpt = None,
    reviewer: ReviewerOpt = None,
    allow_outside_files: AllowOutsideFilesOpt = False,
) -> None:
    """Check every source's link (and that each local file can be read), and keep nothing.
    Fast; no quotes are verified."""
    with long_lived():
        from citeaudit.pipeline import check_links
    options = fetch_options(
        concurrency,
        per_host,
        timeout,
        retries=retries,
        min_interval=min_interval,
        max_bytes=max_bytes,
        user_agent=user_agent,
        insecure=insecure,
        ca_bundle=ca_bundle,
        head=head,
        accept=accept,
        workers=workers,
    )
    catalog, _, file = read_input(given, options)
    with progress("checking links") as (on_start, on_fetch):
        result = check_links(
            catalog, file, options, on_start, on_fetch, allow_outside_files=allow_outside_files
        )
    from citeaudit.report import build_report

    with long_lived():
        report = build_report(result)
    emit(report, fmt, output, reviewer=reviewer)
    for item in result.sources:
        if item.problem:
            say(f"citeaudit: source {item.source.id}: {item.problem}")
        elif item.fetch is not None and item.note:  # where a URL the user wrote leads
            say(f"note: source {item.source.id}: {item.note}")
    raise typer.Exit(exit_code(result, fail_on))
