"""Whatever a sources file holds, loading it gives a Catalog or located problems, never a crash."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from citeaudit.catalog.entries import Catalog
from citeaudit.catalog.reader import parse_catalog
from citeaudit.commands.app import app
from citeaudit.errors import CatalogError

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID: dict[str, Any] = {
    "document": {"title": "Annual report", "published": date(2024, 3, 1)},
    "sources": [
        {
            "id": "smith-2020",
            "title": "Study",
            "url": "https://example.org/s",
            "accessed": date(2024, 5, 1),
        },
        {"id": "letter", "kind": "letter", "note": "by post"},
        {"id": "deck", "file": "deck.pdf", "published": "2023-11-30"},
    ],
    "claims": [
        {
            "id": "c1",
            "text": "The sky is blue.",
            "evidence": [
                {"source": "smith-2020", "locator": "pp. 7-8", "quote": "blue"},
                {"source": "deck", "locator": "Slide 15", "ref": 2},
            ],
        },
        {
            "id": "c2",
            "text": "Water is wet.",
            "evidence": [{"source": "letter", "locator": "para 4"}],
        },
    ],
}
VALID_TEXT = yaml.safe_dump(VALID, sort_keys=False, allow_unicode=True)


def check(data: str | bytes) -> Catalog | None:
    """Parse ``data``; a CatalogError is fine as long as each problem is well formed."""
    try:
        return parse_catalog(data, "fuzz.yaml")
    except CatalogError as exc:
        assert exc.problems
        size = len(data)
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml"
            assert 1 <= problem.line <= size + 1, problem
            assert problem.column >= 1, problem
            assert problem.message.strip(), problem
            assert "internal error" not in problem.message, problem
        order = [(p.line, p.column) for p in exc.problems]
        assert order == sorted(order)
        return None


def test_the_valid_file_is_valid() -> None:
    catalog = check(VALID_TEXT)
    assert catalog is not None and len(catalog.claims) == 2


# ---------------------------------------------------------------------------------------------
# (a) arbitrary bytes and text


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(data: str) -> None:
    check(data)


YAMLISH = st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#,?\n\t 01%@`~<.")), max_size=120)


@FUZZ
@given(YAMLISH)
def test_yaml_punctuation_soup(data: str) -> None:
    check(data)


# ---------------------------------------------------------------------------------------------
# (b) arbitrary YAML-able structures

SAFE_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
KEYS = st.one_of(
    st.sampled_from(
        [
            "document",
            "sources",
            "claims",
            "id",
            "title",
            "url",
            "file",
            "source",
            "evidence",
            "text",
            "locator",
            "ref",
            "quote",
            "accessed",
            "published",
            "note",
            "<<",
        ]
    ),
    SAFE_TEXT,
    st.integers(),
    st.booleans(),
    st.none(),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    SAFE_TEXT,
    st.dates(),
    st.sampled_from(["p. 3", "pp. 7-8", "https://example.org/", "2014", "smith-2020", "c1"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


@FUZZ
@given(VALUES, st.booleans())
def test_arbitrary_structures(value: object, flow: bool) -> None:
    check(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))


@FUZZ
@given(st.dictionaries(st.sampled_from(["document", "sources", "claims"]), VALUES), st.booleans())
def test_arbitrary_structures_under_the_real_keys(value: dict[str, object], flow: bool) -> None:
    check(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))


# ---------------------------------------------------------------------------------------------
# (c) mutations of a valid file


def _containers(value: Any) -> list[Any]:
    """Every list and dict inside ``value`` (itself included)."""
    found = []
    if isinstance(value, dict | list):
        found.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            found.extend(_containers(child))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """The valid catalog after a few random deletions, insertions and type swaps."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(_containers(data)))
        action = draw(st.sampled_from(["delete", "insert", "swap"]))
        if isinstance(target, dict):
            keys = list(target)
            if action == "insert" or not keys:
                target[draw(KEYS)] = draw(VALUES)
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = draw(VALUES)
        else:
            if action == "insert" or not target:
                target.insert(draw(st.integers(0, len(target))), draw(VALUES))
            elif action == "delete":
                del target[draw(st.integers(0, len(target) - 1))]
            else:
                target[draw(st.integers(0, len(target) - 1))] = draw(VALUES)
    return data


@FUZZ
@given(mutated(), st.booleans())
def test_mutated_catalogs(data: Any, flow: bool) -> None:
    check(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))


@FUZZ
@given(st.data())
def test_mutated_text(data: st.DataObject) -> None:
    text = VALID_TEXT
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        insert = data.draw(
            st.sampled_from(["", ":", "- ", "  ", "\n", "&a ", "*a", "!x ", "\t", "{", "'", "é"])
        )
        text = text[:at] + insert + text[at + cut :]
    check(text)
    check(text.encode("utf-8"))


CLI_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "sources", "claims", "url", "x"]) | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def assert_cli_outcome(path: Path) -> None:
    """`citeaudit validate` either accepts the file or exits 2 with located problems."""
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 0:
        assert "valid:" in result.stdout
    else:
        assert result.exit_code == 2, result.stderr
        assert f"{path}:" in result.stderr
        assert "problem" in result.stderr


@CLI_FUZZ
@given(data=st.binary(max_size=400))
def test_validate_command_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes(data)
    assert_cli_outcome(path)


@CLI_FUZZ
@given(document=YAML_VALUES)
def test_validate_command_on_arbitrary_yaml(tmp_path: Path, document: object) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert_cli_outcome(path)
