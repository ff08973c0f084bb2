"""The command line: parse options, call the core, render. Nothing else lives here.

This module makes the Typer app and registers the commands, which live one module per
group: :mod:`~citeaudit.commands.drafts` (draft), :mod:`~citeaudit.commands.links`
(validate, check), :mod:`~citeaudit.commands.runs`
(audit, archive, report) and :mod:`~citeaudit.commands.evidence` (history, search, export,
verify-store). Each imports the core inside the command, so ``--help`` loads no engine.
"""

from __future__ import annotations

import gc

# The imports below make many objects that live until exit (typer's, click's). The cyclic
# collector would walk them over and over while they are made, and again at exit, to find
# nothing. So it is off while they are made, and they are frozen out of its sight
# (gc.freeze) before it is back on.
gc.disable()
# ruff: noqa: E402 - the imports have to come after that

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from citeaudit import __version__
from citeaudit.commands import drafts, evidence, links, runs
from citeaudit.commands.console import err, inert
from citeaudit.errors import CiteauditError

gc.freeze()
gc.enable()


class _Group(TyperGroup):
    """Prints a CiteauditError once, well, and exits with its code: no traceback. Its
    message and hint may quote a sources file or a page: they are printed :func:`inert`."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context, as the base class types it
        try:
            return super().invoke(ctx)
        except CiteauditError as exc:
            message = inert(exc.message)
            err().print(message if "\n" in message else f"citeaudit: {message}")
            if exc.hint:
                err().print(f"hint: {inert(exc.hint)}")
            raise typer.Exit(exc.exit_code) from None


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

app.command(name="draft")(drafts.draft_command)
app.command()(links.validate)
app.command()(links.check)
app.command(name="audit")(runs.audit_command)
app.command(name="archive")(runs.archive_command)
app.command(name="report")(runs.report_command)
app.command(name="history")(evidence.history_command)
app.command(name="search")(evidence.search_command)
app.command(name="export")(evidence.export_command)
app.command(name="verify-store")(evidence.verify_store_command)


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
        err().print("citeaudit: interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("CITEAUDIT_DEBUG"):
            raise
        err().print(f"citeaudit: internal error: {type(exc).__name__}: {exc}")
        err().print(
            "hint: this is a bug; run again with CITEAUDIT_DEBUG=1 and report the traceback"
        )
        sys.exit(3)
