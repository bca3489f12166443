"""Polls: when a post's vote opened, where, and when it closes or closed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import Poll, Post
from storage import rows
from storage.rows import insert
from storage.schema import polls, posts


class SqlPolls:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, post_id: int) -> Poll | None:
        row = (await self.conn.execute(sa.select(polls).where(polls.c.post_id == post_id))).first()
        return rows.poll(row) if row else None

    async def of_community(self, community: str) -> dict[int, Poll]:
        found = await self.conn.execute(
            sa.select(polls)
            .join(posts, posts.c.id == polls.c.post_id)
            .where(posts.c.community == community)
        )
        return {row.post_id: rows.poll(row) for row in found}

    async def save(self, poll: Poll) -> None:
        values = {
            "opened_at": poll.opened_at,
            "opened_by": poll.opened_by,
            "closes_at": poll.closes_at,
            "closed_at": poll.closed_at,
            "channel": poll.channel,
        }
        stmt = insert(self.conn, polls).values(post_id=poll.post_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["post_id"], set_=values))

    async def close(self, post_id: int, at: datetime) -> bool:
        closed = await self.conn.execute(
            sa.update(polls)
            .where(polls.c.post_id == post_id, polls.c.closed_at.is_(None))
            .values(closed_at=at)
        )
        return closed.rowcount == 1

    async def due(self, now: datetime) -> list[tuple[Post, Poll]]:
        found = await self.conn.execute(
            sa.select(
                posts, polls.c.opened_at, polls.c.opened_by, polls.c.closes_at, polls.c.channel
            )
            .join(polls, polls.c.post_id == posts.c.id)
            .where(polls.c.closed_at.is_(None), polls.c.closes_at <= now)
        )
        due = []
        for r in found:
            post = rows.post(r)
            poll = Poll(post.id, r.opened_at, r.opened_by, r.closes_at, None, r.channel)
            due.append((post, poll))
        return due

    async def opened_between(self, community: str, start: datetime, end: datetime) -> list[Post]:
        found = await self.conn.execute(
            sa.select(posts)
            .join(polls, polls.c.post_id == posts.c.id)
            .where(
                posts.c.community == community,
                polls.c.opened_at >= start,
                polls.c.opened_at < end,
            )
            .order_by(posts.c.number)
        )
        return [rows.post(r) for r in found]
