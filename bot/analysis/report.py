"""A post's opinion analysis, in the debate's words: groups and what sets each apart, the claims
every group agrees on, the claims that bridge the divide, and those that split it.

Honest with small numbers: groups are shown only when enough members voted enough
(`MIN_GROUPED`) and the grouping is stable (`MIN_STABILITY`); otherwise `no_groups_because`
says, in one sentence, why not. Results stay anonymous: which member is in which group is kept
only so that `me` can tell a member their own group, privately.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from math import erf, sqrt
from typing import TYPE_CHECKING

from bot.analysis.matrix import vote_matrix
from bot.domain import Choice, Claim, ClaimVoters
from bot.results import wilson_interval

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from bot.analysis.groups import Grouping
    from bot.analysis.stats import GroupStats

MIN_GROUPED = 12  # members with 7 votes or more, before any group is shown
MIN_GROUP_SIZE = 3
# Mean bootstrap adjusted Rand index a grouping needs to be shown (docs/analysis.md): votes
# with no planted groups measured 0.10-0.39, the two real Polis conversations 0.62-0.73, two
# planted groups among 200 members 0.66-0.94.
MIN_STABILITY = 0.5
SHOWN = 3  # claims per list, and claims a member is told they differ from their group on
LEAN = 0.6  # a group leans one way on a claim when its share that way is at least this
MIN_BRIDGING_SCORE = 0.6
MIN_SPLIT = 0.3  # difference between two groups' agreeing shares that counts as a split
GROUP_NAMES = "ABCDE"


@dataclass(frozen=True)
class Share:
    """The share of a group's votes on a claim (passes included, as Polis counts) that take one
    side, with its 95% interval: a group of five at 80% is not a group of fifty at 80%."""

    value: float
    low: float
    high: float

    @classmethod
    def of(cls, hits: int, votes: int) -> Share:
        low, high = wilson_interval(hits, votes)
        return cls(hits / votes if votes else 0.5, low, high)


@dataclass(frozen=True)
class Representative:
    """A claim that sets a group apart: its share agreeing (or disagreeing) and the rest's."""

    claim: Claim
    stance: Choice
    in_group: Share
    elsewhere: Share
    confidence: float  # one-sided, of the difference


@dataclass(frozen=True)
class OpinionGroup:
    name: str
    size: int
    representative: list[Representative]


@dataclass(frozen=True)
class GroupShares:
    """How each group (or, with no groups shown, everyone) leans on one claim."""

    claim: Claim
    stance: Choice
    shares: list[Share]  # per group, taking `stance`
    score: float  # consensus: the product of the groups' smoothed shares; split: their gap


@dataclass(frozen=True)
class BridgingClaim:
    claim: Claim
    score: float  # the modelled agreement at the end of the divide that likes it less
    factor: float  # how far agreement follows the divide (0: not at all)


@dataclass(frozen=True)
class MemberPlace:
    """Where one member sits, for `me`: never shown to anyone else."""

    group: str | None
    group_size: int
    differs_on: list[tuple[Claim, Choice, Share]]  # their vote; the group's share against it


@dataclass(frozen=True)
class Analysis:
    voters: int
    grouped: int  # members with enough votes to be clustered
    groups: list[OpinionGroup]
    no_groups_because: str | None
    stability: float | None
    consensus: list[GroupShares]  # every claim all groups lean the same way on, strongest first
    bridging: list[BridgingClaim]
    divisive: list[GroupShares]  # every claim the groups split on, widest gap first
    positions: list[tuple[float, float, int]] = field(default_factory=list)  # x, y, group or -1
    members: dict[str, MemberPlace] = field(default_factory=dict)

    def shown_to(self, visible: Collection[int]) -> Analysis:
        """The analysis as someone who may see only the tallies of claims `visible` (ids) sees
        it: nothing is said of any other claim, nor of which member is in which group."""

        def keep(claim: Claim) -> bool:
            return claim.id in visible

        return replace(
            self,
            groups=[
                replace(g, representative=[r for r in g.representative if keep(r.claim)])
                for g in self.groups
            ],
            consensus=[c for c in self.consensus if keep(c.claim)],
            bridging=[b for b in self.bridging if keep(b.claim)],
            divisive=[d for d in self.divisive if keep(d.claim)],
            members={},
        )

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape of `results --json`'s analysis. Names no member."""

        def shares(values: list[Share]) -> list[dict[str, float]]:
            return [_share_json(s) for s in values]

        return {
            "voters": self.voters,
            "grouped": self.grouped,
            "no_groups_because": self.no_groups_because,
            "stability": None if self.stability is None else round(self.stability, 4),
            "groups": [
                {
                    "name": g.name,
                    "size": g.size,
                    "representative": [
                        {
                            "ref": r.claim.ref,
                            "stance": r.stance.value,
                            "in_group": _share_json(r.in_group),
                            "elsewhere": _share_json(r.elsewhere),
                            "confidence": round(r.confidence, 4),
                        }
                        for r in g.representative
                    ],
                }
                for g in self.groups
            ],
            "consensus": [
                {"ref": c.claim.ref, "stance": c.stance.value, "shares": shares(c.shares)}
                for c in self.consensus
            ],
            "bridging": [
                {"ref": b.claim.ref, "score": round(b.score, 4), "factor": round(b.factor, 4)}
                for b in self.bridging
            ],
            "divisive": [
                {"ref": d.claim.ref, "gap": round(d.score, 4), "agree": shares(d.shares)}
                for d in self.divisive
            ],
        }

    def place_of(self, member: str, visible: Collection[int]) -> MemberPlace | None:
        """Where `member` sits, for them alone, saying nothing of claims not `visible`; None
        when the post shows no groups or the member has not voted on it."""
        place = self.members.get(member)
        if not self.groups or place is None:
            return None
        return replace(place, differs_on=[d for d in place.differs_on if d[0].id in visible])


def _share_json(s: Share) -> dict[str, float]:
    return {"share": round(s.value, 4), "low": round(s.low, 4), "high": round(s.high, 4)}


def analyse(votes: Iterable[ClaimVoters], claims: Sequence[Claim]) -> Analysis:
    """The analysis of a post's `votes` (who took each side of each claim) on its `claims`."""
    import numpy as np

    from bot.analysis.bridging import fit_bridging
    from bot.analysis.groups import MIN_VOTES, find_groups
    from bot.analysis.stats import group_stats

    matrix = vote_matrix(votes, [c.id for c in claims])
    values = matrix.values
    grouped = int((matrix.votes_per_member() >= MIN_VOTES).sum())
    grouping = find_groups(matrix) if len(values) else None
    why_not = _why_no_groups(grouping, grouped)
    shown = grouping if why_not is None else None
    if shown is not None:
        labels, k = shown.labels, shown.k
    else:  # everyone who voted, as one group
        labels, k = np.zeros(len(values), dtype=np.int64), 1
    stats = group_stats(values, labels, k)
    groups = _groups(stats, claims, shown) if shown is not None else []
    bridging = fit_bridging(values) if _rated(values) >= 20 else None
    consensus = _consensus(stats, claims)
    divisive = _splits(stats, claims) if shown is not None else []
    return Analysis(
        voters=len(values),
        grouped=grouped,
        groups=groups,
        no_groups_because=why_not,
        stability=grouping.stability if grouping is not None else None,
        consensus=consensus,
        bridging=_bridging(bridging, claims, besides={c.claim.id for c in consensus + divisive}),
        divisive=divisive,
        positions=_positions(grouping, shown),
        members=_members(matrix.members, values, labels, stats, claims, shown),
    )


def _rated(values: NDArray[np.float64]) -> int:
    return int(((values == 1) | (values == -1)).sum())


def _why_no_groups(grouping: Grouping | None, grouped: int) -> str | None:
    if grouped < MIN_GROUPED or grouping is None:
        return (
            f"No opinion groups yet: they need at least {MIN_GROUPED} members who voted on 7 "
            f"claims or more, and {grouped} have."
        )
    if grouping.k < 2:
        return "No opinion groups: the voters do not divide into groups at all."
    sizes = [int((grouping.labels == g).sum()) for g in range(grouping.k)]
    if min(sizes) < MIN_GROUP_SIZE:
        return "No opinion groups: the only split found leaves a group of one or two members."
    if grouping.stability < MIN_STABILITY:
        return (
            f"No opinion groups: the groups found change from one sample of voters to the next "
            f"(stability {grouping.stability:.2f}, {MIN_STABILITY:.2f} needed), so they would "
            "say more about chance than about the community."
        )
    return None


def _confidence(z: float) -> float:
    return 0.5 * (1 + erf(z / sqrt(2)))


def _share(stats: GroupStats, stance: Choice, g: int, c: int) -> Share:
    hits = stats.agree if stance is Choice.AGREE else stats.disagree
    return Share.of(int(hits[g, c]), int(stats.seen[g, c]))


def _share_elsewhere(stats: GroupStats, stance: Choice, g: int, c: int) -> Share:
    hits = stats.agree if stance is Choice.AGREE else stats.disagree
    return Share.of(
        int(hits[:, c].sum() - hits[g, c]), int(stats.seen[:, c].sum() - stats.seen[g, c])
    )


def _groups(stats: GroupStats, claims: Sequence[Claim], grouping: Grouping) -> list[OpinionGroup]:
    """Each group with the claims where it differs most from the rest (Polis's representative
    comments: the group's lean is significant, and so is its difference from everyone else)."""
    from bot.analysis.stats import Z_90

    groups = []
    for g in range(grouping.k):
        found = []
        for c, claim in enumerate(claims):
            for stance, ratio, z_share, z_ratio in (
                (Choice.AGREE, stats.ra, stats.pat, stats.rat),
                (Choice.DISAGREE, stats.rd, stats.pdt, stats.rdt),
            ):
                if z_share[g, c] > Z_90 and z_ratio[g, c] > Z_90:
                    strength = float(ratio[g, c] * z_ratio[g, c])
                    found.append((strength, claim, c, stance, float(z_ratio[g, c])))
        found.sort(key=lambda f: f[0], reverse=True)
        representative = [
            Representative(
                claim,
                stance,
                _share(stats, stance, g, c),
                _share_elsewhere(stats, stance, g, c),
                _confidence(z),
            )
            for _, claim, c, stance, z in found[:SHOWN]
        ]
        size = int((grouping.labels == g).sum())
        groups.append(OpinionGroup(GROUP_NAMES[g], size, representative))
    return groups


def _consensus(stats: GroupStats, claims: Sequence[Claim]) -> list[GroupShares]:
    """Claims every group leans the same way on (group-informed consensus), strongest first."""
    found = []
    for stance, shares, product in (
        (Choice.AGREE, stats.pa, stats.consensus_agree),
        (Choice.DISAGREE, stats.pd, stats.consensus_disagree),
    ):
        for c, claim in enumerate(claims):
            if (stats.seen[:, c] >= 2).all() and (shares[:, c] >= LEAN).all():
                each = [_share(stats, stance, g, c) for g in range(len(shares))]
                found.append(GroupShares(claim, stance, each, float(product[c])))
    return sorted(found, key=lambda s: s.score, reverse=True)


def _splits(stats: GroupStats, claims: Sequence[Claim]) -> list[GroupShares]:
    """Claims the groups take different sides on, the widest gap first."""
    found = []
    for c, claim in enumerate(claims):
        voted = stats.seen[:, c] >= 2
        if voted.sum() < 2:
            continue
        shares = stats.pa[voted, c]
        gap = float(shares.max() - shares.min())
        if gap >= MIN_SPLIT:
            each = [_share(stats, Choice.AGREE, g, c) for g in range(len(stats.pa))]
            found.append(GroupShares(claim, Choice.AGREE, each, gap))
    return sorted(found, key=lambda s: s.score, reverse=True)


def _bridging(
    model: object, claims: Sequence[Claim], besides: Collection[int]
) -> list[BridgingClaim]:
    """Claims agreed with at both ends of the divide, the most bridging first (besides the
    claims listed already as agreed by every group or splitting them)."""
    if model is None:
        return []
    from bot.analysis.bridging import Bridging

    assert isinstance(model, Bridging)
    found = [
        BridgingClaim(claim, float(score), float(factor))
        for claim, score, factor in zip(claims, model.scores, model.claim_factors, strict=True)
        if score >= MIN_BRIDGING_SCORE and claim.id not in besides
    ]
    return sorted(found, key=lambda b: b.score, reverse=True)


def _positions(grouping: Grouping | None, shown: Grouping | None) -> list[tuple[float, float, int]]:
    if grouping is None:
        return []
    labels = shown.labels.tolist() if shown is not None else [-1] * len(grouping.positions)
    xs, ys = grouping.positions.T.tolist()  # plain floats, without a numpy scalar each
    return list(zip(xs, ys, labels, strict=True))


def _members(
    members: list[str],
    values: NDArray[np.float64],
    labels: NDArray[np.int64],
    stats: GroupStats,
    claims: Sequence[Claim],
    shown: Grouping | None,
) -> dict[str, MemberPlace]:
    """Each member's group, and the claims where they voted against their group's clear lean.

    Found for every member at once with numpy (a post of 50,000 members and 200 claims is ten
    million votes to look at): the share of the member's group against each of their votes, then
    the largest few, the first claim first among equals."""
    import numpy as np

    if shown is None:
        return {member: MemberPlace(None, 0, []) for member in members}
    sizes = [int((labels == g).sum()) for g in range(len(stats.pa))]
    group = np.maximum(labels, 0)
    against = np.where(values == 1, stats.pd[group], np.where(values == -1, stats.pa[group], 0))
    against[(against < LEAN) | (labels < 0)[:, None]] = 0.0
    rows = np.arange(len(members))
    picks = []
    for _ in range(SHOWN):
        column = against.argmax(axis=1)  # the first of equal shares, as a stable sort keeps them
        shares, agreed = against[rows, column], values[rows, column] == 1
        picks.append((column.tolist(), shares.tolist(), agreed.tolist()))
        against[rows, column] = 0.0
    places = {}
    for row, (member, g) in enumerate(zip(members, labels.tolist(), strict=True)):
        differs = []
        for c, share, agreed in picks:
            if share[row] > 0:
                yours = Choice.AGREE if agreed[row] else Choice.DISAGREE
                theirs = Choice.DISAGREE if agreed[row] else Choice.AGREE
                differs.append((claims[c[row]], yours, _share(stats, theirs, g, c[row])))
        if g < 0:
            places[member] = MemberPlace(None, 0, [])
        else:
            places[member] = MemberPlace(GROUP_NAMES[g], sizes[g], differs)
    return places
