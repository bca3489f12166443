"""The weekly digest: what a community debated in a week, as one platform-neutral value.

Built from the store for the week [start, end); each adapter renders it (an embed, Block Kit,
plain text) with the chart the `Charts` port draws.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.analysis.report import Analysis, GroupShares
from bot.domain import Claim, Resolution, Settings, Tally, VoteActivity
from bot.forecasts import community_calibration
from bot.ports import Transaction
from bot.results import agreement, divisiveness, wilson_interval
from bot.rules import forecast_deadline

SHOWN = 3  # claims per list: a digest is read in a minute
MIN_VOTES = 3  # fewer votes say nothing about a community
CONSENSUS_BOUND = 0.5  # consensus: the 95% interval lies wholly on one side of an even split
DIVISIVE_FROM = 0.75
MOVED_AT_LEAST = 0.05
MOST_VOTED = 8


@dataclass(frozen=True)
class ByGroup:
    """How the opinion groups of a claim's post stand on it."""

    groups: str  # their names, "AB"
    consensus: GroupShares | None  # every group leans this way
    split: GroupShares | None  # the groups take different sides

    def as_json(self) -> dict[str, object]:
        found = self.consensus or self.split
        if found is None:
            return {"groups": self.groups}
        shares = [
            {"share": round(s.value, 4), "low": round(s.low, 4), "high": round(s.high, 4)}
            for s in found.shares
        ]
        return {
            "groups": self.groups,
            "every_group": found.stance.value if self.consensus else None,
            "shares": dict(zip(self.groups, shares, strict=True)),
        }


@dataclass(frozen=True)
class Standing:
    """A claim and where the community stood on it at the end of the week."""

    claim: Claim
    tally: Tally
    before: Tally | None = None  # at the start of the week, for movers
    by_group: ByGroup | None = None  # None when the claim's post shows no opinion groups

    @property
    def agreement(self) -> float | None:
        return agreement(self.tally)

    @property
    def change(self) -> float:
        now, then = self.agreement, agreement(self.before) if self.before else None
        return 0.0 if now is None or then is None else now - then

    def as_json(self) -> dict[str, object]:
        entry: dict[str, object] = {
            "ref": self.claim.ref,
            "text": self.claim.text,
            "agreement": _round(self.agreement),
            "votes": self.tally.total,
            "divisiveness": _round(divisiveness(self.tally)),
        }
        if self.before is not None:
            entry["agreement_before"] = _round(agreement(self.before))
            entry["change"] = _round(self.change)
        if self.by_group is not None:
            entry["by_group"] = self.by_group.as_json()
        return entry


@dataclass(frozen=True)
class PostNews:
    ref: str
    title: str
    added: bool
    polled: bool


@dataclass(frozen=True)
class Forecasts:
    due: list[Standing] = field(default_factory=list)  # unresolved, resolve date reached
    resolved: list[Standing] = field(default_factory=list)  # resolved during the week
    community_brier: float | None = None  # over every forecast resolved so far
    scored: int = 0


@dataclass(frozen=True)
class Digest:
    community: str
    week_start: datetime
    week_end: datetime
    participation: VoteActivity
    week_before: VoteActivity
    posts: list[PostNews]
    consensus: list[Standing]
    divisive: list[Standing]
    movers: list[Standing]
    pending_proposals: list[Claim]
    forecasts: Forecasts
    late: bool = False
    chart_png: bytes | None = None
    voted: list[Standing] = field(default_factory=list)  # the week's most voted claims
    standings: list[Standing] = field(default_factory=list)  # every claim voted on in the week

    @property
    def too_few_to_tell(self) -> bool:
        """Members voted, yet no claim has votes enough to call an agreement or a split (on
        a post with opinion groups, the groups themselves say there are enough)."""
        grouped = any(s.by_group for s in self.standings)
        return bool(self.participation.votes) and not (self.consensus or self.divisive or grouped)

    @property
    def quiet(self) -> bool:
        """Nothing happened: no votes, no posts, nothing waiting, nothing due."""
        return not (
            self.participation.votes
            or self.posts
            or self.pending_proposals
            or self.forecasts.due
            or self.forecasts.resolved
        )

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape other tools read (`debate-bot digest --json`)."""
        return {
            "community": self.community,
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "late": self.late,
            "quiet": self.quiet,
            "participation": {
                **_activity(self.participation),
                "week_before": _activity(self.week_before),
            },
            "posts": [
                {"ref": p.ref, "title": p.title, "added": p.added, "polled": p.polled}
                for p in self.posts
            ],
            "consensus": [s.as_json() for s in self.consensus],
            "divisive": [s.as_json() for s in self.divisive],
            "movers": [s.as_json() for s in self.movers],
            "members_changed": self.participation.members_changed,
            "pending_proposals": [{"ref": c.ref, "text": c.text} for c in self.pending_proposals],
            "forecasts": {
                "due": [_forecast(s) for s in self.forecasts.due],
                "resolved": [_forecast(s) for s in self.forecasts.resolved],
                "community_brier": _round(self.forecasts.community_brier),
                "scored": self.forecasts.scored,
            },
            "chart": self.chart_png is not None,
        }


async def build_digest(
    tx: Transaction, settings: Settings, start: datetime, end: datetime, *, late: bool = False
) -> Digest:
    """Everything the digest for [start, end) says, read in one unit of work."""
    community = settings.community
    activity = await tx.votes.activity(community, start, end)
    previous_start = start - (end - start)
    before = await tx.votes.activity(community, previous_start, start)

    voted = await tx.claims.by_ids(activity.claim_ids)
    at_end = await tx.votes.tallies_at(activity.claim_ids, end)
    at_start = await tx.votes.tallies_at(activity.claim_ids, start)
    standings = [Standing(c, at_end[c.id], at_start[c.id]) for c in voted]

    predictions = await tx.claims.predictions(community)
    forecasts = await _forecasts(tx, predictions, start, end)
    return Digest(
        community=community,
        week_start=start,
        week_end=end,
        participation=activity,
        week_before=before,
        posts=await _post_news(tx, community, start, end),
        consensus=consensus(standings),
        divisive=most_divisive(standings),
        movers=movers(standings),
        voted=sorted(standings, key=lambda s: s.tally.total, reverse=True)[:MOST_VOTED],
        standings=standings,
        pending_proposals=await tx.proposals.waiting(community),
        forecasts=forecasts,
        late=late,
    )


async def by_group(digest: Digest, analysis_of: Callable[[int], Awaitable[Analysis]]) -> Digest:
    """The digest with its agreements and splits told by opinion group, on the posts that show
    groups: a claim agreed on by every group rather than carried by the largest, a split between
    groups rather than a claim that is merely close. (The groups are those of the votes as they
    stand now, which for a digest sent late may be a little after the week's end.)"""
    analyses = {}
    for post_id in sorted({s.claim.post_id for s in digest.standings}):
        analyses[post_id] = await analysis_of(post_id)
    standings = [
        replace(s, by_group=_by_group(s.claim, analyses[s.claim.post_id])) for s in digest.standings
    ]
    return replace(
        digest,
        standings=standings,
        consensus=consensus(standings),
        divisive=most_divisive(standings),
    )


def _by_group(claim: Claim, analysis: Analysis) -> ByGroup | None:
    if not analysis.groups:
        return None

    def find(found: list[GroupShares]) -> GroupShares | None:
        return next((g for g in found if g.claim.id == claim.id), None)

    names = "".join(g.name for g in analysis.groups)
    return ByGroup(names, find(analysis.consensus), find(analysis.divisive))


def consensus(standings: list[Standing]) -> list[Standing]:
    """Claims the community clearly agrees with, or clearly rejects, most clearly first: on a
    post with opinion groups, those every group agrees on (group-informed consensus)."""

    def clearness(s: Standing) -> float:
        low, high = wilson_interval(s.tally.agree, s.tally.agree + s.tally.disagree)
        return max(low - CONSENSUS_BOUND, (1 - CONSENSUS_BOUND) - high)

    every_group = [
        (s.by_group.consensus.score, s)
        for s in standings
        if s.by_group is not None and s.by_group.consensus is not None
    ]
    clear = [
        s
        for s in standings
        if s.by_group is None and s.tally.total >= MIN_VOTES and clearness(s) > 0
    ]
    return (_best_first(every_group) + sorted(clear, key=clearness, reverse=True))[:SHOWN]


def most_divisive(standings: list[Standing]) -> list[Standing]:
    """Claims the community splits on, most evenly first: on a post with opinion groups, those
    its groups take different sides on, the widest gap first."""
    between_groups = [
        (s.by_group.split.score, s)
        for s in standings
        if s.by_group is not None and s.by_group.split is not None
    ]
    split = [
        s
        for s in standings
        if s.by_group is None
        and s.tally.total >= MIN_VOTES
        and divisiveness(s.tally) >= DIVISIVE_FROM
    ]
    close = sorted(split, key=lambda s: divisiveness(s.tally), reverse=True)
    return (_best_first(between_groups) + close)[:SHOWN]


def _best_first(scored: list[tuple[float, Standing]]) -> list[Standing]:
    return [s for _, s in sorted(scored, key=lambda pair: pair[0], reverse=True)]


def movers(standings: list[Standing]) -> list[Standing]:
    moved = [
        s
        for s in standings
        if s.before is not None and s.before.total and abs(s.change) >= MOVED_AT_LEAST
    ]
    return sorted(moved, key=lambda s: abs(s.change), reverse=True)[:SHOWN]


async def _post_news(
    tx: Transaction, community: str, start: datetime, end: datetime
) -> list[PostNews]:
    added = {p.number: p for p in await tx.posts.created_between(community, start, end)}
    polled = {p.number: p for p in await tx.polls.opened_between(community, start, end)}
    return [
        PostNews(str(n), (added.get(n) or polled[n]).title, n in added, n in polled)
        for n in sorted(added.keys() | polled.keys())
    ]


async def _forecasts(
    tx: Transaction, predictions: list[Claim], start: datetime, end: datetime
) -> Forecasts:
    end_day: date = end.date()
    due = [
        c for c in predictions if c.resolution is None and c.resolve_on and c.resolve_on <= end_day
    ]
    resolved = [c for c in predictions if c.resolution is not None and c.resolved_at]
    in_week = [c for c in resolved if start <= c.resolved_at < end]  # type: ignore[operator]
    scored_by_end = [c for c in resolved if c.resolved_at < end]  # type: ignore[operator]
    tallies = await tx.votes.tallies([c.id for c in due + in_week])
    # A forecast is scored on the votes as they stood when its votes closed.
    stood = {
        c.id: (await tx.votes.tallies_at([c.id], forecast_deadline(c)))[c.id] for c in scored_by_end
    }
    calibration = community_calibration(
        [(c, stood[c.id]) for c in scored_by_end if c.resolution is not Resolution.VOID]
    )
    return Forecasts(
        due=[Standing(c, tallies[c.id]) for c in due],
        resolved=[Standing(c, tallies[c.id]) for c in in_week],
        community_brier=calibration.brier,
        scored=calibration.scored,
    )


def _activity(a: VoteActivity) -> dict[str, int]:
    return {
        "voters": a.voters,
        "votes": a.votes,
        "changed_votes": a.changed_votes,
        "members_changed": a.members_changed,
    }


def _forecast(s: Standing) -> dict[str, object]:
    return {
        **s.as_json(),
        "resolve_on": s.claim.resolve_on.isoformat() if s.claim.resolve_on else None,
        "resolution": s.claim.resolution.value if s.claim.resolution else None,
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
