"""The learned sentence scorer: a logistic regression over `features`, its weights in
`scorer.json`.

`tools/train_extractor.py --export` fits it on the labelled posts of `tests/data/` (its C, the
weight of the hashed words and the threshold chosen by leave-one-post-out) and writes the file;
nothing is learned or downloaded at run time, and scoring is plain arithmetic. On posts it was not
trained on it beat the hand-weighted cues it is built from (tests/data/README.md, round 5), so
`extract_claims` scores with it; the cues remain its main features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.extraction.features import FEATURE_NAMES, hashed_features, post_features
from bot.extraction.sentences import Sentence


@dataclass(frozen=True)
class LearnedScorer:
    dense: tuple[float, ...]  # one weight per feature, in `FEATURE_NAMES` order
    hashed: tuple[float, ...]  # one weight per hashed slot of a word or word pair
    intercept: float
    threshold: float  # a sentence scoring this or more becomes a draft claim

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
        )

    def scores(self, sentences: Sequence[Sentence]) -> list[float]:
        """The probability that each of a post's candidate sentences is a claim, in order."""
        buckets = len(self.hashed)
        scores = []
        for sentence, row in zip(sentences, post_features(sentences), strict=True):
            z = self.intercept + math.fsum(w * x for w, x in zip(self.dense, row, strict=True))
            z += math.fsum(self.hashed[slot] for slot in hashed_features(sentence.text, buckets))
            scores.append(1.0 / (1.0 + math.exp(-z)))
        return scores


@cache
def shipped_scorer() -> LearnedScorer:
    """The scorer fitted on the labelled posts, shipped with the package."""
    return LearnedScorer.from_json(
        resources.files("bot.extraction").joinpath("scorer.json").read_text(encoding="utf-8")
    )
