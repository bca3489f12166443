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
and answer together. For the same reason no question is proposed alone: members cannot agree
with a question, so one the scorer proposes comes with the sentence that answers it, or not at
all.

The input is what members paste: the opening of a web page, often cut off mid-sentence, with
headings and list items that end without a stop. The unfinished last sentence is dropped (and
only it); a heading long enough to state a thesis is scored like a sentence, since a title that
argues is a claim. Drafts the scorer was least sure of are marked `unsure` for the moderator.
"""

from __future__ import annotations

import itertools
import re

from bot.domain import MAX_CLAIM_CHARS, ClaimKind, DraftClaim
from bot.extraction.boilerplate import (
    article_lines,
    heading_lines,
    is_cut_off,
    is_furniture_sentence,
)
from bot.extraction.cues import is_forecast
from bot.extraction.learned import shipped_scorer
from bot.extraction.sentences import Line, Sentence, split_lines, split_sentences, word_count
from bot.extraction.wording import votable_text

__all__ = [
    "CLAIM_THRESHOLD",
    "MIN_CLAIM_WORDS",
    "UNSURE_MARGIN",
    "extract_claims",
    "has_a_sentence",
    "scored_sentences",
    "short_answers",
]

# The hand-weighted cues alone (`cues.read_cues`) propose a sentence from this score on; they are
# kept as the baseline the learned scorer is measured against (`tools/train_extractor.py`).
CLAIM_THRESHOLD = 0.5
# Shorter sentences ("Let me explain.", "He was wrong.") cannot stand alone as a claim.
MIN_CLAIM_WORDS = 4


# A short answer is proposed whatever the scorer would say (see the module's docstring).
SHORT_ANSWER_SCORE = 1.0
# A draft scoring less than this above the scorer's threshold is marked unsure, so a moderator
# reviewing the drafts looks at those first: they are the ones a slightly higher threshold would
# not have proposed.
UNSURE_MARGIN = 0.1
_LETTER = re.compile(r"[^\W\d_]")


def _draft(
    sentence: Sentence, score: float, threshold: float, question: Sentence | None = None
) -> DraftClaim:
    """A draft for `sentence`. An answer comes with its `question`: in the same paragraph the
    quote spans both ("Is Washington right? Partly."), after a question heading the quote is the
    answer; members vote on question and answer together either way."""
    together = question is not None and question.line == sentence.line
    first = question if question is not None and together else sentence
    line = sentence.line
    quote = line.text[first.start - line.start : sentence.end - line.start]
    said = f"{question.text} {sentence.text}" if question else sentence.text
    if len(votable_text(said, limit=10_000)) > MAX_CLAIM_CHARS:
        said = sentence.text  # too long to vote on together: the answer stands alone
    kind = ClaimKind.PREDICTION if is_forecast(said) else ClaimKind.CLAIM
    return DraftClaim(
        text=votable_text(said),
        quote=quote,
        kind=kind,
        score=round(score, 3),
        start=first.start,
        end=sentence.end,
        unsure=round(score, 3) < round(threshold + UNSURE_MARGIN, 3),
    )


def _article_sentences(text: str) -> list[Sentence]:
    """Every sentence of the author's prose (furniture lines dropped), in order, but for the
    unfinished sentence an excerpt may stop on."""
    lines = split_lines(text)
    sentences = [sentence for line in article_lines(lines) for sentence in split_sentences(line)]
    return _without_cut_off_end(sentences, lines)


# An unfinished last sentence this long has usually said what it argues before the cut ("In
# addressing those concerns, this post also demonstrates how the opinion provides a strong legal
# basis to unseat the government until"), and labellers label it; a shorter one has not.
UNFINISHED_CLAIM_WORDS = 12


def _without_cut_off_end(sentences: list[Sentence], lines: list[Line]) -> list[Sentence]:
    """Drop the fragment a post stops on ("... we once again call on both warring parties"):
    members paste the opening of a page, cut where it was cut, and half a sentence says nothing
    to vote on. The sentences before it in its paragraph stay. A post of one line is a pasted
    claim, kept whole even without its full stop."""
    if len(lines) < 2 or not sentences or sentences[-1].line != lines[-1]:
        return sentences
    fragment = is_cut_off(lines[-1]) and word_count(sentences[-1].text) < UNFINISHED_CLAIM_WORDS
    return sentences[:-1] if fragment else sentences


def _headings(text: str) -> list[Sentence]:
    """Titles and headings that may state a thesis, each as one sentence."""
    return [
        Sentence(text=line.text, start=line.start, end=line.start + len(line.text), line=line)
        for line in heading_lines(split_lines(text))
    ]


def _prose_candidates(sentences: list[Sentence]) -> list[Sentence]:
    return [
        sentence
        for sentence in sentences
        if word_count(sentence.text) >= MIN_CLAIM_WORDS and not is_furniture_sentence(sentence.text)
    ]


def _candidates(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences the scorer judges, in post order: the prose sentences long enough to be a
    claim, and the headings that may argue."""
    return sorted(_prose_candidates(sentences) + _headings(text), key=lambda s: s.start)


def candidate_sentences(text: str) -> list[Sentence]:
    """The sentences of the author's prose long enough to be a claim, in order (what a language
    model is asked about)."""
    return _prose_candidates(_article_sentences(text))


def scored_sentences(text: str) -> list[Sentence]:
    """What the learned scorer judges, in order: `candidate_sentences` and the titles and
    headings that may state a thesis."""
    return _candidates(text, _article_sentences(text))


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
    candidates = _candidates(text, sentences)
    proposed = {
        sentence: score
        for sentence, score in zip(candidates, scorer.scores(candidates), strict=True)
        if score >= scorer.threshold
    }
    for _, answer in _short_answers(sentences):
        proposed[answer] = SHORT_ANSWER_SCORE
    return _once_each(_drafts(proposed, sentences, scorer.threshold))


def _drafts(
    proposed: dict[Sentence, float], sentences: list[Sentence], threshold: float
) -> list[DraftClaim]:
    """The drafts of the proposed sentences, in post order. Members cannot agree with a bare
    question, so a proposed question is voted on with the answer that follows it, and one
    that nothing answers is left out."""
    questions = {  # answer -> the question it answers
        answer: question
        for question, answer in itertools.pairwise(sentences)
        if _is_question(question.text)
        and not _is_question(answer.text)
        and _LETTER.search(answer.text)
        and (
            _is_short_answer(answer, proposed)
            or (question in proposed and _answers_here(question, answer))
        )
    }
    statements = sorted(set(proposed) | set(questions), key=lambda s: s.start)
    return [
        _draft(
            sentence, _score_with(sentence, questions, proposed), threshold, questions.get(sentence)
        )
        for sentence in statements
        if not _is_question(sentence.text)
    ]


def _answers_here(question: Sentence, answer: Sentence) -> bool:
    """Whether a longer sentence after a question answers it: in the same paragraph, or after a
    question standing as a paragraph of its own (a Q&A's question). A question closing a
    paragraph of prose is rhetorical, and the next paragraph moves on."""
    return answer.line == question.line or question.text == question.line.text


def _is_short_answer(answer: Sentence, proposed: dict[Sentence, float]) -> bool:
    return proposed.get(answer) == SHORT_ANSWER_SCORE and word_count(answer.text) < MIN_CLAIM_WORDS


def _score_with(
    answer: Sentence, questions: dict[Sentence, Sentence], proposed: dict[Sentence, float]
) -> float:
    """An answer's score, or its question's when that is higher: they are one draft."""
    question = questions.get(answer)
    return max(proposed.get(answer, 0.0), proposed.get(question, 0.0) if question else 0.0)


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
