"""Offline claim extraction: the sentences of a post worth voting on, as draft claims.

A moderator brings in a post and the bot proposes its arguable sentences as short claims. This
runs with no network and no model download: pysbd finds the sentences, `boilerplate` drops what is
not the author's prose, `cues` reads how argumentative each sentence is and whether it forecasts,
`learned` weighs those cues with the sentence's words and its neighbours into a score (weights
fitted on the labelled posts and shipped in `scorer.json`), and `wording` makes the short text
members vote on. Every claim keeps the exact quote and its offsets so a moderator can always see
where it came from.

One kind of claim is too short for the scorer to judge: the answer right after a question ("Is
Washington right to deal with him?" / "Partly."). In a Q&A, or in prose that asks and answers, it
is the author's verdict on the question, so it is always proposed, and members vote on question
and answer together.
"""

from __future__ import annotations

import itertools
import re

from bot.domain import ClaimKind, DraftClaim
from bot.extraction.boilerplate import article_lines, is_furniture_sentence
from bot.extraction.cues import is_forecast
from bot.extraction.learned import shipped_scorer
from bot.extraction.sentences import Sentence, split_lines, split_sentences, word_count
from bot.extraction.wording import votable_text

__all__ = [
    "CLAIM_THRESHOLD",
    "MIN_CLAIM_WORDS",
    "extract_claims",
    "has_a_sentence",
    "short_answers",
]

# The hand-weighted cues alone (`cues.read_cues`) propose a sentence from this score on; they are
# kept as the baseline the learned scorer is measured against (`tools/train_extractor.py`).
CLAIM_THRESHOLD = 0.5
# Shorter sentences ("Let me explain.", "He was wrong.") cannot stand alone as a claim.
MIN_CLAIM_WORDS = 4


# A short answer is proposed whatever the scorer would say (see the module's docstring).
SHORT_ANSWER_SCORE = 1.0
_LETTER = re.compile(r"[^\W\d_]")


def _draft(sentence: Sentence, score: float, question: Sentence | None = None) -> DraftClaim:
    """A draft for `sentence`; a short answer to `question` is voted on with the question."""
    said = f"{question.text} {sentence.text}" if question else sentence.text
    kind = ClaimKind.PREDICTION if is_forecast(said) else ClaimKind.CLAIM
    return DraftClaim(
        text=votable_text(said),
        quote=sentence.text,
        kind=kind,
        score=round(score, 3),
        start=sentence.start,
        end=sentence.end,
    )


def _article_sentences(text: str) -> list[Sentence]:
    """Every sentence of the author's prose (furniture lines dropped), in order."""
    return [
        sentence for line in article_lines(split_lines(text)) for sentence in split_sentences(line)
    ]


def _candidates(sentences: list[Sentence]) -> list[Sentence]:
    return [
        sentence
        for sentence in sentences
        if word_count(sentence.text) >= MIN_CLAIM_WORDS and not is_furniture_sentence(sentence.text)
    ]


def candidate_sentences(text: str) -> list[Sentence]:
    """The sentences of the author's prose, long enough to be a claim, in order."""
    return _candidates(_article_sentences(text))


ARGUABLE_WORDS = 3  # "NATO keeps peace." is a claim; "Title" or "Some text" is not


def has_a_sentence(text: str) -> bool:
    """Whether a post has anything to argue about: a sentence of its own prose of three words
    or more. ".", an empty file or a page of menus has none."""
    return any(word_count(s.text) >= ARGUABLE_WORDS for s in _article_sentences(text))


def _is_question(text: str) -> bool:
    return text.rstrip("\"'”’)").endswith("?")


def _short_answers(sentences: list[Sentence]) -> list[tuple[Sentence, Sentence]]:
    return [
        (question, answer)
        for question, answer in itertools.pairwise(sentences)
        if _is_question(question.text)
        and not _is_question(answer.text)
        and word_count(answer.text) < MIN_CLAIM_WORDS
        and _LETTER.search(answer.text)
        and not is_furniture_sentence(answer.text)
    ]


def short_answers(text: str) -> list[tuple[Sentence, Sentence]]:
    """Answers too short to be candidates, each with the question they follow: "Partly.",
    "Mostly, yes.", "It already has.", right after a question heading or a question in prose."""
    return _short_answers(_article_sentences(text))


def extract_claims(text: str) -> list[DraftClaim]:
    """Draft claims for a post's plain text (its title may be the first line), in post order.

    Each claim's `quote` is exactly `text[start:end]`; its `text` is at most 280 characters.
    """
    scorer = shipped_scorer()
    sentences = _article_sentences(text)  # segmented once: pysbd is most of the time spent
    candidates = _candidates(sentences)
    drafts = [
        _draft(sentence, score)
        for sentence, score in zip(candidates, scorer.scores(candidates), strict=True)
        if score >= scorer.threshold
    ]
    drafts += [
        _draft(answer, SHORT_ANSWER_SCORE, question)
        for question, answer in _short_answers(sentences)
    ]
    return _once_each(sorted(drafts, key=lambda draft: draft.start))


def _once_each(drafts: list[DraftClaim]) -> list[DraftClaim]:
    """A sentence a post repeats (a pull quote, a summary line) is one draft, where it first is."""
    seen: set[str] = set()
    kept = []
    for draft in drafts:
        said = " ".join(draft.text.lower().split())
        if said not in seen:
            seen.add(said)
            kept.append(draft)
    return kept
