"""Describe a candidate sentence as numbers, for the learned sentence scorer (`learned`).

`tools/train_extractor.py` fits a logistic regression on these over the labelled posts; plain
Python throughout, so scoring needs no machine-learning library at run time.

* Named features: every cue family of `cues` as a flag, counts of the main lexicons, length,
  where the sentence sits in its paragraph, punctuation, person, figures and dates, tense, whether
  it forecasts, and how argumentative its neighbours and paragraph read. Whether the sentence
  ends with a stop is the sentence's own, not its paragraph's: a paragraph cut off at the end of
  an excerpt still holds complete sentences, and they must not read as a heading's; a heading
  (a line of its own with no stop) is flagged as one. Nothing says where the
  sentence sits in the whole post, or how the post reads as a whole: trained on web pages, such
  features learn that a page's last sentence is a sign-off, and misjudge a pasted paragraph.
  How many names it carries (capitalised words after the first) tells a specific report ("Rio
  Tinto operates the Oyu Tolgoi mine") from a general judgement; a signpost ("There is a deeper
  problem, too.") announces a claim rather than making one.
* Hashed features: the sentence's lower-cased words and word pairs, each mapped to one of
  `buckets` slots by CRC-32 (stable across runs and machines, unlike `hash()`), as 0/1. A name
  becomes `<name>` and a number `<num>` first: "Beijing said" and "Ankara said" teach the same
  thing, and no post's names and figures are worth learning for the next post.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence

from bot.extraction import cues
from bot.extraction.boilerplate import ends_like_prose, is_bullet
from bot.extraction.sentences import Sentence, word_count

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CONNECTIVE = re.compile(r"^(?:and|but|so|yet|or|still|now|then|thus|hence)\b")

FIRST_SINGULAR = cues.Lexicon("i, me, my, myself, i'm, i've, i'd, i'll")
FIRST_PLURAL = cues.Lexicon("we, us, our, ours, ourselves, we're, we've, we'd, we'll")
SECOND_PERSON = cues.Lexicon("you, your, yours, yourself, you're, you've, you'd, you'll")

CUE_NAMES: tuple[str, ...] = tuple(name for name in cues.WEIGHTS if name != "bias")

_COUNTED = {
    "evaluative": cues.EVALUATIVE,
    "normative": cues.NORMATIVE,
    "hypothetical": cues.HYPOTHETICAL,
    "stance": cues.STANCE,
    "contrast": cues.CONTRAST,
    "cause": cues.CAUSE,
    "sweeping": cues.SWEEPING,
    "negation": cues.NEGATION,
}

DENSE_NAMES: tuple[str, ...] = (
    *(f"cue:{name}" for name in CUE_NAMES),
    *(f"count:{name}" for name in _COUNTED),
    "log_words",
    "long",
    "first_in_line",
    "last_in_line",
    "log_sentences_in_line",
    "line_is_bullet",
    "ends_like_prose",
    "heading",
    "question",
    "exclamation",
    "colon",
    "semicolon",
    "dash",
    "brackets",
    "quote_marks",
    "first_singular",
    "first_plural",
    "second_person",
    "digits",
    "year",
    "past_verb",
    "perfect",
    "present_or_modal",
    "forecast",
    "starts_with_connective",
    "log_names",
    "name_share",
    "signpost",
    "short_signpost",
)
# How argumentative the sentence's surroundings read: counts of cue families that argue (positive
# hand weight) or narrate (negative), averaged over the neighbours, the paragraph and the post.
CONTEXT_NAMES: tuple[str, ...] = (
    "prev_argues",
    "next_argues",
    "prev_narrates",
    "next_narrates",
    "line_argues",
    "line_narrates",
    "log_line_words",
)
FEATURE_NAMES: tuple[str, ...] = DENSE_NAMES + CONTEXT_NAMES
_ARGUING = [i for i, name in enumerate(CUE_NAMES) if cues.WEIGHTS[name] > 0]
_NARRATING = [i for i, name in enumerate(CUE_NAMES) if cues.WEIGHTS[name] < 0]


def dense_features(sentence: Sentence, line_count: int, line_index: int) -> list[float]:
    """The named features of one sentence, in `DENSE_NAMES` order; `line_index` and `line_count`
    place it among the sentences of its line (its paragraph)."""
    text = sentence.text
    words = cues._prepare(text)
    checks = cues.cue_checks(text)
    tokens = words.tokens
    n_words = max(len(tokens), 1)
    stripped = text.rstrip("\"'”’)]")
    values: list[float] = [float(checks[name]) for name in CUE_NAMES]
    values += [math.log1p(lexicon.count(words)) for lexicon in _COUNTED.values()]
    values += [
        math.log(n_words),
        float(n_words > 35),
        float(line_index == 0),
        float(line_index == line_count - 1),
        math.log(line_count),
        float(is_bullet(sentence.line.text)),
        float(ends_like_prose(text)),
        float(sentence.text == sentence.line.text and not ends_like_prose(text)),
        float(stripped.endswith("?")),
        float(stripped.endswith("!")),
        float(":" in text),
        float(";" in text),
        float("—" in text or "–" in text or " - " in text),
        float("(" in text),
        float(any(mark in text for mark in '"“”')),
        float(FIRST_SINGULAR.found_in(words)),
        float(FIRST_PLURAL.found_in(words)),
        float(SECOND_PERSON.found_in(words)),
        math.log1p(len(_DIGITS.findall(text))),
        float(bool(_YEAR.search(text))),
        float(cues.PAST_VERB.found_in(words)),
        float(cues.PERFECT.search(words.text) is not None),
        float(cues.PRESENT_OR_MODAL.found_in(words)),
        float(cues.is_forecast(text)),
        float(bool(_CONNECTIVE.search(words.text))),
    ]
    names = _count_names(text)
    words_as_written = max(len(text.split()), 1)
    signpost = cues.SIGNPOST.search(words.text) is not None
    values += [math.log1p(names), names / words_as_written]
    values += [float(signpost), float(signpost and words_as_written <= 12)]
    return values


def _count_names(text: str) -> int:
    """Capitalised words after the first (the pronoun "I" aside): names of people, places,
    institutions and months."""
    return sum(word[:1].isupper() and word != "I" for word in text.split()[1:])


def _normalised_tokens(text: str) -> list[str]:
    """Lower-cased words, with every name (a capitalised word after the first) as `<name>` and
    every number as `<num>`."""
    tokens = []
    for position, token in enumerate(_TOKEN.findall(text.replace("’", "'").replace("‘", "'"))):
        if any(char.isdigit() for char in token):
            tokens.append("<num>")
        elif position and token[:1].isupper() and token != "I":
            tokens.append("<name>")
        else:
            tokens.append(token.lower())
    return tokens


def hashed_features(text: str, buckets: int) -> list[int]:
    """The distinct slots, in `range(buckets)`, of a sentence's words and word pairs."""
    tokens = _normalised_tokens(text)
    grams = [f"w:{token}" for token in tokens]
    grams += [f"b:{a} {b}" for a, b in zip(["^", *tokens], [*tokens, "$"], strict=True)]
    return sorted({zlib.crc32(gram.encode()) % buckets for gram in grams})


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def post_features(sentences: Sequence[Sentence]) -> list[list[float]]:
    """Features (`FEATURE_NAMES` order) for a post's candidate sentences, in order."""
    by_line: dict[int, list[int]] = {}
    for position, sentence in enumerate(sentences):
        by_line.setdefault(sentence.line.index, []).append(position)
    rows = []
    for position, sentence in enumerate(sentences):
        siblings = by_line[sentence.line.index]
        rows.append(
            dense_features(
                sentence,
                line_count=len(siblings),
                line_index=siblings.index(position),
            )
        )
    argues = [sum(row[i] for i in _ARGUING) for row in rows]
    narrates = [sum(row[i] for i in _NARRATING) for row in rows]
    last = len(rows) - 1
    for position, (row, sentence) in enumerate(zip(rows, sentences, strict=True)):
        others = [i for i in by_line[sentence.line.index] if i != position]
        row += [
            argues[position - 1] if position > 0 else 0.0,
            argues[position + 1] if position < last else 0.0,
            narrates[position - 1] if position > 0 else 0.0,
            narrates[position + 1] if position < last else 0.0,
            _mean([argues[i] for i in others]),
            _mean([narrates[i] for i in others]),
            math.log1p(word_count(sentence.line.text)),
        ]
    return rows
