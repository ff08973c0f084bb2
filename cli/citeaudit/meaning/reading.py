"""Text read into tokens a judge can compare: each word's stem in a canonical form, each
number as a value (quantities.py), stop words kept as words (cues of negation, hedging
and quantity are function words) but carrying no term.

Paraphrase changes the surface: "every three months" for "quarterly", "local authorities"
for "councils", "Seventy-three" for 73, "a fifth" for 20%, "2022-23" for "the year ending
March 2023". Reading maps each of these to one form, so that matching is a set lookup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from citeaudit.meaning.quantities import Approx, Quantity, day_index
from citeaudit.meaning.stemming import stem

_RAW = re.compile(
    r"(?P<date>\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b)"
    r"|(?P<span>\b(?:19|20)\d\d ?[-–/] ?(?:(?:19|20)\d\d|\d\d)(?!\d))"
    r"|(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"|(?P<amp>\b[A-Za-z]&[A-Za-z]\b)"
    r"|(?P<sym>[£$€%])"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<punct>[,;:.!?()\"“”\n])"
)

STOPWORDS = frozenset(
    """a an and are as at be been being but by for from has have had having he her his i if
    in into is it its itself of on or our she so that the their them then there these they
    this those to was we were which while who whom whose will with would you your also any
    all can could may might must shall should more most not only other such than too very
    do does did done each every some no none nor just about around over under less own
    same both either neither what when where why how after before since until up down out
    off again further once here s t us my me him one being per via whether yet still now
    currently already even however therefore""".split()
)

#: Phrases read as one canonical term (longest first): common equivalences of wording.
_PHRASES: dict[tuple[str, ...], str] = {}
for _canon, _group in {
    "quarterly": "quarterly|every three months|each quarter|every quarter|three-monthly",
    "biannual": "twice a year|every six months|half-yearly|twice yearly|six-monthly",
    "annual": "annual|annually|yearly|once a year|every year|each year|a year|per year|"
    "every twelve months|every 12 months|per annum|each financial year|every financial year",
    "monthly": "monthly|every month|each month|a month|per month",
    "weekly": "weekly|every week|each week|a week|per week",
    "council": "council|councils|local authority|local authorities",
    "rise": "rise|increase|grow|climb|go up|went up|gone up|goes up|growth",
    "fall": "fall|decrease|decline|drop|reduce|reduction|go down|went down|cut",
    "buy": "buy|purchase|acquire",
    "begin": "begin|start|commence|launch",
    "get": "get|receive|obtain",
    "allow": "allow|let|permit",
    "need": "need|require|requirement",
    "help": "help|assist|assistance",
    "say": "say|state|statement",
    "staff": "staff|employee|personnel|workforce",
    "home": "home|house|dwelling",
    "large": "large|big",
    "quick": "quick|fast|rapid|prompt",
    "scheme": "scheme|programme|program",
    "overseas": "overseas|abroad|international|foreign",
    "deficit": "deficit|in the red|in deficit",
    "double": "double|doubled|doubling|twice",
    "covid": "covid|pandemic|covid-19|coronavirus",
}.items():
    for _phrase in _group.split("|"):
        _PHRASES[tuple(_phrase.replace("-", " ").split())] = _canon
_SINGLE = {stem(words[0]): canon for words, canon in _PHRASES.items() if len(words) == 1}
_SINGLE.update({words[0]: canon for words, canon in _PHRASES.items() if len(words) == 1})
_MULTI = {words: canon for words, canon in _PHRASES.items() if len(words) > 1}
_LONGEST = max(len(words) for words in _MULTI)

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1e6, "billion": 1e9}
_SHORT_SCALES = {"k": 1_000, "m": 1e6, "bn": 1e9, "million": 1e6, "billion": 1e9,
                 "thousand": 1_000, "trillion": 1e12, "tn": 1e12}  # fmt: skip
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4,
                 "quarters": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split())}  # fmt: skip
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}
_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "end": (10, 12), "start": (1, 3)}
_DURATIONS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25, "decade": 3652.5}
#: Hedges before a number, longest first.
_APPROX: dict[tuple[str, ...], Approx] = {
    ("just", "over"): ">~", ("just", "above"): ">~", ("just", "under"): "<~",
    ("just", "below"): "<~", ("more", "than"): ">", ("over",): ">", ("above",): ">",
    ("at", "least"): ">", ("less", "than"): "<", ("fewer", "than"): "<", ("under",): "<",
    ("below",): "<", ("up", "to"): "<", ("at", "most"): "<", ("nearly",): "<~",
    ("almost",): "<~", ("about",): "~", ("around",): "~", ("roughly",): "~",
    ("approximately",): "~", ("some",): "~", ("an", "estimated"): "~", ("close", "to"): "~",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    """One word, number or mark: offsets into the text, the lower-case word, its term
    (None for stop words and marks), its quantity when it is (part of) a number, and
    whether it was written as an acronym (``CCGs``)."""

    start: int
    end: int
    word: str
    term: str | None = None
    quantity: Quantity | None = None
    acronym: bool = False
    capital: bool = False


def term_of(word: str) -> str:
    """The canonical term of one content word (stemmed; common equivalents merged)."""
    canon = _SINGLE.get(word)
    if canon is not None:
        return canon
    stemmed = stem(word)
    return _SINGLE.get(stemmed, stemmed)


def _raw(text: str) -> list[tuple[str, int, int, str]]:
    return [
        (match.lastgroup or "", match.start(), match.end(), match.group())
        for match in _RAW.finditer(text)
    ]


def _number_words(raw: list[tuple[str, int, int, str]], i: int) -> tuple[float, int] | None:
    """A number written in words from raw[i] ("two hundred and fifty", "seventy-three",
    "a dozen"): its value and the index after it."""
    total = 0.0
    current = 0.0
    j = i
    seen = False
    while j < len(raw) and raw[j][0] == "word":
        word = raw[j][3].lower()
        if word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _SCALES and (seen or word == "hundred"):
            current = (current or 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total += current
                current = 0
            seen = True
        elif (
            word == "a"
            and j == i
            and j + 1 < len(raw)
            and raw[j + 1][3].lower()
            in (
                "dozen",
                "hundred",
                "thousand",
            )
        ):
            current = 1
        elif word == "and" and seen and j + 1 < len(raw) and raw[j + 1][3].lower() in _UNITS:
            pass
        else:
            break
        j += 1
    return (total + current, j) if seen else None


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isdigit() and 1900 <= int(word) <= 2099:
        return int(word)
    return None


def _date(raw: list[tuple[str, int, int, str]], i: int) -> tuple[Quantity, int] | None:
    """A date starting at raw[i]: "15 May 2024", "May 2024", "15/05/2024", "2022-23",
    "autumn 2025", "mid-March 2024", "year ending March 2023", "2013", "September"."""
    kind, _, _, text = raw[i]
    low = text.lower()
    nxt = [r[3].lower() for r in raw[i + 1 : i + 4]] + ["", "", ""]
    year: int | None
    if kind == "date":
        day, month, written = (int(p) for p in text.split("/"))
        written += 2000 if written < 100 else 0
        if 1 <= month <= 12 and 1 <= day <= 31:
            at = day_index(written, month, day)
            return Quantity("date", at, at, text=text), i + 1
        return None
    if kind == "span":
        first, second = re.split(r" ?[-–/] ?", text)
        y1 = int(first)
        y2 = int(second) if len(second) == 4 else y1 // 100 * 100 + int(second)
        if y2 == y1 + 1:  # a financial year
            return Quantity("date", day_index(y1, 4), day_index(y2, 3, 31), text=text), i + 1
        if y2 > y1:
            return Quantity("date", day_index(y1), day_index(y2, 12, 31), text=text), i + 1
        return None
    if kind == "num" and text.isdigit() and 1 <= int(text) <= 31 and nxt[0] in MONTHS:
        month = MONTHS[nxt[0]]
        year = _year(nxt[1])
        if year is not None:
            at = day_index(year, month, int(text))
            return Quantity("date", at, at, text=text), i + 3
        at = day_index(0, month, int(text))
        return Quantity("date", at, at, monthly=True, text=text), i + 2
    if low in ("year", "years") and nxt[0] in ("ending", "to") and nxt[1] in MONTHS:
        year = _year(nxt[2])
        if year is not None:
            month = MONTHS[nxt[1]]
            start = day_index(year - 1, month + 1) if month < 12 else day_index(year, 1)
            return Quantity("date", start, day_index(year, month, 31), text=text), i + 4
    if low in _SEASONS or low in _PARTS:
        j = i + 1
        if j < len(raw) and raw[j][3].lower() == "of":
            j += 1
        if low in _PARTS and j < len(raw) and raw[j][3].lower() in MONTHS:
            month = MONTHS[raw[j][3].lower()]
            year = _year(raw[j + 1][3]) if j + 1 < len(raw) else None
            first, last = (1, 10) if low in ("early", "start") else (11, 20)
            if low in ("late", "end"):
                first, last = 21, 31
            at = year or 0
            return Quantity(
                "date",
                day_index(at, month, first),
                day_index(at, month, last),
                monthly=year is None,
                text=text,
            ), j + (2 if year else 1)
        year = _year(raw[j][3]) if j < len(raw) else None
        if year is not None:
            first, last = _SEASONS.get(low) or _PARTS[low]
            end_year = year + (last - 1) // 12
            return Quantity(
                "date",
                day_index(year, first),
                day_index(end_year, (last - 1) % 12 + 1, 31),
                text=text,
            ), j + 1
        return None
    if low in MONTHS and (text[0].isupper() and low != "may" or _year(nxt[0])):
        month = MONTHS[low]
        year = _year(nxt[0])
        if year is not None:
            return Quantity(
                "date", day_index(year, month), day_index(year, month, 31), text=text
            ), i + 2
        at = day_index(0, month)
        return Quantity("date", at, at + 30, monthly=True, text=text), i + 1
    year = _year(text) if kind == "num" else None
    if year is not None and (i == 0 or raw[i - 1][3] != "£"):
        if nxt[0] not in _SHORT_SCALES and nxt[0] != "%":
            return Quantity("date", day_index(year), day_index(year, 12, 31), text=text), i + 1
    return None


def _named_year(raw: list[tuple[str, int, int, str]], i: int) -> bool:
    """Whether raw[i] is a number that is part of a name (the Equality Act 2010, Section
    149, Part 7) rather than a count or a date."""
    if raw[i][0] != "num" or not raw[i][3].isdigit() or i == 0:
        return False
    if i + 1 < len(raw) and raw[i + 1][3].lower() in (*_SHORT_SCALES, "%", "per", "percent"):
        return False
    kind, _, _, before = raw[i - 1]
    return kind == "word" and before[0].isupper() and before.lower() not in STOPWORDS


def _approx_before(tokens: list[Token]) -> Approx:
    words = tuple(t.word for t in tokens[-3:])
    for size in (2, 1):
        found = _APPROX.get(words[-size:]) if len(words) >= size else None
        if found:
            return found
    if len(words) >= 3 and words[-3:-1] in _APPROX and words[-1] in ("a", "an"):
        return _APPROX[words[-3:-1]]
    if len(words) >= 2 and words[-2:-1] in _APPROX and words[-1] in ("a", "an"):
        return _APPROX[words[-2:-1]]
    return ""


def _period_after(raw: list[tuple[str, int, int, str]], j: int) -> str:
    """The period an amount runs over when the clause says so after it ("£1.2m grant from
    the Home Office over three years"): "3 years", "year", or ""."""
    words = []
    for kind, _, _, text in raw[j : j + 10]:
        if kind == "punct" or kind == "sym":
            break
        words.append(text.lower())
    for k, word in enumerate(words[:-2]):
        if word in ("over", "across") and words[k + 2].rstrip("s") == "year":
            count = _UNITS.get(words[k + 1]) or (
                int(words[k + 1]) if words[k + 1].isdigit() else None
            )
            if count:
                return "year" if count == 1 else f"{count} years"
    return ""


def _word_number(
    raw: list[tuple[str, int, int, str]], i: int, tokens: list[Token]
) -> tuple[Quantity, int] | None:
    """Numbers in words that are not counts: a third, one in five, half (a per cent),
    the second, a decade."""
    low = raw[i][3].lower()
    follow = [r[3].lower() for r in raw[i + 1 : i + 4]] + ["", "", ""]
    approx = _approx_before(tokens)
    if low in ("a", "one", "an") and follow[0] in _DENOMINATORS:
        if follow[0] not in ("quarters", "halves", "thirds", "fifths"):
            share = 100 / _DENOMINATORS[follow[0]]
            return Quantity("percent", share, approx=approx, text=raw[i][3]), i + 2
    if low == "one" and follow[0] in ("in", "out"):
        return _number(raw, i, tokens, 1.0)
    if low in ("half", "halved", "halve"):
        if follow[:3] == ["a", "per", "cent"] or follow[:2] == ["a", "percent"]:
            end = i + (4 if follow[1] == "per" else 3)
            return Quantity("percent", 0.5, approx=approx, text=raw[i][3]), end
        return Quantity("percent", 50.0, approx=approx, text=raw[i][3]), i + 1
    if low in ("decade", "decades"):
        return Quantity("duration", _DURATIONS["decade"], approx=approx, text=low), i + 1
    if low in _ORDINALS and tokens and tokens[-1].word in ("the", "its", "their"):
        return Quantity("ordinal", _ORDINALS[low], text=raw[i][3]), i + 1
    return None


def _number(
    raw: list[tuple[str, int, int, str]], i: int, tokens: list[Token], one: float = 0.0
) -> tuple[Quantity, int] | None:
    """A number starting at raw[i] with its scale, unit and hedge: £1.2m a year, 23%,
    a fifth, two in five, Seventy-three, 52 weeks, the second."""
    kind, _, _, text = raw[i]
    value: float
    if one:
        value, j = one, i + 1
    elif kind == "num":
        value, j = float(text.replace(",", "")), i + 1
    else:
        parsed = _number_words(raw, i)
        if parsed is None:
            return _word_number(raw, i, tokens)
        value, j = parsed
    words = [r[3].lower() for r in raw[j : j + 4]] + ["", "", "", ""]
    money = i > 0 and raw[i - 1][3] in "£$€"
    approx = _approx_before(tokens[:-1] if money and tokens else tokens)
    if words[0] in _SHORT_SCALES and (money or words[0] not in ("m", "k")):
        value *= _SHORT_SCALES[words[0]]
        j += 1
        words = words[1:]
    if words[0] == "%" or words[:2] == ["per", "cent"] or words[0] == "percent":
        span = 2 if words[0] == "per" else 1
        return Quantity("percent", value, approx=approx, text=text), j + span
    if words[0] in _DENOMINATORS and value < _DENOMINATORS[words[0]]:
        share = value / _DENOMINATORS[words[0]] * 100
        return Quantity("percent", share, approx=approx, text=text), j + 1
    if words[0] in ("in", "out") and value >= 1:
        k = 2 if words[0] == "out" else 1
        other = _number_words(raw, j + k) if j + k < len(raw) else None
        if other is None and j + k < len(raw) and raw[j + k][0] == "num":
            other = (float(raw[j + k][3].replace(",", "")), j + k + 1)
        if other is not None and value < other[0] <= 100 and raw[j][0] == "word":
            return Quantity("percent", value / other[0] * 100, approx=approx, text=text), other[1]
    if money:
        per = ""
        if words[0] in ("a", "per", "each", "every") and words[1] in ("year", "month", "week"):
            per, j = words[1], j + 2
        else:
            per = _period_after(raw, j)
        return Quantity("money", value, approx=approx, per=per, text=text), j
    unit = words[0].rstrip("s")
    if unit in _DURATIONS:
        return Quantity("duration", value * _DURATIONS[unit], approx=approx, text=text), j + 1
    return Quantity("count", value, approx=approx, text=text), j


def read(text: str) -> list[Token]:
    """The tokens of ``text``, equivalent wordings read alike."""
    return list(_read(text))


def clear_readings() -> None:
    """Forget the texts read so far."""
    _read.cache_clear()


@lru_cache(maxsize=512)
def _read(text: str) -> tuple[Token, ...]:
    raw = _raw(text)
    tokens: list[Token] = []
    i = 0
    while i < len(raw):
        kind, start, end, surface = raw[i]
        low = surface.lower()
        if kind == "punct" or kind == "sym" and surface not in "£$€":
            tokens.append(Token(start, end, low))
            i += 1
            continue
        if kind == "sym":
            tokens.append(Token(start, end, low))
            i += 1
            continue
        if _named_year(raw, i):
            tokens.append(Token(start, end, low, term=low))
            i += 1
            continue
        dated = _date(raw, i)
        if dated is not None:
            quantity, j = dated
            tokens.append(Token(start, raw[j - 1][2], low, quantity=quantity))
            i = j
            continue
        counted = _number(raw, i, tokens) if kind == "num" or low in _NUMBER_STARTS else None
        if counted is not None:
            quantity, j = counted
            tokens.append(Token(start, raw[j - 1][2], low, quantity=quantity))
            i = j
            continue
        if kind == "word" or kind == "amp":
            words = tuple(r[3].lower().replace("’", "'") for r in raw[i : i + _LONGEST])
            matched = False
            for size in range(min(_LONGEST, len(words)), 1, -1):
                canon = _MULTI.get(words[:size])
                if canon is not None:
                    span = " ".join(words[:size])
                    year = None
                    if canon == "annual" and words[0] in ("a", "one"):
                        year = Quantity(
                            "duration", 365.25, approx=_approx_before(tokens), text=span
                        )
                    tokens.append(Token(start, raw[i + size - 1][2], span, canon, year))
                    i += size
                    matched = True
                    break
            if matched:
                continue
            word = low.replace("’", "'")
            if word.endswith("'s"):
                word = word[:-2]
            letters = surface.rstrip("s").replace("&", "")
            acronym = len(letters) >= 2 and letters.isupper() and letters.isalpha()
            if acronym:
                word = surface.rstrip("s").lower()
            term = None if word in STOPWORDS or len(word) < 2 else term_of(word)
            tokens.append(
                Token(start, end, low, term, acronym=acronym, capital=surface[0].isupper())
            )
        i += 1
    return tuple(tokens)


CLAUSE_MARKS = frozenset({",", ";", ":", ".", "!", "?", '"', "“", "”"})
CLAUSE_WORDS = frozenset({"but", "while", "whereas", "although", "though"})
SENTENCE_MARKS = frozenset({".", "!", "?"})


def _line_break(tokens: Sequence[Token], i: int) -> bool:
    """Whether a line break ends a sentence (a heading, a paragraph) rather than wraps one
    (a PDF's lines): it does after a full stop or a colon; it does not after a word in
    lower case, a figure or a comma ("there are two\nStrategic Delivery Boards"); else it
    does when what follows starts with a capital or a figure (after a heading)."""
    if i + 1 >= len(tokens) or i == 0:
        return True
    before, following = tokens[i - 1], tokens[i + 1]
    if before.word in SENTENCE_MARKS or before.word in (":", ";"):
        return True
    if before.word == "," or before.quantity is not None:
        return False
    if before.word.isalpha() and not before.capital and not before.acronym:
        return False
    return following.capital or following.quantity is not None or not following.word.isalpha()


def _pieces(
    tokens: Sequence[Token], marks: frozenset[str], words: frozenset[str]
) -> list[list[int]]:
    pieces: list[list[int]] = [[]]
    for i, token in enumerate(tokens):
        if token.word == "\n" and not _line_break(tokens, i):
            continue
        if token.word in marks or token.word in words or token.word == "\n":
            if pieces[-1]:
                pieces.append([])
        else:
            pieces[-1].append(i)
    return [p for p in pieces if p]


#: The pieces of token sequences already split, by the sequence's identity and the split
#: (the checks ask for the same passage's sentences and clauses again and again); each
#: entry keeps its sequence, so an identity is never taken for another's.
_SPLIT: dict[tuple[int, bool], tuple[Sequence[Token], list[list[int]]]] = {}


def _split(tokens: Sequence[Token], by_clause: bool) -> list[list[int]]:
    key = (id(tokens), by_clause)
    found = _SPLIT.get(key)
    if found is not None and found[0] is tokens:
        return found[1]
    if by_clause:
        pieces = _pieces(tokens, CLAUSE_MARKS, CLAUSE_WORDS)
    else:
        pieces = _pieces(tokens, SENTENCE_MARKS, frozenset())
    if len(_SPLIT) >= 4096:
        _SPLIT.clear()
    _SPLIT[key] = (tokens, pieces)
    return pieces


def clauses(tokens: Sequence[Token]) -> list[list[int]]:
    """Indexes of the tokens of each clause (split at commas, semicolons, "but"); the
    caller must not change the lists."""
    return _split(tokens, True)


def sentences(tokens: Sequence[Token]) -> list[list[int]]:
    """Indexes of the tokens of each sentence; the caller must not change the lists."""
    return _split(tokens, False)


_NUMBER_STARTS = frozenset(
    [
        *_UNITS,
        "dozen",
        "a",
        "an",
        "one",
        "half",
        "halved",
        "halve",
        *_ORDINALS,
        "hundred",
        "decade",
        "decades",
    ]
)
