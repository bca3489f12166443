"""Sending each community's weekly digest once, on time, whatever happens to the bot.

Every tick looks at the clock: a community whose digest has fallen due gets a record for that week
(one per community and week, enforced by the database, so several bot processes on one database
send it once). Whoever then takes the record's lease builds and delivers the digest. A week missed
while the bot was down is sent once, marked late; older missed weeks are not. A failed delivery is
retried with growing pauses, and after the last try the moderators are told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.analysis import Analysis
from bot.digest import Digest, build_digest, by_group
from bot.domain import DigestRecord, DigestStatus, QuietWeeks, Settings
from bot.ports import Charts, Clock, Store
from bot.schedule import latest_due, week_before

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(hours=1)  # sent later than this after its time, a digest says it is late
LEASE = timedelta(minutes=10)  # how long one sender holds a digest before another may retry it
FIRST_RETRY = timedelta(minutes=1)
ATTEMPTS = 5  # 1, 2, 4, 8 minutes apart; then the moderators hear of it


class DigestDelivery(Protocol):
    """How digests reach a community: implemented by each platform adapter."""

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        """Post the parts of the digest (its messages, its chart) not named in `delivered` to the
        community's digest channel, adding each part's name once it has arrived; raise if a part
        did not arrive. A retry then sends only what is missing."""
        ...

    async def alert_moderators(self, settings: Settings, message: str) -> None: ...


class DigestSender:
    """Sends the digests of the communities `serves` accepts (those this process can deliver
    to); several senders may share one database."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        charts: Charts,
        delivery: DigestDelivery,
        serves: Callable[[str], bool],
        analysis_of: Callable[[int], Awaitable[Analysis]],
    ) -> None:
        self.store = store
        self.clock = clock
        self.charts = charts
        self.analysis_of = analysis_of
        self.delivery = delivery
        self.serves = serves

    async def tick(self) -> list[DigestRecord]:
        """Record the weeks that fell due and send whatever is ready; returns what was settled."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            for settings in await tx.settings.scheduled():
                if self.serves(settings.community):
                    await tx.digests.add(_record_for(settings, now))  # a no-op once recorded
            due = [r for r in await tx.digests.due(now) if self.serves(r.community)]
        settled = []
        for record in due:
            outcome = await self._send(record, now)
            if outcome is not None:
                settled.append(outcome)
        return settled

    async def _send(self, record: DigestRecord, now: datetime) -> DigestRecord | None:
        async with self.store.transaction() as tx:
            taken = await tx.digests.take(record.community, record.week_end, now, now + LEASE)
            if taken is None:  # another sender has it
                return None
            settings = await tx.settings.get(record.community)
            schedule = settings.digest_schedule
            tz = schedule.tz if schedule else "UTC"
            start = week_before(taken.week_end, tz)
            digest = await build_digest(tx, settings, start, taken.week_end, late=taken.late)
        if digest.quiet and settings.quiet_weeks is QuietWeeks.SKIP:
            return await self._save(replace(taken, status=DigestStatus.SKIPPED))
        try:
            digest = await by_group(digest, self.analysis_of)
        except Exception:  # the digest goes out all the same, told without groups
            log.exception("digest for %s: the opinion groups could not be found", record.community)
        digest = replace(digest, chart_png=await asyncio.to_thread(self.charts.digest, digest))
        delivered = set(taken.delivered)
        try:
            await self.delivery.deliver(settings, digest, delivered)
        except Exception as error:  # any failure of the platform: try again later
            log.warning("digest for %s failed: %s", record.community, error)
            partly = replace(taken, delivered=frozenset(delivered))
            return await self._failed(settings, partly, now, str(error))
        sent = replace(
            taken,
            status=DigestStatus.SENT,
            sent_at=self.clock.now(),
            delivered=frozenset(delivered),
        )
        return await self._save(sent)

    async def _failed(
        self, settings: Settings, record: DigestRecord, now: datetime, error: str
    ) -> DigestRecord:
        attempts = record.attempts + 1
        if attempts < ATTEMPTS:
            pause = FIRST_RETRY * 2 ** (attempts - 1)
            retry = replace(record, attempts=attempts, next_attempt_at=now + pause, error=error)
            return await self._save(retry)
        gave_up = await self._save(
            replace(record, attempts=attempts, status=DigestStatus.FAILED, error=error)
        )
        week = f"{record.week_end:%Y-%m-%d}"
        try:
            await self.delivery.alert_moderators(
                settings,
                f"The weekly digest for the week to {week} could not be delivered after "
                f"{attempts} tries ({error[:200]}); check the digest channel and permissions.",
            )
        except Exception:
            log.exception("could not tell the moderators of %s", record.community)
        return gave_up

    async def _save(self, record: DigestRecord) -> DigestRecord:
        async with self.store.transaction() as tx:
            await tx.digests.save(record)
        return record


def _record_for(settings: Settings, now: datetime) -> DigestRecord:
    schedule = settings.digest_schedule
    assert schedule is not None  # only scheduled communities get here
    due = latest_due(schedule, now)
    status = DigestStatus.PENDING
    if due <= schedule.since:  # that week was due before anyone asked for digests
        status = DigestStatus.SKIPPED
    return DigestRecord(
        community=settings.community,
        week_end=due,
        status=status,
        attempts=0,
        next_attempt_at=due,
        late=now - due > LATE_AFTER,
    )
