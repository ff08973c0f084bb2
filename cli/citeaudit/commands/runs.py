"""``audit``, ``archive`` and ``report``: runs that keep evidence in the store, and the
report a run kept."""

from __future__ import annotations

import shlex
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from citeaudit.commands.console import (
    emit,
    exit_code,
    inert,
    long_lived,
    note,
    progress,
    read_sources,
    say,
    store_dir_of,
)
from citeaudit.commands.drafts import (
    InputArg,
    MeaningOpt,
    ModelOpt,
    NliOpt,
    OfflineOpt,
    judging,
    read_input,
)
from citeaudit.commands.options import (
    DEFAULTS,
    AcceptOpt,
    AllowOutsideFilesOpt,
    ArchivedOpt,
    CaBundleOpt,
    ConcurrencyOpt,
    ExtractMemoryOpt,
    ExtractTimeoutOpt,
    FailOnOpt,
    FileArg,
    FormatOpt,
    InsecureOpt,
    MaxBytesOpt,
    MinIntervalOpt,
    OutputOpt,
    PerHostOpt,
    RetriesOpt,
    ReviewerOpt,
    ReviewUrlOpt,
    SaveEndpointOpt,
    SaveOpt,
    StoreOpt,
    TimegateOpt,
    TimeoutOpt,
    UserAgentOpt,
    WorkersOpt,
    archive_options,
    extract_limits,
    fetch_options,
)
from citeaudit.extract import DEFAULT_MEMORY, DEFAULT_TIMEOUT
from citeaudit.report import Format
from citeaudit.vocab import ArchivedMode

if TYPE_CHECKING:
    from citeaudit.report import ReportModel


def audit_command(
    given: InputArg = "sources.yaml",
    fmt: FormatOpt = Format.TERMINAL,
    output: OutputOpt = None,
    store: StoreOpt = None,
    concurrency: ConcurrencyOpt = DEFAULTS.concurrency,
    per_host: PerHostOpt = DEFAULTS.per_host,
    workers: WorkersOpt = DEFAULTS.workers,
    timeout: TimeoutOpt = DEFAULTS.timeout,
    accept: AcceptOpt = frozenset(),
    retries: RetriesOpt = DEFAULTS.retries,
    min_interval: MinIntervalOpt = DEFAULTS.min_interval,
    max_bytes: MaxBytesOpt = DEFAULTS.max_bytes,
    user_agent: UserAgentOpt = DEFAULTS.user_agent,
    insecure: InsecureOpt = False,
    ca_bundle: CaBundleOpt = None,
    fail_on: FailOnOpt = None,
    reviewer: ReviewerOpt = None,
    review_url: ReviewUrlOpt = None,
    timegate: TimegateOpt = None,
    archived: ArchivedOpt = ArchivedMode.MISSING,
    save: SaveOpt = False,
    save_endpoint: SaveEndpointOpt = None,
    allow_outside_files: AllowOutsideFilesOpt = False,
    extract_memory: ExtractMemoryOpt = DEFAULT_MEMORY,
    extract_timeout: ExtractTimeoutOpt = DEFAULT_TIMEOUT,
    meaning: MeaningOpt = True,
    model: ModelOpt = None,
    nli: NliOpt = None,
    offline: OfflineOpt = False,
) -> None:
    """Fetch and archive every source, find every quote, judge every claim in other words
    against the cited pages, and report on every claim."""
    with long_lived():
        from citeaudit.pipeline import AuditOptions, audit
    fetch = fetch_options(
        concurrency,
        per_host,
        timeout,
        retries=retries,
        min_interval=min_interval,
        max_bytes=max_bytes,
        user_agent=user_agent,
        insecure=insecure,
        ca_bundle=ca_bundle,
        accept=accept,
        workers=workers,
    )
    limits = extract_limits(extract_memory, extract_timeout)
    catalog, sources_sha256, file = read_input(given, fetch, limits)
    options = AuditOptions(
        fetch=fetch,
        store_dir=store,
        allow_outside_files=allow_outside_files,
        extract=limits,
        judging=judging(meaning, model, nli, offline),
        **archive_options(timegate, archived, save, save_endpoint),
    )
    with progress("fetching sources") as (on_start, on_fetch):
        result = audit(
            catalog, file, options, on_start, on_fetch, on_note=note, sources_sha256=sources_sha256
        )
    from citeaudit.report import load_report

    # The pipeline kept the report (with each source's history) in the store: show that one.
    kept = Path(result.run.store) if result.run.store else store_dir_of(store, file)
    emit(load_report(kept, result.run.id), fmt, output, reviewer=reviewer, review_url=review_url)
    raise typer.Exit(exit_code(result, fail_on))


def archive_command(
    file: FileArg = Path("sources.yaml"),
    store: StoreOpt = None,
    concurrency: ConcurrencyOpt = DEFAULTS.concurrency,
    per_host: PerHostOpt = DEFAULTS.per_host,
    workers: WorkersOpt = DEFAULTS.workers,
    timeout: TimeoutOpt = DEFAULTS.timeout,
    refetch: Annotated[
        bool,
        typer.Option(
            "--refetch",
            help="Start a new run even if the last run on this file was interrupted: "
            "fetch every source again instead of resuming.",
        ),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0.0,
            metavar="SECONDS",
            help="How long to wait for another run using the same store to finish.",
        ),
    ] = 5.0,
    timegate: TimegateOpt = None,
    archived: ArchivedOpt = ArchivedMode.MISSING,
    save: SaveOpt = False,
    save_endpoint: SaveEndpointOpt = None,
    allow_outside_files: AllowOutsideFilesOpt = False,
    extract_memory: ExtractMemoryOpt = DEFAULT_MEMORY,
    extract_timeout: ExtractTimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Fetch and keep every source in the store (WARC and page text); verify nothing."""
    with long_lived():
        from citeaudit.pipeline import AuditOptions, archive

        catalog, sources_sha256 = read_sources(file)
    options = AuditOptions(
        fetch=fetch_options(concurrency, per_host, timeout, workers=workers),
        store_dir=store,
        resume=not refetch,
        lock_wait=wait,
        allow_outside_files=allow_outside_files,
        extract=extract_limits(extract_memory, extract_timeout),
        **archive_options(timegate, archived, save, save_endpoint),
    )
    with progress("archiving sources") as (on_start, on_fetch):
        result = archive(
            catalog, file, options, on_start, on_fetch, on_note=note, sources_sha256=sources_sha256
        )
    from citeaudit.report import build_report

    emit(build_report(result), Format.TERMINAL, None)
    raise typer.Exit(exit_code(result))


def report_command(
    ctx: typer.Context,
    file: FileArg = Path("sources.yaml"),
    fmt: FormatOpt = Format.TERMINAL,
    output: OutputOpt = None,
    store: StoreOpt = None,
    run: Annotated[
        str | None,
        typer.Option(
            "--run", metavar="RUN-ID", help="The run whose report to render (default: the latest)."
        ),
    ] = None,
    fail_on: FailOnOpt = None,
    reviewer: ReviewerOpt = None,
    review_url: ReviewUrlOpt = None,
    list_runs: Annotated[
        bool,
        typer.Option(
            "--list-runs",
            help="List the runs whose report is kept (id, start time, command, sources "
            "file), oldest first, instead of rendering one.",
        ),
    ] = False,
) -> None:
    """Render the report an audit kept in the store, in any format, without the network."""
    from citeaudit.report import load_report

    where = store_dir_of(store, file)
    if list_runs:
        _list_runs(where, run)
        return
    report = load_report(where, run)
    # With --store alone, FILE is only its default (./sources.yaml): it says nothing of the
    # file the run read, so it is not compared with it.
    given = getattr(ctx.get_parameter_source("file"), "name", "DEFAULT") != "DEFAULT"
    if store is None or given:
        _warn_if_changed(file, report, where, store)
    emit(report, fmt, output, reviewer=reviewer, review_url=review_url, store_dir=where)
    raise typer.Exit(exit_code(report.outcome(), fail_on))


def _warn_if_changed(file: Path, report: ReportModel, where: Path, store: Path | None) -> None:
    """Warn (on stderr) when the sources file is no longer what the run read: the report
    shows the claims and sources as they were, which a reader could take for the file now.

    The run's hash is in its report, or for a report kept before reports held it, in the
    store's record of the run. A run of another file in the same store (another name) is
    not compared with this one."""
    import hashlib

    run = report.run
    if Path(run.sources_file).name != file.name:
        return
    recorded = run.sources_sha256 or _recorded_sha256(where, run.id)
    if recorded is None:
        return
    since = f"since run {run.id} ({run.started.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
    then = "this report shows the claims and sources as they were then"
    try:
        with file.open("rb") as stream:
            now = hashlib.file_digest(stream, "sha256").hexdigest()
    except FileNotFoundError:
        say(f"warning: {file} is gone {since}: {then}")
        return
    except OSError as exc:
        say(f"warning: {file} cannot be read ({exc.strerror}) to tell whether it changed {since}")
        return
    if now != recorded:
        again = f"citeaudit audit {shlex.quote(str(file))}"
        if store is not None:
            again += f" --store {shlex.quote(str(store))}"
        now_too = f"run `{again}` to audit them as they are now"
        say(f"warning: {file} has changed {since}: {then}; {now_too}")


def _recorded_sha256(where: Path, run_id: str) -> str | None:
    from citeaudit.store import Store

    with Store.read(where) as opened:
        return opened.sources_sha256(run_id)


def _list_runs(where: Path, run: str | None) -> None:
    """``report --list-runs``: one line per run with a kept report, for ``--run``."""
    from citeaudit.errors import UsageError
    from citeaudit.store import Store

    if run is not None:
        raise UsageError(
            "--list-runs cannot be combined with --run",
            hint="run 'citeaudit report --list-runs' first, then --run with one of its ids",
        )
    with Store.read(where) as opened:
        kept = opened.kept_runs()
    if not kept:
        note(f"no report is kept in the store at {where} yet: run 'citeaudit audit' first")
        return
    for item in kept:
        started = f"{item.started:%Y-%m-%dT%H:%M:%SZ}"
        typer.echo(inert(f"{item.id}  {started}  {item.command:<7}  {item.sources_file}"))
