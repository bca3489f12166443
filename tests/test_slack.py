"""The Slack app over its real HTTP endpoint: bodies signed as Slack signs them, sent to the Bolt
app served on 127.0.0.1, whose Web API client talks to a local fake Slack that records calls."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import socket
import sqlite3
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp import web

from adapters.bootstrap import Bot
from adapters.config import Config
from adapters.llm import ChatCompletions
from adapters.monitoring import Monitoring
from adapters.slack import SlackApp, serve_slack, slack_app
from adapters.slack.render import escape
from bot import polis
from bot.commands import SUBCOMMANDS, execute
from bot.domain import Actor, Choice, DigestStatus
from bot.engine import Engine
from bot.extraction.extractors import LlmExtractor
from bot.ports import FetchedPage
from fakes.llm_fake import FakeLlm
from fakes.slack_fake import TEAM, FakeSlackApi, SlackRequest, SlackSender
from storage.store import SqlStore
from tests.support import ManualClock, make_bot, sample, scrape

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
MOD = "UMOD"  # a workspace admin, as users.info says
COMMUNITY = f"slack:{TEAM}"


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def text(self) -> str:
        """Everything a member would read in the answer: blocks' texts, else the fallback."""
        if not isinstance(self.body, dict):
            return str(self.body)
        return texts_of(self.body)


def texts_of(message: dict[str, Any]) -> str:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    parts = [b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict)]
    for element in (e for b in blocks for e in b.get("elements", [])):
        shown = element.get("text")
        parts.append(shown["text"] if isinstance(shown, dict) else str(shown or ""))
    return "\n".join(parts) or str(message.get("text", ""))


@dataclass
class Slack:
    """Our app on a real port, the fake Slack around it, and the bot behind it."""

    api: FakeSlackApi
    app: SlackApp
    bot: Bot
    clock: ManualClock
    url: str
    http: aiohttp.ClientSession
    sender: SlackSender

    async def send(
        self,
        request: SlackRequest,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        retry: int | None = None,
    ) -> Answer:
        headers = request.headers(secret, timestamp)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        async with self.http.post(self.url, data=request.body.encode(), headers=headers) as r:
            raw = await r.text()
        return Answer(r.status, json.loads(raw) if raw.startswith("{") else raw)

    async def command(self, user: str, text: str, reply_to: str | None = None) -> Answer:
        return await self.send(self.sender.command(user, text, reply_to=reply_to))

    async def poll_messages(self) -> list[dict[str, Any]]:
        """The poll messages posted so far, as a click on them carries them."""
        await self.app.drain()
        return [
            {"ts": result["ts"], "blocks": args["blocks"]}
            for args, result in zip(
                self.api.of("chat.postMessage"), self.api.results("chat.postMessage"), strict=True
            )
            if result and any(b.get("type") == "actions" for b in args["blocks"])
        ]

    async def click(
        self, user: str, ref: str, choice: str, message: dict[str, Any], reply_to: str
    ) -> Answer:
        return await self.send(
            self.sender.click(user, f"vote:{choice}", ref, message=message, reply_to=reply_to)
        )

    async def everything_said(self, user: str, text: str) -> str:
        """All a command's answer says, whether it came with the ack or (on a slow moment,
        after "Working on it…") through the response URL."""
        name = f"said-{len(self.api.calls)}-{text}"
        answer = await self.command(user, text, reply_to=name)
        await self.app.drain()
        return "\n".join([answer.text, *self.replies(name)])

    def replies(self, name: str) -> list[str]:
        return [texts_of(r) for r in self.api.responses.get(name, [])]

    def beside(self, path: str) -> str:
        """Another path on the port that serves Slack's request URL."""
        return self.url.removesuffix("/slack/events") + path

    @property
    def engine(self) -> Engine:
        return self.bot.engine


class SlowFetcher:
    """The link-fetching port, answering after a delay as a slow web site would."""

    def __init__(self, delay: float, fail: bool = False) -> None:
        self.delay = delay
        self.fail = fail

    async def fetch(self, url: str) -> FetchedPage:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the fetcher broke")
        return FetchedPage(url, "A fetched post", "First claim of the post. Second claim here.")


SlackFactory = Callable[..., Awaitable[Slack]]


@pytest.fixture
async def make_slack(tmp_path: Path) -> AsyncIterator[SlackFactory]:
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def make(
        *,
        fetcher: SlowFetcher | None = None,
        ack_budget: float = 2.0,
        **choices: Any,
    ) -> Slack:
        store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
        clock = ManualClock()
        bot = make_bot(store, clock, fetcher=fetcher, **choices)
        api = await FakeSlackApi(admins={MOD}).start()
        app = SlackApp(
            bot.engine,
            token="xoxb-test",
            signing_secret=SECRET,
            api_url=api.api_url,
            debounce_seconds=0.05,
            ack_budget=ack_budget,
            monitoring=Monitoring(store, bot.metrics),
        )
        bot.serve("slack", app)
        runner = web.AppRunner(app.web_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        http = aiohttp.ClientSession()

        async def cleanup() -> None:
            await http.close()
            await runner.cleanup()
            await app.close()
            await api.stop()
            await store.close()

        cleanups.append(cleanup)
        url = f"http://127.0.0.1:{port}/slack/events"
        return Slack(api, app, bot, clock, url, http, SlackSender(api))

    yield make
    for cleanup in reversed(cleanups):
        await cleanup()


@pytest.fixture
async def slack(make_slack: SlackFactory) -> Slack:
    return await make_slack()


async def prepare_poll(slack: Slack, claims: int = 2) -> list[dict[str, Any]]:
    """Post 1 with `claims` claims, its poll opened from Slack; returns the poll messages."""
    await slack.command(MOD, "post A post to debate\nIt has some text.")
    for n in range(claims):
        await slack.command(MOD, f"claim add 1 Claim number {n + 1}")
    answer = await slack.command(MOD, "open 1")
    assert answer.status == 200
    return await slack.poll_messages()


def words(said: str) -> list[str]:
    return [w for w in said.split() if w != "—"]


def mod_actor() -> Actor:
    return Actor(COMMUNITY, MOD, "umod", platform_moderator=True)


# -- /debate ------------------------------------------------------------------------------------


async def test_every_subcommand_answers_as_the_shared_grammar_does(slack: Slack) -> None:
    """Each subcommand, bare, reaches the engine unchanged: Slack answers what the grammar does."""
    for sub in SUBCOMMANDS:
        if sub.name == "post":  # bare, it opens a form for moderators: see the form's tests
            continue
        answer = await slack.command(MOD, sub.name)
        expected = await execute(slack.engine, mod_actor(), sub.name)
        assert answer.status == 200, sub.name
        if expected.announce:  # nothing announces without its arguments, but if it did
            continue
        assert answer.body["response_type"] == "ephemeral", sub.name
        assert words(answer.text) == words(escape(expected.text)), sub.name


async def test_the_moderator_sees_which_extractor_proposed_the_drafts(
    make_slack: SlackFactory,
) -> None:
    claim = {"sentences": [1], "kind": "prediction", "text": "Russia will test NATO & the EU."}
    async with FakeLlm(answer=json.dumps({"claims": [claim]})) as llm:
        chat = ChatCompletions(llm.base_url, "test-model", timeout=5)
        slack = await make_slack(extractor=LlmExtractor(chat))
        added = await slack.command(MOD, "post Baltic risks\nRussia will test the alliance soon.")
        assert "Extractor: llm:test-model" in added.text
        assert "Russia will test NATO &amp; the EU." in added.text
        llm.status = 500
        again = await slack.command(MOD, "post Baltic risks\nRussia will test the alliance soon.")
    assert "Extractor: offline (the LLM at 127.0.0.1:" in again.text
    assert "HTTP 500" in again.text


async def test_subcommands_in_use(slack: Slack) -> None:
    """A moderator and a member run every subcommand with its arguments, as the README shows."""
    say = slack.command
    assert "Added post 1" in (await say(MOD, "post Why NATO matters\nNATO keeps peace.")).text
    assert "Why NATO matters" in (await say("U1", "posts")).text
    assert "1.1" in (await say(MOD, "claim add 1 NATO deters Russia")).text
    await say(MOD, "claim add 1 NATO is obsolete")
    await say(MOD, "claim add 1 A third claim")
    assert "1.1 now reads" in (await say(MOD, "claim edit 1.1 NATO deters Russia well")).text
    assert "prediction" in (await say(MOD, "claim kind 1.2 prediction")).text
    assert "Removed" in (await say(MOD, "claim remove 1.3")).text
    assert (await say(MOD, "open 1 for 3d")).body == ""  # the poll goes to the channel instead
    assert len(await slack.poll_messages()) == 1
    vote = await say("U1", "vote 1.1 agree")
    assert vote.body["response_type"] == "ephemeral" and "agree" in vote.text
    assert "waits for a moderator" in (await say("U1", "propose 1 Europe must spend more")).text
    assert "1.4" in (await say(MOD, "queue")).text
    assert "Approved 1.4" in (await say(MOD, "approve 1.4")).text
    await say("U2", "propose 1 Something else entirely")
    assert "Rejected 1.5" in (await say(MOD, "reject 1.5 off topic")).text
    results = await slack.everything_said("U1", "results 1")  # an analysis may take a moment
    assert "Results for post 1" in results and "1 agree" in results
    assert "NATO deters Russia well" in (await say("U1", "claims 1")).text
    assert "1.1" in await slack.everything_said("U1", "me")
    assert "live" in (await say(MOD, "settings visibility live")).text
    assert "U2" in (await say(MOD, "settings moderator add <@U2|u2>")).text
    assert "visibility" in (await say(MOD, "audit 5")).text
    assert "Erased your 1 vote" in (await say("U1", "forget-me")).text
    assert "close" in (await say(MOD, "help")).text
    assert "close" in (await say("U2", "help")).text  # U2 is a listed moderator now
    assert "close" not in (await say("U3", "help")).text  # members see their own commands only
    assert (await say(MOD, "close 1")).body == ""
    await slack.app.drain()
    announced = slack.api.of("chat.postMessage")[-1]
    assert "Poll closed. Results for post 1" in texts_of(announced)


async def test_refusals_are_the_engines_sentence_and_private(slack: Slack) -> None:
    answer = await slack.command("U1", "open 1")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.text == "Only moderators can open polls."
    unknown = await slack.command("U1", "frobnicate 3")
    assert "no command" in unknown.text and unknown.body["response_type"] == "ephemeral"


async def test_moderators_are_admins_and_listed_members_and_users_info_is_cached(
    slack: Slack,
) -> None:
    await slack.command(MOD, "post A post\nThe alliance needs a new strategy.")
    refused = await slack.command("U2", "claim add 1 Something")
    assert "Only moderators" in refused.text
    await slack.command(MOD, "settings moderator add <@U2>")
    assert "Added claim 1.1" in (await slack.command("U2", "claim add 1 Something")).text
    looked_up = [a["user"] for a in slack.api.of("users.info")]
    assert sorted(looked_up) == ["U2", MOD]  # once each, however many requests


async def test_a_slow_link_is_answered_after_the_ack_through_the_response_url(
    make_slack: SlackFactory,
) -> None:
    slack = await make_slack(fetcher=SlowFetcher(0.4), ack_budget=0.1)
    started = time.perf_counter()
    answer = await slack.command(MOD, "post https://example.org/a-post", reply_to="slow")
    assert time.perf_counter() - started < 0.35
    assert answer.body["response_type"] == "ephemeral" and "Working on it" in answer.text
    await slack.api.wait_for(lambda: bool(slack.api.responses.get("slow")))
    [later] = slack.api.responses["slow"]
    assert later["response_type"] == "ephemeral"
    assert "Added post 1: A fetched post" in texts_of(later)


async def test_a_failure_of_ours_is_one_sentence_never_a_traceback(
    make_slack: SlackFactory,
) -> None:
    slack = await make_slack(fetcher=SlowFetcher(0, fail=True))
    answer = await slack.command(MOD, "post https://example.org/a-post")
    assert answer.status == 200 and answer.body["response_type"] == "ephemeral"
    assert "went wrong" in answer.text and "Traceback" not in answer.text
    assert "RuntimeError" not in answer.text


# -- polls and buttons --------------------------------------------------------------------------


async def test_a_full_debate_with_button_clicks_from_three_members(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=2)
    buttons = [b for b in poll["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in buttons[0]["elements"]] == [
        "vote:agree",
        "vote:disagree",
        "vote:pass",
    ]
    votes = {"U1": "agree", "U2": "agree", "U3": "disagree"}
    answers = await asyncio.gather(  # a burst of clicks, as members click together
        *(slack.click(u, "1.1", c, poll, reply_to=f"click-{u}") for u, c in votes.items()),
        slack.click("U1", "1.2", "pass", poll, reply_to="click-U1-2"),
    )
    assert [a.status for a in answers] == [200] * 4
    await slack.app.drain()

    for user, choice in votes.items():  # each member hears privately about their own vote
        [said] = slack.api.responses[f"click-{user}"]
        assert said["response_type"] == "ephemeral" and said["replace_original"] is False
        assert f"counted: {choice}" in texts_of(said)
    results = await slack.engine.public_results(COMMUNITY, "1")
    tallies = {r.claim.ref: r.tally for r in results.claims}
    assert (tallies["1.1"].agree, tallies["1.1"].disagree, tallies["1.2"].passed) == (2, 1, 1)

    updates = slack.api.of("chat.update")
    assert updates and all(u["ts"] == poll["ts"] for u in updates)
    assert len(updates) < 4  # debounced: fewer updates than clicks
    assert "3 voters" in texts_of(updates[-1])

    await slack.command(MOD, "close 1")
    await slack.app.drain()
    closing = slack.api.of("chat.update")[-1]
    assert not any(b["type"] == "actions" for b in closing["blocks"])  # no more buttons
    assert "2 agree · 1 disagree · 0 pass" in texts_of(closing)
    late = await slack.click("U4", "1.1", "agree", poll, reply_to="late")
    assert late.status == 200
    await slack.app.drain()
    assert "closed" in slack.replies("late")[0]


async def test_a_vote_click_gets_its_200_only_once_the_vote_is_saved(
    make_slack: SlackFactory, tmp_path: Path
) -> None:
    """Slack never resends a click it got a 200 for: so the 200 waits for the commit. Another
    writer holds the database for half a second; the click's answer waits with it."""
    slack = await make_slack(ack_budget=2.0)
    [poll] = await prepare_poll(slack, claims=1)
    writer = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    click = asyncio.create_task(slack.click("U1", "1.1", "agree", poll, reply_to="r"))
    await asyncio.sleep(0.5)
    assert not click.done()  # no 200 while the vote cannot be saved
    writer.execute("ROLLBACK")
    assert (await click).status == 200
    saved = sqlite3.connect(tmp_path / "s.db").execute("SELECT voter, choice FROM votes")
    assert saved.fetchall() == [("U1", "agree")]  # durable at the moment of the 200
    assert slack.app.inbound.acked_before_commit == 0
    writer.close()


async def test_a_commit_slower_than_slacks_3_s_is_acknowledged_first_and_counted(
    make_slack: SlackFactory, tmp_path: Path
) -> None:
    slack = await make_slack(ack_budget=0.3)
    [poll] = await prepare_poll(slack, claims=1)
    writer = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    click = await slack.click("U1", "1.1", "agree", poll, reply_to="r")
    assert click.status == 200  # within the budget, though the vote is not saved yet
    assert slack.app.inbound.acked_before_commit == 1
    assert slack.replies("r") == []
    writer.execute("ROLLBACK")
    await slack.app.drain()
    assert "counted: agree" in slack.replies("r")[0]  # the receipt carries the outcome
    writer.close()
    metrics = await scrape(slack.http, slack.beside("/metrics"))
    assert sample(metrics, "debate_bot_slack_acked_before_commit_total") == 1
    assert sample(metrics, "debate_bot_votes_counted_total", platform="slack") == 1
    assert sample(metrics, "debate_bot_vote_commit_seconds_sum") > 0.3  # it waited for the lock


async def test_changing_a_vote_and_tallies_shown_after_voting(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=1)
    await slack.click("U1", "1.1", "agree", poll, reply_to="a")
    await slack.click("U1", "1.1", "disagree", poll, reply_to="b")
    await slack.app.drain()
    assert "changed from agree to disagree" in slack.replies("b")[0]
    assert "0 agree · 1 disagree" in slack.replies("b")[0]


async def test_a_click_asks_slack_who_the_member_is_only_when_the_receipt_hangs_on_it(
    slack: Slack,
) -> None:
    [poll] = await prepare_poll(slack, claims=2)
    await slack.click("U1", "1.1", "agree", poll, reply_to="u1")
    await slack.app.drain()
    assert "1 agree · 0 disagree" in slack.replies("u1")[0]  # after-vote: voters see the tally
    assert [a["user"] for a in slack.api.of("users.info")] == [MOD]  # nobody asked about U1

    await slack.command(MOD, "settings visibility after-close")
    slack.api.admins.add("UADMIN")
    await slack.click("U2", "1.2", "agree", poll, reply_to="u2")
    await slack.click("UADMIN", "1.2", "pass", poll, reply_to="admin")
    await slack.click("UADMIN", "1.1", "pass", poll, reply_to="admin-again")
    await slack.app.drain()
    assert "counted: agree" in slack.replies("u2")[0]
    assert "disagree" not in slack.replies("u2")[0]  # hidden from a member until the poll closes
    assert "1 agree · 0 disagree · 1 pass" in slack.replies("admin")[0]  # an admin sees it
    assert "1 agree · 0 disagree · 1 pass" in slack.replies("admin-again")[0]
    asked = [a["user"] for a in slack.api.of("users.info")]
    assert sorted(asked) == sorted([MOD, "U2", "UADMIN"])  # once each, only when it mattered


async def test_a_poll_too_big_for_one_message_is_split_within_slacks_limits(slack: Slack) -> None:
    await slack.command(MOD, "post A long post\nIt makes many claims about the war.")
    for n in range(30):
        await slack.engine.add_claim(mod_actor(), "1", f"Claim {n + 1} " + "x" * 250)
    await slack.command(MOD, "open 1")
    messages = await slack.poll_messages()
    assert len(messages) == 2
    refs = [
        b["block_id"]
        for m in messages
        for b in m["blocks"]
        if b.get("block_id", "").startswith("claim:")
    ]
    assert len(refs) == 30 == len(set(refs))
    for message in messages:
        assert len(message["blocks"]) <= 50
        for block in message["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    assert len(element["text"]["text"]) <= 75 and len(element["action_id"]) <= 255
    # a click on the second message redraws the second message
    second = messages[1]
    ref = next(
        b["block_id"][6:] for b in second["blocks"] if b.get("block_id", "").startswith("claim:")
    )
    await slack.click("U1", ref, "agree", second, reply_to="second")
    await slack.app.drain()
    [update] = slack.api.of("chat.update")
    assert update["ts"] == second["ts"] and "(2/2)" in texts_of(update)


async def test_a_poll_that_closes_on_time_posts_results_where_it_was_opened(slack: Slack) -> None:
    await slack.command(MOD, "post A post\nThe alliance needs a new strategy.")
    await slack.command(MOD, "claim add 1 A claim")
    await slack.command(MOD, "open 1 for 1h")
    [poll] = await slack.poll_messages()
    await slack.click("U1", "1.1", "agree", poll, reply_to="v")
    await slack.app.drain()  # the vote is committed before the poll's time is up
    slack.clock.advance(hours=2)
    await slack.bot.close_due_polls()
    await slack.app.drain()
    posted = slack.api.of("chat.postMessage")[-1]
    assert posted["channel"] == slack.sender.channel
    assert "closed on time" in texts_of(posted) and "1 agree" in texts_of(posted)


async def test_a_poll_closing_on_time_after_a_restart_is_still_announced_where_it_opened(
    slack: Slack,
) -> None:
    await slack.command(MOD, "post A post\nThe alliance needs a new strategy.")
    await slack.command(MOD, "claim add 1 A claim")
    await slack.command(MOD, "open 1 for 1h", reply_to="opened")
    [poll] = await slack.poll_messages()
    process = make_bot(slack.engine.store, slack.clock)  # a new process knows no poll messages
    restarted = SlackApp(
        process.engine, token="xoxb-test", signing_secret=SECRET, api_url=slack.api.api_url
    )
    process.serve("slack", restarted)
    runner = web.AppRunner(restarted.web_app(), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        slack.clock.advance(hours=2)
        await process.close_due_polls()
        await restarted.drain()
        posted = slack.api.of("chat.postMessage")[-1]
        assert posted["channel"] == slack.sender.channel
        assert "closed on time" in texts_of(posted)

        # The poll message still shows its buttons: a click on it is refused and redraws it.
        slack.url = f"http://127.0.0.1:{port}/slack/events"
        late = await slack.click("U1", "1.1", "agree", poll, reply_to="late")
        assert late.status == 200
        await restarted.drain()
    finally:
        await runner.cleanup()
        await restarted.close()
    assert "closed" in slack.replies("late")[0]
    redrawn = slack.api.of("chat.update")[-1]
    assert redrawn["ts"] == poll["ts"]
    assert not any(b["type"] == "actions" for b in redrawn["blocks"])


async def test_digest_now_goes_to_the_channel_with_its_chart(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=2)
    for user, choice in {"U1": "agree", "U2": "agree", "U3": "disagree", "U4": "disagree"}.items():
        await slack.click(user, "1.1", choice, poll, reply_to=f"v{user}")  # a divisive claim
    await slack.app.drain()
    slack.clock.advance(minutes=1)  # the week so far ends now, after the votes
    answer = await slack.command(MOD, "digest now", reply_to="digest")
    assert answer.status == 200
    await slack.api.wait_for(lambda: bool(slack.api.of("files.completeUploadExternal")), 20)
    await slack.app.drain()
    digest = slack.api.of("chat.postMessage")[-1]
    assert digest["channel"] == slack.sender.channel and "Weekly digest" in texts_of(digest)
    [png] = slack.api.uploads.values()
    assert png.startswith(b"\x89PNG")
    assert slack.api.of("files.completeUploadExternal")[0]["channel_id"] == slack.sender.channel


async def test_results_show_groups_and_send_their_charts_privately_then_publicly(
    slack: Slack,
) -> None:
    """Sixteen members in two camps. A member's `/debate results` shows who agrees with whom
    only to them, with the charts in a direct message; closing posts both in the channel."""
    await prepare_poll(slack, claims=10)
    for m in range(16):
        for n in range(1, 11):
            split = n > 2 and (n + m) % 2 == 0  # even and odd members split on 3 to 10
            choice = Choice.DISAGREE if split else Choice.AGREE
            await slack.engine.cast_vote(Actor(COMMUNITY, f"U{m}"), f"1.{n}", choice)

    answer = await slack.command("U0", "results 1", reply_to="results")
    assert answer.status == 200
    await slack.api.wait_for(lambda: len(slack.api.uploads) == 2, 30)
    await slack.app.drain()
    said = "\n".join([answer.text, *slack.replies("results")])
    assert "Opinion groups: A (8 members), B (8 members)" in said
    assert "Every group agrees" in said and "Where the groups split" in said
    assert not any(f"U{m}" in said for m in range(16))
    [opened] = slack.api.of("conversations.open")
    assert opened["users"] == "U0"
    uploads = slack.api.of("files.completeUploadExternal")
    assert {u["channel_id"] for u in uploads} == {"DU0"}  # the member's own direct messages
    assert all(png.startswith(b"\x89PNG") for png in slack.api.uploads.values())

    await slack.command(MOD, "close 1")
    await slack.api.wait_for(lambda: len(slack.api.uploads) == 4, 30)
    await slack.app.drain()
    channel = [u["channel_id"] for u in slack.api.of("files.completeUploadExternal")[2:]]
    assert set(channel) == {slack.sender.channel}  # joining the channel first, for files
    announced = texts_of(slack.api.of("chat.postMessage")[-1])
    assert "Who agrees with whom" in announced


async def weekly_digest_due(slack: Slack, channel: str) -> None:
    """A digest scheduled for Mondays 09:00 UTC into `channel`, with a vote to show, and the
    clock at its first Monday."""
    [poll] = await prepare_poll(slack, claims=1)
    await slack.click("U1", "1.1", "agree", poll, reply_to="v")
    await slack.command(MOD, "settings moderator add <@U2>")
    await slack.command(MOD, f"digest channel <#{channel}|digest>")
    await slack.command(MOD, "digest schedule monday 09:00 UTC")
    await slack.app.drain()
    slack.clock.advance(days=7)


async def test_the_weekly_digest_goes_to_its_channel_the_bot_joining_it_for_the_chart(
    slack: Slack,
) -> None:
    await weekly_digest_due(slack, "C0DIGEST")
    [sent] = await slack.bot.digests.tick()
    assert sent.status is DigestStatus.SENT
    digest = slack.api.of("chat.postMessage")[-1]
    assert digest["channel"] == "C0DIGEST" and "Weekly digest" in texts_of(digest)
    assert [c["channel"] for c in slack.api.of("conversations.join")] == ["C0DIGEST"]
    [png] = slack.api.uploads.values()
    assert png.startswith(b"\x89PNG")
    assert slack.api.results("files.completeUploadExternal")[-1]["ok"]


async def test_a_digest_part_that_failed_is_the_only_part_sent_again(slack: Slack) -> None:
    """In a private channel the bot cannot join, the text arrives and the chart does not; each
    retry tries the chart alone, and once someone invites the bot, the chart arrives."""
    slack.api.private.add("C0PRIVATE")
    await weekly_digest_due(slack, "C0PRIVATE")
    [first] = await slack.bot.digests.tick()
    assert first.status is DigestStatus.PENDING and first.delivered == {"message-1"}
    assert "invite it with `/invite @debate-bot`" in (first.error or "")
    slack.clock.advance(minutes=1)
    [second] = await slack.bot.digests.tick()
    assert second.status is DigestStatus.PENDING and second.attempts == 2
    slack.api.joined.add("C0PRIVATE")  # a member invites the bot
    slack.clock.advance(minutes=2)
    [third] = await slack.bot.digests.tick()
    assert third.status is DigestStatus.SENT
    texts = [c for c in slack.api.of("chat.postMessage") if c["channel"] == "C0PRIVATE"]
    assert len(texts) == 1 and len(slack.api.uploads) == 1


async def test_moderators_hear_why_a_digest_could_not_be_delivered(slack: Slack) -> None:
    slack.api.private.add("C0PRIVATE")
    await weekly_digest_due(slack, "C0PRIVATE")
    for _ in range(5):
        await slack.bot.digests.tick()
        slack.clock.advance(minutes=10)
    alerts = [c for c in slack.api.of("chat.postMessage") if c["channel"] == "U2"]
    [alert] = alerts
    assert "invite it" in texts_of(alert) and "&lt;#C0PRIVATE&gt;" not in texts_of(alert)
    texts = [c for c in slack.api.of("chat.postMessage") if c["channel"] == "C0PRIVATE"]
    assert len(texts) == 1  # the text went out once, however many times the chart was tried


# -- a post in Polis's format ------------------------------------------------------------------


async def test_a_moderators_export_comes_as_a_zip_in_their_direct_messages(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=2)
    for user, choice in {"U1": "agree", "U2": "disagree"}.items():
        await slack.click(user, "1.1", choice, poll, reply_to=f"v{user}")
    await slack.app.drain()

    refused = await slack.command("U1", "export 1")
    assert refused.body["response_type"] == "ephemeral" and "Only moderators" in refused.text
    answer = await slack.command(MOD, "export 1")
    assert answer.body["response_type"] == "ephemeral"
    assert "1-polis.zip" in answer.text and "direct messages" in answer.text
    await slack.api.wait_for(lambda: bool(slack.api.of("files.completeUploadExternal")), 20)
    await slack.app.drain()

    assert [c["users"] for c in slack.api.of("conversations.open")] == [MOD]
    [completed] = slack.api.of("files.completeUploadExternal")
    assert completed["channel_id"] == f"D{MOD}"
    [data] = slack.api.uploads.values()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == sorted(polis.FILES)
    files = {n: archive.read(n).decode() for n in archive.namelist()}
    votes = list(csv.DictReader(io.StringIO(files[polis.VOTES])))
    assert sorted((v["comment-id"], v["voter-id"], v["vote"]) for v in votes) == [
        ("0", "0", "1"),
        ("0", "1", "-1"),
    ]
    assert not any(user in body for body in files.values() for user in ("U1", "U2", MOD))


async def test_a_refused_upload_of_an_export_is_said_privately(slack: Slack) -> None:
    await prepare_poll(slack, claims=1)
    slack.api.refuse_next("conversations.open", "missing_scope")
    answer = await slack.command(MOD, "export 1", reply_to="export")
    assert "1-polis.zip" in answer.text
    await slack.api.wait_for(lambda: bool(slack.api.responses.get("export")))
    await slack.app.drain()
    [sorry] = slack.replies("export")
    assert "missing_scope" in sorry and "try again" in sorry
    assert slack.api.uploads == {}


# -- forms, shortcut, App Home ------------------------------------------------------------------


async def test_post_without_a_link_opens_a_form_whose_submission_adds_the_post(
    slack: Slack,
) -> None:
    answer = await slack.command(MOD, "post", reply_to="form")
    assert answer.status == 200 and answer.body == ""
    [opened] = slack.api.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "debate_post" and len(view["blocks"]) <= 100
    submitted = await slack.send(
        slack.sender.view_submission(
            MOD,
            "debate_post",
            {"title": "Kosovo & Serbia", "text": "The EU will act. NATO will withdraw."},
            private_metadata=view["private_metadata"],
        )
    )
    assert submitted.status == 200 and submitted.body == ""  # the form closes
    await slack.app.drain()
    [post] = (await slack.engine.posts(mod_actor())).posts
    assert post.title == "Kosovo & Serbia" and post.text.startswith("The EU will act")
    assert "Added post 1: Kosovo &amp; Serbia" in slack.replies("form")[0]


async def test_a_form_with_bad_input_stays_open_with_the_engines_sentence(slack: Slack) -> None:
    await slack.command(MOD, "post")
    view = slack.api.of("views.open")[0]["view"]
    answer = await slack.send(
        slack.sender.view_submission(
            MOD, "debate_post", {"title": "", "text": "   "}, view["private_metadata"]
        )
    )
    assert answer.body["response_action"] == "errors"
    assert "post's link" in answer.body["errors"]["text"]
    assert (await slack.engine.posts(mod_actor())).posts == []


async def test_members_asking_for_the_form_get_the_refusal_instead(slack: Slack) -> None:
    answer = await slack.command("U1", "post")
    assert answer.text == "Only moderators can add posts."
    assert slack.api.of("views.open") == []


async def test_the_message_shortcut_starts_a_post_from_the_message(slack: Slack) -> None:
    said = "Serbia &amp; Kosovo: the EU will lose patience &lt;soon&gt;. See <https://example.org|this>."
    answer = await slack.send(slack.sender.message_shortcut(MOD, "debate_this_message", said))
    assert answer.status == 200
    [opened] = slack.api.of("views.open")
    initial = opened["view"]["blocks"][1]["element"]["initial_value"]
    assert initial == "Serbia & Kosovo: the EU will lose patience <soon>. See https://example.org."
    refused = await slack.send(
        slack.sender.message_shortcut("U1", "debate_this_message", said, reply_to="no")
    )
    assert refused.status == 200
    await slack.app.drain()
    assert slack.replies("no") == ["Only moderators can add posts."]
    assert len(slack.api.of("views.open")) == 1


async def test_app_home_lists_open_polls_with_the_members_own_votes(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=2)
    await slack.click("U1", "1.1", "disagree", poll, reply_to="v")
    await slack.app.drain()
    answer = await slack.send(slack.sender.home_opened("U1"))
    assert answer.status == 200
    await slack.app.drain()
    [published] = slack.api.of("views.publish")
    assert published["user_id"] == "U1" and published["view"]["type"] == "home"
    shown = texts_of(published["view"])
    assert "Poll on post 1" in shown and "Your vote: *disagree*" in shown
    assert "You have not voted on this yet" in shown  # claim 1.2
    assert len(published["view"]["blocks"]) <= 100

    # voting from App Home counts and redraws the tab
    await slack.send(slack.sender.click("U1", "vote:agree", "1.2", in_home=True))
    await slack.app.drain()
    mine = {v.claim.ref: v.choice for v in (await slack.engine.me(Actor(COMMUNITY, "U1"))).votes}
    assert mine == {"1.1": Choice.DISAGREE, "1.2": Choice.AGREE}
    assert "Your vote: *agree*" in texts_of(slack.api.of("views.publish")[-1]["view"])


# -- what Slack guarantees, and what we promise in return ---------------------------------------


async def test_a_bad_signature_or_an_old_timestamp_gets_401_and_changes_nothing(
    slack: Slack,
) -> None:
    [poll] = await prepare_poll(slack, claims=1)
    calls, responses = len(slack.api.calls), len(slack.api.responses)
    forged = await slack.send(
        slack.sender.click("U1", "vote:agree", "1.1", message=poll), secret="not-the-secret"
    )
    stale = await slack.send(
        slack.sender.click("U1", "vote:agree", "1.1", message=poll),
        timestamp=int(time.time()) - 6 * 60,
    )
    old_command = await slack.send(
        slack.sender.command(MOD, "post Sneaky\nThis post should never arrive."),
        timestamp=int(time.time()) - 301,
    )
    assert (forged.status, stale.status, old_command.status) == (401, 401, 401)
    await slack.app.drain()
    assert (await slack.engine.me(Actor(COMMUNITY, "U1"))).votes == []
    assert len((await slack.engine.posts(mod_actor())).posts) == 1
    assert (len(slack.api.calls), len(slack.api.responses)) == (calls, responses)


async def raw_post(slack: Slack, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with slack.http.post(slack.url, data=body, headers=headers) as answer:
        return answer.status, await answer.text()


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5e9", "9" * 400, "１２３", " 12"])
async def test_a_timestamp_that_is_no_whole_number_is_401_not_a_crash(
    slack: Slack, timestamp: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = slack.sender.command(MOD, "posts").body
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    status, _ = await raw_post(slack, body.encode(), headers)
    assert status == 401
    assert "Traceback" not in caplog.text


async def test_a_flood_of_forged_requests_is_one_short_log_line(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "text=" + "x" * 100_000 + "\nINFO forged log line"
    caplog.set_level("INFO")
    for _ in range(50):
        request = SlackRequest(forged, "application/x-www-form-urlencoded")
        status, _ = await raw_post(slack, forged.encode(), request.headers("not-the-secret"))
        assert status == 401
    assert slack.app.refusals.refused == 50
    lines = [r for r in caplog.records if "Slack endpoint" in r.getMessage()]
    assert len(lines) == 1 and len(lines[0].getMessage()) < 200
    assert "forged log line" not in caplog.text and "xxxxxxxx" not in caplog.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=not-json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),  # a JSON list
        ("[1, 2]", "application/json"),
        ("{not json", "application/json"),
    ],
)
async def test_a_signed_body_slack_would_never_send_is_400(
    slack: Slack, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    request = SlackRequest(body, content_type)
    status, _ = await raw_post(slack, body.encode(), request.headers(SECRET))
    assert status == 400
    assert "Traceback" not in caplog.text


async def test_a_body_that_is_not_utf8_is_400(slack: Slack) -> None:
    raw = b"payload=%7B%7D\xff\xfe"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    status, _ = await raw_post(slack, raw, headers)
    assert status == 400


async def test_a_retried_delivery_counts_once(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=1)
    agree = slack.sender.click("U1", "vote:agree", "1.1", message=poll, reply_to="first")
    disagree = slack.sender.click("U1", "vote:disagree", "1.1", message=poll, reply_to="second")
    assert (await slack.send(agree)).status == 200
    assert (await slack.send(disagree)).status == 200
    retried = await slack.send(agree, retry=1)  # Slack redelivers the first click, late
    assert retried.status == 200
    await slack.app.drain()
    [vote] = (await slack.engine.me(Actor(COMMUNITY, "U1"))).votes
    assert vote.choice is Choice.DISAGREE  # the late retry did not undo the change
    assert len(slack.api.responses["first"]) == 1  # nor was it answered twice

    home = slack.sender.home_opened("U2")
    await slack.send(home)
    await slack.send(home, retry=1)
    await slack.send(home, retry=2)
    await slack.app.drain()
    assert len(slack.api.of("views.publish")) == 1


async def test_a_repeat_reaching_another_process_or_a_restart_acts_once(
    make_slack: SlackFactory,
) -> None:
    """Two apps on one database stand for two processes, or one before and after a restart:
    Slack's repeat of a `post` goes to the other, and is ignored there."""
    first = await make_slack()
    other = await make_slack()
    add = first.sender.command(MOD, "post A post to debate\nSanctions have failed.")
    assert (await first.send(add)).status == 200
    assert (await other.send(add, retry=1)).status == 200
    assert (await other.send(add, retry=2)).status == 200
    await other.app.drain()
    assert [p.ref for p in (await other.engine.posts(mod_actor())).posts] == ["1"]


async def test_a_retry_whose_original_failed_is_handled(make_slack: SlackFactory) -> None:
    slack = await make_slack(fetcher=SlowFetcher(0, fail=True))
    request = slack.sender.command(MOD, "post https://example.org/x")
    assert "went wrong" in (await slack.send(request)).text
    slack.engine.fetcher = SlowFetcher(0)
    assert "Added post 1" in (await slack.send(request, retry=1)).text


async def test_claim_text_with_broadcasts_and_mentions_is_escaped_everywhere(slack: Slack) -> None:
    await slack.command(MOD, "post Loud post &lt;!here&gt;\nThe alliance needs a new strategy.")
    # as Slack sends what a member typed: & < > escaped, mentions and broadcasts as markup
    added = await slack.command(
        MOD, "claim add 1 Tell <!channel> &amp; <@U123> &gt; all <!subteam^S1>"
    )
    [poll] = await prepare_poll_from_existing(slack)
    await slack.click("U1", "1.1", "agree", poll, reply_to="v")
    await slack.send(slack.sender.home_opened("U1"))
    results = await slack.command("U1", "results 1")
    await slack.command(MOD, "close 1")
    await slack.app.drain()

    [claim] = (await slack.engine.claims(mod_actor(), "1")).results.claims
    assert claim.claim.text == "Tell <!channel> & <@U123> > all <!subteam^S1>"
    outgoing = [added.body, results.body, *(c.args for c in slack.api.calls)]
    outgoing += [r for rs in slack.api.responses.values() for r in rs]
    sent = json.dumps(outgoing)
    assert "Tell &lt;!channel&gt; &amp; &lt;@U123&gt; &gt; all &lt;!subteam^S1&gt;" in sent
    for markup in ("<!channel", "<!here", "<!everyone", "<!subteam", "<@"):
        assert markup not in sent
    for message in [*slack.api.of("chat.postMessage"), *slack.api.of("chat.update")]:
        assert message["parse"] == "none" and message["link_names"] is False
        for block in message["blocks"]:
            if block.get("text", {}).get("type") == "mrkdwn":
                assert block["text"]["verbatim"] is True


async def prepare_poll_from_existing(slack: Slack) -> list[dict[str, Any]]:
    await slack.command(MOD, "open 1")
    return await slack.poll_messages()


async def test_a_429_from_the_web_api_is_retried_after_retry_after(slack: Slack) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after=0)
    [poll] = await prepare_poll(slack, claims=1)
    assert len(slack.api.of("chat.postMessage")) == 2  # refused once, then sent
    assert poll["blocks"][0]["block_id"].startswith("poll:1")


async def test_a_500_from_the_web_api_is_tried_again(slack: Slack) -> None:
    slack.api.fail_next("chat.postMessage", status=500)
    [poll] = await prepare_poll(slack, claims=1)
    assert len(slack.api.of("chat.postMessage")) == 2  # failed once, then sent
    assert poll["blocks"][0]["block_id"].startswith("poll:1")


async def test_where_the_bot_may_not_post_the_poll_goes_through_the_response_url(
    slack: Slack,
) -> None:
    await slack.command(MOD, "post A post\nThe alliance needs a new strategy.")
    await slack.command(MOD, "claim add 1 A claim")
    slack.api.refuse_next("chat.postMessage", "not_in_channel")
    await slack.command(MOD, "open 1", reply_to="open")
    await slack.app.drain()
    [posted] = slack.api.responses["open"]
    assert posted["response_type"] == "in_channel" and "Poll on post 1" in texts_of(posted)


# -- serving: HTTP mode and Socket Mode -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_slack_serves_http_with_a_health_check(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    async with FakeSlackApi(admins={MOD}) as api:
        port = free_port()
        config = Config(
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=api.api_url,
            slack_port=port,
            _env_file=None,  # type: ignore[call-arg]
        )
        bot = make_bot(store, ManualClock())
        app = slack_app(bot.engine, config, Monitoring(store, bot.metrics))
        bot.serve("slack", app)
        serving = asyncio.create_task(serve_slack(app, config, host="127.0.0.1"))
        sender = SlackSender(api)
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                        assert health.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
            request = sender.command(MOD, "help")
            async with http.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=request.body,
                headers=request.headers(SECRET),
            ) as answer:
                assert answer.status == 200 and "close" in (await answer.json())["text"]
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
    await store.close()


async def test_socket_mode_when_an_app_token_is_set(tmp_path: Path) -> None:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    bot = make_bot(store, ManualClock())
    engine = bot.engine
    async with FakeSlackApi(admins={MOD}) as api:
        config = Config(
            slack_bot_token="xoxb-test",
            slack_app_token="xapp-test",
            slack_api_url=api.api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = slack_app(engine, config)
        bot.serve("slack", app)
        serving = asyncio.create_task(serve_slack(app, config))
        await api.socket_connected()
        command = dict(
            parse_qsl(
                SlackSender(api)
                .command(MOD, "post A socket post\nThe alliance needs a new strategy.")
                .body
            )
        )
        ack = await api.send_envelope("slash_commands", command)
        assert "Added post 1" in texts_of(ack["payload"])
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
    assert [p.title for p in (await engine.posts(mod_actor())).posts] == ["A socket post"]
    await store.close()


async def test_a_message_longer_than_the_form_becomes_the_post_whole(slack: Slack) -> None:
    """Slack's form holds 3,000 characters: "Debate this message" on a longer message adds the
    whole message as the post instead of cutting it."""
    long_post = "A long read\n\n" + "\n\n".join(
        f"Paragraph {n}: the alliance needs a new strategy for the east." for n in range(80)
    )
    assert len(long_post) > 3000
    shortcut = slack.sender.message_shortcut(MOD, "debate_this_message", long_post, reply_to="long")
    assert (await slack.send(shortcut)).status == 200
    await slack.app.drain()
    assert slack.api.of("views.open") == []
    assert "Added post 1: A long read" in slack.replies("long")[0]
    [post] = (await slack.engine.posts(mod_actor())).posts
    assert len(post.text) > 3000


# -- health and metrics on Slack's port --------------------------------------------------------


async def test_healthz_is_503_while_the_database_is_gone_and_200_once_it_is_back(
    slack: Slack, tmp_path: Path
) -> None:
    async with slack.http.get(slack.beside("/healthz")) as health:
        assert health.status == 200
        assert await health.json() == {"ok": True, "database": "ok"}
    database = tmp_path / "s.db"
    database.rename(tmp_path / "s.moved")
    async with slack.http.get(slack.beside("/healthz")) as health:
        assert health.status == 503
        said = await health.json()
    assert said["ok"] is False and "gone" in said["database"]
    assert str(tmp_path) not in said["database"]  # no path, host or secret on a public port
    (tmp_path / "s.moved").rename(database)
    async with slack.http.get(slack.beside("/healthz")) as health:
        assert health.status == 200


async def test_metrics_count_signed_vote_clicks_commands_and_requests(slack: Slack) -> None:
    [poll] = await prepare_poll(slack, claims=1)  # post, claim add, open: three commands
    before = await scrape(slack.http, slack.beside("/metrics"))
    assert sample(before, "debate_bot_votes_counted_total", platform="slack") == 0
    done = {"platform": "slack", "outcome": "ok"}
    assert sample(before, "debate_bot_commands_total", command="claim add", **done) == 1
    answered = sample(before, "debate_bot_slack_request_seconds_count", status="200")
    assert answered >= 3

    assert (await slack.click("U1", "1.1", "agree", poll, reply_to="r")).status == 200
    assert (await slack.click("U2", "1.1", "pass", poll, reply_to="s")).status == 200
    await slack.command("U1", "close 1")  # for moderators only
    await slack.command("U1", "frobnicate 1")  # no such command
    forged = slack.sender.click("U1", "vote:agree", "1.1", message=poll, reply_to="t")
    assert (await slack.send(forged, secret="not the signing secret")).status == 401

    after = await scrape(slack.http, slack.beside("/metrics"))
    assert sample(after, "debate_bot_votes_counted_total", platform="slack") == 2
    assert sample(after, "debate_bot_votes_counted_total", platform="discord") == 0
    assert sample(after, "debate_bot_vote_commit_seconds_count") == 2
    assert sample(after, "debate_bot_vote_commit_seconds_bucket", le="+Inf") == 2
    refused = {"platform": "slack", "outcome": "refused"}
    assert sample(after, "debate_bot_commands_total", command="close", **refused) == 1
    assert sample(after, "debate_bot_commands_total", command="unknown", **refused) == 1
    assert sample(after, "debate_bot_slack_request_seconds_count", status="200") == answered + 4
    assert sample(after, "debate_bot_slack_request_seconds_count", status="401") == 1
    assert sample(after, "debate_bot_slack_acked_before_commit_total") == 0
    assert sample(after, "process_resident_memory_bytes") > 0  # the process itself, too


async def test_a_command_that_fails_is_counted_and_its_error_too(make_slack: SlackFactory) -> None:
    slack = await make_slack(fetcher=SlowFetcher(0, fail=True))
    assert slack.bot.metrics is not None
    with slack.bot.metrics.errors_logged():
        answer = await slack.command(MOD, "post https://example.org/a-post")
    assert answer.status == 200
    metrics = await scrape(slack.http, slack.beside("/metrics"))
    failed = {"platform": "slack", "outcome": "failed"}
    assert sample(metrics, "debate_bot_commands_total", command="post", **failed) == 1
    assert sample(metrics, "debate_bot_errors_total", logger="adapters.slack") == 1
