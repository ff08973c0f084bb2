"""Text, the bottom layer: how bytes become text (charset), and the text rules every stage
shares. Imports nothing else of citeaudit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.text.charset import decode_text as decode_text
    from citeaudit.text.charset import header_charset as header_charset
    from citeaudit.text.charset import sniff_charset as sniff_charset

exports(globals(), {"charset": ("decode_text", "header_charset", "sniff_charset")})
