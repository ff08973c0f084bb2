"""Where problems are, and how values are named in them: positions from 1 as editors count,
line breaks counted as YAML counts them, each problem once, in file order."""

from __future__ import annotations

from datetime import date

import yaml

from catalog_samples import at, only
from citeaudit.catalog.problems import (
    Located,
    Marks,
    describe_value,
    line_col,
    pack,
    pos,
    short,
    unpack,
)
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


def test_positions_are_kept_packed_and_read_back_as_pairs() -> None:
    for line, column in ((1, 1), (3, 80), (2_000_000, 40_000_000)):
        assert unpack(pack(line, column)) == (line, column)
        assert pos(pack(line, column)) == (line, column)
    marks = Marks()
    marks[("sources", 0, "id")] = (5, 9)
    assert marks[("sources", 0, "id")] == (5, 9) and ("sources", 0, "id") in marks
    assert marks.get(("claims",)) is None and marks.get(("claims",), (1, 1)) == (1, 1)
    assert len(marks) == 1


def test_a_message_never_carries_what_acts_on_a_terminal() -> None:
    found = Located("sources.yaml")
    found.add((2, 3), "file \x1b[2J\x1b[Hgone\u202e.txt does not exist\r\nAll sources verified")
    (problem,) = found.fail().problems
    assert problem.message == (
        "file \\x1b[2J\\x1b[Hgone\\u202e.txt does not exist\\r\\nAll sources verified"
    )
    found.add((3, 1), "duplicate key 'caf\u00e9 \u4e2d': fine as it is")
    assert found.fail().problems[-1].message == "duplicate key 'caf\u00e9 \u4e2d': fine as it is"


def test_a_line_the_parser_refuses_is_quoted_inert() -> None:
    problem = only("sources:\n  - id:a\u202e\n    title: x\n")
    assert at(problem) == (2, 7)
    assert "'id:a\\u202e'" in problem.message and "\u202e" not in problem.message
