"""What the commands share around the core: the consoles (stderr for messages, stdout for
output), the progress bar, writing the report, the sources file read with the collector
off, and the exit code. rich is imported only when a console is first needed."""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeaudit.errors import CiteauditError
from citeaudit.result import findings, parse_fail_on

if TYPE_CHECKING:
    from rich.console import Console

    from citeaudit.catalog import Catalog
    from citeaudit.fetch import FetchResult
    from citeaudit.report import Format, ReportModel
    from citeaudit.result import AuditResult, Outcome


def inert(text: str, *, json: bool = False) -> str:
    """``text`` as it may be printed: a character that would act on a terminal (an escape
    sequence or a bidi override, from a sources file or a page) shown escaped, so that no
    message can clear the screen or fake a line (``json``: escaped as JSON writes it).
    Text with none is left as it is without loading the report layer."""
    if text.replace("\n", " ").isprintable():
        return text
    from citeaudit.report import printable

    return printable(text, json=json)


@functools.cache
def _console_class() -> type[Console]:
    """rich's Console, printing every string it is given :func:`inert` (rich itself lets
    ESC through); rich's own objects (Text, tables) are left to those who make them."""
    from rich.console import Console

    class InertConsole(Console):
        def print(self, *objects: Any, **options: Any) -> None:
            shown = [inert(o) if isinstance(o, str) else o for o in objects]
            super().print(*shown, **options)

    return InertConsole


@functools.cache
def err() -> Console:
    """The console for messages and the progress bar (stderr), made when first needed: rich
    takes some 15 ms to import, which a script reading `check --format json` need not wait."""
    console = _console_class()
    return console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def err_is_terminal() -> bool:
    """Whether stderr is a terminal, as the console decides (FORCE_COLOR and TTY_COMPATIBLE
    count): rich is only imported to ask when stderr or those could make it one."""
    if os.environ.get("TTY_COMPATIBLE") != "1" and not os.environ.get("FORCE_COLOR"):
        isatty = getattr(sys.stderr, "isatty", None)
        try:
            if isatty is None or not isatty():
                return False
        except ValueError:  # stderr is closed
            return False
    return err().is_terminal


def say(line: str) -> None:
    """A line on stderr as the console prints it (once no progress bar is shown), made
    :func:`inert`: text it would not change, with no tab or control character, goes out
    without importing rich."""
    line = inert(line)
    if line.isprintable():
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    else:
        err().print(line)


def out() -> Console:
    """The console for a command's output (stdout): text from pages goes in as Text only."""
    console = _console_class()
    return console(highlight=False, markup=False, emoji=False, soft_wrap=False)


def note(text: str) -> None:
    err().print(f"citeaudit: {inert(text)}")


@contextmanager
def progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[FetchResult], None]]]:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    if not err_is_terminal():
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
        console=err(),
        transient=True,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield (lambda total: bar.update(task, total=total)), (lambda _: bar.advance(task))


def emit(
    report: ReportModel,
    fmt: Format,
    output: Path | None,
    *,
    reviewer: str | None = None,
    review_url: str | None = None,
    store_dir: Path | None = None,
) -> None:
    """Write the report to --output (atomically) or stdout; the summary to stderr."""
    from citeaudit.report import Format, RenderOptions, renderer, summary_line

    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else (out().width if to_terminal else None)
    options = RenderOptions(
        width=width,
        color=color,
        reviewer=reviewer,
        review_url=review_url,
        output_dir=output.parent if output is not None else None,
        store_dir=store_dir,
    )
    text = renderer(fmt, options).render(report)
    if to_terminal and fmt != Format.TERMINAL:  # JSON, CSV or Markdown read on a terminal
        text = inert(text, json=fmt in (Format.JSON, Format.CLAIMREVIEW))
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
        say(f"report written to {output}")
    say(summary_line(report))


@contextmanager
def long_lived() -> Iterator[None]:
    """Build what lives to the end of the run (the catalog, the report) with the collector
    off: it would walk it over and over as it grows, to find no garbage. It is then frozen
    out of the collector's sight, as the imports are. A command also imports the core it
    runs inside it: those imports make many such objects too. Nested uses count as one."""
    global _LONG_LIVED
    _LONG_LIVED += 1
    gc.disable()
    try:
        yield
    finally:
        _LONG_LIVED -= 1
        if not _LONG_LIVED:
            gc.freeze()
            gc.enable()


_LONG_LIVED = 0


def read_catalog(file: Path) -> Catalog:
    """The sources file, read and checked (see :func:`long_lived`)."""
    from citeaudit.catalog import load_catalog

    with long_lived():
        return load_catalog(file)


def read_sources(file: Path) -> tuple[Catalog, str]:
    """The sources file read once, checked, and the SHA-256 of the very bytes checked: a run
    records it, and ``report`` compares it with the file as it is later."""
    import hashlib

    from citeaudit.catalog import parse_catalog, read_sources_file

    with long_lived():
        data = read_sources_file(file)
        return parse_catalog(data, str(file)), hashlib.sha256(data).hexdigest()


def exit_code(result: AuditResult | Outcome, fail_on: list[str] | None = None) -> int:
    """1 when the run has findings (what counts is --fail-on's choice), else 0."""
    return 1 if findings(result, parse_fail_on(fail_on or ())) else 0


def store_dir_of(store: Path | None, sources: Path = Path("sources.yaml")) -> Path:
    """--store, or .citeaudit/ beside the sources file (by default ./sources.yaml, so
    .citeaudit/ in this folder)."""
    from citeaudit.store import default_store_dir

    return store if store is not None else default_store_dir(sources)
