"""How fast durable votes go through the engine, against a raw bulk insert of the same rows.

1,000 simulated members vote at once on a post of 20 claims, each casting its 20 votes one after
another and waiting for every acknowledgement (which comes only after the commit). Printed: durable
votes per second and p50 / p99 latency from cast to acknowledgement; then, in the same run, the rate
of a raw `sqlite3` `executemany` of the same rows (current votes and vote events) in one
transaction, and the ratio between the two. With `--postgres URL` (or TEST_DATABASE_URL set) the
engine is measured on PostgreSQL as well: in one process, then in two operating-system processes,
each with its own engine composed by `adapters.bootstrap.compose` on the same database and half of
the members, as two workers of a deployment would share them. Their combined rate counts from the
moment both start until the last vote of either is acknowledged (target: 20,000 durable votes/s).

    python -m bench.votes [--members 1000] [--claims 20] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


async def cast_votes(
    engine: Engine, post: str, members: Sequence[int], claims: int
) -> tuple[list[float], float]:
    """Every member votes on every claim, one vote after another, all members at once; the
    latency of each vote (cast to acknowledgement) and the seconds it all took."""
    latencies: list[float] = []

    async def member(i: int) -> None:
        actor = Actor(MOD.community, f"m{i}")
        for c in range(claims):
            started = time.perf_counter()
            await engine.cast_vote(actor, f"{post}.{c + 1}", choice_for(i, c))
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(member(i) for i in members))
    return latencies, time.perf_counter() - started


async def through_engine(store: SqlStore, members: int, claims: int) -> dict[str, float]:
    engine = compose(store).engine
    post = await prepare(engine, claims)
    latencies, elapsed = await cast_votes(engine, post, range(members), claims)
    counted = await votes_counted(engine, post, members * claims)
    return figures(counted, elapsed, latencies)


async def votes_counted(engine: Engine, post: str, expected: int) -> int:
    results = await engine.results(MOD, post)
    counted = sum(r.tally.total for r in results.claims)
    assert counted == expected, f"{counted} votes stored, {expected} cast"
    return counted


def figures(counted: int, elapsed: float, latencies: list[float]) -> dict[str, float]:
    latencies = sorted(latencies)
    return {
        "votes": counted,
        "seconds": elapsed,
        "rate": counted / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


# -- two processes on one PostgreSQL ------------------------------------------------------------


def vote_in_process(
    url: str, schema: str, post: str, members: list[int], claims: int, go: Any, out: Any
) -> None:
    """One of the two processes: its own store and engine, composed as the bot's are, casting
    its members' votes once `go` is set; reports when it started and ended (wall clock)."""

    async def run() -> dict[str, Any]:
        store = await SqlStore.open(url, run_migrations=False, **schema_options(schema))
        engine = compose(store).engine
        await engine.public_results(MOD.community, post)  # connections and caches warm
        out.put("ready")
        await asyncio.to_thread(go.wait)
        began = time.time()
        latencies, _ = await cast_votes(engine, post, members, claims)
        ended = time.time()
        await store.close()
        return {"began": began, "ended": ended, "latencies": latencies}

    out.put(asyncio.run(run()))


async def through_two_processes(url: str, members: int, claims: int) -> dict[str, float]:
    """The members split between two processes on one database; their combined rate."""
    store, schema = await postgres_store(url)
    try:
        engine = compose(store).engine
        post = await prepare(engine, claims)
        context = mp.get_context("spawn")
        go, out = context.Event(), context.Queue()
        halves = [list(range(members))[k::2] for k in (0, 1)]
        processes = [
            context.Process(target=vote_in_process, args=(url, schema, post, h, claims, go, out))
            for h in halves
        ]
        for process in processes:
            process.start()
        for _ in processes:
            await asyncio.to_thread(out.get, timeout=120)  # "ready"
        go.set()
        reports = [await asyncio.to_thread(out.get, timeout=600) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        counted = await votes_counted(engine, post, members * claims)
    finally:
        await store.close()
        await drop_schema(url, schema)
    elapsed = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    return figures(counted, elapsed, [x for r in reports for x in r["latencies"]])


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


def schema_options(schema: str) -> dict[str, Any]:
    return {"connect_args": {"server_settings": {"search_path": schema}}}


async def postgres_store(url: str) -> tuple[SqlStore, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    return await SqlStore.open(url, **schema_options(schema)), schema


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
        await on_postgres(args.postgres, args.members, args.claims, args.rounds)


async def on_postgres(url: str, members: int, claims: int, rounds: int) -> None:
    """One process, then two, taking turns round after round on the same machine."""
    single_runs, double_runs = [], []
    for _ in range(rounds):
        store, schema = await postgres_store(url)
        try:
            single_runs.append(await through_engine(store, members, claims))
        finally:
            await store.close()
            await drop_schema(url, schema)
        double_runs.append(await through_two_processes(url, members, claims))
    single = max(single_runs, key=lambda r: r["rate"])
    double = max(double_runs, key=lambda r: r["rate"])
    show("engine, PostgreSQL, 1 process", single)
    show("engine, PostgreSQL, 2 processes", double)
    print(
        f"2 processes / 1: {double['rate'] / single['rate']:.2f}; combined "
        f"{double['rate']:,.0f} durable votes/s (target >= 20,000)"
    )


if __name__ == "__main__":
    asyncio.run(main())
