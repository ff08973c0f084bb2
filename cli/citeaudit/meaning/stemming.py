"""English word stems (Porter's 1980 algorithm), so that a claim's "assessment" meets a
passage's "assesses" and "significantly" meets "significant".

Paraphrase rarely repeats a word's exact form; a stem is the cheapest way to let the forms
of one word count as the same word. Written out here rather than taken from a library so
the built-in judge has no dependency. A few irregular verb forms are mapped first.
"""

from __future__ import annotations

from functools import lru_cache

#: Irregular past forms that matter to claims ("found" the evaluation, "held" to account).
IRREGULAR = {
    "found": "find",
    "made": "make",
    "took": "take",
    "taken": "take",
    "paid": "pay",
    "held": "hold",
    "gave": "give",
    "given": "give",
    "kept": "keep",
    "led": "lead",
    "left": "leave",
    "met": "meet",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "grew": "grow",
    "grown": "grow",
    "began": "begin",
    "begun": "begin",
    "brought": "bring",
    "bought": "buy",
    "sold": "sell",
    "spent": "spend",
    "set": "set",
    "cut": "cut",
    "run": "run",
    "ran": "run",
    "said": "say",
    "saw": "see",
    "seen": "see",
    "told": "tell",
    "won": "win",
    "lost": "lose",
    "went": "go",
    "gone": "go",
    "wrote": "write",
    "written": "write",
    "chose": "choose",
    "chosen": "choose",
    "children": "child",
    "people": "person",
    "women": "woman",
    "men": "man",
}

_VOWELS = frozenset("aeiou")


def _consonant(word: str, i: int) -> bool:
    char = word[i]
    if char in _VOWELS:
        return False
    if char == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in the stem."""
    count = 0
    previous_vowel = False
    for i in range(len(stem)):
        vowel = not _consonant(stem, i)
        if previous_vowel and not vowel:
            count += 1
        previous_vowel = vowel
    return count


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _double_consonant(word: str) -> bool:
    return len(word) > 1 and word[-1] == word[-2] and _consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    if len(word) < 3:
        return False
    n = len(word) - 1
    return (
        _consonant(word, n - 2)
        and not _consonant(word, n - 1)
        and _consonant(word, n)
        and word[n] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("abli", "able"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("isation", "ise"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("alise", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "al ance ence er ic able ible ant ement ment ent ion ou ism ate iti ous ive ize ise"
).split()


def _replace(word: str, suffixes: tuple[tuple[str, str], ...], least: int) -> str:
    for suffix, replacement in suffixes:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if _measure(stem) > least else word
    return word


def _step1(word: str) -> str:
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
        return word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            word = word[: -len(suffix)]
            if word.endswith(("at", "bl", "iz", "is")):
                return word + "e"
            if _double_consonant(word) and word[-1] not in "lsz":
                return word[:-1]
            if _measure(word) == 1 and _cvc(word):
                return word + "e"
            return word
    return word


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The stem of a lower-case English word (``assessments`` -> ``assess``)."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _step1(word)
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    replaced = _replace(word, _STEP2, 0)
    if replaced == word and word.endswith("li") and len(word) > 4 and word[-3] in "cdeghkmnrt":
        replaced = word[:-2]  # Porter's later "li" rule: significantly -> significant
    word = replaced
    word = _replace(word, _STEP3, 0)
    for suffix in sorted(_STEP4, key=len, reverse=True):
        if word.endswith(suffix):
            stem_ = word[: -len(suffix)]
            if _measure(stem_) > 1 and (suffix != "ion" or stem_.endswith(("s", "t"))):
                word = stem_
            break
    if word.endswith("e"):
        base = word[:-1]
        if _measure(base) > 1 or (_measure(base) == 1 and not _cvc(base)):
            word = base
    if _measure(word) > 1 and _double_consonant(word) and word.endswith("l"):
        word = word[:-1]
    return word
