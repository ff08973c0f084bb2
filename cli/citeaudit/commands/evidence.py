"""``history``, ``search``, ``export`` and ``verify-store``: reading the evidence store.

Like ``report``, each reads the store kept beside a sources file: ``.citeaudit/`` beside
``--sources FILE`` (default ./sources.yaml), unless ``--store`` names the folder. None of
them writes to the store, so each works on a store the user can only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from citeaudit.commands.console import err, inert, note, out, read_catalog, say, store_dir_of
from citeaudit.commands.options import StoreOpt

if TYPE_CHECKING:
    from citeaudit.store import Damage

SourcesOpt = Annotated[
    Path,
    typer.Option(
        "--sources",
        metavar="FILE",
        help="The sources file whose store to read: .citeaudit/ beside FILE, unless --store "
        "is given. FILE itself is not read.",
        show_default=True,
    ),
]


def history_command(
    key: Annotated[
        str | None,
        typer.Argument(
            metavar="[SOURCE-ID|URL]",
            help="A source id or URL; without one, one line per source.",
            show_default=False,
        ),
    ] = None,
    sources: SourcesOpt = Path("sources.yaml"),
    store: StoreOpt = None,
) -> None:
    """Every capture and status of a source over time, and when it first failed.

    Reads the store beside the sources file (--sources, default ./sources.yaml), or --store.
    """
    from citeaudit.commands.views import history_view, overview_view
    from citeaudit.store import all_histories, history

    where = store_dir_of(store, sources)
    console = out()
    if key is None:
        console.print(overview_view(all_histories(where), console.width), crop=False)
    else:
        console.print(history_view(history(where, key), console.width), crop=False)


def search_command(
    words: Annotated[str, typer.Argument(metavar="WORDS", help='Words to find, or "a phrase".')],
    sources: SourcesOpt = Path("sources.yaml"),
    store: StoreOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="Show at most this many pages.")
    ] = 20,
) -> None:
    """Full-text search across every archived page: source, page and snippet.

    Searches the store beside the sources file (--sources, default ./sources.yaml), or
    --store. A word hyphenated at the end of a line is found whole.
    """
    from citeaudit.commands.views import search_view
    from citeaudit.store import search

    hits = search(store_dir_of(store, sources), words, limit=limit)
    if not hits:
        err().print("no page in the store has those words")
        raise typer.Exit(1)
    out().print(search_view(hits), crop=False)


def export_command(
    wacz: Annotated[
        Path,
        typer.Option("--wacz", metavar="OUT.wacz", help="Write a WACZ 1.1.1 file here."),
    ],
    sources: SourcesOpt = Path("sources.yaml"),
    store: StoreOpt = None,
) -> None:
    """Export every WARC of the store as one WACZ file that replays in ReplayWeb.page.

    Exports the store beside the sources file (--sources, default ./sources.yaml), or --store.
    Its page list has one page per source of the sources file (titled as the file titles it),
    at its newest good capture; with --store alone and no sources file, every source the
    store has seen.

    A damaged WARC record is left out (each one said on stderr, with the copies it held) and
    the rest is exported as a valid WACZ; the exit code is then 1.
    """
    from citeaudit.commands.views import export_line
    from citeaudit.store import export_wacz

    where = store_dir_of(store, sources)
    # The sources file names and titles the pages when the store is its own (not some
    # other sources.yaml that happens to be in this folder).
    own = sources.is_file() and store_dir_of(None, sources).resolve() == where.resolve()
    catalog = read_catalog(sources) if own else None
    left_out: list[Damage] = []

    def damaged(damage: Damage) -> None:
        left_out.append(damage)
        say(inert(f"citeaudit: damaged, left out of the export: {damage.describe()}"))

    export = export_wacz(where, wacz, catalog=catalog, on_damage=damaged, on_note=note)
    err().print(export_line(export))
    if left_out:
        count = f"{len(left_out)} damaged record" + ("s were" if len(left_out) > 1 else " was")
        say(
            f"citeaudit: {count} left out of {export.path}; "
            "run 'citeaudit verify-store' to check the whole store"
        )
        raise typer.Exit(1)


def verify_store_command(
    sources: SourcesOpt = Path("sources.yaml"),
    store: StoreOpt = None,
) -> None:
    """Check every WARC record of the store: each decodes, and its digests hold.

    Reads every WARC file of the store record by record, and every copy the store points at
    (snapshots, the records revisits refer to, public archives' copies, metadata), checking
    each against its WARC digests and the store's own. Lists each damaged record with its
    file, offset and the copies (source and date) it held. Writes nothing, so a store on
    read-only media is checked too. Exit 1 when any record is damaged, else 0.
    """
    from citeaudit.store import verify_store

    check = verify_store(store_dir_of(store, sources))
    for damage in check.damaged:
        typer.echo(inert(f"damaged: {damage.describe()}"))
    for warc, size in check.unfinished:
        typer.echo(
            inert(
                f"unfinished: {warc} ends in {size} bytes of a record an interrupted run "
                "left; the next run cuts them off"
            )
        )
    for line in check.unchecked:
        typer.echo(inert(f"not checked: {line}"))
    typer.echo(check.summary())
    if not check.ok:
        say("hint: a damaged copy cannot be mended here; restore the WARC file from a backup")
        raise typer.Exit(1)
