"""The Slack side of debate-bot: the Bolt `AsyncApp` wired to the engine.

Requests come in through `inbound` (one listener per kind of request), answers and
announcements go out through `delivery`, rendered by `render`. This class only composes them,
and speaks for the bot in Slack workspaces (`adapters.platforms.Platform`).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.monitoring import Monitoring
from bot.answers import ClosedPoll
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine

from .delivery import Delivery
from .guard import RefusalLog, endpoint, guard
from .inbound import Inbound
from .members import Members

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"

BOLT_SETTINGS: dict[str, Any] = {
    "process_before_response": True,  # our listeners ack themselves once the work is done
    # Middleware for events and features debate-bot does not use, skipped on every request:
    "ignoring_self_assistant_message_events_enabled": False,
    "attaching_conversation_kwargs_enabled": False,
    "attaching_function_token_enabled": False,
}


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns at every start that
    our client (made from that same token) takes precedence over it. Nothing is wrong: drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_SameToken())


class SlackApp:
    """Build it inside a running event loop (it opens an HTTP session) and `close()` it when
    done."""

    def __init__(
        self,
        engine: Engine,
        *,
        token: str,
        signing_secret: str,
        api_url: str | None = None,
        debounce_seconds: float = 1.0,
        ack_budget: float = 2.0,
        monitoring: Monitoring | None = None,
    ) -> None:
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        self.client = AsyncWebClient(
            token=token,
            base_url=api_url or DEFAULT_API_URL,
            session=self.session,
            timeout=15,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=3),
                AsyncServerErrorRetryHandler(max_retry_count=2),  # a 500 or 503, after a pause
            ],
        )
        self.members = Members(self.client)
        self.delivery = Delivery(
            engine, self.client, self.session, debounce_seconds=debounce_seconds
        )
        self.inbound = Inbound(engine, self.members, self.delivery, ack_budget=ack_budget)
        self.app = AsyncApp(client=self.client, signing_secret=signing_secret, **BOLT_SETTINGS)
        self.refusals = RefusalLog()
        self._signing_secret = signing_secret
        self.inbound.listen(self.app)
        self.monitoring = monitoring
        if monitoring is not None:
            monitoring.follow_acked_before_commit(lambda: self.inbound.acked_before_commit)
        self._web_app: web.Application | None = None

    def web_app(self) -> web.Application:
        """The aiohttp application for HTTP mode: Slack's request URL, and with `monitoring`
        the health check and metrics."""
        if self._web_app is None:
            self._web_app = web.Application(
                middlewares=[guard(self._signing_secret, EVENTS_PATH, self.refusals)]
            )
            self._web_app.router.add_post(EVENTS_PATH, endpoint(self.app, self.refusals))
            if self.monitoring is not None:
                self.monitoring.add_to_slack(self._web_app, EVENTS_PATH)
        return self._web_app

    async def drain(self) -> None:
        """Wait until every answer, announcement and poll refresh under way has been sent."""
        await self.delivery.drain()

    async def close(self, grace: float = 5.0) -> None:
        await self.delivery.close(grace)
        await self.session.close()

    # -- what the bot says on its own (adapters.platforms.Platform) ----------------------------

    async def announce_closed(self, closed: ClosedPoll) -> None:
        await self.delivery.announce_closed(closed)

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        await self.delivery.deliver(settings, digest, delivered)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        await self.delivery.alert_moderators(settings, message)

    async def platform_moderator(self, actor: Actor) -> bool:
        return await self.members.platform_moderator(actor)
