"""Per-claim arithmetic of a poll: counts, agreement with its uncertainty, turnout, divisiveness."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import Claim, ClaimKind, Poll, Post, Tally

if TYPE_CHECKING:
    from bot.analysis.report import Analysis

WILSON_Z = 1.96  # a 95% interval


def wilson_interval(successes: int, trials: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval for a proportion: honest about small samples, unlike p ± 2σ."""
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - spread), min(1.0, centre + spread))


def agreement(tally: Tally) -> float | None:
    """Agree as a share of those who took a side; None when nobody did."""
    sides = tally.agree + tally.disagree
    return tally.agree / sides if sides else None


def divisiveness(tally: Tally) -> float:
    """1 when those who voted split evenly and nobody passed, 0 when all sided one way.

    4·p·(1-p) peaks at an even split; it is weighted by the share who took a side at all, so a
    claim most people pass on is not called divisive.
    """
    sides = tally.agree + tally.disagree
    if not sides:
        return 0.0
    p = tally.agree / sides
    return 4 * p * (1 - p) * sides / tally.total


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    tally: Tally
    visible: bool  # whether the asker may see this claim's tallies
    voters_on_post: int
    takes_votes: bool = True  # a vote on it would be counted now (poll open, forecast not due)

    @property
    def agreement(self) -> float | None:
        return agreement(self.tally)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.tally.agree, self.tally.agree + self.tally.disagree)

    @property
    def turnout(self) -> float:
        return self.tally.total / self.voters_on_post if self.voters_on_post else 0.0

    @property
    def divisiveness(self) -> float:
        return divisiveness(self.tally)


@dataclass(frozen=True)
class Results:
    post: Post
    poll: Poll | None
    claims: list[ClaimResult]
    voters: int
    closed: bool
    analysis: Analysis | None = None  # who agrees with whom, when asked for
    charts: tuple[tuple[str, bytes], ...] = ()  # (file name, PNG), drawn with the analysis

    @property
    def hidden(self) -> int:
        """How many claims' tallies the asker may not see yet."""
        return sum(not c.visible for c in self.claims)

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape other tools read (`debate-bot results --json`)."""
        claims = []
        for c in self.claims:
            entry: dict[str, object] = {
                "ref": c.claim.ref,
                "text": c.claim.text,
                "kind": c.claim.kind.value,
                "status": c.claim.status.value,
            }
            if c.claim.kind is ClaimKind.PREDICTION:
                resolve_on, resolution = c.claim.resolve_on, c.claim.resolution
                entry["resolve_on"] = resolve_on.isoformat() if resolve_on else None
                entry["resolution"] = resolution.value if resolution else None
            if c.visible:
                low, high = c.interval
                entry.update(
                    agree=c.tally.agree,
                    disagree=c.tally.disagree,
                    **{"pass": c.tally.passed},
                    agreement=_round(c.agreement),
                    agreement_low=_round(low),
                    agreement_high=_round(high),
                    turnout=_round(c.turnout),
                    divisiveness=_round(c.divisiveness),
                )
            claims.append(entry)
        return {
            "post": {
                "ref": self.post.ref,
                "title": self.post.title,
                "url": self.post.url,
                "community": self.post.community,
                "created_at": self.post.created_at.isoformat(),
                "poll": _poll_state(self.poll, self.closed),
            },
            "voters": self.voters,
            "claims": claims,
            **({"analysis": self.analysis.as_json()} if self.analysis is not None else {}),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _poll_state(poll: Poll | None, closed: bool) -> str:
    if poll is None:
        return "not opened"
    return "closed" if closed else "open"
