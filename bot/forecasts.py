"""Scoring forecasts once they resolve: how well members, and the community, called them.

A vote on a prediction is a forecast: agree says it comes true (probability 1), disagree says it
does not (probability 0), pass says nothing. The Brier score is the mean squared distance between
forecast and outcome: 0 is perfect, 1 is always wrong. The community's forecast for a claim is the
share of those taking a side who agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain import Choice, Claim, ClaimKind, MemberVote, Resolution, Tally
from bot.results import agreement


@dataclass(frozen=True)
class Calibration:
    brier: float | None  # None until a forecast of theirs has resolved
    scored: int  # resolved forecasts that count


def outcome(claim: Claim) -> float | None:
    """1 for a forecast that came true, 0 for one that did not, None if unresolved or void."""
    if claim.kind is not ClaimKind.PREDICTION or claim.resolution in (None, Resolution.VOID):
        return None
    return 1.0 if claim.resolution is Resolution.TRUE else 0.0


def member_calibration(votes: Iterable[MemberVote]) -> Calibration:
    errors = []
    for vote in votes:
        result = outcome(vote.claim)
        if result is None or vote.choice is Choice.PASS:
            continue
        said = 1.0 if vote.choice is Choice.AGREE else 0.0
        errors.append((said - result) ** 2)
    return Calibration(sum(errors) / len(errors) if errors else None, len(errors))


def community_calibration(resolved: Sequence[tuple[Claim, Tally]]) -> Calibration:
    errors = []
    for claim, tally in resolved:
        result, forecast = outcome(claim), agreement(tally)
        if result is not None and forecast is not None:
            errors.append((forecast - result) ** 2)
    return Calibration(sum(errors) / len(errors) if errors else None, len(errors))
