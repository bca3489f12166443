"""Community settings: visibility, proposals, moderators, and the weekly digest's schedule."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import DigestSchedule, QuietWeeks, Settings, Visibility
from storage.rows import insert
from storage.schema import communities, moderators


class SqlSettings:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, community: str) -> Settings:
        row = (
            await self.conn.execute(sa.select(communities).where(communities.c.id == community))
        ).first()
        mods = await self.conn.scalars(
            sa.select(moderators.c.user_id).where(moderators.c.community == community)
        )
        if row is None:
            return Settings(community=community, moderators=frozenset(mods))
        schedule = None
        if row.digest_weekday is not None and row.digest_time and row.digest_tz:
            at = time.fromisoformat(row.digest_time)
            schedule = DigestSchedule(row.digest_weekday, at, row.digest_tz, row.digest_since)
        return Settings(
            community=community,
            visibility=Visibility(row.visibility),
            auto_approve=bool(row.auto_approve),
            moderator_role=row.moderator_role,
            moderators=frozenset(mods),
            digest_channel=row.digest_channel,
            digest_schedule=schedule,
            quiet_weeks=QuietWeeks(row.digest_quiet),
        )

    async def save(self, settings: Settings) -> None:
        schedule = settings.digest_schedule
        values = {
            "visibility": settings.visibility.value,
            "auto_approve": settings.auto_approve,
            "moderator_role": settings.moderator_role,
            "digest_channel": settings.digest_channel,
            "digest_weekday": schedule.weekday if schedule else None,
            "digest_time": schedule.at.strftime("%H:%M") if schedule else None,
            "digest_tz": schedule.tz if schedule else None,
            "digest_quiet": settings.quiet_weeks.value,
            "digest_since": schedule.since if schedule else None,
        }
        stmt = insert(self.conn, communities).values(id=settings.community, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))
        await self.conn.execute(
            sa.delete(moderators).where(moderators.c.community == settings.community)
        )
        if settings.moderators:
            await self.conn.execute(
                sa.insert(moderators),
                [{"community": settings.community, "user_id": u} for u in settings.moderators],
            )

    async def scheduled(self) -> list[Settings]:
        ids = await self.conn.scalars(
            sa.select(communities.c.id).where(communities.c.digest_weekday.is_not(None))
        )
        return [await self.get(community) for community in ids]
