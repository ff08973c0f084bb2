"""The hand-written YAML: every string reads back as itself, comments stay comments, and
an entry written out as a comment is no entry."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from citeaudit.catalog import parse_catalog
from citeaudit.draft.yamlout import Entry, YamlFile, plain_safe, quoted, scalar

HOSTILE = [
    "key: value",
    "a # not a comment",
    "#leading hash",
    "- leading dash",
    "? question",
    "“curly” and \"straight\" and 'single' quotes",
    "back\\slash \\n not a newline",
    "line\nbreak\r\nand\ttab",
    "true",
    "null",
    "~",
    "2021-05-11",
    "0x1F",
    "1e3",
    "  spaces around  ",
    "ends with colon:",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick`",
    "{flow: map}",
    "[flow, list]",
    "|literal",
    ">folded",
    "ünïcödé — dash … ellipsis 中文 😀",
    "nel\x85line sep\u2028para\u2029bom\ufeff",
    "control \x00\x07\x1b\x7f\x9f chars",
    "x" * 20_000,
    "no-break\u00a0space",
    "yes",
    "on",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_a_scalar_reads_back_as_itself(text: str) -> None:
    assert yaml.safe_load(f"k: {scalar(text)}\n") == {"k": text}


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_round_trip_through_the_catalog(text: str) -> None:
    out = YamlFile(header=[f"header with {text}"])
    out.mapping("document", [("title", text)])
    source = Entry([("id", "s1"), ("title", text), ("note", text)], comments=[text])
    out.entries("sources", [source])
    evidence = Entry([("source", "s1"), ("ref", 1), ("quote", text if text.strip() else "q")])
    claim = Entry([("id", "c1"), ("text", text), ("evidence", [evidence])], comments=[text])
    out.entries("claims", [claim])
    catalog = parse_catalog(out.text(), "hostile.yaml")
    stripped = text.strip()  # the catalog strips white space around every value
    assert catalog.sources[0].title == stripped
    assert catalog.claims[0].text == stripped
    assert catalog.document is not None and catalog.document.title == stripped


def test_plain_when_safe() -> None:
    assert scalar("Commissioning in Numbers") == "Commissioning in Numbers"
    assert scalar("https://e.example/a#:~:text=b") == "https://e.example/a#:~:text=b"
    assert scalar("SIM London: Support") == '"SIM London: Support"'
    assert scalar(5) == "5"
    assert scalar(date(2021, 5, 11)) == "2021-05-11"
    assert not plain_safe("true")
    assert not plain_safe("12")
    assert quoted("a\u2028b") == '"a\\u2028b"'


def test_an_entry_written_out_is_a_comment() -> None:
    out = YamlFile()
    out.entries("sources", [Entry([("id", "s1"), ("url", "https://e.example/")])])
    evidence = Entry([("source", "s1")])
    out.entries(
        "claims",
        [Entry([("id", "c1"), ("text", "t"), ("evidence", [evidence])], ["why"], out=True)],
    )
    text = out.text()
    assert "claims: []" in text
    assert "  # - id: c1" in text
    assert parse_catalog(text, "x.yaml").claims == ()
