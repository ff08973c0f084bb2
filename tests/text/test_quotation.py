"""The quotation rules: where a quote leaves words out (ellipses), what brackets mean, and
the pieces a quote is cut into."""

from __future__ import annotations

from citeaudit.text.quotation import Mark, marks, quote_pieces


def split_ellipses(quote: str) -> list[str]:
    """The pieces of a quote between the places where words were left out."""
    return [piece.text for piece in quote_pieces(quote)]


def test_ellipsis_forms_split_the_quote() -> None:
    for cut in ("…", "...", ". . .", "[…]", "[...]", "(...)", "...."):
        assert split_ellipses(f"there were {cut} 20 teams") == ["there were", "20 teams"]
    assert split_ellipses("… approximately 20 teams …") == ["approximately 20 teams"]
    assert split_ellipses("…") == []


def test_each_mark_and_its_kind() -> None:
    quote = "[T]he board [sic] … met [the council] (…) [emphasis added]"
    assert [(quote[m.start : m.end], m.kind) for m in marks(quote)] == [
        ("[T]", "letters"),
        ("[sic]", "editorial"),
        ("…", "ellipsis"),
        ("[the council]", "bracket"),
        ("(…)", "ellipsis"),
        ("[emphasis added]", "editorial"),
    ]
    assert list(marks("two. Then")) == []
    assert list(marks("[]")) == [Mark(0, 2, "editorial")]


def test_pieces_keep_where_each_character_came_from() -> None:
    quote = "“[T]he board … met [the council] today [sic].”"
    pieces = quote_pieces(quote)
    assert [(p.text, p.gap) for p in pieces] == [
        ("The board", "start"),
        ("met", "ellipsis"),
        ("today", "bracket"),
    ]
    for piece in pieces:
        assert "".join(quote[i] for i in piece.origin) == piece.text


def test_brackets_printed_in_the_source_are_kept_when_asked() -> None:
    quote = "a [bold] word … and more"
    assert [p.text for p in quote_pieces(quote, brackets=False)] == ["a [bold] word", "and more"]
    assert [p.text for p in quote_pieces(quote)] == ["a", "word", "and more"]


def test_an_ellipsis_and_a_bracket_together_are_one_gap() -> None:
    pieces = quote_pieces("one … [the council] two")
    assert [(p.text, p.gap) for p in pieces] == [("one", "start"), ("two", "ellipsis")]
