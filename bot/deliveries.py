"""Requests a platform delivered and the bot acted on, remembered in the database.

Slack resends a request it thinks was lost (`X-Slack-Retry-Num`), and the resend may reach
another bot process, or this one after a restart. A delivery is recorded, in its own commit,
before it is acted on; a resend finds the record and is ignored. A delivery whose handling
failed is forgotten, so a resend of it is handled. Records older than a day are dropped:
Slack stops resending within minutes.
"""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Clock, Store

KEEP = timedelta(days=1)


class Deliveries:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def first(self, key: str) -> bool:
        """Record the delivery `key`; whether this is the first time it arrived."""
        async with self.store.transaction() as tx:
            return await tx.deliveries.first(key[:128], self.clock.now())

    async def forget(self, key: str) -> None:
        async with self.store.transaction() as tx:
            await tx.deliveries.forget(key[:128])

    async def forget_old(self) -> int:
        async with self.store.transaction() as tx:
            return await tx.deliveries.forget_before(self.clock.now() - KEEP)
