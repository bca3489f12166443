"""Votes as they stand and as they changed: tallies, a member's own votes, erasure, and the
vote events the weekly digest reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import Choice, ClaimVoters, MemberVote, StandingVote, Tally, VoteActivity
from storage import rows
from storage.ballots import add_to_tallies
from storage.rows import CLAIM_COLUMNS, votes_changed
from storage.rows import tallies as rows_tallies
from storage.schema import claim_tallies, claims, post_voters, posts, vote_events, votes


class SqlVotes:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def tallies(self, claim_ids: Iterable[int]) -> dict[int, Tally]:
        """Read from the counts every vote keeps (`claim_tallies`), not counted anew."""
        ids = sorted(set(claim_ids))
        found = await self.conn.execute(
            sa.select(
                claim_tallies.c.claim_id, claim_tallies.c.choice, claim_tallies.c.votes
            ).where(claim_tallies.c.claim_id.in_(ids))
        )
        return rows.tallies(ids, found)

    async def voters(self, post_id: int) -> int:
        """Read from the voters every vote notes (`post_voters`), one index entry a member."""
        n = await self.conn.scalar(
            sa.select(sa.func.count())
            .select_from(post_voters)
            .where(post_voters.c.post_id == post_id)
        )
        return int(n or 0)

    async def of_member(self, community: str, voter: str) -> list[MemberVote]:
        found = await self.conn.execute(
            sa.select(*CLAIM_COLUMNS, votes.c.choice.label("vote"), votes.c.cast_at)
            .join(votes, votes.c.claim_id == claims.c.id)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(posts.c.community == community, votes.c.voter == voter)
            .order_by(posts.c.number, claims.c.number)
        )
        return [MemberVote(rows.claim(r), Choice(r.vote), r.cast_at) for r in found]

    async def of_post(self, post_id: int) -> list[ClaimVoters]:
        """Every standing vote on the post's claims, one row per claim and choice: the database
        joins each side's voters into one string (reading only the covering index
        `ix_votes_claim_id_choice_voter`), so 3 million votes cross the driver as a few hundred
        rows rather than 3 million."""
        of_post = sa.select(claims.c.id).where(claims.c.post_id == post_id)
        found = await self.conn.execute(
            sa.select(
                votes.c.claim_id,
                votes.c.choice,
                sa.func.count(),
                sa.func.aggregate_strings(votes.c.voter, _BETWEEN_VOTERS),
            )
            .where(votes.c.claim_id.in_(of_post))
            .group_by(votes.c.claim_id, votes.c.choice)
        )
        sides = []
        for claim_id, choice, count, joined in found.all():
            voters = joined.split(_BETWEEN_VOTERS)
            if len(voters) != count:  # some member id holds the separator: read this side afresh
                voters = list(
                    await self.conn.scalars(
                        sa.select(votes.c.voter).where(
                            votes.c.claim_id == claim_id, votes.c.choice == choice
                        )
                    )
                )
            sides.append(ClaimVoters(claim_id, Choice(choice), voters))
        return sides

    async def standing(self, post_id: int) -> list[StandingVote]:
        found = await self.conn.execute(
            sa.select(votes.c.claim_id, votes.c.voter, votes.c.choice, votes.c.cast_at)
            .join(claims, claims.c.id == votes.c.claim_id)
            .where(claims.c.post_id == post_id)
        )
        return [StandingVote(r.claim_id, r.voter, Choice(r.choice), r.cast_at) for r in found]

    async def version(self, post_id: int) -> int:
        """A number that changes whenever the post's votes do."""
        found = await self.conn.scalar(
            sa.select(posts.c.votes_version).where(posts.c.id == post_id)
        )
        return int(found or 0)

    async def forget(self, community: str, voter: str) -> int:
        ids = _claim_ids_of(community)
        mine = sa.select(votes.c.claim_id).where(votes.c.voter == voter, votes.c.claim_id.in_(ids))
        await self.conn.execute(votes_changed(mine))
        held = await self.conn.execute(
            sa.select(votes.c.claim_id, votes.c.choice).where(
                votes.c.voter == voter, votes.c.claim_id.in_(ids)
            )
        )
        await add_to_tallies(self.conn, {(claim_id, choice): -1 for claim_id, choice in held})
        await self.conn.execute(
            sa.delete(post_voters).where(
                post_voters.c.voter == voter,
                post_voters.c.post_id.in_(
                    sa.select(posts.c.id).where(posts.c.community == community)
                ),
            )
        )
        await self.conn.execute(
            sa.delete(vote_events).where(
                vote_events.c.voter == voter, vote_events.c.claim_id.in_(ids)
            )
        )
        result = await self.conn.execute(
            sa.delete(votes).where(votes.c.voter == voter, votes.c.claim_id.in_(ids))
        )
        return int(result.rowcount or 0)

    async def activity(self, community: str, start: datetime, end: datetime) -> VoteActivity:
        in_week = (
            sa.select(vote_events.c.claim_id, vote_events.c.voter, vote_events.c.previous)
            .join(claims, claims.c.id == vote_events.c.claim_id)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(
                posts.c.community == community,
                vote_events.c.at >= start,
                vote_events.c.at < end,
            )
            .subquery()
        )
        changed = in_week.c.previous.is_not(None)
        row = (
            await self.conn.execute(
                sa.select(
                    sa.func.count().filter(in_week.c.previous.is_(None)),
                    sa.func.count(sa.distinct(in_week.c.voter)),
                    sa.func.count().filter(changed),
                    sa.func.count(sa.distinct(in_week.c.voter)).filter(changed),
                )
            )
        ).one()
        ids = await self.conn.scalars(sa.select(in_week.c.claim_id).distinct())
        return VoteActivity(
            votes=row[0],
            voters=row[1],
            changed_votes=row[2],
            members_changed=row[3],
            claim_ids=frozenset(ids),
        )

    async def tallies_at(self, claim_ids: Iterable[int], moment: datetime) -> dict[int, Tally]:
        ids = sorted(set(claim_ids))
        latest = (
            sa.select(sa.func.max(vote_events.c.id))
            .where(vote_events.c.claim_id.in_(ids), vote_events.c.at < moment)
            .group_by(vote_events.c.claim_id, vote_events.c.voter)
        )
        found = await self.conn.execute(
            sa.select(vote_events.c.claim_id, vote_events.c.choice, sa.func.count())
            .where(vote_events.c.id.in_(latest))
            .group_by(vote_events.c.claim_id, vote_events.c.choice)
        )
        return rows.tallies(ids, found)

    async def tallies_when(self, moments: Mapping[int, datetime]) -> dict[int, Tally]:
        """Each claim's tally as it stood just before its own moment, in one query a chunk."""
        found: dict[int, Tally] = {}
        items = sorted(moments.items())
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            before = sa.or_(
                *(
                    sa.and_(vote_events.c.claim_id == claim_id, vote_events.c.at < moment)
                    for claim_id, moment in chunk
                )
            )
            latest = (
                sa.select(sa.func.max(vote_events.c.id))
                .where(before)
                .group_by(vote_events.c.claim_id, vote_events.c.voter)
            )
            rows = await self.conn.execute(
                sa.select(vote_events.c.claim_id, vote_events.c.choice, sa.func.count())
                .where(vote_events.c.id.in_(latest))
                .group_by(vote_events.c.claim_id, vote_events.c.choice)
            )
            found.update(rows_tallies([claim_id for claim_id, _ in chunk], rows))
        return found


_CHUNK = 500  # claims a query: two parameters each, well within every database's limit
_BETWEEN_VOTERS = "\x1f"  # ASCII's unit separator, which no platform puts in a member id


def _claim_ids_of(community: str) -> sa.Select[Any]:
    return (
        sa.select(claims.c.id)
        .join(posts, posts.c.id == claims.c.post_id)
        .where(posts.c.community == community)
    )
