"""The command line: parse options, call the core, render. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from citeaudit import __version__
from citeaudit.catalog import load_catalog
from citeaudit.errors import CiteauditError
from citeaudit.fetch import FetchOptions, FetchResult
from citeaudit.pipeline import AuditOptions, audit, check_links
from citeaudit.report import Format, renderer
from citeaudit.report.terminal import summary_line
from citeaudit.result import AuditResult, findings


class _Group(TyperGroup):
    """Prints a CiteauditError once, well, and exits with its code: no traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context, as the base class types it
        try:
            return super().invoke(ctx)
        except CiteauditError as exc:
            err.print(exc.message if "\n" in exc.message else f"citeaudit: {exc.message}")
            if exc.hint:
                err.print(f"hint: {exc.hint}")
            raise typer.Exit(exc.exit_code) from None


err = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)

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
    typer.Option("--format", "-f", help="Report format.", case_sensitive=False),
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
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0.1, help="Seconds allowed for one URL, redirects included."),
]

DEFAULTS = FetchOptions()


def _fetch_options(concurrency: int, per_host: int, timeout: float) -> FetchOptions:
    return FetchOptions(concurrency=concurrency, per_host=per_host, timeout=timeout)


@contextmanager
def _progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[FetchResult], None]]]:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    if not err.is_terminal:
        yield (lambda total: None), (lambda result: None)
        return
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield (lambda total: bar.update(task, total=total)), (lambda _: bar.advance(task))


def _emit(result: AuditResult, fmt: Format, output: Path | None) -> None:
    """Write the report to --output (atomically) or stdout; the summary to stderr."""
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else (Console().width if to_terminal else None)
    text = renderer(fmt, width=width, color=color).render(result)
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
        err.print(f"report written to {output}")
    err.print(summary_line(result))


def _exit_code(result: AuditResult) -> int:
    return 1 if findings(result) else 0


@app.command()
def validate(file: FileArg = Path("sources.yaml")) -> None:
    """Check a sources file and list every problem in it as FILE:LINE:COL: message."""
    catalog = load_catalog(file)
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
    timeout: TimeoutOpt = DEFAULTS.timeout,
) -> None:
    """Check every source's link, and keep nothing. Fast; no quotes are verified."""
    catalog = load_catalog(file)
    with _progress("checking links") as (on_start, on_fetch):
        result = check_links(
            catalog, file, _fetch_options(concurrency, per_host, timeout), on_start, on_fetch
        )
    _emit(result, fmt, output)
    raise typer.Exit(_exit_code(result))


@app.command(name="audit")
def audit_command(
    file: FileArg = Path("sources.yaml"),
    fmt: FormatOpt = Format.TERMINAL,
    output: OutputOpt = None,
    store: StoreOpt = None,
    concurrency: ConcurrencyOpt = DEFAULTS.concurrency,
    per_host: PerHostOpt = DEFAULTS.per_host,
    timeout: TimeoutOpt = DEFAULTS.timeout,
) -> None:
    """Fetch and archive every source, find every quote, and report on every claim."""
    catalog = load_catalog(file)
    options = AuditOptions(fetch=_fetch_options(concurrency, per_host, timeout), store_dir=store)
    with _progress("fetching sources") as (on_start, on_fetch):
        result = audit(catalog, file, options, on_start, on_fetch)
    _emit(result, fmt, output)
    raise typer.Exit(_exit_code(result))


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
        err.print("citeaudit: interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        err.print(f"citeaudit: internal error: {type(exc).__name__}: {exc}")
        err.print("hint: this is a bug; run again with CITEAUDIT_DEBUG=1 and report the traceback")
        sys.exit(3)
