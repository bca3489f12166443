"""How fast durable votes go through the engine, against a raw bulk insert of the same rows.

1,000 simulated members vote at once on a post of 20 claims, each casting its 20 votes one after
another and waiting for every acknowledgement (which comes only after the commit). Printed: durable
votes per second and p50 / p99 latency from cast to acknowledgement; then, in the same run, the rate
of a raw `sqlite3` `executemany` of the same rows (current votes and vote events) in one
transaction, and the ratio between the two. With `--postgres URL` (or TEST_DATABASE_URL set) the
engine is measured on PostgreSQL as well.

    python -m bench.votes [--members 1000] [--claims 20] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from adapters.bootstrap import compose
from bot.domain import Actor, Choice
from bot.engine import Engine
from storage.store import SqlStore, create_engine

CHOICES = [Choice.AGREE, Choice.DISAGREE, Choice.PASS]
MOD = Actor("bench:votes", "mod", platform_moderator=True)


def choice_for(member: int, claim: int) -> Choice:
    return CHOICES[(member * 7 + claim) % 3]


async def prepare(engine: Engine, claims: int) -> str:
    added = await engine.add_post(MOD, "Bench post\nA post to vote on.")
    for i in range(claims):
        await engine.add_claim(MOD, added.post.ref, f"Claim {i + 1}")
    await engine.open_poll(MOD, added.post.ref)
    return added.post.ref


async def through_engine(store: SqlStore, members: int, claims: int) -> dict[str, float]:
    engine = compose(store).engine
    post = await prepare(engine, claims)
    latencies: list[float] = []

    async def member(i: int) -> None:
        actor = Actor(MOD.community, f"m{i}")
        for c in range(claims):
            started = time.perf_counter()
            await engine.cast_vote(actor, f"{post}.{c + 1}", choice_for(i, c))
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(member(i) for i in range(members)))
    elapsed = time.perf_counter() - started

    results = await engine.results(MOD, post)
    counted = sum(r.tally.total for r in results.claims)
    assert counted == members * claims, f"{counted} votes stored, {members * claims} cast"
    latencies.sort()
    return {
        "votes": counted,
        "seconds": elapsed,
        "rate": counted / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def raw_sqlite_bulk(path: Path, members: int, claims: int) -> dict[str, float]:
    """The same rows, written as fast as sqlite3 can: one executemany per table, one commit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    now = "2026-01-01 00:00:00.000000"
    votes = [
        (c + 1, f"m{i}", choice_for(i, c).value, now) for i in range(members) for c in range(claims)
    ]
    events = [(c, v, ch, None, t) for c, v, ch, t in votes]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO votes (claim_id, voter, choice, cast_at) VALUES (?,?,?,?)", votes)
    conn.executemany(
        "INSERT INTO vote_events (claim_id, voter, choice, previous, at) VALUES (?,?,?,?,?)",
        events,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return {"votes": len(votes), "seconds": elapsed, "rate": len(votes) / elapsed}


async def prepared_sqlite(path: Path, claims: int) -> None:
    """A migrated database with the claims the raw insert refers to, and no votes."""
    store = await SqlStore.open(f"sqlite+aiosqlite:///{path}")
    await prepare(compose(store).engine, claims)
    await store.close()


async def postgres_store(url: str) -> tuple[SqlStore, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    options = {"connect_args": {"server_settings": {"search_path": schema}}}
    return await SqlStore.open(url, **options), schema


async def drop_schema(url: str, schema: str) -> None:
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


def show(label: str, r: dict[str, float]) -> None:
    line = (
        f"{label:<34} {r['votes']:>7.0f} votes  {r['seconds']:7.3f} s  {r['rate']:>9,.0f} votes/s"
    )
    if "p50_ms" in r:
        line += f"  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"
    print(line)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"{args.members} members x {args.claims} claims, each vote acknowledged after commit")

    engine_runs, raw_runs = [], []
    for _ in range(args.rounds):  # interleaved, so both see the same machine
        with tempfile.TemporaryDirectory() as tmp:
            store = await SqlStore.open(f"sqlite+aiosqlite:///{Path(tmp) / 'engine.db'}")
            engine_runs.append(await through_engine(store, args.members, args.claims))
            await store.close()
            raw_path = Path(tmp) / "raw.db"
            await prepared_sqlite(raw_path, args.claims)
            raw_runs.append(raw_sqlite_bulk(raw_path, args.members, args.claims))
    engine_run = max(engine_runs, key=lambda r: r["rate"])
    raw = max(raw_runs, key=lambda r: r["rate"])
    print(f"best of {args.rounds} rounds each")
    show("engine, SQLite (group commit)", engine_run)
    show("raw sqlite3 executemany, 1 commit", raw)
    print(f"ratio engine / raw bulk: {engine_run['rate'] / raw['rate']:.3f} (target >= 0.2)")

    if args.postgres:
        store, schema = await postgres_store(args.postgres)
        try:
            show(
                "engine, PostgreSQL (group commit)",
                await through_engine(store, args.members, args.claims),
            )
        finally:
            await store.close()
            await drop_schema(args.postgres, schema)


if __name__ == "__main__":
    asyncio.run(main())
