"""Robust Links (https://robustlinks.mementoweb.org/spec/): a citation that survives rot.

An author who publishes ``<a href="URL" data-versionurl="MEMENTO" data-versiondate="DATE">``
gives readers the page, a public archive's copy of it, and the date the link meant, so
the Robust Links script (or a person with a Memento aggregator) can still reach the page as
it was when the live one has gone or changed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from citeaudit.catalog import Source

if TYPE_CHECKING:  # result imports this module for SourceResult.robust_link
    from citeaudit.webarchive.copy import ArchivedCopy


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def robust_link(source: Source, archived: ArchivedCopy | None) -> str | None:
    """The ``<a>`` element an author can paste for ``source``, or None when it has no URL.

    ``data-versionurl`` is the archived copy (when one was found); ``data-versiondate`` the
    date of linking: the source's ``accessed`` date, else the copy's date. With neither a
    copy nor a date there is nothing to add to a plain link, so None. Every value is
    HTML-escaped, so a title or URL cannot break out of the element.
    """
    if not source.url:
        return None
    memento = archived.url if archived is not None and archived.found and archived.url else None
    copy_date = archived.date if memento and archived is not None else None
    day = source.accessed or (copy_date.date() if copy_date else None)
    if memento is None and day is None:
        return None
    attributes = [f'href="{_attr(source.url)}"']
    if memento:
        attributes.append(f'data-versionurl="{_attr(memento)}"')
    if day is not None:
        attributes.append(f'data-versiondate="{day:%Y-%m-%d}"')
    text = " ".join((source.title or source.url).split())
    return f"<a {' '.join(attributes)}>{html.escape(text, quote=False)}</a>"
