"""Debounced work per key, for poll messages that show live tallies on every platform.

A burst of clicks on one poll message must become a few edits, not one per click: platforms
rate-limit edits (Discord about five a message in five seconds, Slack about one a second a
channel). A touch runs its job at once when the key has been idle for `interval`, otherwise once
the interval since the last run is over; touches meanwhile fold into that one run, and a touch
during a run causes one more, so the last run always shows every vote.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


@dataclass
class _Key:
    job: Job
    last: float = -math.inf
    dirty: bool = False
    task: asyncio.Task[None] | None = None


class Debouncer:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._keys: dict[Hashable, _Key] = {}

    def touch(self, key: Hashable, job: Job) -> None:
        """Run `job` for `key` soon: now if the key is idle, else when its interval is over."""
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Key(job)
        state.job = job
        state.dirty = True
        if state.task is None or state.task.done():
            state.task = asyncio.create_task(self._run(key, state))

    async def _run(self, key: Hashable, state: _Key) -> None:
        """Run while touched, at most once per interval; the key is forgotten only once a whole
        interval has passed since its last run, so a later touch may run at once again."""
        loop = asyncio.get_running_loop()
        while True:
            wait = state.last + self.interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not state.dirty:
                break
            state.dirty = False
            state.last = loop.time()
            try:
                await state.job()
            except Exception:
                log.exception("debounced work for %s failed", key)
        if self._keys.get(key) is state:
            del self._keys[key]

    @property
    def pending(self) -> bool:
        return any(s.task is not None and not s.task.done() for s in self._keys.values())

    async def flush(self) -> None:
        """Wait until every touched job has run."""
        while self.pending:
            tasks = [s.task for s in self._keys.values() if s.task is not None]
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Drop whatever has not run yet."""
        tasks = [s.task for s in self._keys.values() if s.task is not None and not s.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._keys.clear()
