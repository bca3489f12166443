"""One bot process, several platforms: route what the core produces on its own to the right one.

Polls that close on time, weekly digests and the platform's word on who moderates concern one
community each, and each community belongs to the platform its id names (`discord:…`,
`slack:…`, `console:…`). `Platforms` holds the platforms this process serves and routes by that
prefix; it is the engine's `PlatformRoles` and the digest sender's `DigestDelivery` at once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.answers import ClosedPoll
from bot.digest import Digest
from bot.domain import Actor, Settings

log = logging.getLogger(__name__)


def platform_of(community: str) -> str:
    """`discord` for `discord:123`: the platform a community id names."""
    return community.split(":", 1)[0]


class Platform(Protocol):
    """What a platform adapter offers the bootstrap's background work."""

    async def announce_closed(self, closed: ClosedPoll) -> None:
        """Post the results of a poll that closed on time where it was opened."""
        ...

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        """Post the digest's parts not yet `delivered` (see `bot.digest_sender.DigestDelivery`)."""
        ...

    async def alert_moderators(self, settings: Settings, message: str) -> None: ...

    async def platform_moderator(self, actor: Actor) -> bool:
        """The platform's word on a member whose `Actor` does not carry it."""
        ...


class Platforms:
    """The platforms this process serves, by the prefix of their community ids."""

    def __init__(self) -> None:
        self.by_name: dict[str, Platform] = {}

    def add(self, name: str, platform: Platform) -> None:
        self.by_name[name] = platform

    def of(self, community: str) -> Platform | None:
        return self.by_name.get(platform_of(community))

    def serves(self, community: str) -> bool:
        """Whether this process can speak in the community (announce, deliver)."""
        return platform_of(community) in self.by_name

    async def announce_closed(self, closed: ClosedPoll) -> None:
        platform = self.of(closed.results.post.community)
        if platform is not None:
            await platform.announce_closed(closed)

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        platform = self.of(settings.community)
        if platform is None:
            raise LookupError(f"no platform running here serves {settings.community}")
        await platform.deliver(settings, digest, delivered)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        platform = self.of(settings.community)
        if platform is not None:
            await platform.alert_moderators(settings, message)

    async def platform_moderator(self, actor: Actor) -> bool:
        platform = self.of(actor.community)
        return platform is not None and await platform.platform_moderator(actor)
