"""Nothing acknowledged is lost when things go wrong under the bot: each test runs `debate-bot run`
as a real process serving Slack over HTTP (against the local fake Slack), sends it signed vote
clicks from several senders at once, and does to it what production does now and then:

- the process is killed with SIGKILL in the middle of the stream, then started again on the same
  database (SQLite and PostgreSQL);
- PostgreSQL terminates the bot's connections in the middle of the stream;
- two worker processes on one PostgreSQL take clicks from 500 members, interleaved.

The proof is always the database, read by a connection of the test's own: every click Slack got
a 200 for (so will never send again) is stored as clicked. A bot that acknowledged clicks before
committing them fails the first test: `test_the_kill_test_catches_a_bot_that_acks_first` shows it.

Select these with `pytest -m faults`; they also run in the default run. PostgreSQL tests run
when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from fakes.bot_process import (
    MODERATOR,
    RUN,
    Click,
    ClickStream,
    SlackWorker,
    cut_connections,
    lost,
    open_poll,
    scratch_database,
    send_click,
    stored_votes,
)
from fakes.slack_fake import FakeSlackApi, SlackSender
from tests.support import counts_agree_with_votes, history_agrees_with_votes, sample, scrape

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
pytestmark = pytest.mark.faults

WITHIN = 50.0  # seconds: each test is cut short, and fails, well before a minute
CLAIMS = 3
CHOICES = ("agree", "disagree", "pass")
# The bot as a process whose vote clicks are acknowledged before their commit (an ack budget of
# nothing), run only to show that the kill test would catch such a bot.
ACKS_FIRST = (
    "-c",
    """
import sys
from adapters.slack import inbound
from adapters.cli import main

original = inbound.Inbound.__init__

def acks_first(self, *args, **kwargs):
    original(self, *args, **{**kwargs, "ack_budget": 0})

inbound.Inbound.__init__ = acks_first
sys.exit(main(["run"]))
""",
)


def new_votes(count: int, first_member: int = 0) -> Iterator[Click]:
    """`count` clicks, each a member's first vote on a claim: a stored vote can come only from
    its own click, so a missing one is a lost click."""
    for n in range(count):
        member, claim = divmod(n, CLAIMS)
        yield Click(f"U{first_member + member:06d}", f"1.{claim + 1}", CHOICES[n % 3])


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi(admins={MODERATOR}) as api:
        yield api


@pytest.fixture
async def postgres() -> AsyncIterator[str]:
    """A database of its own on the test server, so that only this test's bot is cut off."""
    assert POSTGRES_URL
    async with scratch_database(POSTGRES_URL) as url:
        yield url


# -- a process killed mid-stream ------------------------------------------------------------


async def kill_mid_stream(
    database_url: str, slack: FakeSlackApi, logs: Path, python: tuple[str, ...] | None = None
) -> ClickStream:
    """A worker takes clicks from 8 senders; after 300 acknowledgements it is SIGKILLed with
    clicks in flight. Returns the stream: what was acknowledged, what went unanswered."""
    worker = SlackWorker(database_url, slack, logs / "killed.log", python=python or RUN)
    async with worker:
        sender = SlackSender(slack)
        await open_poll(worker, sender, CLAIMS)
        stream = ClickStream([worker], sender, senders=8)
        sending = asyncio.create_task(stream.send(new_votes(6000)))
        await stream.reached(300, acknowledged=True)
        await worker.kill()
        await sending
    assert stream.unanswered, "the kill should have caught clicks in flight"
    return stream


async def restarted_loses_nothing(
    database_url: str, slack: FakeSlackApi, logs: Path, stream: ClickStream
) -> None:
    """Start the bot again on the same database: every acknowledged click is stored, nothing
    was stored that was not clicked, and the new process counts new clicks."""
    async with SlackWorker(database_url, slack, logs / "restarted.log") as worker:
        stored = await stored_votes(database_url)
        assert lost(stream.acknowledged, stored) == []
        assert set(stored) <= {s.click.key for s in stream.sent}
        later = ClickStream([worker], SlackSender(slack), senders=4)
        await later.send(new_votes(30, first_member=100_000))
        assert len(later.acknowledged) == 30
        assert lost(later.acknowledged, await stored_votes(database_url)) == []
        assert await worker.stop() == 0, worker.said()


async def test_a_killed_process_loses_no_acknowledged_vote_on_sqlite(
    slack: FakeSlackApi, tmp_path: Path
) -> None:
    database = tmp_path / "debate.db"
    url = f"sqlite+aiosqlite:///{database}"
    async with asyncio.timeout(WITHIN):
        stream = await kill_mid_stream(url, slack, tmp_path)
        await restarted_loses_nothing(url, slack, tmp_path, stream)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    await history_agrees(url)


@needs_postgres
async def test_a_killed_process_loses_no_acknowledged_vote_on_postgres(
    slack: FakeSlackApi, postgres: str, tmp_path: Path
) -> None:
    async with asyncio.timeout(WITHIN):
        stream = await kill_mid_stream(postgres, slack, tmp_path)
        await restarted_loses_nothing(postgres, slack, tmp_path, stream)
    await history_agrees(postgres)


async def test_the_kill_test_catches_a_bot_that_acks_first(
    slack: FakeSlackApi, tmp_path: Path
) -> None:
    """The same kill, on a bot that answers each click before committing its vote: votes
    acknowledged in the last milliseconds are gone, and the comparison finds them."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'debate.db'}"
    async with asyncio.timeout(WITHIN):
        stream = await kill_mid_stream(url, slack, tmp_path, python=ACKS_FIRST)
        assert lost(stream.acknowledged, await stored_votes(url)) != []


# -- PostgreSQL cutting the bot's connections --------------------------------------------------


@needs_postgres
async def test_connections_cut_mid_stream_lose_no_vote_and_the_bot_recovers(
    slack: FakeSlackApi, postgres: str, tmp_path: Path
) -> None:
    """Five times or more in the middle of a stream of clicks (until a cut lands in a batch's
    commit), every connection the bot has open is terminated by PostgreSQL. The batch under way
    is committed again on a fresh connection: every click is acknowledged after its commit and
    stored, and clicks after the cuts count as before."""
    async with asyncio.timeout(WITHIN), SlackWorker(postgres, slack, tmp_path / "bot.log") as bot:
        sender = SlackSender(slack)
        await open_poll(bot, sender, CLAIMS)
        stream = ClickStream([bot], sender, senders=8)
        sending = asyncio.create_task(stream.send(new_votes(1500)))
        cuts = []
        for n in range(1, 15):  # at least five cuts, more until one lands in a batch's commit
            await stream.reached(100 * n)
            cuts.append(await cut_connections(postgres))
            if n >= 5 and "trying again" in bot.said():
                break
        await sending
        assert all(cuts), f"sessions terminated each time: {cuts}"
        assert [s.status for s in stream.sent] == [200] * 1500, "a click was refused"
        assert lost(stream.acknowledged, await stored_votes(postgres)) == []

        after = ClickStream([bot], sender, senders=4)
        await after.send(new_votes(60, first_member=100_000))
        assert len(after.acknowledged) == 60
        assert lost(after.acknowledged, await stored_votes(postgres)) == []
        await never_acked_before_commit(bot)
        assert "trying again" in bot.said()  # the retry on a fresh connection did the work
        assert await bot.stop() == 0, bot.said()
    await history_agrees(postgres)


# -- two worker processes on one PostgreSQL ----------------------------------------------------


MEMBERS = 500


def member_clicks(member: int) -> list[Click]:
    """One member's clicks, one after another: each claim voted, then one vote changed."""
    who = f"U{member:06d}"
    first = [Click(who, f"1.{c + 1}", CHOICES[(member + c) % 3]) for c in range(CLAIMS)]
    changed = member % CLAIMS
    return [*first, Click(who, f"1.{changed + 1}", CHOICES[(member + changed + 1) % 3])]


async def one_member_clicks(
    http: aiohttp.ClientSession,
    workers: tuple[SlackWorker, SlackWorker],
    stream: ClickStream,
    n: int,
) -> None:
    """Member `n`'s clicks, each sent once the last was answered, alternating workers; one
    member in ten first clicks the same button on both workers at once, opposite choices."""
    if n % 10 == 0:
        race = [Click(f"U{n:06d}", "1.1", choice) for choice in ("agree", "disagree")]
        both = (send_click(http, w, stream, c) for w, c in zip(workers, race, strict=True))
        for sent in await asyncio.gather(*both):
            await stream.record(sent)
    for k, click in enumerate(member_clicks(n)):
        await stream.record(await send_click(http, workers[(n + k) % 2], stream, click))


@needs_postgres
async def test_two_worker_processes_count_500_members_exactly(
    slack: FakeSlackApi, postgres: str, tmp_path: Path
) -> None:
    """500 members vote on three claims and change one vote, each click going to the other
    worker than the last; one member in ten also clicks both workers at the same moment with
    opposite choices first. Each member's clicks follow one another, so each member's last
    click is their vote: the counts are exact, and the history agrees with the votes."""
    async with asyncio.timeout(WITHIN):
        a = SlackWorker(postgres, slack, tmp_path / "a.log")
        b = SlackWorker(postgres, slack, tmp_path / "b.log")
        async with a, b:
            sender = SlackSender(slack)
            await open_poll(a, sender, CLAIMS)
            stream = ClickStream([a, b], sender)
            limit = asyncio.Semaphore(32)  # members clicking at any one moment

            async def member(n: int) -> None:
                async with limit:
                    await one_member_clicks(http, (a, b), stream, n)

            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                await asyncio.gather(*(member(n) for n in range(MEMBERS)))
            assert {s.status for s in stream.sent} == {200}
            for worker in (a, b):
                await never_acked_before_commit(worker)
            assert await a.stop() == 0 and await b.stop() == 0
    expected = {c.key: c.choice for n in range(MEMBERS) for c in member_clicks(n)}
    assert await stored_votes(postgres) == expected
    await history_agrees(postgres)


# -- shared checks ---------------------------------------------------------------------------


async def never_acked_before_commit(worker: SlackWorker) -> None:
    """The worker's metrics: no click was answered before its vote was committed."""
    async with aiohttp.ClientSession() as http:
        metrics = await scrape(http, f"{worker.base}/metrics")
    assert sample(metrics, "debate_bot_slack_acked_before_commit_total") == 0


async def history_agrees(database_url: str) -> None:
    """The vote history, and the tallies and voters kept with each vote, agree with the votes."""
    engine = create_async_engine(database_url)
    try:
        await history_agrees_with_votes(engine)
        await counts_agree_with_votes(engine)
    finally:
        await engine.dispose()
