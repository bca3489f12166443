"""Analyses kept between requests: a post's analysis is recomputed only when its votes changed
and the one in hand is more than a few seconds old, so a burst of `results` while votes pour in
costs one analysis every few seconds, and concurrent requests share one computation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.analysis.report import Analysis, analyse
from bot.domain import ClaimStatus
from bot.ports import Store

FRESH_SECONDS = 5.0


@dataclass
class _Entry:
    version: int
    at: float
    analysis: Analysis


class AnalysisCache:
    def __init__(
        self, fresh: float = FRESH_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.fresh = fresh
        self.clock = clock
        self._entries: dict[int, _Entry] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.computed = 0  # how many analyses were run, for tests and metrics

    async def get(
        self, post_id: int, version: int, compute: Callable[[], Awaitable[Analysis]]
    ) -> Analysis:
        """The post's analysis at `version` of its votes, or one a few seconds older."""
        lock = self._locks.setdefault(post_id, asyncio.Lock())
        async with lock:
            entry = self._entries.get(post_id)
            if entry is not None and (
                entry.version == version or self.clock() - entry.at < self.fresh
            ):
                return entry.analysis
            analysis = await compute()
            self.computed += 1
            self._entries[post_id] = _Entry(version, self.clock(), analysis)
            return analysis


class Analyst:
    """Analyses of the posts in `store`, through a cache: what results, `me` and the digest ask."""

    def __init__(self, store: Store, cache: AnalysisCache | None = None) -> None:
        self.store = store
        self.cache = cache or AnalysisCache()

    async def of_post(self, post_id: int) -> Analysis:
        """The post's opinion analysis, from the cache while it is fresh enough."""
        async with self.store.transaction(reading=True) as tx:
            version = await tx.votes.version(post_id)
        return await self.cache.get(post_id, version, lambda: self._analyse(post_id))

    async def _analyse(self, post_id: int) -> Analysis:
        """Votes on the post's live claims; removed and rejected claims take no part."""
        async with self.store.transaction(reading=True) as tx:
            claims = [c for c in await tx.claims.of_post(post_id) if c.status is ClaimStatus.ACTIVE]
            votes = await tx.votes.of_post(post_id)
        return await asyncio.to_thread(analyse, votes, claims)
