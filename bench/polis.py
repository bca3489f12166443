"""How long a Polis conversation takes to import, and a post to export.

For each real conversation in ../shared/data/polis (when it is there) and a generated one of
100,000 votes (2,000 participants x 50 comments): reading the files, importing them as a post in
one unit of work, and exporting the post again (the opinion analysis included), on SQLite, and on
PostgreSQL with `--postgres URL` (or TEST_DATABASE_URL). Best of `--rounds` each.

    python -m bench.polis [--rounds 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.bootstrap import compose
from bench.votes import drop_schema, postgres_store
from bot import polis
from bot.domain import Actor
from bot.polis import Comment, Conversation, Vote
from storage.store import SqlStore

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polis"
MOD = Actor("console:bench", "operator", platform_moderator=True)


def generated(participants: int = 2000, comments: int = 50) -> Conversation:
    """Every participant votes on every comment once: participants x comments latest votes."""
    rng = random.Random(0)
    start = 1_600_000_000_000
    return Conversation(
        topic="A generated conversation",
        url="",
        description="",
        comments=[Comment(c, 0, f"Comment number {c}", start + c, 1) for c in range(comments)],
        votes=[
            Vote(p, c, rng.choice((1, -1, 0)), start + 1000 * p + c)
            for c in range(comments)
            for p in range(participants)
        ],
    )


@asynccontextmanager
async def sqlite_store() -> AsyncIterator[SqlStore]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqlStore.open(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            yield store
        finally:
            await store.close()


@asynccontextmanager
async def postgresql_store(url: str) -> AsyncIterator[SqlStore]:
    store, schema = await postgres_store(url)
    try:
        yield store
    finally:
        await store.close()
        await drop_schema(url, schema)


async def best(rounds: int, work: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return min(times)


async def measure(name: str, folder: Path, store: SqlStore, rounds: int) -> None:
    engine = compose(store).engine
    read = await best(rounds, lambda: asyncio.to_thread(polis.read, folder))
    conversation = polis.read(folder)
    posts: list[str] = []

    async def import_once() -> None:
        posts.append((await engine.import_polis(MOD, conversation)).post.ref)

    imported = await best(rounds, import_once)
    exported = await best(1, lambda: engine.export_polis(MOD, posts[-1]))
    print(
        f"{name:<28} {len(conversation.votes):>7} votes  read {read:6.3f} s  "
        f"import {imported:6.3f} s  export (with analysis) {exported:6.3f} s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    import sklearn.cluster  # noqa: F401  # loaded once here, not inside the first export's time

    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "generated"
        polis.write(generated(), big)
        folders = [(p.name, p) for p in sorted(REAL.glob("*")) if (p / polis.COMMENTS).exists()]
        folders.append(("generated (100,000 votes)", big))
        databases = [("SQLite", sqlite_store)]
        if args.postgres:
            url = args.postgres
            databases.append(("PostgreSQL", lambda: postgresql_store(url)))
        for label, opened in databases:
            print(f"-- {label}, best of {args.rounds}")
            for name, folder in folders:
                async with opened() as store:
                    await measure(name, folder, store, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
