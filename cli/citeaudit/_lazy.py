"""A stage's public interface, loaded name by name.

Each stage package lists its public names in its ``__init__`` and where each lives. A name
is imported from its module the first time it is used, so naming a stage's data types
(``from citeaudit.fetch import FetchResult``) never loads its engine, and a command imports
only what it runs. Type checkers read the same names from the ``TYPE_CHECKING`` block
beside the table; a test keeps the two in step.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any


def exports(namespace: dict[str, Any], table: Mapping[str, tuple[str, ...]]) -> None:
    """Give the package whose globals are ``namespace`` the names of ``table`` (module ->
    names), each loaded from ``<package>.<module>`` on first use and then kept."""
    package = namespace["__name__"]
    where = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    namespace["__all__"] = sorted(where)
