"""The Discord adapter end to end: real discord.py against a local fake of Discord.

Each test starts its own fake (127.0.0.1, port 0) and the real `DebateClient` on a SQLite file,
then acts as members would: slash commands, autocomplete, buttons, a modal, a context menu.
Assertions read what Discord would have received.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import itertools
import json
import socket
import sqlite3
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from aiohttp import web
from pydantic import SecretStr

from adapters.bootstrap import Bot
from adapters.config import Config, ConfigError, load
from adapters.discord import DebateClient, discord_client, serve
from adapters.discord.app import point_at
from adapters.discord.interaction import SORRY
from adapters.fetch import WebFetcher
from adapters.monitoring import Monitoring
from bot import polis
from bot.ballot_box import NotSaved
from bot.domain import Actor, Choice, ClaimKind, DigestStatus, DraftClaim
from bot.engine import Engine
from fakes.discord_fake import (
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    MODAL,
    Call,
    FakeDiscord,
    Member,
    Reply,
    Upload,
)
from storage.store import SqlStore
from tests.support import ManualClock, make_bot, sample, scrape

QUICK = 0.05  # the poll-message edit interval in tests


def paragraphs(text: str) -> list[DraftClaim]:
    """Stand-in claim extraction: every paragraph that is a sentence is a draft."""
    drafts, at = [], 0
    for block in text.split("\n\n"):
        block = block.strip()
        if not block.endswith("."):
            continue
        at = text.index(block, at)
        kind = ClaimKind.PREDICTION if " will " in block else ClaimKind.CLAIM
        drafts.append(DraftClaim(block, block, kind, 1.0, at, at + len(block)))
    return drafts


POST = """Why NATO still matters

NATO has kept the peace in Europe for seventy years.

Russia will test the alliance in the Baltics within a year.

Medvedev is a more reasonable partner than Putin."""


@pytest.fixture
def endpoints() -> Iterator[None]:
    """discord.py keeps its REST and gateway addresses on classes; put them back afterwards."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE = saved[0]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved[1]


@pytest.fixture
async def fake(endpoints: None) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        point_at(server.api_base, server.gateway_url)
        yield server


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqlStore]:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    yield store
    await store.close()


@pytest.fixture
def composition(db: SqlStore, clock: ManualClock) -> Bot:
    """The bot as the bootstrap builds it, its background work every 50 ms once running."""
    return make_bot(db, clock, extract=paragraphs, polls_every=0.05, digests_every=0.05)


@pytest.fixture
def engine(composition: Bot) -> Engine:
    return composition.engine


@asynccontextmanager
async def running(composition: Bot, fake: FakeDiscord, **knobs: Any) -> AsyncIterator[DebateClient]:
    """The real client, connected to the fake and serving Discord communities for the bot,
    until the block ends."""
    knobs = {"tally_interval": QUICK, **knobs}
    client = DebateClient(composition.engine, guild_ready_timeout=0.01, **knobs)
    composition.serve("discord", client)
    sessions = fake.sessions
    task = asyncio.create_task(client.start(fake.token))
    try:
        await fake.wait_connected(sessions + 1)
        yield client
    finally:
        await client.close()
        await task


@pytest.fixture
async def bot(composition: Bot, fake: FakeDiscord) -> AsyncIterator[DebateClient]:
    async with running(composition, fake) as client:
        yield client


@pytest.fixture
def mod(fake: FakeDiscord) -> Member:
    return fake.moderator("mod")


async def add_post(fake: FakeDiscord, mod: Member, text: str = POST) -> Reply:
    """A moderator brings in a post through the `/debate-mod post` form."""
    form = await fake.command(mod, "debate-mod post")
    assert (await form.response())["type"] == MODAL
    title, _, body = text.partition("\n")
    submitted = await fake.submit(mod, form, {"Title": title, "Text": body.strip()})
    return await submitted.reply()


async def open_poll(fake: FakeDiscord, mod: Member, post: str = "1", **options: Any) -> Reply:
    return await (await fake.command(mod, "debate-mod open", post=post, **options)).reply()


def move_away(folder: Path, pattern: str) -> None:
    for file in folder.glob(pattern):
        file.rename(file.with_suffix(".gone"))


def vote_button(message: Reply, ref: str, choice: str) -> str:
    custom_id = f"debate:vote:{ref}:{choice}"
    assert custom_id in message.custom_ids
    return custom_id


# -- the commands Discord shows -------------------------------------------------------------------


async def test_commands_sync_with_the_schema_discord_expects(
    fake: FakeDiscord, bot: DebateClient
) -> None:
    [sync] = fake.calls_to("PUT", rf"/applications/{fake.app_id}/commands")
    assert sync.status == 200  # the fake checks names, descriptions, option order and counts
    commands = fake.synced()
    assert set(commands) == {"debate", "debate-mod", "Debate this post"}

    def leaves(node: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
        found = {}
        for option in node.get("options", []):
            if option["type"] == 1:
                found[prefix + option["name"]] = option
            elif option["type"] == 2:
                found.update(leaves(option, prefix + option["name"] + " "))
        return found

    member_side, mod_side = leaves(commands["debate"]), leaves(commands["debate-mod"])
    assert {"claims", "vote", "propose", "results", "me", "forget-me", "help"} <= set(member_side)
    assert {
        "post",
        "claim add",
        "claim edit",
        "claim remove",
        "claim kind",
        "open",
        "close",
        "queue",
        "approve",
        "reject",
        "settings show",
        "export",
        "audit",
    } <= set(mod_side)
    # Discord hides the moderator commands from members, and none of them works in a DM
    assert commands["debate"]["default_member_permissions"] is None
    manage_guild = str(discord.Permissions(manage_guild=True).value)
    assert commands["debate-mod"]["default_member_permissions"] == manage_guild
    assert commands["Debate this post"]["default_member_permissions"] == manage_guild
    assert commands["Debate this post"]["type"] == 3
    assert all(c.get("dm_permission") is False for c in commands.values())

    vote = {o["name"]: o for o in member_side["vote"]["options"]}
    assert [c["value"] for c in vote["choice"]["choices"]] == ["agree", "disagree", "pass"]
    assert vote["claim"]["autocomplete"] is True
    for leaf in [*member_side.values(), *mod_side.values()]:
        for option in leaf.get("options", []):
            if option["name"] in ("post", "claim"):
                assert option.get("autocomplete") is True, (leaf["name"], option["name"])


async def test_listed_servers_get_their_commands_at_once(
    composition: Bot, fake: FakeDiscord
) -> None:
    mod = fake.moderator()
    async with running(composition, fake, guild_ids=[fake.guild_id]):
        assert not fake.calls_to("PUT", rf"/applications/{fake.app_id}/commands")
        assert "debate-mod" in fake.synced(fake.guild_id)
        # interactions now name the server's own command, and still reach the engine
        reply = await add_post(fake, mod)
        assert "Post 1" in reply.text
        help_ = await (await fake.command(mod, "debate help")).reply()
        assert "/debate-mod open" in help_.text


# -- a whole debate -------------------------------------------------------------------------------


async def test_a_whole_debate_from_post_to_results(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    added = await add_post(fake, mod)
    assert added.ephemeral
    assert "Why NATO still matters" in added.text and "3 draft claims" in added.text
    assert "Extractor: offline" in added.text  # which extractor proposed them

    extra = await fake.command(mod, "debate-mod claim add", post="1", text="NATO should expand")
    assert "1.4" in (await extra.reply()).text
    choices = await fake.autocomplete(mod, "debate-mod claim edit", "claim", claim="1.")
    assert [c["value"] for c in choices] == ["1.1", "1.2", "1.3", "1.4"]
    assert len(choices[0]["name"]) <= 100

    opened = await open_poll(fake, mod, duration="3d")
    assert opened.ephemeral and "Opened" in opened.text
    [poll] = fake.channel_messages()
    assert not poll.ephemeral
    assert "NATO has kept the peace" in poll.text and "0 members voted" in poll.text
    assert len(poll.custom_ids) == 4 * 3

    ann, bob, cat = fake.member("ann"), fake.member("bob"), fake.member("cat")
    members = await fake.autocomplete(ann, "debate vote", "claim", claim="")
    assert [c["value"] for c in members] == ["1.1", "1.2", "1.3", "1.4"]

    clicks = [
        (ann, "1.1", "agree"),
        (bob, "1.1", "disagree"),
        (cat, "1.1", "agree"),
        (cat, "1.2", "pass"),
    ]
    exchanges = [await fake.click(who, poll, vote_button(poll, ref, c)) for who, ref, c in clicks]
    receipts = [await e.reply() for e in exchanges]
    assert all(r.ephemeral for r in receipts)
    assert "counted: agree" in receipts[0].text
    assert "2 agree · 1 disagree · 0 pass" in receipts[2].text  # after-vote: the voter sees

    await fake.until(lambda: "3 members voted" in fake.channel_messages()[0].text)
    assert "agree ·" not in fake.channel_messages()[0].text  # after-vote: the channel does not

    changed = await fake.click(bob, poll, vote_button(poll, "1.1", "agree"))
    assert "changed from disagree to agree" in (await changed.reply()).text
    typed = await fake.command(ann, "debate vote", claim="1.2", choice="disagree")
    assert "counted: disagree" in (await typed.reply()).text

    results = await fake.command(cat, "debate results", post="1")
    assert (await results.response())["type"] == DEFERRED_CHANNEL_MESSAGE
    shown = await results.reply()
    assert shown.ephemeral
    assert "3 agree · 0 disagree · 0 pass" in shown.text  # cat voted on 1.1
    assert "Tallies show once you vote" in shown.text  # and not on 1.3

    mine = await (await fake.command(ann, "debate me")).reply()
    assert "1.1" in mine.text and "1.2" in mine.text

    closed = await (await fake.command(mod, "debate-mod close", post="1")).reply()
    assert closed.ephemeral
    *_, announced, analysis = fake.channel_messages()
    assert not announced.ephemeral
    assert "Poll closed" in announced.text and "3 agree · 0 disagree · 0 pass" in announced.text
    assert "No opinion groups yet: they need at least 12 members" in analysis.text
    await fake.until(lambda: fake.channel_messages()[0].custom_ids == [])
    assert "The poll is closed" in fake.channel_messages()[0].text

    late = await fake.command(ann, "debate vote", claim="1.3", choice="agree")
    assert "closed" in (await late.reply()).text


async def test_vote_buttons_keep_working_after_a_restart(
    composition: Bot, engine: Engine, fake: FakeDiscord, mod: Member
) -> None:
    async with running(composition, fake):
        await add_post(fake, mod)
        await open_poll(fake, mod)
    [poll] = fake.channel_messages()

    config = Config(
        discord_token=SecretStr(fake.token),
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
    )
    client = discord_client(engine, config, tally_interval=QUICK, guild_ready_timeout=0.01)
    again = asyncio.create_task(serve(client, config))
    try:
        await fake.wait_connected(sessions=2)
        ann, bob = fake.member("ann"), fake.member("bob")
        first = await fake.click(ann, poll, vote_button(poll, "1.2", "agree"))
        assert "counted: agree" in (await first.reply()).text
        second = await fake.click(bob, poll, vote_button(poll, "1.3", "disagree"))
        assert "counted: disagree" in (await second.reply()).text
        await fake.until(lambda: "2 members voted" in fake.channel_messages()[0].text)
        [edit, *_] = fake.calls_to("PATCH", rf"/channels/{fake.channel_id}/messages/{poll.id}")
        assert edit.json["components"]  # the buttons stay on the message
    finally:
        again.cancel()
        with pytest.raises(asyncio.CancelledError):
            await again
    results = await engine.results(
        Actor(f"discord:{fake.guild_id}", "x", platform_moderator=True), "1"
    )
    assert [r.tally.total for r in results.claims] == [0, 1, 1]


async def test_results_show_opinion_groups_with_their_charts(
    engine: Engine, bot: DebateClient, fake: FakeDiscord, mod: Member
) -> None:
    """Sixteen members in two camps: the results embed carries the stance chart, the analysis
    embed the opinion map; a member's `me` tells them their own group, and no name shows."""
    await add_post(fake, mod)
    community = f"discord:{fake.guild_id}"
    boss = Actor(community, "boss", platform_moderator=True)
    for n in range(4, 11):
        await engine.add_claim(boss, "1", f"A further claim about the alliance, number {n}")
    await open_poll(fake, mod)
    members = [fake.member(f"member{m}") for m in range(16)]
    for m, someone in enumerate(members):
        for n in range(1, 11):
            split = n > 2 and (n + m) % 2 == 0  # even and odd members split on 3 to 10
            choice = Choice.DISAGREE if split else Choice.AGREE
            await engine.cast_vote(Actor(community, str(someone.id)), f"1.{n}", choice)

    shown = await (await fake.command(members[0], "debate results", post="1")).reply(within=30)
    assert shown.ephemeral and "Results · Post 1" in shown.text

    def uploads() -> list[Call]:
        return [c for c in fake.calls if c.multipart and "/webhooks/" in c.path]

    await fake.until(lambda: len(uploads()) >= 2, within=30)
    sent = uploads()
    files = [(name, png) for call in sent for name, png in call.files]
    assert [name for name, _ in files] == ["claims.png", "opinion-map.png"]
    assert all(png.startswith(b"\x89PNG") for _, png in files)
    embeds = [e for call in sent for e in call.json["embeds"]]
    images = [e.get("image", {}).get("url") for e in embeds]
    assert images == ["attachment://claims.png", "attachment://opinion-map.png"]
    analysis = "\n".join(f"{e.get('title', '')}\n{e.get('description', '')}" for e in embeds)
    assert "Opinion groups: A (8 members), B (8 members)" in analysis
    assert "Every group agrees" in analysis and "Where the groups split" in analysis
    assert not any(someone.name in analysis or str(someone.id) in analysis for someone in members)

    mine = await (await fake.command(members[3], "debate me")).reply(within=30)
    assert mine.ephemeral and "Your opinion groups" in mine.text
    assert "Post 1: group " in mine.text and "(8 members)" in mine.text


# -- moderators only ------------------------------------------------------------------------------


SAMPLES: dict[str, Any] = {
    "post": "1",
    "claim": "1.1",
    "text": "Another claim",
    "kind": "prediction",
    "duration": "3d",
    "link": "https://example.org/post",
    "file": Upload("post.txt", b"A title\n\nThe alliance needs a new strategy."),
    "title": "A title",
    "reason": "a duplicate",
    "when": "live",
    "on": True,
    "count": 5,
    "date": "2030-01-31",
    "outcome": "true",
    "weekday": "Monday",
    "at": "09:00",
    "zone": "Europe/Berlin",
    "weeks": "skip",
}


def mod_leaves(fake: FakeDiscord) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every `/debate-mod` subcommand as synced, with its options."""
    found = []

    def walk(node: dict[str, Any], words: str) -> None:
        for option in node.get("options", []):
            if option["type"] == 2:
                walk(option, f"{words} {option['name']}")
            elif option["type"] == 1:
                found.append((f"{words} {option['name']}", option.get("options", [])))

    walk(fake.synced()["debate-mod"], "debate-mod")
    return found


async def test_every_moderator_subcommand_refuses_a_member(
    engine: Engine, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod)
    proposal = await fake.command(fake.member("eve"), "debate propose", post="1", text="Maybe not")
    assert "waits for a moderator" in (await proposal.reply()).text
    shared = fake.user_message(fake.member("ann"), "A post worth debating")
    before = fake.channel_messages()
    samples = {
        **SAMPLES,
        "role": await fake.add_role("Debaters"),
        "member": fake.member("zed"),
        "channel": fake.channel_id,
    }
    ann = fake.member("ann")

    leaves = mod_leaves(fake)
    assert len(leaves) >= 15
    for line, options in leaves:
        required = {o["name"]: samples[o["name"]] for o in options if o.get("required")}
        every = {o["name"]: samples[o["name"]] for o in options}
        if line.split()[-1] in ("approve", "reject"):
            required["claim"] = every["claim"] = "1.4"  # the waiting proposal
        for chosen in (required, every):
            exchange = await fake.command(ann, line, **chosen)
            answer = await exchange.reply()
            assert answer.ephemeral, line
            assert "moderator" in answer.text.lower(), (line, answer.text)
    menu = await fake.message_command(ann, "Debate this post", shared)
    assert "moderator" in (await menu.reply()).text.lower()

    assert fake.channel_messages() == before
    as_mod = Actor(f"discord:{fake.guild_id}", str(mod.id), platform_moderator=True)
    assert [e.action for e in (await engine.audit(as_mod)).entries] == ["post.add"]
    assert len((await engine.posts(as_mod)).posts) == 1
    assert [c.ref for c in (await engine.queue(as_mod)).claims] == ["1.4"]


async def test_the_configured_role_makes_a_moderator(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    role = await fake.add_role("Debate moderators")
    saved = await fake.command(mod, "debate-mod settings moderator-role", role=role)
    assert "Settings saved" in (await saved.reply()).text
    ann = fake.member("ann", roles=[role])
    queue = await fake.command(ann, "debate-mod queue")
    assert "No proposals are waiting" in (await queue.reply()).text
    bob = fake.member("bob")
    assert "moderator" in (await (await fake.command(bob, "debate-mod queue")).reply()).text


# -- no pings, ever -------------------------------------------------------------------------------


async def test_a_claim_cannot_ping_anyone(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    role = await fake.add_role("Everyone important")
    ann = fake.member("ann")
    ping = f"@everyone @here <@&{role}> <@{ann.id}> says NATO is obsolete"
    await add_post(fake, mod)
    await (await fake.command(mod, "debate-mod claim add", post="1", text=ping)).reply()
    await open_poll(fake, mod)
    poll = fake.channel_messages()[0]
    receipt = await fake.click(ann, poll, vote_button(poll, "1.4", "agree"))
    await receipt.reply()
    proposal = await fake.command(ann, "debate propose", post="1", text=f"{ping}, again")
    await proposal.reply()
    await (await fake.command(ann, "debate claims", post="1")).reply()
    await (await fake.command(mod, "debate-mod queue")).reply()
    await (await fake.command(mod, "debate-mod close", post="1")).reply()
    await fake.until(lambda: fake.channel_messages()[0].custom_ids == [])

    sent = [c for c in fake.calls if c.sends_message()]
    assert len(sent) >= 10
    for call in sent:
        body = call.json.get("data", call.json) if call.path.endswith("/callback") else call.json
        assert body.get("allowed_mentions") == {"parse": []}, call.path
    assert any(ping in Reply(m.json).text for m in sent if m.path.endswith("/messages"))


# -- Discord's limits and rate limits -------------------------------------------------------------


async def test_a_429_is_retried_after_retry_after(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod)
    fake.fail("POST", rf"/channels/{fake.channel_id}/messages", retry_after=0.3)
    opened = await open_poll(fake, mod)
    assert "Opened" in opened.text
    refused, accepted = fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages")
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 0.3
    assert len(fake.channel_messages()) == 1


async def test_a_dropped_gateway_is_reconnected_and_clicks_still_count(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod)
    await open_poll(fake, mod)
    [poll] = fake.channel_messages()
    await fake.drop_gateway()
    await fake.wait_connected(sessions=2, within=30)  # discord.py connects again by itself
    click = await fake.click(fake.member("ann"), poll, vote_button(poll, "1.1", "agree"))
    assert "counted: agree" in (await click.reply()).text


async def test_a_502_is_tried_again(fake: FakeDiscord, bot: DebateClient, mod: Member) -> None:
    await add_post(fake, mod)
    fake.fail("POST", rf"/channels/{fake.channel_id}/messages", status=502)
    opened = await open_poll(fake, mod)
    assert "Opened" in opened.text
    failed, sent = fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages")
    assert (failed.status, sent.status) == (502, 200)
    assert len(fake.channel_messages()) == 1


async def test_a_burst_of_clicks_costs_a_few_edits(
    composition: Bot, fake: FakeDiscord, mod: Member
) -> None:
    async with running(composition, fake, tally_interval=0.4):
        await add_post(fake, mod)
        await open_poll(fake, mod)
        [poll] = fake.channel_messages()
        voters = [fake.member(f"m{i}") for i in range(30)]
        clicks = [await fake.click(m, poll, vote_button(poll, "1.1", "agree")) for m in voters]
        for click in clicks:
            await click.reply()
        await fake.until(lambda: "30 members voted" in fake.channel_messages()[0].text, 3)
        edits = fake.calls_to("PATCH", rf"/channels/{fake.channel_id}/messages/{poll.id}")
        assert 1 <= len(edits) <= 3
        assert all(b.at - a.at >= 0.39 for a, b in itertools.pairwise(edits))


async def test_long_polls_split_within_discord_limits(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod, "A long one\n\nFirst claim.")
    for i in range(23):
        text = f"Claim {i} " + "with **markdown** and a [link](https://x.test) " * 10
        await (await fake.command(mod, "debate-mod claim add", post="1", text=text[:280])).reply()
    await open_poll(fake, mod)
    polls = fake.channel_messages()
    assert [len(p.custom_ids) // 3 for p in polls] == [5, 5, 5, 5, 4]
    for poll in polls:
        rows = poll.raw["components"]
        assert len(rows) <= 5 and all(len(r["components"]) == 3 for r in rows)
    assert all(c.status == 200 for c in fake.calls)  # the fake refuses anything over a limit
    assert "\\*\\*markdown\\*\\*" in polls[0].text  # members' markdown shows as typed

    results = await fake.command(mod, "debate results", post="1")
    pages = await results.messages(2)  # too long for one message's 6000 embed characters
    assert all(page.ephemeral for page in pages)
    assert sum(len(page.embeds[0]["fields"]) for page in pages) == 24


# -- slow work, links and messages ----------------------------------------------------------------


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async def article(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)  # a slow site: the bot must acknowledge before this is done
        html = (
            "<html><head><title>Kosovo and the new détente</title></head><body><article>"
            "<h1>Kosovo and the new détente</h1>"
            + "<p>NATO and Russia are close to a deal on Afghanistan, after years of talks.</p>" * 5
            + "</article></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/post", article)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/post"
    await runner.cleanup()


async def test_a_post_from_a_link_is_deferred_then_completed(
    db: SqlStore, clock: ManualClock, fake: FakeDiscord, mod: Member, site: str
) -> None:
    composition = make_bot(db, clock, fetcher=WebFetcher(allow_private=True))
    async with running(composition, fake):
        started = time.perf_counter()
        exchange = await fake.command(mod, "debate-mod post", link=site)
        callback = await exchange.response()
        assert callback["type"] == DEFERRED_CHANNEL_MESSAGE
        assert callback["data"]["flags"] & EPHEMERAL
        assert exchange.latency is not None and exchange.latency < 0.3
        added = await exchange.reply()
        assert time.perf_counter() - started >= 0.3
        assert added.ephemeral and "Kosovo and the new détente" in added.text

        shared = fake.user_message(fake.member("ann"), site)
        menu = await fake.message_command(mod, "Debate this post", shared)
        assert "Post 2: Kosovo" in (await menu.reply()).text


async def test_debate_this_post_from_a_message(
    engine: Engine, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    shared = fake.user_message(fake.member("ann"), POST)
    menu = await fake.message_command(mod, "Debate this post", shared)
    assert (await menu.response())["type"] == DEFERRED_CHANNEL_MESSAGE
    added = await menu.reply()
    assert "Post 1: Why NATO still matters" in added.text and "3 draft claims" in added.text


# -- forecasts and the weekly digest --------------------------------------------------------------


async def test_forecasts_and_the_weekly_digest(
    composition: Bot, clock: ManualClock, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod)  # 1.2 reads as a forecast
    opened = await open_poll(fake, mod)
    assert "Forecasts without a resolve date: 1.2" in opened.text
    marked = await fake.command(mod, "debate-mod predict", claim="1.2", date="2026-06-01")
    assert "due 2026-06-01" in (await marked.reply()).text
    [poll] = fake.channel_messages()
    voters = [fake.member(name) for name in ("ann", "bob", "cat", "dan")]
    for voter, choice in zip(voters, ["agree", "disagree", "agree", "disagree"], strict=True):
        await (await fake.click(voter, poll, vote_button(poll, "1.1", choice))).reply()
    await (await fake.click(voters[0], poll, vote_button(poll, "1.2", "agree"))).reply()

    clock.advance(minutes=1)  # the week so far ends now, after the votes
    posted = await (await fake.command(mod, "debate-mod digest now")).reply()
    assert posted.ephemeral
    digest = fake.channel_messages()[-1]
    assert "Weekly digest" in digest.text and "Where it splits" in digest.text
    [upload] = [c for c in fake.calls if c.multipart and c.path.endswith("/messages")]
    [(name, png)] = upload.files
    assert name == "chart.png" and png.startswith(b"\x89PNG")
    assert digest.embeds[0]["image"]["url"] == "attachment://chart.png"

    zones = await fake.autocomplete(mod, "debate-mod digest schedule", "zone", zone="berl")
    assert "Europe/Berlin" in [z["value"] for z in zones]
    where = await fake.command(mod, "debate-mod digest channel", channel=fake.channel_id)
    assert f"<#{fake.channel_id}>" in (await where.reply()).text
    when = await fake.command(
        mod, "debate-mod digest schedule", weekday="Monday", at="09:30", zone="UTC"
    )
    assert "Monday 09:30 UTC" in (await when.reply()).text

    clock.advance(days=7, hours=1)  # the weekly sender delivers through the client
    [sent] = await composition.digests.tick()
    assert sent.status is DigestStatus.SENT
    assert "Weekly digest" in fake.channel_messages()[-1].text

    clock.advance(days=100)
    resolved = await fake.command(mod, "debate-mod resolve", claim="1.2", outcome="true")
    said = await resolved.reply()
    assert not said.ephemeral and "resolved true" in said.text
    mine = await (await fake.command(voters[0], "debate me")).reply()
    assert "Brier score 0.00" in mine.text


# -- a post in Polis's format --------------------------------------------------------------------


async def test_a_moderator_gets_a_post_in_polis_format_as_one_private_zip(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    await add_post(fake, mod)
    await open_poll(fake, mod)
    [poll] = fake.channel_messages()
    ann, bob = fake.member("ann"), fake.member("bob")
    for who, choice in ((ann, "agree"), (bob, "disagree")):
        await (await fake.click(who, poll, vote_button(poll, "1.1", choice))).reply()

    exported = await (await fake.command(mod, "debate-mod export", post="1")).reply()
    assert exported.ephemeral and "1-polis.zip" in exported.text
    assert [a["filename"] for a in exported.raw["attachments"]] == ["1-polis.zip"]
    [upload] = [c for c in fake.calls if c.multipart and c.path.startswith("/webhooks/")]
    [(name, data)] = upload.files
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert name == "1-polis.zip" and sorted(archive.namelist()) == sorted(polis.FILES)
    files = {n: archive.read(n).decode() for n in archive.namelist()}
    votes = list(csv.DictReader(io.StringIO(files[polis.VOTES])))
    assert sorted((v["comment-id"], v["voter-id"], v["vote"]) for v in votes) == [
        ("0", "0", "1"),
        ("0", "1", "-1"),
    ]
    for member_id in (ann.id, bob.id, mod.id):  # members are numbers, never Discord ids
        assert not any(str(member_id) in body for body in files.values())
    assert [m.id for m in fake.channel_messages()] == [poll.id]  # nothing new in the channel


# -- refusals and failures ------------------------------------------------------------------------


async def test_refusals_and_failures_reach_the_member_privately(
    db: SqlStore, tmp_path: Path, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    ann = fake.member("ann")
    unknown = await (await fake.command(ann, "debate vote", claim="9.9", choice="agree")).reply()
    assert unknown.ephemeral and "9.9" in unknown.text

    await add_post(fake, mod)
    not_a_duration = await open_poll(fake, mod, duration="soon")
    assert not_a_duration.ephemeral and "duration" in not_a_duration.text
    await open_poll(fake, mod)
    poll = fake.channel_messages()[0]
    again = await open_poll(fake, mod)
    assert again.ephemeral and "already open" in again.text

    await db.close()  # the database goes away under the bot
    await asyncio.to_thread(move_away, tmp_path, "d.db*")
    broken = await (await fake.click(ann, poll, vote_button(poll, "1.1", "agree"))).reply()
    assert broken.ephemeral and broken.text == NotSaved().message  # one sentence, no trace
    broken = await (await fake.command(ann, "debate results", post="1")).reply()
    assert broken.ephemeral and broken.text == SORRY


def hold_write_lock(database: Path, seconds: float) -> None:
    """Another process's long write: the bot's votes wait for SQLite's lock meanwhile."""
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        other.execute("ROLLBACK")


async def test_a_slow_vote_is_acknowledged_in_time_and_answered_later(
    composition: Bot, tmp_path: Path, fake: FakeDiscord, mod: Member
) -> None:
    async with running(composition, fake, answer_within=0.2):
        await add_post(fake, mod)
        await open_poll(fake, mod)
        [poll] = fake.channel_messages()
        busy = asyncio.create_task(asyncio.to_thread(hold_write_lock, tmp_path / "d.db", 0.8))
        await asyncio.sleep(0.1)
        click = await fake.click(fake.member("ann"), poll, vote_button(poll, "1.1", "agree"))
        callback = await click.response()
        assert callback["type"] == DEFERRED_CHANNEL_MESSAGE
        assert click.latency is not None and click.latency < 0.6
        answer = await click.reply()
        assert answer.ephemeral and "counted: agree" in answer.text
        await busy


async def test_a_poll_closing_on_time_is_announced_where_it_opened(
    composition: Bot, clock: ManualClock, fake: FakeDiscord, mod: Member
) -> None:
    async with running(composition, fake), composition.background():
        await add_post(fake, mod)
        await open_poll(fake, mod, duration="1h")
        clock.advance(hours=2)
        await fake.until(lambda: len(fake.channel_messages()) == 2)
        announced = fake.channel_messages()[1]
        assert "closed on time" in announced.text
        await fake.until(lambda: fake.channel_messages()[0].custom_ids == [])


async def test_a_poll_closing_on_time_after_a_restart_is_still_announced_where_it_opened(
    composition: Bot, clock: ManualClock, fake: FakeDiscord, mod: Member
) -> None:
    async with running(composition, fake):
        await add_post(fake, mod)
        await open_poll(fake, mod, duration="1h")
    [poll] = fake.channel_messages()
    clock.advance(hours=2)
    # a new process knows no channels
    async with running(composition, fake), composition.background():
        await fake.until(lambda: len(fake.channel_messages()) == 2)
        announced = fake.channel_messages()[1]
        assert "closed on time" in announced.text
        # The poll message still shows its buttons: a click on it is refused and redraws it.
        late = await fake.click(fake.member("ann"), poll, vote_button(poll, "1.1", "agree"))
        assert "closed" in (await late.reply()).text
        await fake.until(lambda: fake.channel_messages()[0].custom_ids == [])


async def test_help_shows_moderators_their_commands_only(
    fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    member_help = await (await fake.command(fake.member("ann"), "debate help")).reply()
    assert "/debate vote" in member_help.text and "/debate-mod" not in member_help.text
    mod_help = await (await fake.command(mod, "debate help")).reply()
    assert "/debate-mod claim add" in mod_help.text and "Debate this post" in mod_help.text


async def test_bad_settings_stop_the_bot_with_one_line(engine: Engine, fake: FakeDiscord) -> None:
    with pytest.raises(ConfigError, match="DISCORD_GUILD_IDS"):
        discord_client(engine, Config(discord_token=SecretStr("t"), discord_guild_ids="1,x"))
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        discord_client(engine, Config(discord_token=SecretStr(" ")))


@pytest.mark.parametrize(
    ("count", "ids", "why"),
    [
        ("", "0", "DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT"),
        ("2", "2", "DISCORD_SHARD_IDS: must be shard numbers from 0 to 1"),
        ("2", "x", "DISCORD_SHARD_IDS: must be shard numbers from 0 to 1"),
        ("0", "", "DISCORD_SHARD_COUNT: must be a number of shards from 1 up"),
    ],
)
def test_shard_settings_are_checked_in_one_line(
    count: str, ids: str, why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_SHARD_COUNT", count)
    monkeypatch.setenv("DISCORD_SHARD_IDS", ids)
    if not count:
        monkeypatch.delenv("DISCORD_SHARD_COUNT")
    with pytest.raises(ConfigError) as refused:
        load()
    assert str(refused.value).startswith(why) and "\n" not in str(refused.value)


async def test_a_sharded_process_serves_its_own_shards(engine: Engine, fake: FakeDiscord) -> None:
    """One of two processes: shard 1 of 2 (the other runs with DISCORD_SHARD_IDS=0)."""
    config = Config(discord_token=SecretStr("t"), discord_shard_count=2, discord_shard_ids="1")
    client = discord_client(engine, config)
    assert (client.shard_ids, client.shard_count) == ([1], 2)
    alone = discord_client(engine, Config(discord_token=SecretStr("t")))
    assert (alone.shard_ids, alone.shard_count) == (None, None)  # as many as Discord advises


# -- posts longer than the form -------------------------------------------------------------------


async def test_a_post_longer_than_the_form_comes_as_a_text_file(
    engine: Engine, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    """The form takes 4,000 characters and says so; a text file attached to the command takes
    a whole post, and anything but UTF-8 text is refused in one sentence."""
    form = await fake.command(mod, "debate-mod post")
    modal = (await form.response())["data"]
    described = json.dumps(modal)
    assert "4,000" in described and '"max_length": 4000' in described
    long_post = "A long read\n\n" + "\n\n".join(
        f"Paragraph {n}: the alliance needs a new strategy for the east." for n in range(120)
    )
    assert len(long_post) > 4000
    upload = Upload("post.txt", long_post.encode())
    added = await (await fake.command(mod, "debate-mod post", file=upload)).reply()
    assert "Post 1: A long read" in added.text
    [post] = (await engine.posts(actor(fake, mod))).posts
    assert post.text == long_post
    picture = Upload("map.png", b"\x89PNG...", "image/png")
    refused = await (await fake.command(mod, "debate-mod post", file=picture)).reply()
    assert refused.ephemeral and "not a text file" in refused.text
    assert len((await engine.posts(actor(fake, mod))).posts) == 1


def actor(fake: FakeDiscord, member: Member) -> Actor:
    return Actor(f"discord:{fake.guild_id}", str(member.id), platform_moderator=True)


# -- metrics --------------------------------------------------------------------------------------


async def test_health_port_metrics_count_discord_votes_and_commands(
    composition: Bot, db: SqlStore, fake: FakeDiscord, bot: DebateClient, mod: Member
) -> None:
    """A Discord-only bot has no HTTP port of its own: HEALTH_PORT serves its metrics."""
    port = free_port()
    serving = asyncio.create_task(
        Monitoring(db, composition.metrics).serve("127.0.0.1", port), name="health port"
    )
    try:
        await add_post(fake, mod)
        await open_poll(fake, mod)
        [poll] = fake.channel_messages()
        ann, bob = fake.member("ann"), fake.member("bob")
        for who, choice in ((ann, "agree"), (bob, "pass")):
            await (await fake.click(who, poll, vote_button(poll, "1.2", choice))).reply()
        await (await fake.command(ann, "debate-mod open", post="1")).reply()  # not a moderator
        await (await fake.command(ann, "debate vote", claim="1.1", choice="agree")).reply()

        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # the server may take a moment to listen
                try:
                    metrics = await scrape(http, f"http://127.0.0.1:{port}/metrics")
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    assert sample(metrics, "debate_bot_votes_counted_total", platform="discord") == 3
    assert sample(metrics, "debate_bot_votes_counted_total", platform="slack") == 0
    done = {"platform": "discord", "outcome": "ok"}
    assert sample(metrics, "debate_bot_commands_total", command="post", **done) == 1
    assert sample(metrics, "debate_bot_commands_total", command="open", **done) == 1
    assert sample(metrics, "debate_bot_commands_total", command="vote", **done) == 1
    refused = {"platform": "discord", "outcome": "refused"}
    assert sample(metrics, "debate_bot_commands_total", command="open", **refused) == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
