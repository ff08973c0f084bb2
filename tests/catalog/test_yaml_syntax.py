"""YAML syntax errors in a sources file, said in plain words at FILE:LINE:COL: the common
mistakes (indentation, tabs, quotes, brackets, 'key:value'), never in PyYAML's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from citeaudit.catalog.reader import load_catalog
from citeaudit.errors import CatalogError

INDENTED_MORE = (
    "this line is indented more than the one above: indent it as much as the line above, "
    "or end the line above with ':' to put this under it"
)
NOT_LINED_UP = (
    "this line is not lined up with the lines above it: the keys of a mapping (and the '-' "
    "of a list's items) must start in the same column"
)
TAB = "a tab is used for indentation here: YAML allows only spaces; use spaces"
ITEM = (
    "this '- ' item is not lined up with the other items of its list: put its '-' exactly "
    "under theirs"
)


def no_space(key: str, value: str) -> str:
    return (
        f"there is no space after the colon in '{key}:{value}': write '{key}: {value}' "
        "(without the space YAML reads it as text, not as a key and its value)"
    )


CASES = [
    # a line indented more than the one above (PyYAML: mapping values are not allowed here)
    ("sources:\n  - id: a\n    title: T\n      url: https://x.org\n", 4, 7, INDENTED_MORE),
    ("sources:\n  - id: a\n    title: T\n\n    # note\n     url: x\n", 6, 6, INDENTED_MORE),
    ("document:\n  title: T\n    published: 2024-01-01\n", 3, 5, INDENTED_MORE),
    # a key out of line with its mapping (PyYAML: expected <block end>, but found '?')
    ("sources:\n  - id: a\n  title: T\n", 3, 3, NOT_LINED_UP),
    # tabs
    ("sources:\n\t- id: a\n", 2, 1, TAB),
    ("sources:\n  - id: a\n\t  title: T\n", 3, 1, TAB),
    # quotes never closed: pointed at where they open
    (
        "sources:\n  - id: a\n    title: \"Smith's study\n  - id: b\n",
        3,
        12,
        'this quote (") is never closed: end the value with "',
    ),
    (
        "sources:\n  - id: a\n    title: 'Annual report\n",
        3,
        12,
        "this quote (') is never closed: end the value with '",
    ),
    (  # closed only by the next value's quote, which then breaks the indentation
        'sources:\n  - id: "a\n  - id: "b"\n',
        2,
        9,
        'this quote (") is never closed: end the value with "',
    ),
    # brackets never closed
    (
        "sources:\n  - id: a\n    title: [one, two\n  - id: b\n",
        3,
        12,
        "this '[' is never closed: end the list with ']'",
    ),
    ("sources: [{id: a}, {id: b}\n", 1, 10, "this '[' is never closed: end the list with ']'"),
    (
        "sources:\n  - {id: a, title: T\n",
        2,
        5,
        "this '{' is never closed: end the mapping with '}'",
    ),
    # key:value with no space
    ("sources:\n  - id:a\n    title: T\n", 2, 7, no_space("id", "a")),
    (
        "sources:\n  - id: a\n    title:Report\n    url: https://x.org\n",
        3,
        10,
        no_space("title", "Report"),
    ),
    ("sources:\n  - id: a\n    title:Report\n", 3, 10, no_space("title", "Report")),
    # '- item' at the wrong indentation
    ("sources:\n  - id: a\n    title: T\n   - id: b\n", 4, 4, ITEM),
    ("sources:\n  - id: a\n - id: b\n", 3, 2, ITEM),
    # a bracket that closes nothing
    (
        "sources: [{id: a}]]\n",
        1,
        19,
        "this ']' closes nothing: remove it, or add the '[' it was meant to close",
    ),
    (
        "sources:\n  - id: a\n    title: T\n    - id: b\n",
        4,
        5,
        "this '- ' item is among the keys of the mapping that starts at line 2, column 5: "
        "line its '-' up with the other items of its list, or put it under a key that ends "
        "with ':'",
    ),
    # ': ' inside a value
    (
        "sources:\n  - id: a\n    title: Part 2: the sequel\n",
        3,
        18,
        "a value cannot contain ': ' unless it is quoted: put the whole value in quotes",
    ),
    # a character that cannot start a plain value
    (
        "sources:\n  - id: a\n    title: @home\n",
        3,
        12,
        "a value cannot start with '@': put the value in quotes",
    ),
    (
        'sources:\n  - id: a\n    title: "C:\\path"\n',
        3,
        15,
        "'\\p' is not an escape YAML knows between double quotes: write '\\\\' for a "
        "backslash, or put the value in single quotes",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), CASES)
def test_yaml_mistakes_are_said_in_plain_words(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:{line}:{column}: {message}"]
    assert caught.value.exit_code == 2


def test_an_unrecognised_yaml_error_keeps_pyyaml_words_as_a_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources: &\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1:11: invalid YAML: expected alphabetic or numeric character, but found "
        "'\\n' (while scanning an anchor at line 1, column 10)"
    ]
