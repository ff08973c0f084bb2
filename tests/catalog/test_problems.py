"""Where problems are, and how values are named in them: positions from 1 as editors count,
line breaks counted as YAML counts them, each problem once, in file order."""

from __future__ import annotations

from datetime import date

import yaml

from citeaudit.catalog.problems import Located, describe_value, line_col, pos, short
from citeaudit.errors import Problem


def test_problems_come_out_once_each_in_file_order() -> None:
    found = Located("sources.yaml")
    found.add((4, 2), "fourth")
    found.add((1, 7), "first")
    found.add((4, 2), "fourth")  # the same problem found twice, by two steps
    found.add((0, 0), "nowhere in particular")
    assert list(found.fail().problems) == [
        Problem("sources.yaml", 1, 1, "nowhere in particular"),
        Problem("sources.yaml", 1, 7, "first"),
        Problem("sources.yaml", 4, 2, "fourth"),
    ]


def test_positions_count_from_one() -> None:
    node = yaml.compose("a:\n  b: c\n")
    assert isinstance(node, yaml.MappingNode)
    ((_, inner),) = node.value
    assert pos(inner.start_mark) == (2, 3)
    assert pos(None) == (1, 1)


def test_line_breaks_are_counted_as_yaml_counts_them() -> None:
    text = "one\r\ntwo\rthree\u2028four\nfive"
    assert line_col(text, 0) == (1, 1)
    assert line_col(text, text.index("two")) == (2, 1)
    assert line_col(text, text.index("hree")) == (3, 2)
    assert line_col(text, text.index("four")) == (4, 1)
    assert line_col(text, text.index("ive")) == (5, 2)


def test_values_are_named_for_what_they_are() -> None:
    assert describe_value(None) == "an empty value"
    assert describe_value(True, "yes") == "true/false (yes)"
    assert describe_value(1984) == "a number (1984)"
    assert describe_value(1.5, "1.50") == "a number (1.50)"
    assert describe_value(date(2024, 5, 1)) == "a date (2024-05-01)"
    assert describe_value("smith-2020") == "text 'smith-2020'"
    assert describe_value([1]) == "a list" and describe_value({"a": 1}) == "a mapping"
    assert describe_value(object()) == "this value"


def test_long_values_are_cut() -> None:
    assert short("x" * 40) == repr("x" * 40)
    assert short("x" * 41) == repr("x" * 37 + "...")
    assert short("abcdef", limit=5) == repr("ab...")
