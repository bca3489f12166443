"""Requests a platform delivered and the bot acted on: see `bot.deliveries`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.rows import insert
from storage.schema import deliveries


class SqlDeliveries:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def first(self, key: str, at: datetime) -> bool:
        added = await self.conn.execute(
            insert(self.conn, deliveries)
            .values(key=key, at=at)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return added.rowcount == 1

    async def forget(self, key: str) -> None:
        await self.conn.execute(sa.delete(deliveries).where(deliveries.c.key == key))

    async def forget_before(self, moment: datetime) -> int:
        gone = await self.conn.execute(sa.delete(deliveries).where(deliveries.c.at < moment))
        return int(gone.rowcount or 0)
