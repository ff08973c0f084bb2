"""How much of a claim a passage carries: the claim's content words and numbers, each
weighted by how rare it is in the source, found in the passage directly, through an
acronym the source defines, or through a figure the passage implies.

A supported paraphrase shares few words with its passage, a related claim shares many
that do not matter: weighting by rarity (IDF over the source's sentences) makes "the
council" count less than "prepayment", and matching numbers by value makes "a fifth" count
for "20%". The features here feed the calibrated score (judging.py).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from citeaudit.meaning.quantities import Quantity, agree, derived
from citeaudit.meaning.reading import STOPWORDS, Token, clear_readings, read
from citeaudit.meaning.stemming import IRREGULAR

#: Words skipped when an acronym's letters are spelled out ("Department for Education").
_ACRONYM_GLUE = frozenset({"and", "of", "for", "the", "&", "in", "on", "to"})
_LINE_OR_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n")
#: Weight of a number, against a word's IDF: a figure is as telling as a rare word.
NUMBER_WEIGHT = 3.0


@dataclass
class Source:
    """A source's text read once for every claim judged on it: tokens, where each starts,
    the acronyms it defines, and how rare each term is among its sentences."""

    text: str
    tokens: tuple[Token, ...]
    starts: list[int]
    acronyms: dict[str, tuple[str, ...]]
    idf: dict[str, float]
    rarest: float
    terms: frozenset[str] = field(default_factory=frozenset)

    def slice(self, start: int, end: int) -> tuple[Token, ...]:
        """The tokens within text[start:end]."""
        return self.tokens[
            bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)
        ]

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.rarest)


def _initials(tokens: list[Token], letters: str) -> tuple[str, ...] | None:
    """The terms of the words just before an acronym that spell its letters, or None."""
    want = letters.lower()
    words = [t for t in tokens if t.word not in _ACRONYM_GLUE and t.word[:1].isalpha()]
    picked: list[Token] = []
    for token in reversed(words):
        if not want:
            break
        if token.word[0] != want[-1]:
            return None
        picked.append(token)
        want = want[:-1]
    if want:
        return None
    return tuple(t.term for t in reversed(picked) if t.term) or None


def defined_acronyms(tokens: tuple[Token, ...]) -> dict[str, tuple[str, ...]]:
    """Acronyms a text defines: "clinical commissioning groups (CCGs)" gives ``ccg`` ->
    (clinic, commiss, group)."""
    found: dict[str, tuple[str, ...]] = {}
    for i, token in enumerate(tokens):
        if not token.acronym or i < 2 or tokens[i - 1].word != "(" or token.term is None:
            continue
        letters = token.word.rstrip("s").replace("&", "")
        before = list(tokens[max(0, i - 1 - 2 * len(letters)) : i - 1])
        expansion = _initials(before, letters)
        if expansion and token.term not in found:
            found[token.term] = expansion
    return found


def spelled(tokens: tuple[Token, ...] | list[Token], letters: str) -> tuple[str, ...] | None:
    """The terms of a run of words anywhere in ``tokens`` whose initials spell ``letters``
    (an acronym the source never defines: "A&E", "ETRO"; a plural "CCGs" spelled by
    "clinical commissioning groups"), or None."""
    want = letters.lower().replace("&", "")
    if len(want) > 2 and want.endswith("s"):  # CCGs: try CCG first
        return _spelled(tokens, want[:-1]) or _spelled(tokens, want)
    return _spelled(tokens, want)


def _spelled(tokens: tuple[Token, ...] | list[Token], want: str) -> tuple[str, ...] | None:
    if len(want) < 2:
        return None
    words = [t for t in tokens if t.word not in _ACRONYM_GLUE and t.word[:1].isalpha()]
    for i in range(len(words) - len(want) + 1):
        run = words[i : i + len(want)]
        if all(t.word[0] == c for t, c in zip(run, want, strict=True)):
            terms = tuple(t.term for t in run if t.term)
            if len(terms) == len(want):
                return terms
    return None


@lru_cache(maxsize=64)
def source(text: str) -> Source:
    """The reading of a source's text (kept for the next claim on the same source)."""
    tokens = tuple(read(text))
    starts = [t.start for t in tokens]
    bounds = [m.end() for m in _LINE_OR_SENTENCE.finditer(text)] + [len(text)]
    frequency: Counter[str] = Counter()
    sentence: set[str] = set()
    place = 0
    for token in tokens:
        while token.start >= bounds[place]:
            frequency.update(sentence)
            sentence = set()
            place += 1
        if token.term:
            sentence.add(token.term)
    frequency.update(sentence)
    count = len(bounds)
    idf = {t: math.log((count + 1) / (n + 0.5)) for t, n in frequency.items()}
    rarest = math.log((count + 1) / 0.5)
    acronyms = defined_acronyms(tokens)
    return Source(text, tokens, starts, acronyms, idf, rarest, frozenset(frequency))


def forget() -> None:
    """Drop the readings kept of sources and claims (for timing a cold start)."""
    source.cache_clear()
    clear_readings()


@dataclass(frozen=True)
class Unit:
    """One thing a claim says that a passage may carry: a content word or a number."""

    token: Token
    terms: tuple[tuple[str, ...], ...]
    weight: float


def claim_units(claim: tuple[Token, ...], src: Source) -> list[Unit]:
    """The claim's content words and numbers with their weights; an acronym may be
    matched by itself or by its expansion, and a long form by its acronym."""
    units = []
    for token in claim:
        if token.quantity is not None:
            units.append(Unit(token, (), NUMBER_WEIGHT))
        elif token.term:
            options: list[tuple[str, ...]] = [(token.term,)]
            if token.acronym:
                expansion = src.acronyms.get(token.term)
                if expansion:
                    options.append(expansion)
            units.append(Unit(token, tuple(options), src.weight(token.term)))
    return units


@dataclass(frozen=True)
class Carried:
    """What a passage carries of a claim: per unit, whether it is there (1), there as the
    setting only (0.5: a name found elsewhere on the pages) or not (0)."""

    units: tuple[Unit, ...]
    found: tuple[float, ...]

    @property
    def weighted(self) -> float:
        """IDF-weighted share of the claim the passage carries, in [0, 1]."""
        total = sum(u.weight for u in self.units)
        return sum(u.weight * f for u, f in zip(self.units, self.found, strict=True)) / (
            total or 1.0
        )

    @property
    def about(self) -> float:
        """IDF-weighted share of the claim's words (numbers aside) the passage carries:
        whether it is about the same thing, whatever the figures say."""
        pairs = [
            (u, f) for u, f in zip(self.units, self.found, strict=True) if not u.token.quantity
        ]
        total = sum(u.weight for u, _ in pairs)
        return sum(u.weight * f for u, f in pairs) / (total or 1.0)

    @property
    def share(self) -> float:
        """Unweighted share of the claim's content words and numbers carried."""
        return sum(self.found) / (len(self.found) or 1)

    @property
    def counts(self) -> tuple[int, int]:
        return sum(1 for f in self.found if f >= 1), len(self.found)

    @property
    def numbers(self) -> float:
        """Share of the claim's numbers the passage agrees with (1 when it has none)."""
        flags = [f for u, f in zip(self.units, self.found, strict=True) if u.token.quantity]
        return sum(flags) / len(flags) if flags else 1.0

    def weakest(self, claim: tuple[Token, ...]) -> float:
        """The least carried clause of the claim (a two-part claim half carried)."""
        clauses: list[list[float]] = [[]]
        where = {id(u.token): f for u, f in zip(self.units, self.found, strict=True)}
        for token in claim:
            if token.word in (",", ";", ":") or token.word in ("but", "while", "whereas"):
                if clauses[-1]:
                    clauses.append([])
            elif id(token) in where:
                clauses[-1].append(where[id(token)])
        scores = [sum(c) / len(c) for c in clauses if len(c) >= 2]
        return min(scores) if scores else self.share


def passage_terms(tokens: tuple[Token, ...], src: Source, claim: tuple[Token, ...]) -> set[str]:
    """The terms a passage carries, with the expansions of its acronyms and the acronyms
    of the claim it spells out."""
    terms = {t.term for t in tokens if t.term}
    for token in tokens:
        if token.acronym and token.term:
            expansion = src.acronyms.get(token.term) or spelled(claim, token.word)
            if expansion:
                terms.update(expansion)
    for token in claim:
        if token.acronym and token.term and token.term not in terms:
            if token.term not in src.acronyms and spelled(tokens, token.word):
                terms.add(token.term)
    return terms


def counted_noun(tokens: tuple[Token, ...] | Sequence[Token], at: int) -> str | None:
    """What a count counts: the first content word within two words after it ("400 beds",
    "400 hospital beds"), or None."""
    for token in tokens[at + 1 : at + 3]:
        if token.quantity is not None or token.word in ".;:,\n":
            return None
        if token.term and token.term not in STOPWORDS:
            return token.term
    return None


def _counts(quantity: Quantity, noun: str, passage: tuple[Token, ...]) -> bool:
    """Whether the passage gives the same count of the same thing: an agreeing number with
    the counted word within three words after it."""
    for at, token in enumerate(passage):
        if token.quantity is None or not agree(quantity, token.quantity):
            continue
        following = passage[at + 1 : at + 4]
        if any(t.term == noun for t in following):
            return True
    return False


def quantities_of(tokens: tuple[Token, ...]) -> list[Quantity]:
    written = [t.quantity for t in tokens if t.quantity is not None]
    return written + derived(written)


def carried(
    claim: tuple[Token, ...],
    units: list[Unit],
    passage: tuple[Token, ...],
    src: Source,
    setting: frozenset[str],
) -> Carried:
    """How far ``passage`` carries each of the claim's units. ``setting`` holds the
    terms of the cited pages: a capitalised name found there but not in the passage is
    the setting of the claim (the place, the body) and counts half."""
    terms = passage_terms(passage, src, claim)
    quantities = quantities_of(passage)
    found = []
    for unit in units:
        if unit.token.quantity is not None:
            quantity = unit.token.quantity
            counted = counted_noun(claim, claim.index(unit.token))
            written = unit.token.word
            if written.isdigit() and any(t.quantity is None and t.word == written for t in passage):
                found.append(1.0)  # a year read as part of a name: "Act 2012" for "(2012)"
            elif counted is None or quantity.kind != "count":
                found.append(1.0 if any(agree(quantity, q) for q in quantities) else 0.0)
            else:  # "400 beds" is not carried by "400 staff and 250 beds"
                found.append(1.0 if _counts(quantity, counted, passage) else 0.0)
        elif any(all(t in terms for t in option) for option in unit.terms):
            found.append(1.0)
        elif unit.token.capital and unit.token.term in setting:
            found.append(0.5)
        else:
            found.append(0.0)
    return Carried(tuple(units), tuple(found))


def content(tokens: tuple[Token, ...] | list[Token]) -> list[str]:
    """The terms of some tokens (search terms for ranking passages)."""
    return [t.term for t in tokens if t.term and t.term not in STOPWORDS]


def terms_at(tokens: Sequence[Token], indexes: Sequence[int], src: Source) -> set[str]:
    """The terms of the tokens at ``indexes``, with the expansions of acronyms."""
    out: set[str] = set()
    for i in indexes:
        token = tokens[i]
        if token.term:
            out.add(token.term)
            if token.acronym and token.term in src.acronyms:
                out.update(src.acronyms[token.term])
    return out


def weight_of(terms: set[str], src: Source) -> float:
    """The summed rarity of some terms."""
    return sum(src.weight(t) for t in terms)


_PRONOUNS = frozenset({"it", "they", "this", "these", "its", "their", "he", "she", "his", "her",
                       "such", "those", "them"})  # fmt: skip


def _opening(tokens: tuple[Token, ...], sentence: Sequence[int], src: Source) -> set[str]:
    """The terms of a sentence's opening noun phrase (its subject, roughly)."""
    out: set[str] = set()
    for i in sentence:
        token = tokens[i]
        if token.term is None or token.quantity is not None:
            if out or token.word not in ("the", "a", "an", "in", "on", "at", "by", "for"):
                if out:
                    break
                continue
            continue
        out.update(terms_at(tokens, [i], src))
        if len(out) >= 4:
            break
    return out


def stretches(
    tokens: tuple[Token, ...], spans: Sequence[Sequence[int]], src: Source
) -> list[list[int]]:
    """The stretches of a passage that may carry a claim on their own: each sentence, and
    two adjacent sentences when the second goes on about the first's subject (it opens
    with a pronoun, or with a word of the first's opening)."""
    out = [list(s) for s in spans]
    for first, second in zip(spans, spans[1:], strict=False):
        lead = tokens[second[0]].word
        if lead in _PRONOUNS or _opening(tokens, first, src) & _opening(tokens, second, src):
            out.append([*first, *second])
    return out


_AUXILIARY = frozenset(
    {"to", "will", "would", "can", "could", "may", "might", "must", "shall", "should", "does",
     "do", "did", "not", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had"}
)  # fmt: skip


def _near(tokens: Sequence[Token], at: int) -> set[str]:
    """The terms within five words of a figure, in its sentence."""
    out: set[str] = set()
    for step in (-1, 1):
        k = at + step
        while 0 <= k < len(tokens) and abs(k - at) <= 5 and tokens[k].word not in ".;\n":
            term = tokens[k].term
            if term and tokens[k].quantity is None:
                out.add(term)
            k += step
    return out


def _after(tokens: Sequence[Token], at: int) -> set[str]:
    """The terms of what an amount is for: the words after it, up to the next figure,
    "and", or the end of the clause (four words at most)."""
    out: set[str] = set()
    for token in tokens[at + 1 : at + 6]:
        if token.quantity is not None or token.word in ("and", "while", ".", ";", ",", "\n"):
            break
        if token.term:
            out.add(token.term)
    return out


def misplaced(claim: tuple[Token, ...], claim_text: str, stretch: Sequence[Token]) -> str:
    """A claim's amount of money the stretch gives only for something else: "£212m for new school
    places" where the passage's £212 million is "for highways"; "" when none is."""
    for at, token in enumerate(claim):
        quantity = token.quantity
        if quantity is None or quantity.kind != "money":
            continue
        mine = _near(claim, at)
        places = [k for k, t in enumerate(stretch) if t.quantity and agree(quantity, t.quantity)]
        if mine and places and not any(_near(stretch, k) & mine for k in places):
            return f"the passage gives “{_said(claim_text, token)}” for something else"
        # what the amount is for: "£2m on new cycle lanes" is not "£2m on road resurfacing
        # and £1m on new cycle lanes"
        purpose = _after(claim, at)
        if purpose and places and not any(_after(stretch, k) & purpose for k in places):
            return f"the passage gives “{_said(claim_text, token)}” for something else"
    return ""


def gaps(claim: tuple[Token, ...], claim_text: str, found: Carried) -> str:
    """What of the claim's particulars a stretch lacks, said for a reader: a figure or a
    date, a name (a body, a place), or a word qualifying a noun the stretch has
    ("same-day" appointments where it says appointments); "" when it lacks none."""
    where = {id(u.token): f for u, f in zip(found.units, found.found, strict=True)}
    if "figures" in RULES:
        for token in claim:
            if token.quantity is not None and where.get(id(token), 1.0) < 1.0:
                return f"the passage does not give the claim's “{_said(claim_text, token)}”"
    starts = {0} | {k + 1 for k, t in enumerate(claim) if t.word in ".\n:"}
    if "named" in RULES:
        for k, token in enumerate(claim):
            named = token.acronym or token.capital and k not in starts
            if named and token.term and where.get(id(token), 1.0) < NAMED_SHARE:
                return f"the passage does not name “{_said(claim_text, token)}”"
    if "qualifier" not in RULES:
        return ""
    for k in range(1, len(claim)):
        head, word = claim[k], claim[k - 1]
        if head.quantity is not None or head.term is None or where.get(id(head), 0.0) < 1.0:
            continue
        if not word.term or word.quantity is not None or where.get(id(word), 1.0) > 0.0:
            continue
        if word.acronym or word.capital and k - 1 not in starts:
            continue  # a name: see above
        phrase = f"{_said(claim_text, word)} {_said(claim_text, head)}"
        said = f"the passage does not say “{_said(claim_text, word)}” (“{phrase}”)"
        if claim_text[word.end : head.start] == "-":
            return said
        # a word before a noun that ends its phrase, the phrase opened by an article or a
        # preposition: "the unregulated fares", "for rail fares"
        after = claim[k + 1] if k + 1 < len(claim) else None
        if after is not None and after.term is not None:
            continue
        opening = k - 1
        while opening > 0 and claim[opening - 1].term and claim[opening - 1].quantity is None:
            opening -= 1
        lead = claim[opening - 1].word if opening > 0 else ""
        if lead not in _OPENERS or word.word.endswith(("ing", "ly", "s")):
            continue
        if head.word.endswith(("ing", "ed", "ly")) or head.word in IRREGULAR:
            continue
        if word.word in IRREGULAR or any(_verb_like(t) for t in claim[opening : k - 1]):
            continue
        return said
    return ""


_OPENERS = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "this", "these", "those", "of", "for",
     "in", "on", "at", "with", "from", "by", "each", "every", "all", "some", "any", "no",
     "many", "most", "more", "fewer", "less", "into", "about", "than"}
)  # fmt: skip


def _verb_like(token: Token) -> bool:
    return token.word.endswith(("ed", "es")) or token.word in IRREGULAR


RULES = {"figures", "named", "qualifier"}
#: Least a claim's name must be carried by a stretch (1: in it; 0.5: on the cited pages).
NAMED_SHARE = 0.5


def _said(text: str, token: Token) -> str:
    """A token as the claim wrote it, with the currency sign before an amount ("£2m")."""
    if not text:
        return token.word
    start = token.start
    if token.quantity is not None and start and text[start - 1] in "£$€":
        start -= 1
    return text[start : token.end]
