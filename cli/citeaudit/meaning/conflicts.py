"""Explicit checks for a passage that says otherwise than a claim: another number, date or
amount for the same thing, the negation, another quantifier, the other party acting, or a
body said to exist that the passage says was abolished.

Each check looks for the difference only where the two sides are about the same thing: a
number is compared with the passage's number whose neighbouring words are the claim's
("73 children ... more than two years" meets "37 for more than two years", not "412 ...
52 weeks"), a negation with the clause that shares the negated word. A contradiction is
the worst thing to get wrong the other way, so each check stays silent when unsure.
"""

from __future__ import annotations

from collections.abc import Sequence

from citeaudit.meaning.evidence import Source
from citeaudit.meaning.evidence import terms_at as _terms
from citeaudit.meaning.evidence import weight_of as _weight
from citeaudit.meaning.judgement import Conflict, ConflictKind
from citeaudit.meaning.parties import BE as _BE
from citeaudit.meaning.parties import party_conflicts, substitution_conflicts
from citeaudit.meaning.polarity import ABOLITION as _ABOLITION
from citeaudit.meaning.polarity import ABOLITION_PAIRS as _ABOLITION_PAIRS
from citeaudit.meaning.polarity import PAST_MARKERS as _PAST_MARKERS
from citeaudit.meaning.polarity import negated as _negated
from citeaudit.meaning.quantities import Quantity, agree, comparable, derived
from citeaudit.meaning.reading import CLAUSE_MARKS, Token, clauses, read, sentences

Tokens = Sequence[Token]
_UNIVERSAL = frozenset({"all", "every", "each", "everyone", "everybody", "always"})
_NONE = frozenset({"none", "nobody", "nothing"})
_MAJORITY = frozenset({"most", "majority"})
_MINORITY = frozenset({"minority", "few", "some", "several"})
_TIME_WORDS = frozenset({"year", "years", "month", "months", "week", "weeks", "day", "days",
                         "quarter", "time", "winter", "summer", "term", "other"})  # fmt: skip
#: Handed on in other words: what comes before the cue was succeeded by what follows it.
_SUCCESSION = frozenset(
    {("passed", "to"), ("transferred", "to"), ("succeeded", "by"), ("merged", "into"),
     ("taken", "over"), ("now", "part"), ("replaced", "by"), ("absorbed", "into")}
)  # fmt: skip
_PRESENT = frozenset(
    {"is", "are", "remain", "remains", "still", "continue", "continues", "now", "currently",
     "again", "runs", "run", "manages", "managed"}
)  # fmt: skip
_ROLE = {
    **dict.fromkeys(("until", "till", "by", "before", "closes", "closed", "ends", "to"), "end"),
    **dict.fromkeys(("since", "from", "after", "began", "started", "opened"), "start"),
    **dict.fromkeys(("with", "than", "earlier", "compared"), "base"),
}


#: Least weight of the most telling word two numbers' neighbourhoods share.
_SPECIFIC = 1.2


def _key(quantity: Quantity) -> str:
    return f"{quantity.kind}:{round(quantity.value, 2)}"


def _context(tokens: Tokens, index: int, clause: Sequence[int], src: Source) -> dict[str, float]:
    """The words around a number, nearer ones weighing more (other numbers by value)."""
    out: dict[str, float] = {}
    for i in clause:
        if i == index:
            continue
        token = tokens[i]
        near = 1.0 / (1.0 + 0.1 * abs(i - index))
        if token.quantity is not None:
            out[_key(token.quantity)] = max(out.get(_key(token.quantity), 0.0), 3.0 * near)
        elif token.term:
            terms = [token.term, *src.acronyms.get(token.term, ())]
            for term in terms:
                out[term] = max(out.get(term, 0.0), src.weight(term) * near)
    return out


def _nouns_after(tokens: Tokens, index: int, src: Source) -> set[str]:
    out: set[str] = set()
    for token in tokens[index + 1 : index + 5]:
        if token.word in CLAUSE_MARKS or token.word == "\n":
            break
        if token.term:
            out.add(token.term)
            out.update(src.acronyms.get(token.term, ()))
    return out


_TIME_UNITS = frozenset({"second", "minut", "hour", "dai", "weekly", "monthly", "annual"})


def _same_noun(claim: Tokens, at: int, passage: Tokens, there: int, src: Source) -> bool:
    """Whether two counts count the same thing, when both say what they count ("two
    remaining areas" and "three sites" do not; "two weeks" and "ten days" are counted in
    other units, so not told apart)."""
    mine, theirs = _nouns_after(claim, at, src), _nouns_after(passage, there, src)
    if (mine & _TIME_UNITS) != (theirs & _TIME_UNITS) and (mine | theirs) & _TIME_UNITS:
        return False
    return not mine or not theirs or bool(mine & theirs)


def _role(tokens: Tokens, index: int) -> str:
    for i in range(index - 1, max(-1, index - 3), -1):
        role = _ROLE.get(tokens[i].word)
        if role:
            return role
    return "point"


def _kind(quantity: Quantity) -> ConflictKind:
    kinds: dict[str, ConflictKind] = {"date": "date", "percent": "percentage", "money": "money"}
    return kinds.get(quantity.kind, "number")


def number_conflicts(
    claim: Tokens,
    passage: Tokens,
    src: Source,
    claim_text: str = "",
    settled: frozenset[int] = frozenset(),
) -> list[Conflict]:
    """A claim's number, percentage, amount or date against the passage's number for the
    same thing (aligned by the words around each), when the two differ. Claim tokens in
    ``settled`` have their figure elsewhere on the cited pages and are not checked."""
    written = [(i, t.quantity) for i, t in enumerate(passage) if t.quantity is not None]
    implied = derived([q for _, q in written])
    claimed = [(i, t.quantity) for i, t in enumerate(claim) if t.quantity is not None]
    taken = {i for i, q in written if any(agree(c, q) for _, c in claimed)}
    passage_clause = {i: clause for clause in clauses(passage) for i in clause}
    claim_clause = {i: clause for clause in clauses(claim) for i in clause}
    out = []
    for index, quantity in claimed:
        if index in settled or quantity.kind == "duration":
            continue
        if any(agree(quantity, q) for q in implied):
            continue
        if any(agree(quantity, q) for _, q in written):
            continue  # the passage has the claim's figure: at worst it is misattributed
        if _relative(claim, index):
            continue  # "£74 less than", "18 fewer": a difference, never an amount's rival
        context = _context(claim, index, claim_clause[index], src)
        best: tuple[float, int, Quantity] | None = None
        agreeing = 0.0
        for at, other in written:
            if other.kind != quantity.kind:
                continue
            if quantity.kind in ("count", "ordinal") and not _same_noun(
                claim, index, passage, at, src
            ):
                continue
            theirs = _context(passage, at, passage_clause[at], src)
            parts = [min(w, theirs[t]) for t, w in context.items() if t in theirs]
            if max(parts, default=0.0) < _SPECIFIC:
                continue  # only common words in common: not known to be the same thing
            score = sum(parts)
            if agree(quantity, other) or _complements(quantity, other):
                agreeing = max(agreeing, score)
            elif at not in taken and (best is None or score > best[0]):
                if quantity.kind == "date" and not comparable(quantity, other):
                    continue
                if quantity.kind == "date" and not _dated_same(claimed, index, passage, at):
                    continue
                if quantity.kind == "date":
                    roles = {_role(claim, index), _role(passage, at)}
                    if len(roles) > 1 and roles != {"point", "end"} and roles != {"point", "start"}:
                        continue
                best = (score, at, other)
        if best is not None and best[0] >= 1.5 and best[0] > agreeing:
            theirs_token, mine = passage[best[1]], claim[index]
            said = src.text[theirs_token.start : theirs_token.end]
            out.append(Conflict(_kind(quantity), _surface(claim_text, mine), said))
    return out


def _dated_same(
    claimed: Sequence[tuple[int, Quantity]], index: int, passage: Tokens, at: int
) -> bool:
    """Whether a date of the passage dates what the claim's date dates: when the claim has
    other figures, the passage's sentence with that date has one of them ("412 patients at
    the end of October" is not dated by "no one should wait 65 weeks by September")."""
    others = [q for i, q in claimed if i != index and q.kind not in ("date", "duration")]
    sentence = next((s for s in sentences(passage) if at in s), [])
    return _figures_here(others, passage, sentence)


_RELATIVE = frozenset(
    "less more fewer lower higher cheaper dearer up down over under below above".split()
)


def _relative(tokens: Tokens, index: int) -> bool:
    """Whether a figure is a difference ("£74 less than", "18 fewer GPs", "up 5%")."""
    around = [t.word for t in tokens[max(0, index - 1) : index + 3]]
    return bool(_RELATIVE & set(around))


def _complements(one: Quantity, other: Quantity) -> bool:
    """Two shares that make the whole between them ("about 44% waited 18 weeks or more"
    and "55.6% had waited less than 18 weeks"): not told apart as a contradiction."""
    return one.kind == other.kind == "percent" and abs(one.value + other.value - 100) <= 1.5


def _surface(text: str, token: Token) -> str:
    written = text[token.start : token.end]
    return written if written.lower().startswith(token.word[:1]) else token.word


def _enough(shared: set[str], mine: set[str], src: Source) -> bool:
    """Whether two clauses share enough to be about the same thing: two terms or more,
    weighing at least 3 (or, on a short page where every word is rare and weighs little,
    at least three fifths of what the claim's clause weighs)."""
    if len(shared) < 2:
        return False
    weight = _weight(shared, src)
    return weight >= 3.0 or weight >= 0.6 * _weight(mine, src)


def negation_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """A clause that denies what the other side's matching clause asserts ("does not limit
    the total" against "limits the total")."""
    out = []
    theirs = [(c, _terms(passage, c, src), _negated(passage, c)) for c in clauses(passage)]
    for clause in clauses(claim):
        mine = _terms(claim, clause, src)
        my_heads = _negated(claim, clause)
        for other, their_terms, their_heads in theirs:
            if bool(my_heads) == bool(their_heads):
                continue
            if bool(_negated(claim, clause, modal=True)) == bool(
                _negated(passage, other, modal=True)
            ):
                continue  # "may not let" and "have not been allowed to let" agree
            heads, against = (my_heads, their_terms) if my_heads else (their_heads, mine)
            hit = [h for h in heads if h in against]
            shared = (mine & their_terms) - set(hit)
            if hit and _enough(shared, mine, src):
                words = " ".join(claim[i].word for i in clause)
                said = " ".join(passage[i].word for i in other)
                out.append(Conflict("negation", words, said))
                return out
    return out


def _quantifier(tokens: Tokens, sentence: Sequence[int]) -> tuple[str, set[str]] | None:
    """The quantifier a sentence puts on a noun (all, none, most, some) and the words of
    what it quantifies, or None."""
    found = _quantifier_at(tokens, sentence)
    if found is None:
        return None
    which, k = found
    nouns = {tokens[j].term for j in sentence[k + 1 : k + 6] if tokens[j].term}
    return which, {t for t in nouns if t}


def _quantifier_at(tokens: Tokens, sentence: Sequence[int]) -> tuple[str, int] | None:
    for k, i in enumerate(sentence):
        word = tokens[i].word
        nxt = tokens[sentence[k + 1]] if k + 1 < len(sentence) else None
        if nxt is not None and nxt.quantity is not None and nxt.quantity.kind != "count":
            continue
        if word in _UNIVERSAL and (nxt is None or nxt.word not in _TIME_WORDS):
            return "all", k
        if word in _NONE or word == "no" and nxt is not None and nxt.word == "one":
            return "none", k
        if word in _MAJORITY:
            return "most", k
        if word in _MINORITY:
            return "some", k
        quantity = tokens[i].quantity
        if quantity is not None and quantity.kind == "count" and nxt is not None:
            if nxt.word == "of" and k + 2 < len(sentence):
                rest = [tokens[j] for j in sentence[k + 2 : k + 4]]
                total = next((t.quantity for t in rest if t.quantity), None)
                if total is not None and total.kind == "count" and quantity.value < total.value:
                    return "some", k
    return None


_CLASH = {
    "all": {"some", "most", "none"},
    "none": {"some", "most", "all"},
    "most": {"some", "none"},
    "some": {"all", "none"},
}


def quantifier_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """ "every site" against "39 of the 46 sites", "most" against "a minority"."""
    for mine in sentences(claim):
        found = _quantifier(claim, mine)
        if found is None:
            continue
        q_mine, my_nouns = found
        my_terms = _terms(claim, mine, src)
        for other in sentences(passage):
            theirs = _quantifier(passage, other)
            if theirs is None or theirs[0] not in _CLASH[q_mine] or not my_nouns & theirs[1]:
                continue
            if q_mine == "some" and theirs[0] == "all":
                continue  # "some" is true when all are
            shared = my_terms & _terms(passage, other, src)
            if _enough(shared, my_terms, src):
                return [Conflict("quantifier", q_mine, theirs[0])]
        if q_mine in _SHARE_BOUNDS:
            figures = [
                t.quantity
                for t in claim
                if t.quantity is not None and t.quantity.kind not in ("date", "duration")
            ]
            short = _share_against(passage, q_mine, my_terms, my_nouns, src, figures)
            if short:
                return [Conflict("quantifier", q_mine, short)]
    return []


#: What share each quantifier claims: "all" is 100%, "most" over half.
_SHARE_BOUNDS = {"all": (100.0, 100.0), "most": (50.0, 100.0)}


def _figures_here(figures: Sequence[Quantity], passage: Tokens, sentence: Sequence[int]) -> bool:
    """Whether a passage's sentence has one of the claim's figures, when the claim has any
    (then it is the sentence about what the claim is about)."""
    if not figures:
        return True
    theirs = [passage[i].quantity for i in sentence if passage[i].quantity is not None]
    return any(agree(mine, q) for mine in figures for q in theirs if q is not None)


def _share_against(
    passage: Tokens,
    quantifier: str,
    terms: set[str],
    nouns: set[str],
    src: Source,
    claim_figures: Sequence[Quantity] = (),
) -> str:
    """A share of what the claim quantifies that the quantifier cannot be ("every search"
    against "97% of searches", "most providers" against "of the providers, 27%"), as
    written; "" when none is."""
    low, high = _SHARE_BOUNDS[quantifier]
    for other in sentences(passage):
        shared = terms & _terms(passage, other, src)
        if not _enough(shared, terms, src):
            continue
        if any(passage[i].word in _UNIVERSAL | _MAJORITY for i in other):
            continue  # the passage quantifies too: its percentage is of something else
        opening = [passage[i] for i in other[:6]]
        of_the = bool(opening) and opening[0].word == "of"  # "Of the providers, 27% were"
        here = {t.term for t in opening if t.term} if of_the else set()
        for i in other:
            quantity = passage[i].quantity
            if quantity is None or quantity.kind != "percent":
                continue
            of = {t.term for t in passage[i + 2 : i + 5] if t.term}
            named = i + 1 < len(passage) and passage[i + 1].word == "of" and bool(of & nouns)
            if not named and not (nouns & here):
                continue  # a share of something else, or a rise: "by 3%", "a 0.5% rise"
            if not _figures_here(claim_figures, passage, other):
                continue  # "all 412 patients who waited 65 weeks" is not "55.6% of patients"
            if (
                (quantity.upper <= low and quantity.upper < high)
                if low < 100
                else quantity.upper < 100
            ):
                return src.text[passage[i].start : passage[i].end]
    return ""


def _abolished_entities(passage: Tokens) -> list[tuple[str, list[int]]]:
    """(cue, token indexes of what the passage says was abolished) for each cue."""
    out = []
    for sentence in sentences(passage):
        for k, i in enumerate(sentence):
            word = passage[i].word
            nxt = passage[sentence[k + 1]].word if k + 1 < len(sentence) else ""
            pair = (word, nxt) in _ABOLITION_PAIRS and word not in ("took", "taken", "used")
            handed = (word, nxt) in _SUCCESSION
            if word not in _ABOLITION and not pair and not handed and word != "formerly":
                continue
            before = passage[sentence[k - 1]].word if k else ""
            pair = pair or handed
            start = k + (2 if pair else 1)
            follow = list(sentence[start : start + 6])
            follows_object = bool(follow) and passage[follow[0]].word not in (
                "in", "on", "from", "by", "with", "at", "for", "after", "since", "as",
            ) and passage[follow[0]].quantity is None  # fmt: skip
            if not handed and before not in _BE and word != "no" and follows_object:
                span = []
                for j in follow:
                    if passage[j].word in ("in", "on", "from", "with", "and", "by"):
                        break
                    span.append(j)
            else:
                head = next((n for n, j in enumerate(sentence) if passage[j].word == ","), k)
                start = 0 if head < k else max(0, k - 8)
                span = list(sentence[start : min(head, k)])
            out.append((f"{word} {nxt}" if pair else word, span))
    return out


def _acts_now(claim: Tokens) -> bool:
    """Whether a named body does something now in the claim ("PHE publishes the data")."""
    for named, verb in zip(claim, claim[1:], strict=False):
        if not (named.acronym or named.capital) or verb.capital or verb.acronym:
            continue
        if verb.term and verb.word.endswith("s") and not verb.word.endswith("ss"):
            return True
    return False


def abolished_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """A body or scheme the claim has at work now that the passage says was abolished,
    replaced, closed or not renewed."""
    words = [t.word for t in claim]
    pairs = set(zip(words, words[1:], strict=False))
    if _ABOLITION & set(words) or _ABOLITION_PAIRS & pairs or _PAST_MARKERS & set(words):
        return []
    if not _PRESENT & set(words) and not _acts_now(claim):
        return []
    mine = _terms(claim, range(len(claim)), src)
    for cue, span in _abolished_entities(passage):
        terms = _terms(passage, span, src)
        entity = terms & mine
        weight = _weight(entity, src)
        # the body named is the claim's: enough of its words, weighing enough (on a short
        # page every word weighs little: then most of what the passage names)
        enough = weight >= 3.0 or weight >= 0.8 * _weight(terms, src)
        if len(entity) >= max(2.0, 0.6 * len(terms)) and enough:
            named = " ".join(passage[j].word for j in span if passage[j].term in entity)
            return [Conflict("abolished", named, cue)]
    return []


#: Words that say which way something went, and the words that say the other way.
_DIRECTIONS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (
        frozenset(
            "rise rises rose risen rising increase increases increased increasing grew grow "
            "grows grown growing growth up higher more gained climbed doubled trebled "
            "tripled expanded".split()
        ),
        frozenset(
            "fall falls fell fallen falling decrease decreases decreased decreasing decline "
            "declines declined declining drop drops dropped down lower fewer shrank shrunk "
            "halved reduced reduction cut cuts".split()
        ),
    ),
    (frozenset("approve approves approved".split()), frozenset("reject rejects rejected".split())),
    (frozenset("support supports supported".split()), frozenset("oppose opposes opposed".split())),
    (frozenset("open opens opened".split()), frozenset("close closes closed shut".split())),
    (frozenset("won win wins".split()), frozenset("lost lose loses".split())),
    (frozenset("met meets".split()), frozenset("missed misses".split())),
)


def direction_conflicts(claim: Tokens, passage: Tokens, src: Source) -> list[Conflict]:
    """A clause that says the other way from the claim's about the same thing ("waiting
    times fell" against "waiting times rose", "approved" against "rejected")."""
    for clause in clauses(claim):
        if _negated(claim, clause) or _idiom(claim, clause):
            continue  # "did not rise" says the other way; "fell short" is no direction
        words = {claim[i].word for i in clause}
        mine = _terms(claim, clause, src)
        for one, other in _DIRECTIONS:
            for ours, theirs in ((one, other), (other, one)):
                said = words & ours
                if not said or words & theirs:
                    continue
                for their_clause in clauses(passage):
                    there = {passage[i].word for i in their_clause}
                    against = there & theirs
                    if not against or there & ours:
                        continue
                    if _negated(passage, their_clause) or _idiom(passage, their_clause):
                        continue
                    turning = _stems(ours | theirs)
                    matter = mine - turning
                    shared = matter & _terms(passage, their_clause, src)
                    # the same thing went the other way: all but a little of what the
                    # claim's clause is about ("more books to children" is not "fewer to
                    # adults")
                    most = _weight(shared, src) >= 0.75 * _weight(matter, src)
                    if most and _enough(shared, matter, src):
                        return [Conflict("direction", min(said), min(against))]
    return []


def _idiom(tokens: Tokens, clause: Sequence[int]) -> bool:
    """Whether a clause uses a direction word in an idiom that goes no way ("falls
    short", "cut off", "up to", "more or less")."""
    words = [tokens[i].word for i in clause]
    pairs = set(zip(words, words[1:], strict=False))
    return bool(pairs & _IDIOMS)


_IDIOMS = frozenset(
    {("falls", "short"), ("fell", "short"), ("fall", "short"), ("fallen", "short"),
     ("cut", "off"), ("up", "to"), ("more", "or"), ("more", "than"), ("fewer", "than"),
     ("lower", "than"), ("higher", "than"), ("down", "to")}
)  # fmt: skip


def _stems(words: frozenset[str]) -> set[str]:
    """The search terms of direction words, so they are not counted as shared matter."""
    return {t.term for w in words for t in read(w) if t.term}


def settled_figures(claim: Tokens, pages: Tokens) -> frozenset[int]:
    """The claim's figures that the cited pages state somewhere (never a conflict)."""
    quantities = [t.quantity for t in pages if t.quantity is not None]
    return frozenset(
        i
        for i, token in enumerate(claim)
        if token.quantity is not None
        and token.quantity.kind in ("count", "percent", "money")
        and any(agree(token.quantity, q) for q in quantities)
    )


def find_conflicts(
    claim: Tokens,
    passage: Tokens,
    src: Source,
    claim_text: str,
    settled: frozenset[int] = frozenset(),
) -> list[Conflict]:
    """Every explicit difference between a claim and a passage about the same thing."""
    out = number_conflicts(claim, passage, src, claim_text, settled)
    for check in (
        substitution_conflicts,
        negation_conflicts,
        quantifier_conflicts,
        party_conflicts,
        abolished_conflicts,
        direction_conflicts,
    ):
        out.extend(check(claim, passage, src))
    return [c for c in out if c.kind != "party" or not _adverb(c.claim, c.passage)]


def _adverb(*sides: str) -> bool:
    """Whether a side of a party conflict is a word ending in -ly ("weekly"): a manner,
    never a party, so the sentence was misread."""
    return any(word.endswith("ly") for side in sides for word in side.replace(",", " ").split())
