"""Who acts on whom: the same act with its two parties swapped, another party doing what
the claim says, and whether the passage's actor is the claim's at all (a claim naming one
party cannot be shown by a passage where another, or "we", does the act).
"""

from __future__ import annotations

from collections.abc import Sequence

from citeaudit.meaning.evidence import Source, passage_terms
from citeaudit.meaning.evidence import terms_at as _terms
from citeaudit.meaning.evidence import weight_of as _weight
from citeaudit.meaning.judgement import Conflict
from citeaudit.meaning.reading import Token, clauses, sentences
from citeaudit.meaning.stemming import IRREGULAR

Tokens = Sequence[Token]
BE = frozenset({"was", "were", "be", "been", "is", "are", "being", "has", "have", "had"})
_MODAL = frozenset(
    {"will", "would", "can", "could", "may", "might", "must", "shall", "should", "does", "do",
     "did"}
)  # fmt: skip
_AUXILIARIES = BE | _MODAL | frozenset({"to", "who", "which", "that", "not"})
#: The auxiliaries a finite verb phrase can open with ("scholars can stay", "boards are").
_AUX = (BE - {"be", "been", "being"}) | _MODAL
_DETERMINERS = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "of",
     "for", "in", "on", "at", "with", "from", "by", "each", "every", "all", "some", "any",
     "no", "many", "most", "and", "or"}
)  # fmt: skip


def _order(tokens: Tokens, sentence: Sequence[int], src: Source) -> dict[str, list[int]]:
    places: dict[str, list[int]] = {}
    for rank, i in enumerate(sentence):
        token = tokens[i]
        if token.term and token.quantity is None:
            for term in (token.term, *src.acronyms.get(token.term, ())):
                places.setdefault(term, []).append(rank)
    return places


def _written(
    tokens: Tokens, sentence: Sequence[int], places: dict[str, list[int]], terms: set[str]
) -> str:
    """A party as its sentence writes it ("nhs england"), from the places of its terms."""
    ranks = sorted({rank for term in terms for rank in places.get(term, ())})
    return " ".join(tokens[sentence[rank]].word for rank in ranks)


def _passive(tokens: Tokens, sentence: Sequence[int], at: int) -> bool:
    """Whether the verb at sentence rank ``at`` is passive ("is overseen by")."""
    before = {tokens[i].word for i in sentence[max(0, at - 2) : at]}
    after = [tokens[i].word for i in sentence[at + 1 : at + 5]]
    return bool(before & BE) and "by" in after


def _verbish(tokens: Tokens, sentence: Sequence[int], at: int) -> bool:
    """Whether the word at sentence rank ``at`` reads as a verb: a verb's ending or an
    auxiliary before it, and no article or preposition before it."""
    token = tokens[sentence[at]]
    before = tokens[sentence[at - 1]].word if at > 0 else ""
    if token.capital and at > 0 or token.acronym or before in _DETERMINERS:
        return False
    if before in _AUXILIARIES:
        return True
    if before.endswith("s") and not token.word.endswith("s") and tokens[sentence[at - 1]].term:
        return True  # "Governors hold", "CCGs oversee"
    return token.word.endswith(("es", "ed", "s")) or token.word in IRREGULAR


def party_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """The same act with its two parties swapped: "NHS England assesses every ICB" against
    "ICBs assess NHS England" (and "ICBs are assessed by NHS England" agrees)."""
    claim_sentences = [(s, _order(claim, s, src)) for s in clauses(claim)]
    for other in clauses(passage):
        theirs = _order(passage, other, src)
        for mine, places in claim_sentences:
            shared = set(places) & set(theirs)
            for verb in shared:
                if len(places[verb]) != 1 or len(theirs[verb]) != 1:
                    continue
                v_mine, v_theirs = places[verb][0], theirs[verb][0]
                if not (_verbish(claim, mine, v_mine) or _verbish(passage, other, v_theirs)):
                    continue
                flip_mine = _passive(claim, mine, v_mine)
                flip_theirs = _passive(passage, other, v_theirs)
                before_mine = {t for t in shared if max(places[t]) < v_mine}
                after_mine = {t for t in shared if min(places[t]) > v_mine}
                before_theirs = {t for t in shared if max(theirs[t]) < v_theirs}
                after_theirs = {t for t in shared if min(theirs[t]) > v_theirs}
                if flip_mine:
                    before_mine, after_mine = after_mine, before_mine
                if flip_theirs:
                    before_theirs, after_theirs = after_theirs, before_theirs
                agent = before_theirs & after_mine
                patient = after_theirs & before_mine
                if agent and patient and not (before_theirs & before_mine):
                    mass = _weight(agent, src), _weight(patient, src)
                    # weighty enough, or on a short page (where every word weighs little)
                    # most of what the claim's clause is about
                    whole = _weight(set(places), src)
                    if min(mass) >= min(1.0, 0.2 * whole) and sum(mass) >= min(3.0, 0.6 * whole):
                        return [
                            Conflict(
                                "party",
                                _written(claim, mine, places, patient),
                                _written(passage, other, theirs, agent),
                            )
                        ]
    return []


def _subject(tokens: Tokens, sentence: Sequence[int], at: int, src: Source) -> set[str]:
    """The noun phrase just before the verb at sentence rank ``at`` ("the fire brigade"),
    or nothing when what precedes the verb is not a plain noun phrase."""
    out: set[str] = set()
    for rank in range(at - 1, -1, -1):
        token = tokens[sentence[rank]]
        if token.term is None or token.quantity is not None:
            if token.word in ("the", "a", "an") and out:
                return out
            return set()
        if _verbish(tokens, sentence, rank) or len(out) >= 4:
            return set()
        out.update((token.term, *src.acronyms.get(token.term, ())))
    return out


def _doers(tokens: Tokens, src: Source) -> dict[str, list[set[str]]]:
    """For each verb of a text, the subjects it has (active voice only)."""
    out: dict[str, list[set[str]]] = {}
    for sentence in sentences(tokens):
        for rank, i in enumerate(sentence):
            term = tokens[i].term
            if term and _verbish(tokens, sentence, rank) and not _passive(tokens, sentence, rank):
                out.setdefault(term, []).append(_subject(tokens, sentence, rank, src))
    return out


def substitution_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """Another party doing what the claim says: "the ambulance service raised concerns"
    where the passage has "the fire brigade raised concerns" and names the ambulance
    service only elsewhere."""
    everywhere = _terms(passage, range(len(passage)), src)
    claim_terms = _terms(claim, range(len(claim)), src)
    theirs = _doers(passage, src)
    for verb, subjects in _doers(claim, src).items():
        if verb not in theirs or src.weight(verb) < 1.0:
            continue
        for doer in subjects:
            if not doer or len(doer) > 4 or not doer <= everywhere or _weight(doer, src) < 3.0:
                continue
            actual = theirs[verb]
            if any(subject & doer for subject in actual):
                continue
            other = [s for s in actual if s and len(s) <= 3 and not s & claim_terms]
            if other:
                return [Conflict("party", " ".join(sorted(doer)), " ".join(sorted(other[0])))]
    return []


#: A first-person party: the writer, whom a claim naming a body cannot be shown to mean.
FIRST_PERSON = frozenset({"i", "we", "us", "our", "ours", "me", "my"})
_STOP_ACTOR = frozenset({",", ";", ":", ".", "(", ")", "\n", "which", "who", "that", "to"})


def first_person(tokens: Tokens, indexes: Sequence[int]) -> bool:
    """Whether the writer is a party among these tokens ("we", "I", "us"; not "US")."""
    return any(tokens[i].word in FIRST_PERSON and not tokens[i].acronym for i in indexes)


def _by_phrase(tokens: Tokens, span: Sequence[int], at: int) -> list[int]:
    """The tokens after "by" that name the doer of a passive verb at rank ``at``."""
    after = list(span[at + 1 :])
    for k, i in enumerate(after):
        if tokens[i].word == "by":
            out = []
            for j in after[k + 1 :]:
                if tokens[j].word in _STOP_ACTOR:
                    break
                out.append(j)
            return out
    return []


_CONNECTORS = frozenset({"of", "for", "and", "&"})
_PREPOSITIONS = frozenset(
    {"under", "in", "since", "from", "after", "before", "at", "for", "by", "during", "over",
     "following", "with", "as", "on", "across", "between", "until", "if", "when", "although"}
)  # fmt: skip


def _opening(claim: Tokens, sentence: Sequence[int]) -> tuple[list[int], int] | None:
    """The ranks of a claim's opening noun phrase (its subject) and the rank after it; None
    when it opens otherwise (a preposition, "there", "it")."""
    ranks = list(range(len(sentence)))
    if claim[sentence[0]].word in _PREPOSITIONS:
        comma = next((r for r in ranks if claim[sentence[r]].word == ","), None)
        if comma is None:
            return None
        ranks = ranks[comma + 1 :]
    while ranks and claim[sentence[ranks[0]]].word in ("the", "a", "an"):
        ranks = ranks[1:]
    phrase: list[int] = []
    for r in ranks:
        token = claim[sentence[r]]
        connector = token.word in _CONNECTORS and phrase
        if token.term is None and token.quantity is None and not connector:
            break
        if phrase and _verbish(claim, sentence, r) and not connector:
            break
        phrase.append(r)
    words = [r for r in phrase if claim[sentence[r]].term]
    return (words, phrase[-1] + 1) if words else None


def _claim_act(claim: Tokens, matched: set[str]) -> tuple[str, list[int], bool] | None:
    """The claim's main verb (the first term after its opening noun phrase that the
    passage has), the tokens naming who does it, and whether the claim is passive; None
    when the claim names no doer or the passage has none of what follows it."""
    first = sentences(claim)[0] if claim else []
    opening = _opening(claim, first) if first else None
    if opening is None:
        return None
    subject, after = opening
    for rank in range(after, len(first)):
        token = claim[first[rank]]
        if not token.term or token.quantity is not None or token.term not in matched:
            continue
        if _passive(claim, first, rank):
            doer = _by_phrase(claim, first, rank)
            return (token.term, doer, True) if doer else None
        return token.term, [first[r] for r in subject], False
    return None


def other_actor(
    claim: Tokens,
    passage: Tokens,
    stretch: Sequence[int],
    matched: set[str],
    src: Source,
    named: set[str] = frozenset(),  # type: ignore[assignment]
) -> str:
    """Why the stretch of passage cannot show the claim's doer doing the claim's act: the
    writer ("we") does it, or the words before the act (after "by" in a passive) name
    none of the claim's doer; "" when it may. ``named`` are the claim's terms the stretch
    has (a doer the claim names only by the place or body the pages are about is not
    checked: a page calls itself "the council")."""
    act = _claim_act(claim, matched)
    if act is None:
        return ""
    verb, doer, _ = act
    mine = _terms(claim, [j for j in doer if claim[j].quantity is None], src)
    if first_person(claim, range(len(claim))) or not mine or not mine & named:
        return ""
    everything = _terms(claim, range(len(claim)), src)
    verdicts = []
    for rank, i in enumerate(stretch):
        if passage[i].term != verb:
            continue
        if _passive(passage, stretch, rank):
            region = _by_phrase(passage, stretch, rank)
        else:
            region = list(stretch[:rank])
        if first_person(passage, region):
            verdicts.append("the passage has the writer (we) doing it, not the claim's party")
            continue
        theirs = passage_terms(tuple(passage[j] for j in region), src, tuple(claim))
        if ACTOR == "loose":
            other = theirs and not theirs & everything
        else:
            other = not theirs & mine
        if other:
            verdicts.append("the passage has someone else doing it than the claim says")
            continue
        return ""
    return verdicts[0] if verdicts else ""


ACTOR = "strict"


def missing_subject(claim: Tokens, found: set[str]) -> str:
    """The claim's subject when a passage carries none of its common words ("sports
    scholars can stay all year" where the passage says that of care leavers): the words as
    the claim has them; "" when the passage names it, or the claim opens otherwise. Names
    are left out (the page may call its own council "the council")."""
    first = sentences(claim)[0] if claim else []
    opening = _opening(claim, first) if first else None
    if opening is None:
        return ""
    ranks, _ = opening
    # a subject that runs to an auxiliary is taken whole ("Harlingford's sports scholars
    # can stay"): the opening phrase stops at the first word that looks like a verb
    auxiliary = next((r for r in range(min(8, len(first))) if claim[first[r]].word in _AUX), None)
    if auxiliary is not None and ranks and auxiliary > ranks[-1]:
        ranks = [r for r in range(ranks[0], auxiliary) if claim[first[r]].term]
    common = [
        claim[first[r]]
        for r in ranks
        if claim[first[r]].term and not claim[first[r]].capital and not claim[first[r]].acronym
    ]
    if not common or any(token.term in found for token in common):
        return ""
    return " ".join(token.word for token in common)
