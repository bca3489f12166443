"""The audit log: every moderator action and setting change, with who and when."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import AuditEntry
from storage.schema import audit_log


class SqlAudit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, entry: AuditEntry) -> None:
        await self.conn.execute(
            sa.insert(audit_log).values(
                community=entry.community,
                actor=entry.actor,
                action=entry.action,
                detail=entry.detail,
                at=entry.at,
            )
        )

    async def recent(self, community: str, limit: int) -> list[AuditEntry]:
        found = await self.conn.execute(
            sa.select(audit_log)
            .where(audit_log.c.community == community)
            .order_by(audit_log.c.id.desc())
            .limit(limit)
        )
        return [AuditEntry(r.community, r.actor, r.action, r.detail, r.at, id=r.id) for r in found]
