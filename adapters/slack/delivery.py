"""Slack, outbound: where and how rendered answers reach Slack.

Answers to a member go back privately through the request's response URL (or as an ephemeral
message); announcements are posted as the bot in the channel (so they can be edited later),
through the response URL where the bot may not post. Poll messages are tracked and redrawn,
debounced, as votes arrive. Everything sent after the acknowledgement runs as a task of this
class, so a stop can wait for it (`drain`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.debounce import Debouncer
from bot.answers import Answer, ClosedPoll, PollOpened
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine

from . import render
from .home import home_view
from .polls import PollBoard, PollMessage, poll_message, poll_pages

log = logging.getLogger(__name__)


class NotInChannel(Exception):
    """The bot may not post files in a channel it cannot join: it must be invited."""


@dataclass(frozen=True)
class Where:
    """Where an answer goes: the member who asked, their channel, their request's response URL."""

    community: str
    user: str = ""
    channel: str | None = None
    response_url: str | None = None


def ephemeral(message: render.Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", "replace_original": False, **message.payload()}


def in_channel(message: render.Message) -> dict[str, Any]:
    return {"response_type": "in_channel", "replace_original": False, **message.payload()}


class Delivery:
    def __init__(
        self,
        engine: Engine,
        client: AsyncWebClient,
        session: aiohttp.ClientSession,
        *,
        debounce_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.client = client
        self.session = session
        self.board = PollBoard()
        self.refreshes = Debouncer(debounce_seconds)
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- to the member who asked ---------------------------------------------------------------

    async def answer(self, where: Where, messages: list[render.Message]) -> None:
        """Messages only the asker sees."""
        if where.response_url:
            for message in messages:
                await self.respond(where.response_url, ephemeral(message))
        elif where.channel:
            for message in messages:
                await self.client.chat_postEphemeral(
                    channel=where.channel, user=where.user, **message.payload()
                )

    async def send_privately(self, where: Where, files: list[tuple[str, bytes]]) -> None:
        """Files for the asker alone. Slack has no ephemeral files, so they go to the asker's
        direct messages with the bot; if Slack refuses, the asker is told."""
        try:
            talk = await self.client.conversations_open(users=where.user)
            for filename, data in files:
                await self.client.files_upload_v2(
                    channel=talk["channel"]["id"], file=data, filename=filename
                )
        except SlackApiError as refused:
            why = refused.response.get("error")
            log.warning("Slack: could not send files to %s (%s)", where.user, why)
            sorry = f"Slack refused to send you the file ({why}); please try again in a moment."
            await self.answer(where, render.plain_reply(sorry))

    async def respond(self, url: str, payload: dict[str, Any]) -> None:
        """POST to a response URL, with the one HTTP session every answer shares."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        async with self.session.post(url, data=body, headers=headers) as answer:
            await answer.read()
            if answer.status >= 300:
                log.warning("Slack: response_url answered %d", answer.status)

    # -- to the channel ------------------------------------------------------------------------

    @singledispatchmethod
    async def announce(self, answer: Answer, where: Where) -> None:
        """An answer for the whole channel, as plain text."""
        for message in render.messages(answer):
            await self.post_in_channel(where.channel, message, where.response_url)

    @announce.register
    async def _(self, opened: PollOpened, where: Where) -> None:
        await self.post_poll(where.community, opened.post.ref, where.channel, where.response_url)

    @announce.register
    async def _(self, closed: ClosedPoll, where: Where) -> None:
        await self.post_results(closed, where.channel, where.response_url)

    @announce.register
    async def _(self, digest: Digest, where: Where) -> None:
        try:
            await self.post_digest(where.channel, digest, where.response_url)
        except NotInChannel as outside:
            await self.answer(where, render.plain_reply(str(outside)))

    async def post_poll(
        self, community: str, post: str, channel: str | None, response_url: str | None = None
    ) -> None:
        results = await self.engine.public_results(community, post)
        pages = poll_pages(results)
        posted = []
        for number, refs in enumerate(pages, start=1):
            message = poll_message(results, refs, number, len(pages))
            ts = await self.post_in_channel(channel, message, response_url)
            if ts and channel:
                posted.append(PollMessage(channel, ts, refs, number, len(pages)))
        self.board.posted(community, post, posted)

    async def post_results(
        self, closed: ClosedPoll, channel: str | None, response_url: str | None = None
    ) -> None:
        """Results in the channel; the poll's messages lose their buttons."""
        for message in render.messages(closed):
            await self.post_in_channel(channel, message, response_url)
        post = closed.results.post
        if channel:
            try:
                for name, png in closed.results.charts:
                    await self.upload(channel, png, f"post-{post.ref}-{name}")
            except NotInChannel as outside:  # the results are out; only their charts are not
                log.info("Slack: results of %s posted without charts: %s", post.ref, outside)
        for poll in self.board.of(post.community, post.ref):
            self.refresh_soon(post.community, post.ref, poll)

    async def post_digest(
        self,
        channel: str | None,
        digest: Digest,
        response_url: str | None = None,
        delivered: set[str] | None = None,
    ) -> None:
        """The digest's messages, then its chart; the parts named in `delivered` are skipped and
        each part sent is added to it, so a retry sends only what did not arrive."""
        delivered = set() if delivered is None else delivered
        for number, message in enumerate(render.messages(digest), start=1):
            part = f"message-{number}"
            if part not in delivered:
                await self.post_in_channel(channel, message, response_url)
                delivered.add(part)
        if channel and digest.chart_png and "chart" not in delivered:
            await self.upload(channel, digest.chart_png, "weekly-digest.png")
            delivered.add("chart")

    async def upload(self, channel: str, data: bytes, filename: str) -> None:
        """A file in a channel (`files_upload_v2`). Unlike messages, uploads need the bot to be
        a member of the channel (`chat:write.public` does not cover them): it joins a public
        channel, and for a private one says how to invite it."""
        try:
            await self.client.files_upload_v2(channel=channel, file=data, filename=filename)
            return
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
        try:
            await self.client.conversations_join(channel=channel)
        except SlackApiError as refused:
            log.info("Slack: could not join %s (%s)", channel, refused.response.get("error"))
            raise NotInChannel(
                f"The chart could not be posted: debate-bot is not a member of channel {channel} "
                "and cannot join it; invite it with `/invite @debate-bot` there."
            ) from None
        await self.client.files_upload_v2(channel=channel, file=data, filename=filename)

    async def post_in_channel(
        self, channel: str | None, message: render.Message, response_url: str | None
    ) -> str | None:
        """Post as the bot (so the message can be updated); through the response URL where the
        bot may not post, e.g. a channel it was not invited to. Returns the message's ts."""
        if channel:
            try:
                sent = await self.client.chat_postMessage(
                    channel=channel, unfurl_links=False, unfurl_media=False, **message.payload()
                )
                return str(sent["ts"])
            except SlackApiError as error:
                if response_url is None:
                    raise
                log.info("Slack: chat.postMessage refused (%s)", error.response.get("error"))
        if response_url:
            await self.respond(response_url, in_channel(message))
        return None

    # -- poll messages kept current ------------------------------------------------------------

    def refresh_soon(self, community: str, post: str, message: PollMessage) -> None:
        async def refresh() -> None:
            # One process at a time, each drawing the tallies as they stand once it has the
            # message: the last edit shows the latest votes, whichever process made it.
            async with self.engine.exclusively(f"slack-message:{message.channel}:{message.ts}"):
                results = await self.engine.public_results(community, post)
                redrawn = poll_message(results, message.refs, message.page, message.pages)
                await self.client.chat_update(
                    channel=message.channel, ts=message.ts, **redrawn.payload()
                )

        self.refreshes.touch((message.channel, message.ts), refresh)

    def refresh_post(
        self, community: str, post: str, ref: str, clicked: PollMessage | None
    ) -> None:
        """A vote on `ref` changed its tallies: redraw the clicked message and every other poll
        message of the post that shows the claim."""
        if clicked is not None:
            clicked = self.board.seen(community, post, clicked)
        for message in self.board.of(community, post):
            if message is clicked or ref in message.refs:
                self.refresh_soon(community, post, message)

    # -- views: the Home tab and the post form ------------------------------------------------

    async def publish_home(self, actor: Actor) -> None:
        """The member's Home tab: the open polls, with their own votes and buttons."""
        polls = await self.engine.open_polls(actor)
        mine = await self.engine.me(actor, groups=False)
        await self.client.views_publish(user_id=actor.user_id, view=home_view(polls, mine.votes))

    async def open_post_form(self, trigger_id: str, where: Where, initial: str) -> None:
        metadata = {"channel": where.channel, "response_url": where.response_url}
        view = render.post_form(
            initial_text=initial, metadata={k: v for k, v in metadata.items() if v}
        )
        await self.client.views_open(trigger_id=trigger_id, view=view)

    # -- what the bot says on its own (adapters.platforms.Platform) ----------------------------

    async def announce_closed(self, closed: ClosedPoll) -> None:
        """Post the results of a poll that closed on time where it was opened."""
        results = closed.results
        channel = results.poll.channel if results.poll else None
        if channel is None:
            log.info(
                "Slack: poll on %s in %s closed; its channel is unknown here",
                results.post.ref,
                results.post.community,
            )
            return
        await self.post_results(closed, channel)

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        """The digest, with its chart, in the community's digest channel; raises if refused."""
        if not settings.digest_channel:
            raise LookupError("No digest channel is set; use `/debate digest channel #channel`.")
        await self.post_digest(settings.digest_channel, digest, delivered=delivered)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        """A direct message to each moderator the community lists (admins are not listed)."""
        said = render.plain_reply(message)[0]
        for user in sorted(settings.moderators):
            await self.client.chat_postMessage(channel=user, **said.payload())

    # -- work after the acknowledgement --------------------------------------------------------

    def later(self, work: Coroutine[Any, Any, Any]) -> None:
        """Send something after Slack has had its acknowledgement."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack: sending an answer failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait until every answer, announcement and poll refresh under way has been sent."""
        while self._tasks or self.refreshes.pending:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.refreshes.flush()

    async def close(self, grace: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.drain(), grace)
        except TimeoutError:
            log.warning("Slack: stopped with %d answers unsent", len(self._tasks))
        await self.refreshes.close()
        for task in self._tasks:
            task.cancel()
