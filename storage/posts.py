"""Posts and their claims (one aggregate: a claim is numbered within its post), and the
proposals members make, which are claims waiting for a moderator."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import Claim, ClaimKind, ClaimStatus, NewPost, Post
from bot.ports import NewClaim
from storage import rows
from storage.rows import claims_with_post, insert
from storage.schema import claims, communities, posts


class SqlPosts:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, community: str, post: NewPost, author: str, at: datetime) -> Post:
        await self._lock_community(community)
        number = await self.conn.scalar(
            sa.select(sa.func.coalesce(sa.func.max(posts.c.number), 0) + 1).where(
                posts.c.community == community
            )
        )
        values = {
            "community": community,
            "number": number,
            "title": post.title,
            "url": post.url,
            "text": post.text,
            "author": author,
            "created_at": at,
        }
        post_id = await self.conn.scalar(sa.insert(posts).values(values).returning(posts.c.id))
        return Post(id=int(post_id or 0), **values)  # type: ignore[arg-type]

    async def _lock_community(self, community: str) -> None:
        """Serialise numbering within a community (SQLite's BEGIN IMMEDIATE already does)."""
        await self.conn.execute(
            insert(self.conn, communities).values(id=community).on_conflict_do_nothing()
        )
        await self.conn.execute(
            sa.select(communities.c.id).where(communities.c.id == community).with_for_update()
        )

    async def get(self, community: str, number: int) -> Post | None:
        row = (
            await self.conn.execute(
                sa.select(posts).where(posts.c.community == community, posts.c.number == number)
            )
        ).first()
        return rows.post(row) if row else None

    async def of_community(self, community: str) -> list[Post]:
        found = await self.conn.execute(
            sa.select(posts).where(posts.c.community == community).order_by(posts.c.number)
        )
        return [rows.post(r) for r in found]

    async def created_between(self, community: str, start: datetime, end: datetime) -> list[Post]:
        found = await self.conn.execute(
            sa.select(posts)
            .where(
                posts.c.community == community,
                posts.c.created_at >= start,
                posts.c.created_at < end,
            )
            .order_by(posts.c.number)
        )
        return [rows.post(r) for r in found]


class SqlClaims:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, post: Post, new: Sequence[NewClaim], at: datetime) -> list[Claim]:
        if not new:
            return []
        await self.conn.execute(
            sa.select(posts.c.id).where(posts.c.id == post.id).with_for_update()
        )
        last = await self.conn.scalar(
            sa.select(sa.func.coalesce(sa.func.max(claims.c.number), 0)).where(
                claims.c.post_id == post.id
            )
        )
        values = [
            {
                "post_id": post.id,
                "number": int(last or 0) + i,
                "text": c.text,
                "quote": c.quote,
                "kind": c.kind.value,
                "origin": c.origin.value,
                "status": c.status.value,
                "author": c.author,
                "created_at": c.at or at,
                "polis_id": c.polis_id,
            }
            for i, c in enumerate(new, start=1)
        ]
        await self.conn.execute(sa.insert(claims), values)
        added = await self.conn.execute(
            claims_with_post()
            .where(claims.c.post_id == post.id, claims.c.number > int(last or 0))
            .order_by(claims.c.number)
        )
        return [rows.claim(r) for r in added]

    async def get(self, community: str, post_number: int, number: int) -> Claim | None:
        row = (
            await self.conn.execute(
                claims_with_post().where(
                    posts.c.community == community,
                    posts.c.number == post_number,
                    claims.c.number == number,
                )
            )
        ).first()
        return rows.claim(row) if row else None

    async def of_post(self, post_id: int) -> list[Claim]:
        found = await self.conn.execute(
            claims_with_post().where(claims.c.post_id == post_id).order_by(claims.c.number)
        )
        return [rows.claim(r) for r in found]

    async def by_ids(self, ids: Iterable[int]) -> list[Claim]:
        found = await self.conn.execute(
            claims_with_post()
            .where(claims.c.id.in_(sorted(set(ids))))
            .order_by(posts.c.number, claims.c.number)
        )
        return [rows.claim(r) for r in found]

    async def save(self, claim: Claim) -> None:
        await self.conn.execute(
            sa.update(claims)
            .where(claims.c.id == claim.id)
            .values(
                text=claim.text,
                quote=claim.quote,
                kind=claim.kind.value,
                status=claim.status.value,
                resolve_on=claim.resolve_on,
                resolution=claim.resolution.value if claim.resolution else None,
                reason=claim.reason,
                resolved_at=claim.resolved_at,
            )
        )

    async def predictions(self, community: str) -> list[Claim]:
        found = await self.conn.execute(
            claims_with_post()
            .where(posts.c.community == community, claims.c.kind == ClaimKind.PREDICTION.value)
            .order_by(posts.c.number, claims.c.number)
        )
        return [rows.claim(r) for r in found]


class SqlProposals:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def waiting(self, community: str) -> list[Claim]:
        found = await self.conn.execute(
            claims_with_post()
            .where(posts.c.community == community, claims.c.status == ClaimStatus.PROPOSED.value)
            .order_by(posts.c.number, claims.c.number)
        )
        return [rows.claim(r) for r in found]
