"""Slack -> engine: the Bolt app's listeners, each turning one kind of Slack request into an engine
call (mostly a line of the shared `/debate` grammar) and handing the answer to `render`.

Every listener answers Slack within its 3 seconds. A command's work runs while the listener waits
up to `ack_budget`: if it is done by then the answer goes back with the acknowledgement, otherwise
Slack gets "Working on it…" and the answer follows through the `response_url`. A vote click is
acknowledged at once and answered once its vote is committed (see `_on_vote`). Replies to a
member's own action are ephemeral; only opened polls, results and digests go to the channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot import parsing, text
from bot.commands import Reply, execute
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine, PollOpened, VoteReceipt
from bot.errors import DebateError, OutOfDate
from bot.results import Results

from . import render
from .home import home_view
from .members import Members, community_of
from .polls import VOTE_ACTION, Debouncer, PollBoard, PollMessage, poll_message, poll_pages, refs_in
from .replies import ResponseUrls

log = logging.getLogger(__name__)

R = TypeVar("R")

DEFAULT_API_URL = "https://slack.com/api/"
COMMAND = "/debate"
DEBATE_THIS_MESSAGE = "debate_this_message"  # the message shortcut's callback_id (manifest.yml)
SORRY = "Something went wrong on our side; please try again in a moment."
WORKING = "Working on it…"

ChartMaker = Callable[[Results], Awaitable[bytes | None]]

BOLT_SETTINGS: dict[str, Any] = {
    "process_before_response": True,  # our listeners ack themselves once the work is done
    # Middleware for events and features debate-bot does not use, skipped on every request:
    "ignoring_self_assistant_message_events_enabled": False,
    "attaching_conversation_kwargs_enabled": False,
    "attaching_function_token_enabled": False,
}


# -- inbound translation ----------------------------------------------------------------------

_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|[^>]*)?>")


def from_slack(text: str) -> str:
    """Text as a member typed it: Slack sends `& < >` escaped and links as `<url|label>`.

    Mentions (`<@U123>`) and broadcasts (`<!channel>`) stay as they are, as text: the grammar
    reads mentions, and whatever is shown again is escaped on the way out.
    """
    text = _LINK.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Asker:
    """The member behind a request and where to answer them."""

    team: str
    user: str
    name: str = ""
    channel: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    in_home: bool = False
    delivery: str | None = None

    @property
    def community(self) -> str:
        return community_of(self.team)

    @classmethod
    def from_command(cls, body: dict[str, Any], context: AsyncBoltContext) -> Asker:
        return cls(
            team=body.get("team_id", ""),
            user=body.get("user_id", ""),
            name=body.get("user_name", ""),
            channel=body.get("channel_id"),
            response_url=body.get("response_url"),
            trigger_id=body.get("trigger_id"),
            delivery=context.get("delivery"),
        )

    @classmethod
    def from_interaction(cls, body: dict[str, Any], context: AsyncBoltContext) -> Asker:
        user = body.get("user") or {}
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        return cls(
            team=team,
            user=user.get("id", ""),
            name=user.get("username") or user.get("name", ""),
            channel=channel,
            response_url=body.get("response_url"),
            trigger_id=body.get("trigger_id"),
            in_home=container.get("type") == "view",
            delivery=context.get("delivery"),
        )


class Deliveries(AsyncMiddleware):
    """Bolt middleware: what Slack already delivered, so a retry (X-Slack-Retry-Num) acts once.

    Keys are the event id, or the interaction's trigger id, or the body's digest; they are kept
    for an hour, longer than Slack keeps retrying. A delivery whose handling failed is forgotten,
    so Slack's retry of it is handled. It runs after Bolt has checked the signature.
    """

    def __init__(self, ttl: float = 3600.0, limit: int = 200_000) -> None:
        self._ttl = ttl
        self._limit = limit
        self._seen: dict[str, float] = {}

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        key = self.key(req.body, req.raw_body)
        if not self.first(key):
            retry = req.headers.get("x-slack-retry-num", ["-"])
            log.info("Slack: ignored a repeated delivery (retry %s)", retry[0])
            return BoltResponse(status=200, body="")
        req.context["delivery"] = key
        return await next()

    @staticmethod
    def key(body: dict[str, Any], raw: str) -> str:
        found = body.get("event_id") or body.get("trigger_id")
        return str(found) if found else hashlib.sha256(raw.encode()).hexdigest()

    def first(self, key: str) -> bool:
        now = time.monotonic()
        if key in self._seen and self._seen[key] > now:
            return False
        self._seen[key] = now + self._ttl
        if len(self._seen) > self._limit:
            for old in list(self._seen)[: self._limit // 10]:  # oldest first: insertion order
                del self._seen[old]
        return True

    def forget(self, key: str | None) -> None:
        if key is not None:
            self._seen.pop(key, None)


def _ephemeral(message: render.Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", "replace_original": False, **message.payload()}


def _in_channel(message: render.Message) -> dict[str, Any]:
    return {"response_type": "in_channel", "replace_original": False, **message.payload()}


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns at every start that
    our client (made from that same token) takes precedence over it. Nothing is wrong: drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_SameToken())


class SlackApp:
    """The Slack side of debate-bot: the Bolt `AsyncApp` and what its listeners share.

    Build it inside a running event loop (it opens an HTTP session) and `close()` it when done.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        token: str,
        signing_secret: str,
        api_url: str | None = None,
        debounce_seconds: float = 1.0,
        ack_budget: float = 2.0,
        chart: ChartMaker | None = None,
    ) -> None:
        self.engine = engine
        self.ack_budget = ack_budget
        self.chart = chart
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        self.client = AsyncWebClient(
            token=token,
            base_url=api_url or DEFAULT_API_URL,
            session=self.session,
            timeout=15,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            ],
        )
        self.members = Members(self.client)
        self.replies = ResponseUrls(self.session)
        self.board = PollBoard()
        self.debouncer = Debouncer(debounce_seconds)
        self.deliveries = Deliveries()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._web_app: web.Application | None = None
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret,
            **BOLT_SETTINGS,
        )
        self._listen()

    def _listen(self) -> None:
        self.app.use(self.deliveries)
        # Bolt tries listeners in order; votes are by far the most frequent request.
        self.app.action(re.compile(rf"^{VOTE_ACTION}(agree|disagree|pass)$"))(self._on_vote)
        self.app.command(COMMAND)(self._on_command)
        self.app.view(render.POST_FORM)(self._on_post_form)
        self.app.message_shortcut(DEBATE_THIS_MESSAGE)(self._on_debate_this_message)
        self.app.event("app_home_opened")(self._on_home_opened)

    # -- serving -------------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        """The aiohttp application for HTTP mode: Slack's request URL and a health check."""
        if self._web_app is None:
            self._web_app = self.app.web_app(path="/slack/events")
            self._web_app.router.add_get("/healthz", _healthz)
        return self._web_app

    async def drain(self) -> None:
        """Wait until every answer, announcement and poll refresh under way has been sent."""
        while self._tasks or self.debouncer.pending:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.debouncer.flush()

    async def close(self, grace: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.drain(), grace)
        except TimeoutError:
            log.warning("Slack: stopped with %d answers unsent", len(self._tasks))
        self.debouncer.cancel()
        for task in self._tasks:
            task.cancel()
        await self.replies.close()
        await self.session.close()

    # -- /debate -------------------------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        asker = Asker.from_command(body, context)
        line = from_slack(body.get("text", ""))
        work = asyncio.ensure_future(self._command(asker, line))
        if not await self._in_time(work):
            await ack(_ephemeral(render.plain_reply(WORKING)[0]))
            self._spawn(self._answer_later(asker, work))
            return
        reply = work.result()
        if reply is None or reply.announce:
            await ack()
            if reply is not None:
                self._spawn(self._announce(asker, reply))
            return
        first, *rest = render.reply_messages(reply)
        await ack(_ephemeral(first))
        if rest:
            self._spawn(self._respond_all(asker, rest))

    async def _command(self, asker: Asker, line: str) -> Reply | None:
        """The answer to a `/debate` line; None when a form was opened instead."""
        if [w.lower() for w in line.split()] == ["post"]:
            return await self._guarded(asker, lambda actor: self._offer_post_form(asker, actor, ""))
        return await self._run(asker, line)

    async def _run(self, asker: Asker, line: str) -> Reply:
        return await self._guarded(asker, lambda actor: execute(self.engine, actor, line))

    async def _guarded(
        self, asker: Asker, work: Callable[[Actor], Awaitable[R]], *, ask_slack: bool = True
    ) -> R | Reply:
        """`work` for the asking member; a failure of ours becomes an apology, never a trace.
        `ask_slack=False` leaves the member's admin status unknown unless it is cached."""
        try:
            actor = await self.members.actor(
                asker.team, asker.user, asker.name, channel=asker.channel, ask=ask_slack
            )
            return await work(actor)
        except DebateError as refusal:
            return Reply(refusal.message, error=True)
        except Exception:
            log.exception("Slack: handling a request from %s failed", asker.user)
            self.deliveries.forget(asker.delivery)  # Slack's retry, if any, gets a second chance
            return Reply(SORRY, error=True)

    async def _answer_later(
        self, asker: Asker, work: asyncio.Future[Reply | None] | asyncio.Future[Reply]
    ) -> None:
        reply = await work
        if reply is None:
            return
        if reply.announce:
            await self._announce(asker, reply)
        else:
            await self._respond_all(asker, render.reply_messages(reply))

    # -- votes ---------------------------------------------------------------------------------

    async def _on_vote(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A button click is acknowledged at once and answered once its vote is committed.

        The member's confirmation is the ephemeral receipt, sent only after the commit; the ack
        only tells Slack the click arrived (Slack does not retry clicks). So a click never waits
        for the disk, and however many arrive together they share one commit. What the vote
        needs is taken from the payload now, so the payload is not kept while the vote waits.
        """
        await ack()
        asker = Asker.from_interaction(body, context)
        action = (body.get("actions") or [{}])[0]
        ref = str(action.get("value", ""))
        choice = str(action.get("action_id", "")).removeprefix(VOTE_ACTION)
        self._spawn(self._vote(asker, ref, choice, self._clicked_poll_message(asker, body)))

    async def _vote(self, asker: Asker, ref: str, choice: str, clicked: PollMessage | None) -> None:
        reply = await self._guarded(
            asker, lambda actor: self._cast(asker, actor, ref, choice, clicked), ask_slack=False
        )
        receipt = reply.payload if isinstance(reply.payload, VoteReceipt) else None
        if asker.in_home:
            await self._publish_home(asker)
        else:
            await self._respond_all(asker, render.reply_messages(reply))
        if receipt is None or receipt.previous == receipt.choice:
            return
        post = str(receipt.claim.post_number)
        if clicked is not None:
            clicked = self.board.seen(asker.community, post, clicked)
        for message in self.board.of(asker.community, post):
            if message is clicked or receipt.claim.ref in message.refs:
                self._refresh_soon(asker.community, post, message)

    async def _cast(
        self, asker: Asker, actor: Actor, ref: str, choice: str, clicked: PollMessage | None
    ) -> Reply:
        """A click is a vote, as `/debate vote <ref> <choice>` is, with no line to parse. Slack is
        asked whether the member is an admin only when the engine says the receipt's tally hangs
        on it (tallies hidden until the poll closes, except from moderators). A click on a poll
        message that is out of date (its poll closed, its claim retired, perhaps while this
        process was down) is refused, and the message redrawn as things stand."""
        try:
            receipt = await self.engine.cast_vote(actor, ref, parsing.choice(choice))
        except OutOfDate:
            if clicked is not None:
                post = str(parsing.claim_ref(ref)[0])
                known = self.board.seen(asker.community, post, clicked)
                self._refresh_soon(asker.community, post, known)
            raise
        visible = receipt.tally_visible
        if visible is None:
            visible = await self.members.is_admin(asker.team, asker.user)
        shown = receipt.tally if visible else None
        said = text.vote_receipt(receipt.claim, receipt.choice, receipt.previous, shown)
        return Reply(said, payload=receipt)

    def _clicked_poll_message(self, asker: Asker, body: dict[str, Any]) -> PollMessage | None:
        """The poll message that was clicked, known already or read from the click itself."""
        message = body.get("message") or {}
        ts = (body.get("container") or {}).get("message_ts") or message.get("ts")
        if asker.in_home or not asker.channel or not ts:
            return None
        known = self.board.at(asker.channel, ts)
        if known is not None:
            return known
        blocks = message.get("blocks") or []
        refs = refs_in(blocks)
        if not refs:
            return None
        page, pages = _page_of(blocks)
        return PollMessage(asker.channel, ts, refs, page, pages)

    def _refresh_soon(self, community: str, post: str, message: PollMessage) -> None:
        async def refresh() -> None:
            results = await self.engine.public_results(community, post)
            redrawn = poll_message(results, message.refs, message.page, message.pages)
            await self.client.chat_update(
                channel=message.channel, ts=message.ts, **redrawn.payload()
            )

        self.debouncer.touch((message.channel, message.ts), refresh)

    # -- posts from a form or a message ---------------------------------------------------------

    async def _offer_post_form(self, asker: Asker, actor: Actor, initial: str) -> Reply | None:
        """Moderators get the form; anyone else the engine's refusal, as with `/debate post`."""
        if not await self.engine.is_moderator(actor):
            return await execute(self.engine, actor, "post")
        where = {"channel": asker.channel, "response_url": asker.response_url}
        metadata = {k: v for k, v in where.items() if v}
        view = render.post_form(initial_text=initial, metadata=metadata)
        await self.client.views_open(trigger_id=asker.trigger_id or "", view=view)
        return None

    async def _on_debate_this_message(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        asker = Asker.from_interaction(body, context)
        source = from_slack((body.get("message") or {}).get("text", ""))
        work = asyncio.ensure_future(
            self._guarded(asker, lambda actor: self._offer_post_form(asker, actor, source))
        )
        await self._in_time(work)
        await ack()
        self._spawn(self._answer_later(asker, work))

    async def _on_post_form(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        view = body.get("view") or {}
        values = (view.get("state") or {}).get("values") or {}
        title = ((values.get("title") or {}).get("title") or {}).get("value") or None
        source = ((values.get("text") or {}).get("text") or {}).get("value") or ""
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        asker = Asker.from_interaction(body, context)
        asker = Asker(
            asker.team,
            asker.user,
            asker.name,
            channel=metadata.get("channel"),
            response_url=metadata.get("response_url"),
            delivery=asker.delivery,
        )

        async def add(actor: Actor) -> Reply:
            added = await self.engine.add_post(actor, source, title)
            return Reply(f"Added post {added.post.ref}.", payload=added)

        work = asyncio.ensure_future(self._guarded(asker, add))
        if await self._in_time(work):
            reply = work.result()
            if reply is not None and reply.error:  # shown in the form, which stays open
                await ack(response_action="errors", errors={"text": reply.text[:1000]})
                return
        await ack()
        self._spawn(self._answer_later(asker, work))

    # -- App Home ------------------------------------------------------------------------------

    async def _on_home_opened(
        self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if event.get("tab", "home") == "home" and event.get("user"):
            asker = Asker(body.get("team_id", ""), event["user"], delivery=context.get("delivery"))
            self._spawn(self._publish_home(asker))

    async def _publish_home(self, asker: Asker) -> None:
        actor = await self.members.actor(asker.team, asker.user, asker.name)
        polls = await self.engine.open_polls(actor)
        mine = await self.engine.me(actor)
        await self.client.views_publish(user_id=asker.user, view=home_view(polls, mine.votes))

    # -- outbound ------------------------------------------------------------------------------

    async def _announce(self, asker: Asker, reply: Reply) -> None:
        """A reply for the whole channel: a poll with its buttons, results, or plain text."""
        payload = reply.payload
        if isinstance(payload, PollOpened):
            await self.post_poll(
                asker.community, payload.post.ref, asker.channel, asker.response_url
            )
        elif isinstance(payload, Results):
            await self.post_results(
                asker.community, payload.post.ref, asker.channel, asker.response_url
            )
        elif isinstance(payload, Digest):
            await self._post_digest(asker.channel, payload, asker.response_url)
        else:
            for message in render.plain_reply(reply.text):
                await self._post_in_channel(asker.channel, message, asker.response_url)

    async def post_poll(
        self, community: str, post: str, channel: str | None, response_url: str | None = None
    ) -> None:
        results = await self.engine.public_results(community, post)
        pages = poll_pages(results)
        posted = []
        for number, refs in enumerate(pages, start=1):
            message = poll_message(results, refs, number, len(pages))
            ts = await self._post_in_channel(channel, message, response_url)
            if ts and channel:
                posted.append(PollMessage(channel, ts, refs, number, len(pages)))
        self.board.posted(community, post, posted)

    async def post_results(
        self,
        community: str,
        post: str,
        channel: str | None,
        response_url: str | None = None,
        heading: str = "Poll closed. Results for",
    ) -> None:
        """Results in the channel (and the chart, when there is one); the poll loses its buttons."""
        results = await self.engine.public_results(community, post)
        for message in render.results_messages(results, heading):
            await self._post_in_channel(channel, message, response_url)
        if channel and self.chart is not None:
            chart = await self.chart(results)
            if chart:
                await self._upload_chart(channel, chart, f"post-{post}-results.png")
        for poll in self.board.of(community, post):
            self._refresh_soon(community, post, poll)

    async def _post_digest(
        self, channel: str | None, digest: Digest, response_url: str | None = None
    ) -> None:
        for message in render.plain_reply(text.digest(digest)):
            await self._post_in_channel(channel, message, response_url)
        if channel and digest.chart_png:
            await self._upload_chart(channel, digest.chart_png, "weekly-digest.png")

    async def _upload_chart(self, channel: str, png: bytes, filename: str) -> None:
        """A chart under the message just posted: `files_upload_v2` (URL, bytes, complete)."""
        await self.client.files_upload_v2(channel=channel, file=png, filename=filename)

    # -- the weekly digest (bot.digest_sender.DigestDelivery) ----------------------------------

    async def deliver(self, settings: Settings, digest: Digest) -> None:
        """The digest, with its chart, in the community's digest channel; raises if refused."""
        if not settings.digest_channel:
            raise DebateError("No digest channel is set; use `/debate digest channel #channel`.")
        await self._post_digest(settings.digest_channel, digest)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        """A direct message to each moderator the community lists (admins are not listed)."""
        for user in sorted(settings.moderators):
            said = render.plain_reply(message)[0]
            await self.client.chat_postMessage(channel=user, **said.payload())

    # -- polls that close on time --------------------------------------------------------------

    async def close_due_polls(self) -> None:
        """Close the Slack polls whose time is up and announce those this process opened."""
        for results in await self.engine.close_due_polls(("slack:",)):
            await self.announce_closed(results)

    async def announce_closed(self, results: Results) -> None:
        """Post the results of a poll that closed on time where it was opened."""
        community, post = results.post.community, results.post.ref
        channel = results.poll.channel if results.poll else None
        if channel is None:
            log.info("Slack: poll on %s in %s closed; its channel is unknown here", post, community)
            return
        try:
            await self.post_results(
                community, post, channel, heading="Poll closed on time. Results for"
            )
        except Exception:
            log.exception("Slack: announcing the results of post %s failed", post)

    async def _post_in_channel(
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
            await self._respond(response_url, _in_channel(message))
        return None

    async def _respond_all(self, asker: Asker, messages: list[render.Message]) -> None:
        if asker.response_url:
            for message in messages:
                await self._respond(asker.response_url, _ephemeral(message))
        elif asker.channel:
            for message in messages:
                await self.client.chat_postEphemeral(
                    channel=asker.channel, user=asker.user, **message.payload()
                )

    async def _respond(self, url: str, payload: dict[str, Any]) -> None:
        status = await self.replies.post(url, payload)
        if status >= 300:
            log.warning("Slack: response_url answered %d", status)

    # -- tasks ---------------------------------------------------------------------------------

    async def _in_time(self, work: asyncio.Future[Any]) -> bool:
        done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
        return bool(done)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack: sending an answer failed", exc_info=task.exception())


def _page_of(blocks: list[dict[str, Any]]) -> tuple[int, int]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith("poll:"):
            parts = block_id.split(":")
            if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
                return int(parts[2]), int(parts[3])
    return 1, 1


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})
