"""Plain data to the catalog's models, with every problem said where it was written.

Each pydantic error becomes a sentence a user can act on ("unknown key 'titel' in source
'smith-2020': did you mean 'title'?") at the line and column of the value or key, and errors
about values already reported while reading are dropped. Dates are checked before pydantic
(which would read ``0`` as 1970-01-01), and ids that clash or evidence that names no source
are found on the same data even when other entries are broken, so one run shows everything.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from datetime import date, datetime
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from citeaudit.catalog.entries import (
    SLUG,
    Catalog,
    Claim,
    Document,
    Evidence,
    Locator,
    Source,
    Span,
)
from citeaudit.catalog.problems import INVALID, Located, Path_, Pos, describe_value

_MODEL_NAMES: Final[dict[type[BaseModel], str]] = {
    Catalog: "the top level",
    Document: "document",
    Source: "source",
    Claim: "claim",
    Evidence: "evidence",
    Locator: "locator",
    Span: "span",
}
_SLUG = re.compile(SLUG)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KIND_WORDS: Final = {
    "int": "a whole number",
    "string": "text",
    "float": "a number",
    "bool": "true/false",
}


class Validation(Located):
    """Checks one file's plain data against the models, and its ids across the file."""

    def validate(self, data: dict[str, Any]) -> Catalog | None:
        """Validate with the models, turning each pydantic error into a located problem."""
        self.check_dates(Catalog, data, ())
        try:
            return Catalog.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        unions: dict[Path_, list[str]] = {}
        for error in errors:
            loc: Path_ = tuple(error["loc"])
            path = _existing(data, loc)
            if any(path[:size] in self.reported for size in range(len(path) + 1)):
                continue
            kind = error["type"]
            given = _at(data, path)
            if kind == "too_short" and isinstance(given, list) and given:
                continue  # pydantic adds this after its items failed; they are reported
            if len(path) < len(loc) and kind != "missing":
                unions.setdefault(path, []).append(kind)  # one error per member of a union
                continue
            self.explain(error, loc, path, data)
        for path, kinds in unions.items():
            wanted = sorted({_KIND_WORDS.get(k.split("_")[0], "something else") for k in kinds})
            value = _at(data, path)
            self.add(
                self.marks.get(path, (1, 1)),
                f"{_field(path)} must be {' or '.join(wanted)}, not {self.describe(path, value)}",
            )
        return None

    def explain(self, error: Any, loc: Path_, path: Path_, data: dict[str, Any]) -> None:
        """One pydantic error as a sentence a user can act on, at the right place."""
        kind: str = error["type"]
        value = error.get("input")
        where = self.marks.get(path, (1, 1))
        name = _field(loc)
        if kind == "missing":
            message = f"missing required key {loc[-1]!r} in {self.what(path, data)}"
        elif kind == "extra_forbidden":
            where = self.key_marks.get(path, where)
            message = self.unknown_key(path, data)
        elif kind in ("value_error", "assertion_error"):
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            message = message.removeprefix("Assertion failed, ")
        elif kind == "string_pattern_mismatch":
            message = (
                f"{name} {value!r} is not a valid id: use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit"
            )
        elif kind in ("string_type", "tuple_type", "list_type") and value is None:
            hint = "write its value" if kind == "string_type" else "list its entries under it"
            message = f"{name} is empty: {hint}" + (
                "" if _required(path) else " or leave out the key"
            )
        elif kind == "string_type":
            message = f"{name} must be text, not {self.describe(path, value)}"
            if isinstance(value, int | float | date) and path in self.raw:
                message += f": put it in quotes, {name}: '{self.raw[path]}'"
        elif kind.startswith("date"):
            message = f"{name} {self.describe(path, value)} is not a date: write YYYY-MM-DD"
        elif kind in ("tuple_type", "list_type"):
            message = (
                f"{name} must be a list (one '- ' line per entry), not {self.describe(path, value)}"
            )
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            given = self.describe(path, value)
            message = f"{self.what(path, data)} must be a mapping of keys to values, not {given}"
        elif kind == "too_short" and name == "evidence":
            message = (
                f"{self.what(path[:-1], data)} has no evidence: list at least one source "
                "under evidence"
            )
        elif kind == "too_short":
            message = f"{name} must not be empty"
        elif kind.startswith("int"):
            message = f"{name} must be a whole number, not {self.describe(path, value)}"
        else:
            message = f"{name}: {error.get('msg', kind)}"
        self.add(where, message)

    def unknown_key(self, path: Path_, data: dict[str, Any]) -> str:
        model = _model_at(path[:-1])
        known = list(model.model_fields) if model else []
        key = str(path[-1])
        message = f"unknown key {key!r} in {self.what(path[:-1], data)}"
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            message += f": did you mean {close[0]!r}?"
        if known:
            message += f" (known keys: {', '.join(known)})"
        return message

    def what(self, path: Path_, data: dict[str, Any]) -> str:
        """What the mapping at ``path`` is, for messages: "source 'smith-2020'", "claim"."""
        model = _model_at(path)
        name = _MODEL_NAMES.get(model, "entry") if model else "entry"
        value = _at(data, path)
        if isinstance(value, dict) and isinstance(value.get("id"), str) and model is not Catalog:
            return f"{name} {value['id'].strip()!r}"
        return name

    def describe(self, path: Path_, value: object) -> str:
        """What the value at ``path`` is, in words, as it was written."""
        return describe_value(value, self.raw.get(path))

    def check_dates(self, model: type[BaseModel], value: object, path: Path_) -> None:
        """Check date fields before pydantic does, which would read ``0`` as 1970-01-01."""
        if not isinstance(value, dict):
            return
        dates, models = _fields(model)
        for name, item in list(value.items()):
            if name in dates:
                value[name] = self.check_date(name, item, (*path, name))
                continue
            inner = models.get(name)
            if inner is None:
                continue
            here = (*path, name)
            if isinstance(item, list):
                for index, entry in enumerate(item):
                    self.check_dates(inner, entry, (*here, index))
            else:
                self.check_dates(inner, item, here)

    def check_date(self, name: str, value: object, path: Path_) -> object:
        """A date value as pydantic should see it, or the value kept and the problem reported."""
        if value is None or value is INVALID:
            return value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = value.strip() if isinstance(value, str) else self.raw.get(path, str(value))
        if isinstance(value, str) and _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                message = f"{name} {text!r} is not a real date ({exc}): write YYYY-MM-DD"
        elif re.fullmatch(r"[0-9]{4}", text):
            message = f"{name} {text} is only a year: write the full date as YYYY-MM-DD"
        elif isinstance(value, str):
            message = f"{name} {text!r} is not a date: write YYYY-MM-DD"
        else:
            message = f"{name} must be a date written YYYY-MM-DD, not {self.describe(path, value)}"
        self.add(self.marks.get(path, (1, 1)), message)
        self.reported.add(path)
        return value

    # -----------------------------------------------------------------------------------------
    # Ids across the file

    def cross_check(self, data: dict[str, Any]) -> None:
        """Report clashing ids and evidence citing no source, from whatever entries are usable."""
        sources = data.get("sources")
        source_ids = self.unique_ids(sources, "sources", "source")
        claims = data.get("claims")
        self.unique_ids(claims, "claims", "claim")
        if not isinstance(claims, list) or (sources is not None and not isinstance(sources, list)):
            return  # the wrong shape is reported already; guessing at ids would only add noise
        for index, claim in enumerate(claims):
            evidence = claim.get("evidence") if isinstance(claim, dict) else None
            if not isinstance(evidence, list):
                continue
            for number, entry in enumerate(evidence):
                cited = entry.get("source") if isinstance(entry, dict) else None
                if not isinstance(cited, str) or not _SLUG.match(cited.strip()):
                    continue
                cited = cited.strip()
                if cited in source_ids:
                    continue
                path: Path_ = ("claims", index, "evidence", number, "source")
                close = difflib.get_close_matches(cited, list(source_ids), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "add a source with this id under sources"
                )
                self.add(self.marks.get(path, (1, 1)), f"unknown source {cited!r}: {hint}")

    def unique_ids(self, entries: object, key: str, noun: str) -> dict[str, Pos]:
        """The ids of ``entries`` with where each was first given; repeats are reported."""
        seen: dict[str, Pos] = {}
        if not isinstance(entries, list):
            return seen
        for index, entry in enumerate(entries):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str) or not ident.strip():
                continue
            ident = ident.strip()
            where = self.marks.get((key, index, "id"), (1, 1))
            if ident in seen:
                line, column = seen[ident]
                self.add(
                    where,
                    f"duplicate {noun} id {ident!r}: the first is at line {line}, column {column}",
                )
            else:
                seen[ident] = where
        return seen


def _field(loc: Path_) -> str:
    """The name of the field ``loc`` ends in, for messages ("id", "locator")."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


def _at(data: object, path: Path_) -> object:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _existing(data: object, loc: Path_) -> Path_:
    """The longest start of ``loc`` that names a value in ``data``."""
    for size, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return loc[:size]
    return loc


def _inner_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds, through ``X | None`` and ``tuple[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[frozenset[str], dict[str, type[BaseModel]]]:
    """The names of ``model``'s date fields, and the model each other field holds, if any:
    asked for each entry of the file, so worked out once."""
    fields = model.model_fields
    dates = frozenset(name for name, info in fields.items() if _holds_date(info.annotation))
    models = {name: _inner_model(info.annotation) for name, info in fields.items()}
    return dates, {name: inner for name, inner in models.items() if inner and name not in dates}


def _holds_date(annotation: object) -> bool:
    if annotation is date:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return date in typing.get_args(annotation)
    return False


def _required(path: Path_) -> bool:
    """Whether the field at ``path`` must be given."""
    model = _model_at(path[:-1])
    info = model.model_fields.get(str(path[-1])) if model and path else None
    return bool(info and info.is_required())


def _model_at(path: Path_) -> type[BaseModel] | None:
    """The model whose mapping sits at ``path`` (list indexes keep the item's model)."""
    model: type[BaseModel] | None = Catalog
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _inner_model(model.model_fields[part].annotation)
    return model
