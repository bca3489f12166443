"""Slack, inbound: each Bolt listener turns one kind of Slack request into an engine call (mostly
a line of the shared `/debate` grammar) and hands the answer to `Delivery`.

Every listener answers Slack within its 3 seconds. A command's work runs while the listener waits
up to `ack_budget`: if it is done by then the answer goes back with the acknowledgement, otherwise
Slack gets "Working on it…" and the answer follows through the `response_url`. A vote click is
acknowledged once its vote is committed (see `on_vote`). Replies to a
member's own action are ephemeral; only opened polls, results and digests go to the channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot import parsing
from bot.answers import Answer, Refusal, VoteReceipt
from bot.commands import Reply, execute
from bot.deliveries import Deliveries
from bot.domain import Actor
from bot.engine import Engine
from bot.errors import DebateError, OutOfDate

from . import render
from .delivery import Delivery, Where, ephemeral
from .members import Members, community_of
from .polls import VOTE_ACTION, PollMessage, page_of, refs_in

log = logging.getLogger(__name__)

COMMAND = "/debate"
DEBATE_THIS_MESSAGE = "debate_this_message"  # the message shortcut's callback_id (manifest.yml)
SORRY = "Something went wrong on our side; please try again in a moment."
WORKING = "Working on it…"

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
    delivery: str | None = None  # the key under which `Repeats` remembers the request

    @property
    def community(self) -> str:
        return community_of(self.team)

    @property
    def where(self) -> Where:
        return Where(self.community, self.user, self.channel, self.response_url)

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


class Repeats(AsyncMiddleware):
    """Bolt middleware: a delivery Slack repeats (X-Slack-Retry-Num) is acted on once.

    Keys are the event id, or the interaction's trigger id, or the body's digest. Each is kept
    in memory for an hour (longer than Slack keeps retrying) and, but for vote clicks, in the
    database (`bot.deliveries`), so that a repeat reaching another process, or this one after a
    restart, is known too. Vote clicks stay in memory only: a repeated click asks for the vote
    it already counted, and a database write per click would halve how many the bot can take.
    A delivery whose handling failed is forgotten, so Slack's repeat of it is handled. It runs
    after the signature was checked.
    """

    def __init__(self, durable: Deliveries, ttl: float = 3600.0, limit: int = 200_000) -> None:
        self._durable = durable
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
        if not self.first(key) or not (_is_vote(req.body) or await self._durable.first(key)):
            retry = req.headers.get("x-slack-retry-num", ["-"])
            log.info("Slack: ignored a repeated delivery (retry %s)", retry[0])
            return BoltResponse(status=200, body="")
        req.context["delivery"] = key
        return await next()

    @staticmethod
    def key(body: dict[str, Any], raw: str) -> str:
        found = body.get("event_id") or body.get("trigger_id")
        return f"slack:{found}" if found else f"slack:{hashlib.sha256(raw.encode()).hexdigest()}"

    def first(self, key: str) -> bool:
        now = time.monotonic()
        if key in self._seen and self._seen[key] > now:
            return False
        self._seen[key] = now + self._ttl
        if len(self._seen) > self._limit:
            for old in list(self._seen)[: self._limit // 10]:  # oldest first: insertion order
                del self._seen[old]
        return True

    async def forget(self, key: str | None) -> None:
        if key is not None:
            self._seen.pop(key, None)
            await self._durable.forget(key)


def _is_vote(body: dict[str, Any]) -> bool:
    actions = body.get("actions") or [{}]
    return body.get("type") == "block_actions" and str(actions[0].get("action_id", "")).startswith(
        VOTE_ACTION
    )


class Inbound:
    """The listeners, and what they share: the engine, who members are, and the way back."""

    def __init__(
        self,
        engine: Engine,
        members: Members,
        delivery: Delivery,
        *,
        ack_budget: float = 2.0,
    ) -> None:
        self.engine = engine
        self.members = members
        self.delivery = delivery
        self.ack_budget = ack_budget
        self.repeats = Repeats(engine.deliveries)
        self.acked_before_commit = 0  # vote clicks answered before their commit, for metrics

    def listen(self, app: AsyncApp) -> None:
        app.use(self.repeats)
        # Bolt tries listeners in order; votes are by far the most frequent request.
        app.action(re.compile(rf"^{VOTE_ACTION}(agree|disagree|pass)$"))(self.on_vote)
        app.command(COMMAND)(self.on_command)
        app.view(render.POST_FORM)(self.on_post_form)
        app.message_shortcut(DEBATE_THIS_MESSAGE)(self.on_debate_this_message)
        app.event("app_home_opened")(self.on_home_opened)

    # -- /debate -------------------------------------------------------------------------------

    async def on_command(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        asker = Asker.from_command(body, context)
        line = from_slack(body.get("text", ""))
        if [w.lower() for w in line.split()] == ["post"]:  # a bare `post` opens the form
            work = asyncio.ensure_future(self._guarded(asker, self._post_form(asker, "")))
        else:
            work = asyncio.ensure_future(
                self._guarded(asker, lambda actor: execute(self.engine, actor, line))
            )
        if not await self._in_time(work):
            await ack(ephemeral(render.plain_reply(WORKING)[0]))
            self.delivery.later(self._answer_later(asker, work))
            return
        reply = work.result()
        if reply is None or reply.announce:
            await ack()
            if reply is not None:
                self.delivery.later(self.delivery.announce(reply.answer, asker.where))
            return
        first, *rest = render.messages(reply.answer)
        await ack(ephemeral(first))
        if rest:
            self.delivery.later(self.delivery.answer(asker.where, rest))
        self._send_files(asker, reply.answer)

    async def _guarded(
        self, asker: Asker, work: Callable[[Actor], Awaitable[Reply | None]]
    ) -> Reply | None:
        """`work` for the asking member; a failure of ours becomes an apology, never a trace."""
        try:
            return await work(self.members.actor(asker.team, asker.user, asker.name, asker.channel))
        except DebateError as refusal:
            return Reply(Refusal(refusal.message))
        except Exception:
            log.exception("Slack: handling a request from %s failed", asker.user)
            await self.repeats.forget(asker.delivery)  # Slack's retry gets a second chance
            return Reply(Refusal(SORRY))

    async def _answer_later(self, asker: Asker, work: asyncio.Future[Reply | None]) -> None:
        reply = await work
        if reply is None:
            return
        if reply.announce:
            await self.delivery.announce(reply.answer, asker.where)
        else:
            await self.delivery.answer(asker.where, render.messages(reply.answer))
            self._send_files(asker, reply.answer)

    def _send_files(self, asker: Asker, answer: Answer) -> None:
        """The files an answer comes with (a Polis export), privately, after the answer."""
        files = render.attachments(answer)
        if files:
            self.delivery.later(self.delivery.send_privately(asker.where, files))

    # -- votes ---------------------------------------------------------------------------------

    async def on_vote(self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """A button click is acknowledged once its vote is committed: Slack does not resend a
        click it got a 200 for, so a 200 before the commit could lose the vote to a crash.
        Group commit keeps that wait to tens of milliseconds however many click together. Only
        a commit that cannot finish within the ack budget (Slack allows 3 s) is acknowledged
        first; its receipt then carries the outcome, and `acked_before_commit` counts it. What
        the vote needs is taken from the payload now, so the payload is not kept meanwhile.
        """
        asker = Asker.from_interaction(body, context)
        action = (body.get("actions") or [{}])[0]
        ref = str(action.get("value", ""))
        choice = str(action.get("action_id", "")).removeprefix(VOTE_ACTION)
        clicked = self._clicked_poll_message(asker, body)
        cast = asyncio.ensure_future(self._cast(asker, ref, choice, clicked))
        if not await self._in_time(cast):
            self.acked_before_commit += 1
            log.warning(
                "Slack: a vote took over %.1f s to commit; acknowledged first", self.ack_budget
            )
        await ack()
        self.delivery.later(self._answer_vote(asker, cast, clicked))

    async def _cast(
        self, asker: Asker, ref: str, choice: str, clicked: PollMessage | None
    ) -> Reply | None:
        """A click is a vote, as `/debate vote <ref> <choice>` is, with no line to parse. A click
        on a poll message that is out of date (its poll closed, its claim retired, perhaps while
        this process was down) is refused, and the message redrawn as things stand."""

        async def cast(actor: Actor) -> Reply:
            try:
                return Reply(await self.engine.cast_vote(actor, ref, parsing.choice(choice)))
            except OutOfDate as stale:
                if clicked is not None:
                    known = self.delivery.board.seen(asker.community, stale.post_ref, clicked)
                    self.delivery.refresh_soon(asker.community, stale.post_ref, known)
                raise

        return await self._guarded(asker, cast)

    async def _answer_vote(
        self, asker: Asker, cast: asyncio.Future[Reply | None], clicked: PollMessage | None
    ) -> None:
        """The member's receipt, privately, and the poll message redrawn if the vote moved it."""
        reply = await cast
        if reply is None:
            return
        if asker.in_home:
            actor = self.members.actor(asker.team, asker.user, asker.name)
            await self.delivery.publish_home(actor)
        else:
            await self.delivery.answer(asker.where, render.messages(reply.answer))
        match reply.answer:
            case VoteReceipt(claim=claim, choice=chosen, previous=before) if before != chosen:
                post = str(claim.post_number)
                self.delivery.refresh_post(asker.community, post, claim.ref, clicked)

    def _clicked_poll_message(self, asker: Asker, body: dict[str, Any]) -> PollMessage | None:
        """The poll message that was clicked, known already or read from the click itself."""
        message = body.get("message") or {}
        ts = (body.get("container") or {}).get("message_ts") or message.get("ts")
        if asker.in_home or not asker.channel or not ts:
            return None
        known = self.delivery.board.at(asker.channel, ts)
        if known is not None:
            return known
        blocks = message.get("blocks") or []
        refs = refs_in(blocks)
        if not refs:
            return None
        page, pages = page_of(blocks)
        return PollMessage(asker.channel, ts, refs, page, pages)

    # -- posts from a form or a message ---------------------------------------------------------

    def _post_form(self, asker: Asker, initial: str) -> Callable[[Actor], Awaitable[None]]:
        """Moderators get the form; anyone else the engine's refusal, as with `/debate post`."""

        async def offer(actor: Actor) -> None:
            await self.engine.may_add_posts(actor)
            await self.delivery.open_post_form(asker.trigger_id or "", asker.where, initial)

        return offer

    async def on_debate_this_message(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A message becomes a post through the form, where the moderator gives it a title;
        a message longer than the form holds becomes the post as it is, rather than be cut."""
        asker = Asker.from_interaction(body, context)
        source = from_slack((body.get("message") or {}).get("text", ""))
        if len(source) > render.MAX_INPUT_CHARS:
            work = asyncio.ensure_future(self._guarded(asker, self._whole_message(source)))
        else:
            work = asyncio.ensure_future(self._guarded(asker, self._post_form(asker, source)))
        await self._in_time(work)
        await ack()
        self.delivery.later(self._answer_later(asker, work))

    def _whole_message(self, source: str) -> Callable[[Actor], Awaitable[Reply]]:
        async def add(actor: Actor) -> Reply:
            return Reply(await self.engine.add_post(actor, source))

        return add

    async def on_post_form(
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
        asker = replace(
            Asker.from_interaction(body, context),
            channel=metadata.get("channel"),
            response_url=metadata.get("response_url"),
            trigger_id=None,
        )

        async def add(actor: Actor) -> Reply:
            return Reply(await self.engine.add_post(actor, source, title))

        work = asyncio.ensure_future(self._guarded(asker, add))
        if await self._in_time(work):
            reply = work.result()
            if reply is not None and reply.error:  # shown in the form, which stays open
                await ack(response_action="errors", errors={"text": reply.text[:1000]})
                return
        await ack()
        self.delivery.later(self._answer_later(asker, work))

    # -- App Home ------------------------------------------------------------------------------

    async def on_home_opened(
        self, ack: AsyncAck, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if event.get("tab", "home") == "home" and event.get("user"):
            actor = self.members.actor(body.get("team_id", ""), event["user"])
            self.delivery.later(self.delivery.publish_home(actor))

    async def _in_time(self, work: asyncio.Future[Any]) -> bool:
        done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
        return bool(done)
