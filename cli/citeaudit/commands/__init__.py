"""The command line (Typer): parse options, call the core, render. Thin on purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.commands.app import main as main

exports(globals(), {"app": ("main",)})
