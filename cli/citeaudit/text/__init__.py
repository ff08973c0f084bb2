"""Text, the bottom layer: how bytes become text (charset), and the text rules every stage
shares: folding for comparison, the syntax of quotations, text fragments. Imports nothing
else of citeaudit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.text.charset import decode_text as decode_text
    from citeaudit.text.charset import header_charset as header_charset
    from citeaudit.text.charset import sniff_charset as sniff_charset
    from citeaudit.text.directives import DIRECTIVE_DELIMITER as DIRECTIVE_DELIMITER
    from citeaudit.text.directives import TextDirective as TextDirective
    from citeaudit.text.directives import at_word_boundary as at_word_boundary
    from citeaudit.text.directives import find_text_directive as find_text_directive
    from citeaudit.text.directives import parse_text_directive as parse_text_directive
    from citeaudit.text.folding import Normalised as Normalised
    from citeaudit.text.folding import Origin as Origin
    from citeaudit.text.folding import display as display
    from citeaudit.text.folding import fold_dropping_accents as fold_dropping_accents
    from citeaudit.text.folding import fold_keeping_accents as fold_keeping_accents
    from citeaudit.text.folding import normal_form as normal_form
    from citeaudit.text.folding import normalise as normalise
    from citeaudit.text.quotation import Gap as Gap
    from citeaudit.text.quotation import Mark as Mark
    from citeaudit.text.quotation import QuotePiece as QuotePiece
    from citeaudit.text.quotation import marks as marks
    from citeaudit.text.quotation import quote_pieces as quote_pieces

exports(
    globals(),
    {
        "charset": ("decode_text", "header_charset", "sniff_charset"),
        "directives": (
            "DIRECTIVE_DELIMITER",
            "TextDirective",
            "at_word_boundary",
            "find_text_directive",
            "parse_text_directive",
        ),
        "folding": (
            "Normalised",
            "Origin",
            "display",
            "fold_dropping_accents",
            "fold_keeping_accents",
            "normal_form",
            "normalise",
        ),
        "quotation": ("Gap", "Mark", "QuotePiece", "marks", "quote_pieces"),
    },
)
