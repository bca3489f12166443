"""Does the bot hold up for minutes on end? Vote clicks at a steady rate through the Slack HTTP
endpoint, on PostgreSQL, with two worker processes.

Two `debate-bot run` processes (`fakes/bot_process.py`) share a scratch PostgreSQL database and
take signed `block_actions` clicks at `--rate` a second (200 by default), one after the other in
turn, each click a new vote of one member on one claim of a poll, carrying the poll message as
Slack sends it. The clicks are sent on a fixed schedule, whether or not earlier ones were
answered (an open loop, as Slack's members are), from this process, which also plays Slack's
side: the Web API and the response URLs the receipts go to.

Printed each minute: clicks acknowledged per second, the 50th and 99th percentile of the time to
acknowledgement, clicks refused or unanswered, and each worker's resident memory (VmRSS, from
/proc). At the end: memory growth since the first minute, and acknowledged votes missing from
the database (every click answered 200 must be stored as clicked).

Targets: a steady rate, p99 < 300 ms, memory growth < 10 % after the first minute, 0 lost.

    python -m bench.soak --postgres URL [--minutes 10] [--rate 200] [--claims 5]

Without a PostgreSQL URL (`--postgres`, or TEST_DATABASE_URL) it says so and does nothing, so
that `make bench` can run it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from fakes.bot_process import (
    MODERATOR,
    Click,
    ClickStream,
    SlackWorker,
    lost,
    open_poll,
    scratch_database,
    send_click,
    stored_votes,
)
from fakes.slack_fake import FakeSlackApi, SlackSender

CHOICES = ("agree", "disagree", "pass")
MB = 1024 * 1024


def clicks(claims: int) -> Iterator[Click]:
    """Endless new votes: member after member, each voting on every claim once."""
    n = 0
    while True:
        member, claim = divmod(n, claims)
        yield Click(f"U{member:07d}", f"1.{claim + 1}", CHOICES[n % 3])
        n += 1


@dataclass
class Period:
    """What happened in one reporting period (a minute)."""

    number: int
    latencies: list[float] = field(default_factory=list)
    refused: int = 0  # answered, but not 200
    unanswered: int = 0
    resident: list[int] = field(default_factory=list)  # bytes, per worker, at the period's end

    def line(self, seconds: float) -> str:
        acked = len(self.latencies)
        ordered = sorted(self.latencies) or [0.0]
        p50 = 1000 * statistics.median(ordered)
        p99 = 1000 * ordered[int(0.99 * (len(ordered) - 1))]
        memory = "  ".join(f"{r / MB:6.1f} MB" for r in self.resident)
        return (
            f"{self.number * seconds / 60:5.1f} min: {acked / seconds:6.1f} acked/s  "
            f"p50 {p50:5.1f} ms  p99 {p99:6.1f} ms  refused {self.refused}  "
            f"unanswered {self.unanswered}  RSS {memory}"
        )


class Soak:
    """The open-loop load against the workers, and its per-period accounts."""

    def __init__(self, workers: list[SlackWorker], sender: SlackSender, message: dict[str, Any]):
        self.workers = workers
        self.stream = ClickStream(workers, sender)
        self.message = message
        self.periods: list[Period] = []
        self.reported: list[Period] = []  # the whole periods, each printed at its end
        self.in_flight: set[asyncio.Task[None]] = set()

    async def run(self, rate: float, seconds: float, every: float, claims: int) -> None:
        """Send `rate` clicks a second for `seconds`, reporting every `every` seconds."""
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            started = time.monotonic()
            reporter = asyncio.create_task(self._report(started, every, seconds))
            for n, click in enumerate(clicks(claims)):
                due = started + n / rate
                if due >= started + seconds:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                task = asyncio.create_task(self._one(http, n, click, started, every))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
            await asyncio.gather(*self.in_flight)
            await reporter

    async def _one(
        self, http: aiohttp.ClientSession, n: int, click: Click, started: float, every: float
    ) -> None:
        worker = self.workers[n % len(self.workers)]
        sent = await send_click(http, worker, self.stream, click, message=self.message)
        await self.stream.record(sent)
        period = self._period(int((sent.at - started) // every))
        if sent.status == 200:
            period.latencies.append(sent.seconds)
        elif sent.status is None:
            period.unanswered += 1
        else:
            period.refused += 1

    def _period(self, number: int) -> Period:
        while len(self.periods) <= number:
            self.periods.append(Period(len(self.periods) + 1))
        return self.periods[number]

    async def _report(self, started: float, every: float, seconds: float) -> None:
        """At each period's end: the workers' memory, then the period's line."""
        for number in range(max(1, round(seconds / every))):
            await asyncio.sleep(max(0.0, started + (number + 1) * every - time.monotonic()))
            period = self._period(number)
            period.resident = [w.resident_bytes() for w in self.workers]
            await asyncio.sleep(min(1.0, every / 10))  # let the period's last clicks answer
            print(period.line(every), flush=True)
            self.reported.append(period)


def memory_growth(periods: list[Period]) -> list[float]:
    """Per worker: how much its memory grew from the end of the first period to the end."""
    first, last = periods[0].resident, periods[-1].resident
    return [(end - start) / start for start, end in zip(first, last, strict=True)]


async def soak(args: argparse.Namespace) -> bool:
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    async with (
        FakeSlackApi(admins={MODERATOR}) as slack,
        scratch_database(args.postgres) as database,
    ):
        workers = [SlackWorker(database, slack, logs / f"worker{n}.log") for n in (1, 2)]
        for worker in workers:
            await worker.start()
        try:
            sender = SlackSender(slack)
            await open_poll(workers[0], sender, args.claims)
            message = poll_message(slack)
            slack.record = False  # from here on Slack's side only counts, as in production
            load = Soak(workers, sender, message)
            await load.run(args.rate, args.minutes * 60, args.report_every, args.claims)
            acked = load.stream.acknowledged
            receipts = await receipts_sent(slack, len(acked))
            views = [await worker_view(w) for w in workers]
        finally:
            stopped = [await w.stop() for w in workers]
        missing = lost(acked, await stored_votes(database))
    return summary(args, load, missing, receipts, views, stopped, logs)


async def receipts_sent(slack: FakeSlackApi, expected: int, within: float = 30.0) -> int:
    """How many receipts reached the response URLs, once all `expected` have or `within`
    seconds have passed: each acknowledged click's receipt follows its acknowledgement."""
    deadline = time.monotonic() + within
    # Polled: a fake that does not record counts without waking anyone, to stay cheap.
    while slack.counts.get("response_url", 0) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return slack.counts.get("response_url", 0)


def poll_message(slack: FakeSlackApi) -> dict[str, Any]:
    """The poll message as the worker posted it, which each click carries, as Slack's do."""
    args, result = slack.of("chat.postMessage")[-1], slack.results("chat.postMessage")[-1]
    blocks = args["blocks"]
    return {"ts": result["ts"], "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks}


@dataclass(frozen=True)
class WorkerView:
    """What a worker's own /metrics says at the end: clicks it acknowledged before their
    commit, and the 99th percentile (the histogram bucket it falls in) of its time to answer
    a click and of a vote's commit, group commit included. Beside the load's own timing, these
    tell the bot's time from time spent waiting for a CPU on a busy machine."""

    acked_before_commit: float
    request_p99: float
    commit_p99: float

    def line(self) -> str:
        return (
            f"acked before commit {self.acked_before_commit:g}, p99 of answering a request "
            f"<= {1000 * self.request_p99:g} ms, of a commit <= {1000 * self.commit_p99:g} ms"
        )


async def worker_view(worker: SlackWorker) -> WorkerView:
    async with aiohttp.ClientSession() as http, http.get(f"{worker.base}/metrics") as page:
        families = {f.name: f for f in text_string_to_metric_families(await page.text())}
    acked_first = families["debate_bot_slack_acked_before_commit"].samples[0].value
    requests = families["debate_bot_slack_request_seconds"].samples
    commits = families["debate_bot_vote_commit_seconds"].samples
    return WorkerView(
        acked_first,
        p99_bucket([s for s in requests if s.labels.get("status") == "200"]),
        p99_bucket(commits),
    )


def p99_bucket(samples: list[Any]) -> float:
    """The upper bound of the histogram bucket that holds the 99th percentile."""
    buckets = sorted(
        (float(s.labels["le"]), s.value) for s in samples if s.name.endswith("_bucket")
    )
    total = buckets[-1][1]
    return next(le for le, count in buckets if count >= 0.99 * total)


def summary(
    args: argparse.Namespace,
    load: Soak,
    missing: list[Click],
    receipts: int,
    views: list[WorkerView],
    stopped: list[int],
    logs: Path,
) -> bool:
    sent = load.stream.sent
    acked = [s for s in sent if s.status == 200]
    latencies = sorted(s.seconds for s in acked) or [0.0]
    p99 = 1000 * latencies[int(0.99 * (len(latencies) - 1))]
    growth = memory_growth(load.reported)
    rates = [len(p.latencies) / args.report_every for p in load.reported]
    print(
        f"sent {len(sent)}, acknowledged {len(acked)}, refused "
        f"{sum(p.refused for p in load.periods)}, unanswered "
        f"{sum(p.unanswered for p in load.periods)}; acked/s per minute min {min(rates):.1f} "
        f"max {max(rates):.1f}; p99 overall {p99:.1f} ms (target < 300)"
    )
    print(
        "memory growth after the first minute: "
        + ", ".join(f"worker {n} {100 * g:+.1f} %" for n, g in enumerate(growth, 1))
        + " (target < 10 %)"
    )
    for n, view in enumerate(views, 1):
        print(f"worker {n}, as its /metrics says: {view.line()}")
    print(
        f"acknowledged votes lost: {len(missing)} (target 0); receipts sent {receipts}; "
        f"worker exit codes {stopped}; logs in {logs}"
    )
    ok = (
        not missing
        and len(acked) == len(sent) == receipts
        and p99 < 300
        and all(g < 0.10 for g in growth)
        and all(v.acked_before_commit == 0 for v in views)
        and stopped == [0, 0]
    )
    print("all targets met" if ok else "TARGETS MISSED: see above")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="clicks a second")
    parser.add_argument("--claims", type=int, default=5, help="claims in the poll clicked on")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    if not args.postgres:
        print(
            "bench.soak: skipped: it needs PostgreSQL; give --postgres "
            "postgresql+asyncpg://user@host/db (or set TEST_DATABASE_URL). It runs "
            f"{args.minutes:g} minutes."
        )
        return 0
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{args.minutes:g} minutes at {args.rate:g} clicks/s through /slack/events, two worker "
        f"processes on PostgreSQL, a poll of {args.claims} claims"
    )
    return 0 if asyncio.run(soak(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
