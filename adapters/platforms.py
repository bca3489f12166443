"""One bot process, several platforms: route what the core produces on its own to the right one.

Polls that close on time and weekly digests are found by the core for every community at once;
each belongs to the platform its community id names (`discord:…`, `slack:…`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from bot.digest import Digest
from bot.domain import Settings
from bot.engine import Engine
from bot.results import Results

log = logging.getLogger(__name__)


class Platform(Protocol):
    """What a platform adapter offers the core's own timers."""

    async def announce_closed(self, results: Results) -> None: ...
    async def deliver(self, settings: Settings, digest: Digest) -> None: ...
    async def alert_moderators(self, settings: Settings, message: str) -> None: ...


class Platforms:
    """The running platforms by the prefix of their community ids; a `DigestDelivery` itself."""

    def __init__(self, by_prefix: Mapping[str, Platform]) -> None:
        self.by_prefix = dict(by_prefix)

    def of(self, community: str) -> Platform | None:
        return self.by_prefix.get(community.split(":", 1)[0])

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(f"{name}:" for name in self.by_prefix)

    async def close_due_polls(self, engine: Engine) -> None:
        for results in await engine.close_due_polls(self.prefixes):
            platform = self.of(results.post.community)
            if platform is not None:
                await platform.announce_closed(results)

    async def deliver(self, settings: Settings, digest: Digest) -> None:
        platform = self.of(settings.community)
        if platform is None:
            raise LookupError(f"no platform running here serves {settings.community}")
        await platform.deliver(settings, digest)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        platform = self.of(settings.community)
        if platform is not None:
            await platform.alert_moderators(settings, message)


async def every(seconds: float, tick: Callable[[], Awaitable[object]]) -> None:
    """Run `tick` every `seconds` until cancelled; a failing tick is logged and tried again."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await tick()
        except Exception:
            log.exception("periodic %s failed; trying again later", getattr(tick, "__name__", tick))
