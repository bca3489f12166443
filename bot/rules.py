"""The debate's rules that more than one use case needs: who moderates, what may be voted on,
who may see tallies. Each is a small pure function so it can be read, and tested, on its own."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.domain import Actor, Ballot, Claim, ClaimKind, ClaimStatus, Poll, Settings, Visibility
from bot.errors import (
    ClaimNotVotable,
    DebateError,
    ForecastClosed,
    PollClosed,
    PollNotOpen,
    UnknownClaim,
)


def is_moderator(actor: Actor, settings: Settings) -> bool:
    """The platform's word (Manage Server, workspace admin, `@name!`), the community's list of
    moderators, or the community's moderator role."""
    return (
        actor.platform_moderator is True
        or actor.user_id in settings.moderators
        or (settings.moderator_role is not None and settings.moderator_role in actor.roles)
    )


def why_not_votable(ballot: Ballot | None, now: datetime, ref: str = "") -> DebateError | None:
    """The refusal a vote on this ballot gets, or None when the vote may be counted."""
    if ballot is None:
        return UnknownClaim(ref or "?")
    claim, poll = ballot.claim, ballot.poll
    if claim.status is not ClaimStatus.ACTIVE:
        return ClaimNotVotable(claim.ref, _status_words(claim.status))
    if poll is None:
        return PollNotOpen(str(claim.post_number))
    if not poll.is_open(now):
        return PollClosed(str(claim.post_number))
    return forecast_closed(claim, now)


def forecast_closed(claim: Claim, now: datetime) -> ForecastClosed | None:
    """Why a forecast takes no more votes: it is resolved, or its resolve date has come (from
    that day's start, UTC). Anything else is no forecast, or an open one."""
    if claim.kind is not ClaimKind.PREDICTION:
        return None
    if claim.resolution is not None:
        return ForecastClosed(claim.ref, f"was resolved {claim.resolution.value}")
    if claim.resolve_on is not None and now >= forecast_deadline(claim):
        return ForecastClosed(claim.ref, f"reached its resolve date, {claim.resolve_on}")
    return None


def forecast_deadline(claim: Claim) -> datetime:
    """When a forecast's votes stand still: its resolution or the start of its resolve date,
    whichever came first. Its forecasters are scored on the votes as they stood then."""
    moments = [claim.resolved_at] if claim.resolved_at else []
    if claim.resolve_on is not None:
        moments.append(datetime.combine(claim.resolve_on, time(), tzinfo=UTC))
    return min(moments) if moments else datetime.max.replace(tzinfo=UTC)


def takes_votes(claim: Claim, poll: Poll | None, now: datetime) -> bool:
    """Whether a vote on the claim would be counted now: what a poll message offers buttons on."""
    return why_not_votable(Ballot(claim, poll), now) is None


def _status_words(status: ClaimStatus) -> str:
    return {
        ClaimStatus.DRAFT: "still a draft",
        ClaimStatus.PROPOSED: "a proposal waiting for a moderator",
        ClaimStatus.REJECTED: "rejected",
        ClaimStatus.RETIRED: "retired",
    }.get(status, status.value)


def can_see_tallies(
    settings: Settings, *, moderator: bool, voted: bool, poll: Poll | None, now: datetime
) -> bool:
    """Moderators always see; members as the community's visibility setting says."""
    if moderator or settings.visibility is Visibility.LIVE:
        return True
    closed = poll is not None and not poll.is_open(now)
    if settings.visibility is Visibility.AFTER_CLOSE:
        return closed
    return voted or closed
