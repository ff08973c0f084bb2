"""Reading YAML into located plain data: syntax errors, tags, aliases, anchors, merges and
nesting, each reported where it was written, and hostile input stopped."""

from __future__ import annotations

import time

import pytest

from catalog_samples import at, only, problems
from citeaudit.catalog.reader import parse_catalog
from citeaudit.catalog.yamltree import MAX_ALIASES, MAX_DEPTH, MAX_EXPANDED, MAX_SCALAR


def test_merge_keys_are_honoured() -> None:
    text = (
        "sources:\n"
        "  - &base {id: a, title: Shared, kind: web}\n"
        "  - <<: *base\n"
        "    id: b\n"
        "    kind: pdf\n"
    )
    second = parse_catalog(text, "s.yaml").sources[1]
    assert (second.id, second.title, second.kind) == ("b", "Shared", "pdf")


def test_invalid_yaml_points_at_the_problem() -> None:
    problem = only("sources:\n  - id: a\n    title: [one, two\n  - id: b\n")
    assert at(problem) == (3, 12)  # where the '[' that is never closed opens
    assert problem.message == "this '[' is never closed: end the list with ']'"


def test_invalid_yaml_mapping_value() -> None:
    problem = only("sources:\n  - id: a\n    title: x: y\n")
    assert at(problem) == (3, 13)
    assert problem.message == (
        "a value cannot contain ': ' unless it is quoted: put the whole value in quotes"
    )


def test_tab_indentation_gets_a_hint() -> None:
    problem = only("sources:\n\t- id: a\n")
    assert at(problem) == (2, 1)
    assert "use spaces" in problem.message


def test_control_character() -> None:
    problem = only("sources:\n  - id: a\x01\n")
    assert at(problem) == (2, 10)
    assert "U+0001" in problem.message


def test_several_documents() -> None:
    problem = only("sources: []\n---\nclaims: []\n")
    assert at(problem) == (2, 1)
    assert "second YAML document" in problem.message


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!foo {id: a}", "'!foo'"),
        ("!!python/object:os.system {id: a}", "'!!python/object:os.system'"),
        ("!!binary aGVsbG8=", "'!!binary'"),
        ("!!set {a, b}", "'!!set'"),
    ],
)
def test_unsupported_tags(value: str, tag: str) -> None:
    problem = only(f"sources:\n  - {value}\n")
    assert at(problem) == (2, 5)
    assert f"unsupported YAML tag {tag}" in problem.message


def test_bad_value_for_an_explicit_tag() -> None:
    text = "claims:\n  - id: c\n    text: t\n    evidence: [{source: a, ref: !!int x}]\n"
    problem = only(text + "sources: [{id: a}]\n")
    assert at(problem) == (4, 33)
    assert "cannot read 'x' as a whole number" in problem.message


def test_alias_bomb_is_stopped_quickly() -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    problem = only("\n".join(lines) + "\n")
    assert time.monotonic() - started < 10
    assert "expands to more than" in problem.message
    assert problem.line >= 1


def test_alias_that_contains_itself() -> None:
    problem = only("sources: &s [*s]\n")
    assert at(problem) == (1, 14)
    assert "repeats the list or mapping it is in" in problem.message


def test_undefined_alias() -> None:
    problem = only("sources: [*nope]\n")
    assert at(problem) == (1, 11)
    assert "alias *nope names no anchor" in problem.message


def test_duplicate_anchor() -> None:
    found = problems("sources:\n  - &x {id: a}\n  - &x {id: b}\n")
    assert [(at(p), "anchor &x is already defined at line 2" in p.message) for p in found] == [
        ((3, 5), True)
    ]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused_without_a_crash(opening: str) -> None:
    problem = only("sources: " + opening * 5000)
    assert problem.line == 1
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message


def test_complex_key() -> None:
    found = problems("sources:\n  - id: a\n    ? [x]\n    : y\n")
    assert [at(p) for p in found] == [(3, 7)]
    assert "a key must be plain text" in found[0].message


def test_duplicate_mapping_key() -> None:
    problem = only("sources:\n  - id: a\n    title: One\n    title: Two\n")
    assert at(problem) == (4, 5)
    assert "duplicate key 'title': it is already given at line 3, column 5" in problem.message


def test_number_too_long_to_read() -> None:
    text = "sources: [{id: a}]\nclaims: [{id: c, text: t, evidence: [{source: a, ref: "
    problem = only(text + "1" * 5000 + "}]}]\n")
    assert at(problem) == (2, 55)
    assert "as a whole number: it has too many digits" in problem.message


def test_merge_that_includes_itself() -> None:
    problem = only("sources:\n  - &a {id: a, <<: *a}\n")
    assert at(problem) == (2, 20)
    assert "repeats the list or mapping it is in" in problem.message


def test_merge_of_a_scalar() -> None:
    problem = only("sources:\n  - <<: 5\n    id: a\n")
    assert at(problem) == (2, 9)
    assert "'<<' must be followed by an alias to a mapping" in problem.message


# ---------------------------------------------------------------------------------------------
# Caps on what expands, not on what is written out plainly


def test_a_hundred_thousand_plain_sources_load() -> None:
    """A research group's link list: 900,000 values written out plainly, about 10 MB."""
    text = "sources:\n" + "".join(
        f"  - id: src-{n}\n    title: Report number {n}\n"
        f"    url: https://host{n % 300}.example.org/reports/{n}.html\n    accessed: 2024-05-01\n"
        for n in range(100_000)
    )
    catalog = parse_catalog(text, "links.yaml")
    assert len(catalog.sources) == 100_000
    last = catalog.sources[-1]
    assert (last.id, last.title) == ("src-99999", "Report number 99999")
    assert str(last.accessed) == "2024-05-01"


def test_honest_aliases_are_fine() -> None:
    text = "sources:\n  - &first {id: s0, publisher: Example Trust, kind: web}\n" + "".join(
        f"  - {{<<: *first, id: s{n}, url: 'https://example.org/{n}'}}\n" for n in range(1, 5000)
    )
    sources = parse_catalog(text, "s.yaml").sources
    assert len(sources) == 5000
    assert (sources[-1].id, sources[-1].publisher, sources[-1].kind) == (
        "s4999",
        "Example Trust",
        "web",
    )


def test_a_billion_laughs_is_refused_before_it_is_expanded() -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    problem = only("\n".join(lines) + "\n")
    assert time.monotonic() - started < 10
    assert problem.message.startswith(
        f"the file expands to more than {MAX_EXPANDED:,} values through its aliases"
    )
    assert at(problem) == (6, 36)  # the eighth alias of a list of 111,111 values each


def test_one_large_list_repeated_by_aliases_is_refused() -> None:
    big = "[" + ", ".join(["x"] * 5000) + "]"
    problem = only(f"a: &a {big}\nb: [" + ", ".join(["*a"] * 300) + "]\n")
    assert problem.message.startswith(f"the file expands to more than {MAX_EXPANDED:,} values")


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    problem = only(text)
    assert problem.message.startswith(f"the file uses more than {MAX_ALIASES:,} aliases")
    assert problem.line == 2


def test_a_huge_value_is_refused_quickly() -> None:
    started = time.monotonic()
    problem = only("sources:\n  - id: a\n    note: '" + "x" * (20 * MAX_SCALAR) + "'\n")
    assert time.monotonic() - started < 10
    assert at(problem) == (3, 11)
    assert problem.message == (
        "this value is 2,000,000 characters long: a value in a sources file holds at most "
        f"{MAX_SCALAR:,} (is this really a sources file?)"
    )
    assert parse_catalog("sources: [{id: a, note: '" + "x" * MAX_SCALAR + "'}]\n", "s.yaml")


def test_deep_nesting_is_still_refused_quickly() -> None:
    started = time.monotonic()
    problem = only("sources: " + "[" * 1_000_000)
    assert time.monotonic() - started < 10
    assert at(problem) == (1, 10 + MAX_DEPTH - 1)
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep"
