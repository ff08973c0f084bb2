"""Whether a text denies (not, no longer, refused to) or says that something ended
(abolished, dissolved, until March 2023): the cues the contradiction checks and the support
gates share, so a passage that says the opposite, or that it is no longer so, never
supports a claim that says it is."""

from __future__ import annotations

from collections.abc import Sequence

from citeaudit.meaning.reading import Token, clauses

Tokens = Sequence[Token]
NEGATIONS = frozenset({"not", "no", "never", "none", "cannot", "nor", "neither"})
NEGATION_PAIRS = frozenset(
    {("ruled", "out"), ("rule", "out"), ("rules", "out"), ("decided", "against"),
     ("no", "longer"), ("failed", "to"), ("refused", "to"), ("declined", "to")}
)  # fmt: skip
NOT_NEGATION = frozenset({"only", "more", "less", "fewer", "later", "earlier", "doubt"})
ABOLITION = frozenset(
    {"abolished", "abolish", "abolishes", "replaced", "scrapped", "closed", "ceased",
     "disbanded", "dissolved", "discontinued", "axed", "shut", "withdrawn", "revoked",
     "removed", "ended", "terminated", "merged", "decommissioned"}
)  # fmt: skip
ABOLITION_PAIRS = frozenset(
    {("wound", "up"), ("not", "renewed"), ("no", "longer"), ("was", "closed"),
     ("took", "over"), ("taken", "over"), ("used", "to"), ("shut", "down")}
)  # fmt: skip
PAST_MARKERS = frozenset({"former", "formerly", "previous", "previously", "until", "once",
                           "predecessor", "replaced", "succeeded", "when"})  # fmt: skip
MODALS = frozenset({"should", "must", "may", "might", "could", "would", "need"})


def negated(tokens: Tokens, clause: Sequence[int], *, modal: bool = False) -> list[str]:
    """The heads of the negations in a clause: the first content word each governs.
    ``modal``: count "may not", "should not" too (what is not allowed, or ought not to
    be), which otherwise say nothing of what happened."""
    heads = []
    for k, i in enumerate(clause):
        word = tokens[i].word
        nxt = tokens[clause[k + 1]].word if k + 1 < len(clause) else ""
        # "without needing approval" denies; "went without meals" does not
        without = word == "without" and nxt.endswith("ing")
        cue = word in NEGATIONS or without or word.endswith("n't") or (word, nxt) in NEGATION_PAIRS
        if not cue or nxt in NOT_NEGATION and (word, nxt) not in NEGATION_PAIRS:
            continue
        if k and tokens[clause[k - 1]].word in MODALS and not modal:
            continue  # "should not be placed" says what ought not to happen, not what did
        for j in clause[k + 1 : k + 5]:
            term = tokens[j].term
            if term and tokens[j].word != "longer":
                heads.append(term)
                break
    return heads


#: Words that say what a passage tells was so only up to some time.
UNTIL = frozenset({"until", "till", "formerly", "previously"})


def ends(claim: Tokens, stretch: Tokens) -> str:
    """The word of a stretch that says something ended (abolished, dissolved, replaced, no
    longer...) where the claim says nothing ended: such a stretch cannot support a claim
    about it as it is, even when who ended is not placed as a contradiction; "" when none."""
    words = [t.word for t in claim]
    if ABOLITION & set(words) or ABOLITION_PAIRS & set(zip(words, words[1:], strict=False)):
        return ""
    theirs = [t.word for t in stretch]
    if not UNTIL & set(words) and not PAST_MARKERS & set(words):
        until = next((w for w in theirs if w in UNTIL), "")
        if until:
            return until  # "until March 2023 the contracts were procured by..."
    for word, nxt in zip(theirs, [*theirs[1:], ""], strict=True):
        if (word, nxt) in ABOLITION_PAIRS and word not in ("took", "taken", "used"):
            return f"{word} {nxt}"
        if word in ABOLITION and word not in ("removed", "ended", "closed", "shut"):
            return word
    return ""


def denies(tokens: Tokens) -> bool:
    """Whether some clause of ``tokens`` is negated ("will not close", "no longer runs",
    "refused to"): a passage that denies what a claim asserts, or asserts what it denies,
    cannot support it, whether or not the difference is placed as a contradiction."""
    return any(negated(tokens, clause) for clause in clauses(tokens))
