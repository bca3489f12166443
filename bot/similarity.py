"""Spot a member's proposal that says the same thing as a claim the post already has.

Word overlap finds rewordings ("NATO should admit Ukraine quickly" for "... soon"), but two claims
can share every word and still disagree: "makes war more likely" and "makes war less likely" must
both be voted on. So overlap is computed on content words with light stemming, and any difference
in negation, an antonym or a different country or body on either side vetoes the match.

A proposal that repeats one sentence of a longer claim, or a longer proposal that repeats a whole
claim among other things, is the same claim too: it is compared sentence by sentence as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

K = TypeVar("K")

DEFAULT_THRESHOLD = 0.7

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Words that carry grammar rather than content; polarity words are deliberately not here.
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "this", "that", "these", "those", "it", "its", "it's", "they", "them",
        "their", "there", "here", "of", "in", "on", "at", "to", "from", "by", "with", "about",
        "into", "over", "under", "as", "and", "or", "but", "so", "if", "then", "than", "also",
        "just", "very", "really", "quite", "is", "are", "was", "were", "be", "been", "being", "am",
        "do", "does", "did", "doing", "have", "has", "had", "having", "will", "would", "shall",
        "should", "can", "could", "may", "might", "must", "i", "we", "you", "he", "she", "me",
        "us", "him", "her", "my", "our", "your", "his", "what", "which", "who", "whom", "whose",
        "when", "where", "why", "how", "some", "any", "each", "such", "own", "same", "other",
        "too",
    }
)  # fmt: skip
_NEGATORS = frozenset(
    {
        "not", "no", "never", "cannot", "none", "nothing", "nobody", "neither", "nor", "without",
        "hardly", "barely",
    }
)  # fmt: skip

# Words that mean the same for the purpose of a vote, mapped to one spelling.
_SYNONYMS = {
    "quickly": "soon",
    "swiftly": "soon",
    "rapidly": "soon",
    "promptly": "soon",
    "fast": "soon",
    "shortly": "soon",
    "probably": "likely",
    "probable": "likely",
    "nations": "countries",
    "nation": "country",
    "states": "countries",
}

# Pairs that turn a claim into its opposite. Matched on stems, so "increases" meets "decreased".
_ANTONYM_PAIRS = (
    ("more", "less"),
    ("more", "fewer"),
    ("most", "least"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("rise", "fall"),
    ("rise", "decline"),
    ("grow", "shrink"),
    ("expand", "contract"),
    ("raise", "lower"),
    ("higher", "lower"),
    ("high", "low"),
    ("likely", "unlikely"),
    ("possible", "impossible"),
    ("win", "lose"),
    ("won", "lost"),
    ("victory", "defeat"),
    ("gain", "lose"),
    ("succeed", "fail"),
    ("success", "failure"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("strengthen", "weaken"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("help", "hurt"),
    ("help", "harm"),
    ("benefit", "harm"),
    ("support", "oppose"),
    ("for", "against"),
    ("agree", "disagree"),
    ("accept", "reject"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("legal", "illegal"),
    ("safe", "dangerous"),
    ("safer", "riskier"),
    ("easy", "hard"),
    ("easier", "harder"),
    ("early", "late"),
    ("sooner", "later"),
    ("before", "after"),
    ("open", "close"),
    ("join", "leave"),
    ("enter", "exit"),
    ("include", "exclude"),
    ("ally", "enemy"),
    ("friend", "foe"),
    ("peace", "war"),
    ("right", "wrong"),
    ("true", "false"),
    ("always", "never"),
    ("all", "none"),
    ("up", "down"),
    ("escalate", "deescalate"),
)


# Words whose ending looks like a suffix but is not one.
_UNSTEMMED = frozenset(
    {"likely", "unlikely", "early", "ally", "only", "daily", "supply", "apply", "reply", "news"}
)


def _stem(word: str) -> str:
    """A light suffix-stripper: enough to match "admits", "admitted" and "admitting"."""
    word = _SYNONYMS.get(word, word)
    if word in _UNSTEMMED or len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "admitt" -> "admit", "planned" -> "plan"
    return word.removesuffix("e")


_ANTONYMS: dict[str, set[str]] = {}
for _left, _right in _ANTONYM_PAIRS:
    _ANTONYMS.setdefault(_stem(_left), set()).add(_stem(_right))
    _ANTONYMS.setdefault(_stem(_right), set()).add(_stem(_left))


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _is_negator(token: str) -> bool:
    return token in _NEGATORS or token.endswith("n't")


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words, the words a claim is about."""
    return {
        _stem(token.removesuffix("'s"))
        for token in _tokens(text)
        if token not in _STOPWORDS and not _is_negator(token)
    }


def _negated(text: str) -> bool:
    """Whether a text is negated an odd number of times ("will not help" vs "will help")."""
    return sum(_is_negator(token) for token in _tokens(text)) % 2 == 1


def _opposed(ours: set[str], theirs: set[str]) -> bool:
    """Whether a word only one side has is the antonym of a word only the other side has."""
    only_ours, only_theirs = ours - theirs, theirs - ours
    for stem in only_ours:
        if _ANTONYMS.get(stem, set()) & only_theirs:
            return True
        if stem.startswith("un") and stem[2:] in theirs:
            return True
    return any(stem.startswith("un") and stem[2:] in ours for stem in only_theirs)


def _names(text: str) -> set[str]:
    """Stems of capitalised words: the countries, leaders and bodies a claim is about."""
    return {
        _stem(word.lower().removesuffix("'s"))
        for word in re.findall(r"\b[A-Z][\w']*", text.replace("’", "'"))
        if word.lower() not in _STOPWORDS
    }


def _about_different_parties(a: str, b: str, ours: set[str], theirs: set[str]) -> bool:
    """ "NATO should admit Ukraine" is not "NATO should admit Georgia", however many words match."""
    return bool((ours - theirs) & _names(a)) and bool((theirs - ours) & _names(b))


def similarity(a: str, b: str) -> float:
    """How far two claim texts say the same thing, from 0 to 1; 0 when they take opposite sides."""
    ours, theirs = content_stems(a), content_stems(b)
    if not ours or not theirs:
        return 0.0
    if _negated(a) != _negated(b) or _opposed(ours, theirs):
        return 0.0
    if _about_different_parties(a, b, ours, theirs):
        return 0.0
    return len(ours & theirs) / max(len(ours), len(theirs))


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def same_claim(a: str, b: str) -> float:
    """How far `a` says what `b` says, as a whole or as one sentence of the longer of the two."""
    shorter, longer = sorted((a, b), key=len)
    parts = _sentences(longer)
    whole = similarity(a, b)
    if len(parts) < 2:
        return whole
    return max(whole, *(similarity(shorter, part) for part in parts))


def near_duplicate(
    text: str, candidates: Iterable[tuple[K, str]], threshold: float = DEFAULT_THRESHOLD
) -> K | None:
    """The key of the existing claim most like `text`, if it is close enough to be the same claim.

    Ties go to the earliest candidate, so the older claim is the one pointed out.
    """
    best_key: K | None = None
    best = -1.0
    for key, existing in candidates:
        score = same_claim(text, existing)
        if score >= threshold and score > best:
            best_key, best = key, score
    return best_key
