"""Several bot processes on one PostgreSQL, and the database failing under them: one member's
clicks reaching two processes at once leave a vote history that agrees with the vote, and a
connection cut in the middle of a batch of votes loses none of them.

Each "process" is a bot composed on its own engine and connection pool, as a second process
would be. Runs when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Bot
from bot.domain import Actor, Choice
from bot.errors import DebateError
from bot.ports import SystemClock
from storage.store import SqlStore
from tests.support import (
    COMMUNITY,
    ManualClock,
    PostgresSchema,
    counts_agree_with_votes,
    history_agrees_with_votes,
    make_bot,
    moderator,
)

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
MOD = moderator()


@pytest.fixture
async def schema() -> AsyncIterator[dict[str, object]]:
    assert POSTGRES_URL
    async with PostgresSchema(POSTGRES_URL) as options:
        yield options


@pytest.fixture
async def two(schema: dict[str, object]) -> AsyncIterator[tuple[Bot, Bot]]:
    """Two bots on one database, each with its own connections, and a post with a poll."""
    assert POSTGRES_URL
    stores = [await SqlStore.open(POSTGRES_URL, **schema) for _ in range(2)]
    bots = tuple(make_bot(store, SystemClock()) for store in stores)  # type: ignore[arg-type]
    first = bots[0].engine
    await first.add_post(MOD, "Alliances\nThe alliance must spend more on defence.")
    for n in range(3):
        await first.add_claim(MOD, "1", f"Claim about the alliance number {n + 1}")
    await first.open_poll(MOD, "1")
    yield bots  # type: ignore[misc]
    for store in stores:
        await store.close()


async def test_one_members_clicks_on_two_processes_leave_a_true_history(
    two: tuple[Bot, Bot],
) -> None:
    """100 times, a member's click reaches each process at the same moment with opposite
    choices. Whichever commits last, the history reads as the votes were saved."""
    a, b = two
    for round_ in range(100):
        who = Actor(COMMUNITY, f"member{round_ % 10}")
        ref = f"1.{round_ % 3 + 1}"
        await asyncio.gather(
            a.engine.cast_vote(who, ref, Choice.AGREE),
            b.engine.cast_vote(who, ref, Choice.DISAGREE),
        )
    await history_agrees_with_votes(a.store.engine)  # type: ignore[attr-defined]


async def test_500_members_clicking_on_two_processes_are_counted_exactly(
    two: tuple[Bot, Bot],
) -> None:
    a, b = two
    votes = [
        (bot, Actor(COMMUNITY, f"m{n}"), f"1.{n % 3 + 1}", Choice.AGREE if n % 4 else Choice.PASS)
        for n in range(500)
        for bot in ([a] if n % 2 else [b])
    ]
    await asyncio.gather(*(bot.engine.cast_vote(who, ref, c) for bot, who, ref, c in votes))
    results = await a.engine.results(MOD, "1")
    assert sum(r.tally.total for r in results.claims) == 500
    assert sum(r.tally.passed for r in results.claims) == 125
    await history_agrees_with_votes(a.store.engine)  # type: ignore[attr-defined]
    await counts_agree_with_votes(a.store.engine)  # type: ignore[attr-defined]


async def test_a_poll_due_to_close_is_closed_and_announced_by_one_process(
    schema: dict[str, object],
) -> None:
    assert POSTGRES_URL
    clock = ManualClock()
    stores = [await SqlStore.open(POSTGRES_URL, **schema) for _ in range(2)]
    a, b = (make_bot(store, clock).engine for store in stores)
    await a.add_post(MOD, "Alliances\nThe alliance must spend more on defence.")
    await a.add_claim(MOD, "1", "The alliance must spend more")
    await a.open_poll(MOD, "1", timedelta(hours=1))
    clock.advance(hours=2)
    everyone = lambda community: True  # noqa: E731
    closed = await asyncio.gather(*(e.close_due_polls(everyone) for e in (a, b) for _ in range(3)))
    assert sum(len(c) for c in closed) == 1  # one announcement, whoever got there first
    with pytest.raises(DebateError):
        await b.close_poll(MOD, "1")
    for store in stores:
        await store.close()


async def test_one_poll_message_is_edited_by_one_process_at_a_time(
    schema: dict[str, object],
) -> None:
    """What two processes must not do at once waits for the other, on PostgreSQL's locks."""
    assert POSTGRES_URL
    stores = [await SqlStore.open(POSTGRES_URL, **schema) for _ in range(2)]
    order: list[str] = []

    async def edit(store: SqlStore, who: str, name: str) -> None:
        async with store.exclusive(name):
            order.append(f"{who} in")
            await asyncio.sleep(0.2)
            order.append(f"{who} out")

    first = asyncio.create_task(edit(stores[0], "a", "slack-message:C1:1"))
    await asyncio.sleep(0.05)
    await asyncio.gather(
        edit(stores[1], "b", "slack-message:C1:1"),  # the same message: waits
        edit(stores[1], "c", "slack-message:C1:2"),  # another message: does not
        first,
    )
    assert order.index("b in") > order.index("a out")
    assert order.index("c in") < order.index("a out")
    for store in stores:
        await store.close()


async def test_a_connection_cut_mid_batch_loses_no_vote(
    two: tuple[Bot, Bot], schema: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    """A vote's transaction waits on a member's lock; its connection is terminated there (as a
    restart of PostgreSQL would); the batch is tried again on a fresh connection and saved."""
    a, _ = two
    store: SqlStore = a.store  # type: ignore[assignment]
    claim_id = (await a.engine.results(MOD, "1")).claims[0].claim.id
    assert POSTGRES_URL
    holder = sa.ext.asyncio.create_async_engine(POSTGRES_URL, **schema)  # type: ignore[arg-type]
    async with holder.connect() as lock:
        await lock.execute(
            sa.text("SELECT pg_advisory_xact_lock(:c, hashtext('cut'))"), {"c": claim_id}
        )  # the same lock the vote of member "cut" on claim 1.1 takes
        caplog.set_level(logging.WARNING)
        vote = asyncio.create_task(a.engine.cast_vote(Actor(COMMUNITY, "cut"), "1.1", Choice.AGREE))
        waiting = sa.text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = :h"
        )
        for _ in range(100):
            pids = (await lock.execute(waiting, {"h": await _hash(lock, "cut")})).scalars().all()
            if pids:
                break
            await asyncio.sleep(0.05)
        assert pids, "the vote never waited on the lock"
        await lock.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pids[0]})
        await asyncio.sleep(0.3)  # the retry now waits on the lock again
        assert not vote.done()
        await lock.commit()  # release
    receipt = await asyncio.wait_for(vote, 10)
    assert receipt.choice is Choice.AGREE
    await holder.dispose()
    results = await a.engine.results(MOD, "1")
    assert results.claims[0].tally.agree == 1
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retries) == 1 and "Traceback" not in retries[0].getMessage()
    await history_agrees_with_votes(store.engine)


async def _hash(conn: sa.ext.asyncio.AsyncConnection, voter: str) -> int:
    """The advisory lock's second key as pg_locks shows it (objid, an unsigned 32-bit int)."""
    found = await conn.scalar(sa.text("SELECT hashtext(:v)"), {"v": voter})
    return int(found) & 0xFFFF_FFFF
