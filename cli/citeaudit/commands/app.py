"""The command line: parse options, call the core, render. Nothing else lives here."""

from __future__ import annotations

import functools
import gc

# The imports below make a few hundred thousand objects that live until exit (typer's,
# pydantic's, httpx's). The cyclic collector would walk them over and over while they are
# made, and again at exit, to find nothing: some 90 ms of a `check`. So it is off while
# they are made, and they are frozen out of its sight (gc.freeze) before it is back on.
gc.disable()
# ruff: noqa: E402 - the imports have to come after that

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from citeaudit import __version__
from citeaudit.catalog.reader import load_catalog
from citeaudit.errors import CiteauditError, UsageError
from citeaudit.fetch.engine import FetchOptions, FetchResult, parse_size, parse_status_codes
from citeaudit.report import Format, RenderOptions, renderer
from citeaudit.report.model import ReportModel
from citeaudit.report.words import summary_line
from citeaudit.result import FAIL_ON_VALUES, AuditResult, Outcome, findings, parse_fail_on
from citeaudit.vocab import ArchivedMode

gc.freeze()
gc.enable()

if TYPE_CHECKING:
    from rich.console import Console

    from citeaudit.catalog.entries import Catalog


class _Group(TyperGroup):
    """Prints a CiteauditError once, well, and exits with its code: no traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context, as the base class types it
        try:
            return super().invoke(ctx)
        except CiteauditError as exc:
            _err().print(exc.message if "\n" in exc.message else f"citeaudit: {exc.message}")
            if exc.hint:
                _err().print(f"hint: {exc.hint}")
            raise typer.Exit(exc.exit_code) from None


@functools.cache
def _err() -> Console:
    """The console for messages and the progress bar (stderr), made when first needed: rich
    takes some 15 ms to import, which a script reading `check --format json` need not wait."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _err_is_terminal() -> bool:
    """Whether stderr is a terminal, as the console decides (FORCE_COLOR and TTY_COMPATIBLE
    count): rich is only imported to ask when stderr or those could make it one."""
    if os.environ.get("TTY_COMPATIBLE") != "1" and not os.environ.get("FORCE_COLOR"):
        isatty = getattr(sys.stderr, "isatty", None)
        try:
            if isatty is None or not isatty():
                return False
        except ValueError:  # stderr is closed
            return False
    return _err().is_terminal


def _say(line: str) -> None:
    """A line on stderr as the console prints it (once no progress bar is shown): text it
    would not change, with no tab or control character, goes out without importing rich."""
    if line.isprintable():
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    else:
        _err().print(line)


app = typer.Typer(
    name="citeaudit",
    cls=_Group,
    help=(
        "Audit the citations behind a document: check every link, archive every source, "
        "and find every quoted passage in its source.\n\n"
        "Exit codes: 0 everything checked holds; 1 findings (a dead link, a claim not "
        "supported); 2 bad input or usage; 3 internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Options shared by several commands, defined once.
FileArg = Annotated[
    Path,
    typer.Argument(help="The sources file.", show_default=True, metavar="FILE"),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Report format: " + ", ".join(Format) + ".",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the report to this file instead of stdout."),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Evidence store directory (default: .citeaudit/ beside FILE)."),
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, max=256, help="Requests in flight at once.")
]
PerHostOpt = Annotated[
    int, typer.Option("--per-host", min=1, max=64, help="Requests in flight to one host.")
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=0,
        max=64,
        help="Processes that make the requests: 0 chooses (one per core, up to 4, for 100 "
        "URLs or more, on Linux); 1 keeps everything in one process.",
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0.1, help="Seconds allowed for one URL, redirects included."),
]


def _size(value: str | int) -> int:
    try:
        return value if isinstance(value, int) else parse_size(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def _codes(value: str | frozenset[int]) -> frozenset[int]:
    try:
        return value if isinstance(value, frozenset) else parse_status_codes(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


HeadOpt = Annotated[
    bool,
    typer.Option(
        "--head",
        help="Ask with HEAD first (faster, no body read); GET when HEAD gets anything but 2xx. "
        "Pages are then not read for soft 404s, except for links with a #fragment.",
    ),
]
AcceptOpt = Annotated[
    frozenset[int],
    typer.Option(
        "--accept",
        parser=_codes,
        metavar="CODES",
        show_default="none",
        help="HTTP codes to count as fine, e.g. 403,429 or 500-599: reported as they are, "
        "but not findings.",
    ),
]
InsecureOpt = Annotated[
    bool,
    typer.Option("--insecure", help="Do not verify TLS certificates (the report says so)."),
]
UserAgentOpt = Annotated[
    str, typer.Option("--user-agent", metavar="TEXT", help="User-Agent header to send.")
]
MaxBytesOpt = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        parser=_size,
        metavar="SIZE",
        show_default=f"{FetchOptions.max_bytes // 2**20}MiB",
        help="Largest body read per URL, e.g. 50MB or 1GiB; longer ones are cut and say so.",
    ),
]
MinIntervalOpt = Annotated[
    float,
    typer.Option(
        "--min-interval",
        min=0.0,
        metavar="SECONDS",
        help="Least time between the starts of two requests to one host.",
    ),
]
RetriesOpt = Annotated[
    int,
    typer.Option("--retries", min=0, max=10, help="Retries after a timeout, reset, 429 or 5xx."),
]
CaBundleOpt = Annotated[
    Path | None,
    typer.Option("--ca-bundle", metavar="PATH", help="Trust the CA certificates in this PEM file."),
]


def _fail_on_values(values: list[str] | None) -> list[str] | None:
    """Refuse an unknown --fail-on value before any work is done."""
    try:
        parse_fail_on(values or ())
    except UsageError as exc:
        message = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
        raise typer.BadParameter(message) from None
    return values


FailOnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        metavar="WHAT",
        callback=_fail_on_values,
        show_default="default",
        help="What makes the exit code 1 (repeat it, or separate with commas): default "
        "(rotted links, claims unsupported or partly_supported), any, none, rotted, or any "
        "claim verdict, evidence verdict or link status, e.g. unsupported,misquoted,blocked. "
        "Values: " + ", ".join(FAIL_ON_VALUES) + ".",
    ),
]
ReviewerOpt = Annotated[
    str | None,
    typer.Option(
        "--reviewer",
        metavar="NAME",
        envvar="CITEAUDIT_REVIEWER",
        help="Who publishes the check: the author of each ClaimReview (--format claimreview).",
    ),
]
TimegateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--timegate",
        metavar="URL",
        show_default="CITEAUDIT_TIMEGATE, else https://web.archive.org/web/",
        help="A Memento TimeGate to ask for archived copies near each source's accessed "
        "date; repeat it to ask several, in order.",
    ),
]
ArchivedOpt = Annotated[
    ArchivedMode,
    typer.Option(
        "--archived",
        case_sensitive=False,
        help="Which sources to look up in public web archives: never, missing (those whose "
        "live copy failed) or always (drift is then also sought in the archived copy).",
    ),
]
SaveOpt = Annotated[
    bool,
    typer.Option(
        "--save",
        help="Ask the Wayback Machine's Save Page Now to capture every live source (with "
        "IA_ACCESS_KEY and IA_SECRET_KEY from the environment, else anonymously).",
    ),
]
SaveEndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--save-endpoint",
        metavar="URL",
        show_default="CITEAUDIT_SPN_ENDPOINT, else https://web.archive.org/save",
        help="The Save Page Now endpoint used with --save.",
    ),
]


def _archive_options(
    timegate: list[str] | None, archived: ArchivedMode, save: bool, save_endpoint: str | None
) -> dict[str, Any]:
    """AuditOptions' public web archive fields from --timegate, --archived and --save."""
    from citeaudit.webarchive.memento import MementoOptions
    from citeaudit.webarchive.spn import SaveOptions

    return {
        "archived": archived,
        "memento": MementoOptions(timegates=tuple(timegate)) if timegate else None,
        "save": SaveOptions.from_env(save_endpoint) if save else None,
    }


DEFAULTS = FetchOptions()


def _fetch_options(
    concurrency: int,
    per_host: int,
    timeout: float,
    *,
    retries: int = DEFAULTS.retries,
    min_interval: float = DEFAULTS.min_interval,
    max_bytes: int = DEFAULTS.max_bytes,
    user_agent: str = DEFAULTS.user_agent,
    insecure: bool = False,
    ca_bundle: Path | None = None,
    head: bool = False,
    accept: frozenset[int] = frozenset(),
    workers: int = DEFAULTS.workers,
) -> FetchOptions:
    if insecure:
        _err().print("warning: --insecure: TLS certificates are not verified")
    return FetchOptions(
        concurrency=concurrency,
        per_host=per_host,
        timeout=timeout,
        retries=retries,
        min_interval=min_interval,
        max_bytes=max_bytes,
        user_agent=user_agent,
        insecure=insecure,
        ca_bundle=str(ca_bundle) if ca_bundle else None,
        head_first=head,
        accept=accept,
        workers=workers,
    )


@contextmanager
def _progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[FetchResult], None]]]:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    if not _err_is_terminal():
        yield (lambda total: None), (lambda result: None)
        return
    # Imported only for a terminal: rich's progress machinery is a cost scripts need not pay.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err(),
        transient=True,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield (lambda total: bar.update(task, total=total)), (lambda _: bar.advance(task))


def _emit(
    report: ReportModel,
    fmt: Format,
    output: Path | None,
    *,
    reviewer: str | None = None,
    store_dir: Path | None = None,
) -> None:
    """Write the report to --output (atomically) or stdout; the summary to stderr."""
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else (_out().width if to_terminal else None)
    options = RenderOptions(
        width=width,
        color=color,
        reviewer=reviewer,
        output_dir=output.parent if output is not None else None,
        store_dir=store_dir,
    )
    text = renderer(fmt, options).render(report)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        tmp = output.with_name(f".{output.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(output)
        except OSError as exc:
            raise CiteauditError(
                f"cannot write the report to {output}: {exc.strerror}",
                hint="check that the directory exists and is writable",
            ) from None
        _say(f"report written to {output}")
    _say(summary_line(report))


@contextmanager
def _long_lived() -> Iterator[None]:
    """Build what lives to the end of the run (the catalog, the report) with the collector
    off: it would walk it over and over as it grows, to find no garbage. It is then frozen
    out of the collector's sight, as the imports are."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _catalog(file: Path) -> Catalog:
    """The sources file, read and checked (see :func:`_long_lived`)."""
    with _long_lived():
        return load_catalog(file)


def _exit_code(result: AuditResult | Outcome, fail_on: list[str] | None = None) -> int:
    """1 when the run has findings (what counts is --fail-on's choice), else 0."""
    return 1 if findings(result, parse_fail_on(fail_on or ())) else 0


@app.command()
def validate(file: FileArg = Path("sources.yaml")) -> None:
    """Check a sources file and list every problem in it as FILE:LINE:COL: message."""
    catalog = _catalog(file)
    evidence = sum(len(c.evidence) for c in catalog.claims)
    typer.echo(
        f"{file}: valid: {len(catalog.sources)} sources, {len(catalog.claims)} claims, "
        f"{evidence} pieces of evidence"
    )


@app.command()
def check(
    file: FileArg = Path("sources.yaml"),
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
) -> None:
    """Check every source's link, and keep nothing. Fast; no quotes are verified."""
    from citeaudit.pipeline.linkcheck import check_links

    catalog = _catalog(file)
    options = _fetch_options(
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
    with _progress("checking links") as (on_start, on_fetch):
        result = check_links(catalog, file, options, on_start, on_fetch)
    with _long_lived():
        report = ReportModel.from_result(result)
    _emit(report, fmt, output, reviewer=reviewer)
    raise typer.Exit(_exit_code(result, fail_on))


@app.command(name="audit")
def audit_command(
    file: FileArg = Path("sources.yaml"),
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
    timegate: TimegateOpt = None,
    archived: ArchivedOpt = ArchivedMode.MISSING,
    save: SaveOpt = False,
    save_endpoint: SaveEndpointOpt = None,
) -> None:
    """Fetch and archive every source, find every quote, and report on every claim."""
    from citeaudit.pipeline.run import AuditOptions, audit

    catalog = _catalog(file)
    fetch_options = _fetch_options(
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
    options = AuditOptions(
        fetch=fetch_options,
        store_dir=store,
        **_archive_options(timegate, archived, save, save_endpoint),
    )
    with _progress("fetching sources") as (on_start, on_fetch):
        result = audit(catalog, file, options, on_start, on_fetch, on_note=_note)
    from citeaudit.report.saved import load_report

    # The pipeline kept the report (with each source's history) in the store: show that one.
    kept = Path(result.run.store) if result.run.store else _store_dir(store)
    _emit(load_report(kept, result.run.id), fmt, output, reviewer=reviewer)
    raise typer.Exit(_exit_code(result, fail_on))


# -- the evidence store: archive, history, search, export ----------------------------------


def _store_dir(store: Path | None) -> Path:
    """--store, or .citeaudit/ in this folder (where ./sources.yaml keeps its store)."""
    from citeaudit.store.database import default_store_dir

    return store if store is not None else default_store_dir(Path("sources.yaml"))


def _out() -> Console:
    """The console for a command's output (stdout): text from pages goes in as Text only."""
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False, soft_wrap=False)


@app.command(name="archive")
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
) -> None:
    """Fetch and keep every source in the store (WARC and page text); verify nothing."""
    from citeaudit.pipeline.run import AuditOptions, archive

    catalog = _catalog(file)
    options = AuditOptions(
        fetch=_fetch_options(concurrency, per_host, timeout, workers=workers),
        store_dir=store,
        resume=not refetch,
        lock_wait=wait,
        **_archive_options(timegate, archived, save, save_endpoint),
    )
    with _progress("archiving sources") as (on_start, on_fetch):
        result = archive(catalog, file, options, on_start, on_fetch, on_note=_note)
    _emit(ReportModel.from_result(result), Format.TERMINAL, None)
    raise typer.Exit(_exit_code(result))


def _note(text: str) -> None:
    _err().print(f"citeaudit: {text}")


@app.command(name="report")
def report_command(
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
) -> None:
    """Render the report an audit kept in the store, in any format, without the network."""
    from citeaudit.report.saved import load_report
    from citeaudit.store.database import default_store_dir

    where = store if store is not None else default_store_dir(file)
    report = load_report(where, run)
    _emit(report, fmt, output, reviewer=reviewer, store_dir=where)
    raise typer.Exit(_exit_code(report.outcome(), fail_on))


@app.command(name="history")
def history_command(
    key: Annotated[
        str | None,
        typer.Argument(
            metavar="[SOURCE-ID|URL]",
            help="A source id or URL; without one, one line per source.",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Every capture and status of a source over time, and when it first failed."""
    from citeaudit.commands.views import history_view, overview_view
    from citeaudit.store.history import all_histories, history

    where = _store_dir(store)
    if key is None:
        _out().print(overview_view(all_histories(where)))
    else:
        _out().print(history_view(history(where, key)))


@app.command(name="search")
def search_command(
    words: Annotated[str, typer.Argument(metavar="WORDS", help='Words to find, or "a phrase".')],
    store: StoreOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="Show at most this many pages.")
    ] = 20,
) -> None:
    """Full-text search across every archived page: source, page and snippet."""
    from citeaudit.commands.views import search_view
    from citeaudit.store.search import search

    hits = search(_store_dir(store), words, limit=limit)
    if not hits:
        _err().print("no page in the store has those words")
        raise typer.Exit(1)
    _out().print(search_view(hits))


@app.command(name="export")
def export_command(
    wacz: Annotated[
        Path,
        typer.Option("--wacz", metavar="OUT.wacz", help="Write a WACZ 1.1.1 file here."),
    ],
    store: StoreOpt = None,
) -> None:
    """Export every WARC of the store as one WACZ file that replays in ReplayWeb.page."""
    from citeaudit.commands.views import export_line
    from citeaudit.store.export import export_wacz

    _err().print(export_line(export_wacz(_store_dir(store), wacz)))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citeaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Audit the citations behind a document."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; an unexpected error is reported as a bug, without a traceback."""
    try:
        app(args=argv)  # exits itself: 0, the command's code, or 2 for a usage error
    except KeyboardInterrupt:
        _err().print("citeaudit: interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        _err().print(f"citeaudit: internal error: {type(exc).__name__}: {exc}")
        _err().print(
            "hint: this is a bug; run again with CITEAUDIT_DEBUG=1 and report the traceback"
        )
        sys.exit(3)
