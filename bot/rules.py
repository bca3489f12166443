"""The debate's rules that more than one use case needs: who moderates, what may be voted on,
who may see tallies. Each is a small pure function so it can be read, and tested, on its own."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Actor, Ballot, ClaimStatus, Poll, Settings, Visibility
from bot.errors import ClaimNotVotable, DebateError, PollClosed, PollNotOpen, UnknownClaim


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
    return None


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
