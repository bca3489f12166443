"""The learned sentence scorer: a logistic regression over `features`, its weights in
`scorer.json`.

`tools/train_extractor.py --export` fits it on the labelled posts of `data/extraction/written/`
and the real training posts of `data/extraction/real/` (its C, the weights of the hashed words,
of the word pieces and of a real post's sentences, and the threshold chosen by leave-one-post-out
over the real posts) and writes the file; nothing is learned or downloaded at run time, and scoring
is plain arithmetic. Besides the named features and hashed words, a sentence scores the mean weight
of its word pieces (`wordpieces`): one number per piece of all-MiniLM-L6-v2's vocabulary, that
model's embedding of the piece projected on what the regression learned, so a word no labelled post
used still weighs what words of like meaning weigh. On posts it was not trained on it beat the
hand-weighted cues it is built from (docs/extraction.md, round 5), so `extract_claims` scores
with it; the cues remain its main features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.extraction.features import FEATURE_NAMES, hashed_features, post_features
from bot.extraction.sentences import Sentence
from bot.extraction.wordpieces import pieces


@dataclass(frozen=True)
class LearnedScorer:
    dense: tuple[float, ...]  # one weight per feature, in `FEATURE_NAMES` order
    hashed: tuple[float, ...]  # one weight per hashed slot of a word or word pair
    intercept: float
    threshold: float  # a sentence scoring this or more becomes a draft claim
    # One weight per word piece of the vocabulary; a sentence adds the mean over its pieces.
    wordpieces: Mapping[str, float]

    @classmethod
    def from_json(cls, text: str) -> LearnedScorer:
        fitted = json.loads(text)
        dense = fitted["dense"]
        if set(dense) != set(FEATURE_NAMES):
            raise ValueError("the scorer was fitted on other features; refit it")
        return cls(
            dense=tuple(float(dense[name]) for name in FEATURE_NAMES),
            hashed=tuple(float(w) for w in fitted["hashed"]),
            intercept=float(fitted["intercept"]),
            threshold=float(fitted["threshold"]),
            wordpieces={piece: float(w) for piece, w in fitted.get("wordpieces", {}).items()},
        )

    def scores(self, sentences: Sequence[Sentence]) -> list[float]:
        """The probability that each of a post's candidate sentences is a claim, in order."""
        buckets = len(self.hashed)
        scores = []
        for sentence, row in zip(sentences, post_features(sentences), strict=True):
            z = self.intercept + math.fsum(w * x for w, x in zip(self.dense, row, strict=True))
            z += math.fsum(self.hashed[slot] for slot in hashed_features(sentence.text, buckets))
            z += self._mean_piece_weight(sentence.text)
            scores.append(1.0 / (1.0 + math.exp(-z)))
        return scores

    def _mean_piece_weight(self, text: str) -> float:
        if not self.wordpieces:
            return 0.0
        found = pieces(text, self.wordpieces)
        return math.fsum(self.wordpieces[piece] for piece in found) / len(found) if found else 0.0


@cache
def shipped_scorer() -> LearnedScorer:
    """The scorer fitted on the labelled posts, shipped with the package."""
    return LearnedScorer.from_json(
        resources.files("bot.extraction").joinpath("scorer.json").read_text(encoding="utf-8")
    )
