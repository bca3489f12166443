"""How long a busy community's weekly digest takes to build, chart included.

A year of activity: 500 posts, 10,000 claims and 1,000,000 votes from 3,000 members (plus 5%
changed votes, some forecasts, some resolved), written straight into a migrated SQLite database.
Then the digest for the year's last week is built through the engine, as the scheduler builds it:
printed is the time of the first build (cold: the chart library loads) and the median of the next
five (warm). Target: <= 2 s.

    python -m bench.digest [--votes 1000000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.bootstrap import compose
from bot.domain import Actor
from storage.store import SqlStore

COMMUNITY = "bench:digest"
START = datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
YEAR = timedelta(days=364)
POSTS, CLAIMS_PER_POST, MEMBERS = 500, 20, 3000


def stamp(moment: datetime) -> str:
    """As SQLAlchemy stores a UTC datetime in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def fill(path: Path, votes_total: int) -> dict[str, int]:
    """A year of activity, written with plain sqlite3 for speed."""
    rng = random.Random(7)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    votes_per_claim = votes_total // (POSTS * CLAIMS_PER_POST)
    counts = {"posts": 0, "claims": 0, "votes": 0, "events": 0}
    claim_id = 0
    for p in range(1, POSTS + 1):
        created = START + YEAR * (p - 1) / POSTS
        conn.execute(
            "INSERT INTO posts (id, community, number, title, text, author, created_at)"
            " VALUES (?, ?, ?, ?, ?, 'mod', ?)",
            (p, COMMUNITY, p, f"Post {p}", "text", stamp(created)),
        )
        conn.execute(
            "INSERT INTO polls (post_id, opened_at, opened_by, closed_at) VALUES (?, ?, 'mod', ?)",
            (p, stamp(created), stamp(created + timedelta(days=7))),
        )
        counts["posts"] += 1
        claims, votes, events = [], [], []
        for c in range(1, CLAIMS_PER_POST + 1):
            claim_id += 1
            forecast = c == 1
            resolved = forecast and p % 3 == 0
            claims.append(
                (
                    claim_id,
                    p,
                    c,
                    f"Claim {p}.{c} about the war",
                    "prediction" if forecast else "claim",
                    stamp(created),
                    (created + timedelta(days=30)).date().isoformat() if forecast else None,
                    rng.choice(["true", "false"]) if resolved else None,
                    stamp(created + timedelta(days=30)) if resolved else None,
                )
            )
            lean = rng.random()
            for voter in rng.sample(range(MEMBERS), votes_per_claim):
                at = created + timedelta(seconds=rng.randrange(7 * 24 * 3600))
                choice = "agree" if rng.random() < lean else rng.choice(["disagree", "pass"])
                events.append((claim_id, f"m{voter}", choice, None, stamp(at)))
                if rng.random() < 0.05:  # a change of mind a day later
                    changed = "disagree" if choice == "agree" else "agree"
                    later = at + timedelta(days=1)
                    events.append((claim_id, f"m{voter}", changed, choice, stamp(later)))
                    choice, at = changed, later
                votes.append((claim_id, f"m{voter}", choice, stamp(at)))
        conn.executemany(
            "INSERT INTO claims (id, post_id, number, text, kind, origin, status, author,"
            " created_at, resolve_on, resolution, resolved_at)"
            " VALUES (?, ?, ?, ?, ?, 'moderator', 'active', 'mod', ?, ?, ?, ?)",
            claims,
        )
        conn.executemany("INSERT INTO votes VALUES (?, ?, ?, ?)", votes)
        conn.executemany(
            "INSERT INTO vote_events (claim_id, voter, choice, previous, at) VALUES (?,?,?,?,?)",
            events,
        )
        counts["claims"] += len(claims)
        counts["votes"] += len(votes)
        counts["events"] += len(events)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return counts


async def time_digest(store: SqlStore) -> tuple[float, float, dict[str, object]]:
    engine = compose(store).engine
    operator = Actor(COMMUNITY, "operator", platform_moderator=True)
    end = START + YEAR
    timings = []
    digest = None
    for _ in range(6):
        started = time.perf_counter()
        digest = await engine.digest(operator, end)
        timings.append(time.perf_counter() - started)
    assert digest is not None and digest.chart_png, "the digest has its chart"
    return timings[0], statistics.median(timings[1:]), digest.as_json()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--votes", type=int, default=1_000_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "year.db"
        store = await SqlStore.open(f"sqlite+aiosqlite:///{path}")
        await store.close()
        started = time.perf_counter()
        counts = fill(path, args.votes)
        print(f"filled in {time.perf_counter() - started:.1f} s: {counts}")
        store = await SqlStore.open(f"sqlite+aiosqlite:///{path}")
        cold, warm, j = await time_digest(store)
        await store.close()
    participation = j["participation"]
    print(f"last week's digest: {participation}")
    print(
        f"digest with chart, SQLite: first {cold:.3f} s, then median {warm:.3f} s (target <= 2 s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
