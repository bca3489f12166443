"""Who is asking: a Slack member as the engine's `Actor`, with the platform's word on moderation.

On Slack the platform's word is "workspace admin or owner", which only `users.info` tells. An
`Actor` carries it when a recent lookup knows it, and None otherwise: the engine asks
(`platform_moderator`, its `PlatformRoles` port) only when a decision depends on it. At several
hundred clicks a second, a `users.info` call for every new voter was the largest cost of a click
after Bolt's own parsing. Answers are cached for a while so a burst of requests costs one call
per member, not one per request. Whether the word makes a moderator is the engine's call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Actor

log = logging.getLogger(__name__)


def community_of(team_id: str) -> str:
    return f"slack:{team_id}"


class Members:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 600.0,
        retry_after_failure: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._admins: dict[tuple[str, str], tuple[float, asyncio.Future[bool]]] = {}

    def actor(
        self, team_id: str, user_id: str, name: str = "", channel: str | None = None
    ) -> Actor:
        """The member as the engine sees them, speaking in `channel`, with the platform's word
        when a fresh lookup knows it."""
        return Actor(
            community=community_of(team_id),
            user_id=user_id,
            name=name,
            platform_moderator=self.known(team_id, user_id),
            channel=channel,
        )

    async def platform_moderator(self, actor: Actor) -> bool:
        """The engine's question, for a member of one of our workspaces."""
        return await self.is_admin(actor.community.removeprefix("slack:"), actor.user_id)

    def known(self, team_id: str, user_id: str) -> bool | None:
        """Whether the member is an admin, if a lookup still fresh has said so; else None."""
        cached = self._admins.get((team_id, user_id))
        if cached is None or cached[0] <= self._clock():
            return None
        answer = cached[1]
        if not answer.done() or answer.cancelled() or answer.exception() is not None:
            return None
        return answer.result()

    async def is_admin(self, team_id: str, user_id: str) -> bool:
        """Whether the member administers or owns the workspace; one lookup at a time each."""
        key = (team_id, user_id)
        now = self._clock()
        cached = self._admins.get(key)
        if cached is not None and cached[0] > now:
            return await asyncio.shield(cached[1])
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._admins[key] = (now + self._ttl, answer)
        try:
            response = await self._client.users_info(user=user_id)
            user = response.get("user") or {}
            admin = bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            )
        except Exception as error:  # Slack is unreachable or refuses: not an admin, for now
            log.warning("users.info failed for %s, taking them for a member: %s", user_id, error)
            self._admins[key] = (now + self._retry_after_failure, answer)
            admin = False
        except BaseException:  # cancelled: whoever else waits asks again
            self._admins.pop(key, None)
            answer.set_exception(RuntimeError("the users.info lookup was abandoned"))
            answer.exception()  # retrieved, so asyncio does not warn when nobody else waited
            raise
        answer.set_result(admin)
        return admin
