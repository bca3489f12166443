"""The one record per community and week that makes each weekly digest go out once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import DigestRecord, DigestStatus
from storage.rows import insert
from storage.schema import digests


class SqlDigests:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, record: DigestRecord) -> bool:
        stmt = (
            insert(self.conn, digests)
            .values(**_values(record))
            .on_conflict_do_nothing(index_elements=["community", "week_end"])
        )
        result = await self.conn.execute(stmt)
        return bool(result.rowcount)

    async def take(
        self, community: str, week_end: datetime, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        result = await self.conn.execute(
            sa.update(digests)
            .where(
                digests.c.community == community,
                digests.c.week_end == week_end,
                digests.c.status == DigestStatus.PENDING.value,
                digests.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease_until)
        )
        if not result.rowcount:
            return None
        row = (
            await self.conn.execute(
                sa.select(digests).where(
                    digests.c.community == community, digests.c.week_end == week_end
                )
            )
        ).one()
        return _record(row)

    async def due(self, now: datetime) -> list[DigestRecord]:
        found = await self.conn.execute(
            sa.select(digests)
            .where(
                digests.c.status == DigestStatus.PENDING.value,
                digests.c.next_attempt_at <= now,
            )
            .order_by(digests.c.next_attempt_at)
        )
        return [_record(r) for r in found]

    async def save(self, record: DigestRecord) -> None:
        await self.conn.execute(
            sa.update(digests)
            .where(
                digests.c.community == record.community,
                digests.c.week_end == record.week_end,
            )
            .values(**_values(record))
        )


def _record(row: sa.Row[Any]) -> DigestRecord:
    m = row._mapping
    return DigestRecord(
        community=m["community"],
        week_end=m["week_end"],
        status=DigestStatus(m["status"]),
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        late=bool(m["late"]),
        sent_at=m["sent_at"],
        error=m["error"],
        delivered=frozenset(m["delivered"].split()),
    )


def _values(record: DigestRecord) -> dict[str, Any]:
    return {
        "community": record.community,
        "week_end": record.week_end,
        "status": record.status.value,
        "attempts": record.attempts,
        "next_attempt_at": record.next_attempt_at,
        "late": record.late,
        "sent_at": record.sent_at,
        "error": record.error,
        "delivered": " ".join(sorted(record.delivered)),
    }
