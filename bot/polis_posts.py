"""A post as a Polis conversation, and a Polis conversation as a post.

Importing, each comment becomes a claim that remembers its comment id, and each participant a
pseudonymous member `polis-<participant id>`. Exporting, claims get their comment ids back (a
claim that never was a comment gets the next free one) and members appear only as participant
numbers: `polis-<n>` is participant n again, anyone else gets the next free number, in the order
they first voted. No name or platform id leaves the bot; results stay anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from bot.analysis import Analysis
from bot.domain import (
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    Post,
    StandingVote,
    VoteChange,
)
from bot.polis import (
    ACCEPTED,
    AGREE,
    DISAGREE,
    MODERATED_OUT,
    PASS,
    UNMODERATED,
    Comment,
    Conversation,
    Vote,
    millis,
    moment,
)
from bot.ports import NewClaim

CHOICES = {AGREE: Choice.AGREE, DISAGREE: Choice.DISAGREE, PASS: Choice.PASS}
VOTE_OF = {choice: vote for vote, choice in CHOICES.items()}
STATUS_OF = {
    ACCEPTED: ClaimStatus.ACTIVE,
    UNMODERATED: ClaimStatus.PROPOSED,  # waits for a moderator here, as it did in Polis
    MODERATED_OUT: ClaimStatus.RETIRED,
}
MODERATION_OF = {
    ClaimStatus.ACTIVE: ACCEPTED,
    ClaimStatus.DRAFT: UNMODERATED,
    ClaimStatus.PROPOSED: UNMODERATED,
    ClaimStatus.REJECTED: MODERATED_OUT,
    ClaimStatus.RETIRED: MODERATED_OUT,
}
MEMBER_PREFIX = "polis-"
_MEMBER = re.compile(re.escape(MEMBER_PREFIX) + r"(0|[1-9][0-9]{0,17})")


def member(participant: int) -> str:
    """The pseudonymous member a Polis participant becomes."""
    return f"{MEMBER_PREFIX}{participant}"


def new_claims(conversation: Conversation) -> list[NewClaim]:
    """The conversation's comments as claims, in comment-id order, each knowing its comment."""
    return [
        NewClaim(
            text=c.text,
            kind=ClaimKind.CLAIM,
            origin=ClaimOrigin.MEMBER,
            status=STATUS_OF[c.moderated],
            author=member(c.author),
            polis_id=c.id,
            at=moment(c.at),
        )
        for c in conversation.comments
    ]


def vote_changes(conversation: Conversation, claims: Iterable[Claim]) -> list[VoteChange]:
    """Every participant's latest votes, on the claims their comments became."""
    claim_of = {c.polis_id: c.id for c in claims}
    return [
        VoteChange(claim_of[v.comment], member(v.voter), CHOICES[v.vote], None, moment(v.at))
        for v in conversation.votes
    ]


def conversation_of(
    post: Post, claims: Sequence[Claim], votes: Sequence[StandingVote], analysis: Analysis
) -> Conversation:
    """The post as a Polis conversation, every claim and standing vote in it, with the opinion
    groups the analysis shows (none when it shows none)."""
    first_votes = sorted(votes, key=lambda v: (v.at, v.claim_id))
    people = [v.voter for v in first_votes] + [c.author for c in claims]
    participant = _numbered(people, kept=_participant_number)
    comment = _numbered([c.id for c in claims], kept={c.id: c.polis_id for c in claims}.get)
    group_number = {group.name: number for number, group in enumerate(analysis.groups)}
    comments = (
        Comment(
            comment[c.id],
            participant[c.author],
            c.text,
            millis(c.created_at),
            MODERATION_OF[c.status],
        )
        for c in claims
    )
    cast = (
        Vote(participant[v.voter], comment[v.claim_id], VOTE_OF[v.choice], millis(v.at))
        for v in votes
    )
    return Conversation(
        topic=post.title,
        url=post.url or "",
        description=post.text,
        comments=sorted(comments, key=lambda c: c.id),
        votes=sorted(cast, key=lambda v: (v.comment, v.voter)),
        groups={
            participant[who]: group_number[place.group]
            for who, place in analysis.members.items()
            if place.group is not None and place.group in group_number and who in participant
        },
    )


def _participant_number(who: str) -> int | None:
    found = _MEMBER.fullmatch(who)
    return int(found[1]) if found else None


K = TypeVar("K")


def _numbered(keys: Sequence[K], kept: Callable[[K], int | None]) -> dict[K, int]:
    """A number for each key: its `kept` number where it has one, else the next number above
    every kept one, in the order of `keys`."""
    numbers: dict[K, int] = {}
    for key in keys:
        number = kept(key)
        if number is not None:
            numbers[key] = number
    free = max(numbers.values(), default=-1) + 1
    for key in keys:
        if key not in numbers:
            numbers[key] = free
            free += 1
    return numbers
