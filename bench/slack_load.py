"""How fast the Slack app takes vote clicks, against a trivial Bolt app that acknowledges each
click and answers it once through its response URL (what debate-bot does, minus the vote).

In one run, both apps are served over HTTP on 127.0.0.1, each in a process of its own and pinned
to the first CPU, with their Web API pointed at the fake Slack (`fakes/slack_fake.py`); on
the other CPUs, a load process sends signed `block_actions` vote clicks at a fixed concurrency
and times each acknowledgement, and a minimal HTTP server stands for Slack's side of the clicks'
response URLs. Both apps answer through one shared aiohttp session. The apps take turns, round
after round, so a busy neighbour slows both alike; medians over the rounds are printed, with
each round's rate.

Each click is a new vote of one member on one claim. A round ends only when every click's answer
has reached Slack's side; for debate-bot that answer is the ephemeral receipt, sent after the
vote is committed, so its rate is of durable, answered votes. Before the app stops, another
process counts the votes in the database file: there must be exactly one per click. Printed per
app: requests/s, p50 / p99 acknowledgement latency, CPU time per click (app and load generator),
and the ratio of the two rates.

    python -m bench.slack_load [--requests 3000] [--rounds 5] [--concurrency 64] [--claims 5]
                               [--bare-clicks] [--baseline default|tuned] [--no-pin]

A click carries the poll message it was made on, as Slack sends it: 4 kB for the default poll of
5 claims, 15 kB for 20. Bolt spends most of a click's time unquoting and parsing that body, so the
size sets the trivial app's rate: with 5 claims it is close to the issue's reference figure
(1,300-1,750 requests/s). `--bare-clicks` leaves the message's blocks out, so Bolt's parsing
weighs least and our own work most. `--baseline tuned` gives the trivial app the Bolt settings
debate-bot runs with (listener before the response, no conversation or function-token
middleware), a faster app than Bolt's defaults (`default`) to be measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH"
CHOICES = ["agree", "disagree", "pass"]
CTX = mp.get_context("spawn")


# -- the processes ------------------------------------------------------------------------------


def pin(cpus: set[int] | None) -> None:
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cpus)


def serve_fake(ports: Any, stop: Any, cpus: set[int] | None) -> None:
    from fakes.slack_fake import FakeSlackApi

    pin(cpus)

    async def main() -> None:
        api = await FakeSlackApi(team=TEAM, admins={"UMOD"}, record=False).start()
        ports.put(api.port)
        await asyncio.to_thread(stop.wait)
        await api.stop()

    asyncio.run(main())


class Sink(asyncio.Protocol):
    """Slack's side of the response URLs, as cheap as HTTP/1.1 keep-alive can be: it counts
    each POST and says ok. (Slack's own servers do this work in real life, not ours.)"""

    def __init__(self, count: Any, last: Any) -> None:
        self.count, self.last = count, last
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.count.value += 1
            self.last.value = time.time()
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


def serve_sink(ports: Any, stop: Any, cpus: set[int] | None, count: Any, last: Any) -> None:
    pin(cpus)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: Sink(count, last), "127.0.0.1", 0)
        ports.put(server.sockets[0].getsockname()[1])
        await asyncio.to_thread(stop.wait)
        server.close()

    asyncio.run(main())


def serve_app(
    kind: str, api_url: str, db: str, ports: Any, stop: Any, cpus: set[int] | None
) -> None:
    """One app on 127.0.0.1 port 0 until `stop` is set: debate-bot, or a Bolt app that acks and
    answers each click through its response URL (`trivial` with Bolt's defaults, `tuned` with
    debate-bot's Bolt settings)."""
    pin(cpus)

    async def main() -> None:
        async with contextlib.AsyncExitStack() as stack:
            if kind in ("trivial", "tuned"):
                web_app = await trivial_app(stack)
            else:
                web_app = await debate_bot(stack)
            runner = web.AppRunner(web_app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            ports.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
            await asyncio.to_thread(stop.wait)
            await runner.cleanup()

    async def trivial_app(stack: contextlib.AsyncExitStack) -> web.Application:
        from slack_bolt.async_app import AsyncApp
        from slack_sdk.web.async_client import AsyncWebClient

        from adapters.slack.app import BOLT_SETTINGS

        session = await stack.enter_async_context(aiohttp.ClientSession())
        bolt = AsyncApp(
            client=AsyncWebClient(token="xoxb-bench", base_url=api_url),
            signing_secret=SECRET,
            **(BOLT_SETTINGS if kind == "tuned" else {}),
        )
        answers: set[asyncio.Task[None]] = set()

        async def answer(url: str) -> None:
            said = {"response_type": "ephemeral", "text": "Your vote is counted."}
            async with session.post(url, json=said) as response:
                await response.read()

        @bolt.action(re.compile("^vote:"))
        async def ack_and_answer(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            task = asyncio.create_task(answer(body["response_url"]))
            answers.add(task)
            task.add_done_callback(answers.discard)

        return bolt.web_app(path="/slack/events")

    async def debate_bot(stack: contextlib.AsyncExitStack) -> web.Application:
        from adapters import bootstrap
        from adapters.slack import SlackApp

        bot = await stack.enter_async_context(bootstrap.opened(f"sqlite+aiosqlite:///{db}"))
        slack = SlackApp(bot.engine, token="xoxb-bench", signing_secret=SECRET, api_url=api_url)
        stack.push_async_callback(slack.close)
        bot.serve("slack", slack)
        return slack.web_app()

    if os.environ.get("SLACK_LOAD_PROFILE"):  # a cProfile dump per app, for finding costs
        import cProfile

        out = f"{os.environ['SLACK_LOAD_PROFILE']}/{kind}.prof"
        cProfile.runctx("asyncio.run(main())", globals(), locals(), out)
        return
    asyncio.run(main())


def load(job: dict[str, Any], out: Any) -> None:
    """Send the job's signed clicks, `concurrency` at a time; report latencies and times."""
    from fakes.slack_fake import FakeSlackApi, SlackSender

    pin(job["others_cpus"])
    api = FakeSlackApi(team=TEAM)
    api.port = job["sink_port"]  # only for the clicks' response URLs
    sender = SlackSender(api, channel=CHANNEL)
    claims = job["claims"]
    requests = []
    for i in range(job["count"]):
        member, claim = divmod(i, claims)
        request = sender.click(
            f"U{job['first_member'] + member:07d}",
            f"vote:{CHOICES[(member + claim) % 3]}",
            f"1.{claim + 1}",
            message=job["message"],
        )
        requests.append((request.body.encode(), request.headers(SECRET)))

    async def main() -> dict[str, Any]:
        latencies: list[float] = []
        failures = 0
        queue = iter(requests)
        connector = aiohttp.TCPConnector(limit=job["concurrency"])
        async with aiohttp.ClientSession(connector=connector) as http:

            async def worker() -> None:
                nonlocal failures
                for body, headers in queue:
                    started = time.perf_counter()
                    async with http.post(job["url"], data=body, headers=headers) as answer:
                        await answer.read()
                        failures += answer.status != 200
                    latencies.append(time.perf_counter() - started)

            began = time.time()
            cpu = time.process_time()
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(job["concurrency"])))
            elapsed = time.perf_counter() - started
        return {
            "latencies": latencies,
            "seconds": elapsed,
            "began": began,
            "failures": failures,
            "load_cpu": time.process_time() - cpu,
        }

    out.put(asyncio.run(main()))


# -- the run ------------------------------------------------------------------------------------


def spawn(target: Any, *args: Any) -> mp.process.BaseProcess:
    process = CTX.Process(target=target, args=args, daemon=True)
    process.start()
    return process


class Server:
    """An app process, with the CPU time it has used (all its threads) read from /proc."""

    def __init__(self, kind: str, api_url: str, db: str, cpus: set[int] | None) -> None:
        ports = CTX.Queue()
        self.stop = CTX.Event()
        self.process = spawn(serve_app, kind, api_url, db, ports, self.stop, cpus)
        self.url = f"http://127.0.0.1:{ports.get(timeout=120)}/slack/events"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.stop.set()
        self.process.join(timeout=60)


async def fake_state(fake: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{fake}/counts") as answer:
        state: dict[str, Any] = await answer.json()
        return state


def receipts_done(receipts: Any, last: Any, expected: int, within: float = 120.0) -> float:
    """When the last of `expected` ephemeral receipts reached Slack's side (wall clock)."""
    deadline = time.monotonic() + within
    while receipts.value < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"receipts did not all arrive within {within} s")
        time.sleep(0.005)
    return float(last.value)


def one_round(server: Server, job: dict[str, Any]) -> dict[str, Any]:
    out = CTX.Queue()
    cpu = server.cpu_seconds()
    process = spawn(load, {**job, "url": server.url}, out)
    result: dict[str, Any] = out.get()
    process.join()
    result["cpu"] = server.cpu_seconds() - cpu
    return result


def summary(rounds: list[dict[str, Any]], finished: list[float] | None = None) -> dict[str, Any]:
    latencies = sorted(x for r in rounds for x in r["latencies"])
    count = len(rounds[0]["latencies"])
    rates = [count / r["seconds"] for r in rounds]
    if finished is not None:  # until the last receipt, not the last ack
        rates = [count / (end - r["began"]) for r, end in zip(rounds, finished, strict=True)]
    return {
        "rate": statistics.median(rates),
        "rates": [round(r) for r in rates],
        "ack_rate": statistics.median(count / r["seconds"] for r in rounds),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "cpu_ms": 1000 * statistics.median(r["cpu"] / count for r in rounds),
        "load_cpu_ms": 1000 * statistics.median(r["load_cpu"] / count for r in rounds),
        "failures": sum(r["failures"] for r in rounds),
    }


async def prepare(db: str, claims: int) -> dict[str, Any]:
    """Post 1 with its claims and an open poll; returns the poll message a click carries."""
    from adapters import bootstrap
    from adapters.slack.polls import poll_message
    from bot.domain import Actor

    async with bootstrap.opened(f"sqlite+aiosqlite:///{db}") as bot:
        engine = bot.engine
        mod = Actor(f"slack:{TEAM}", "UMOD", platform_moderator=True)
        await engine.add_post(mod, "A post to vote on\nThe alliance needs a new strategy.")
        for n in range(claims):
            await engine.add_claim(mod, "1", f"Claim {n + 1}: " + "a reasonably long claim " * 4)
        await engine.open_poll(mod, "1")
        results = await engine.public_results(mod.community, "1")
    refs = [row.claim.ref for row in results.claims][:24]
    return {"ts": "1700000000.000100", "blocks": poll_message(results, refs).blocks}


def stored(db: str) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        votes = conn.execute("SELECT count(*) FROM votes").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM vote_events").fetchone()[0]
    return int(votes), int(events)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="clicks per round and app")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--claims", type=int, default=5, help="claims in the poll clicked on")
    parser.add_argument("--bare-clicks", action="store_true", help="clicks without the message")
    parser.add_argument(
        "--baseline",
        choices=["default", "tuned"],
        default="default",
        help="the trivial app's Bolt settings: Bolt's defaults, or debate-bot's",
    )
    parser.add_argument(
        "--no-pin", action="store_true", help="let the OS place the processes on any CPU"
    )
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    app_cpus = others_cpus = None
    if len(cpus) >= 2 and not args.no_pin:  # the app under test on one CPU, the rest elsewhere
        app_cpus, others_cpus = {cpus[0]}, set(cpus[1:])
    warmup = 500

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        message = asyncio.run(prepare(db, args.claims))
        if args.bare_clicks:
            message = {"ts": message["ts"], "blocks": []}
        ports = CTX.Queue()
        stop_fake = CTX.Event()
        fake_process = spawn(serve_fake, ports, stop_fake, others_cpus)
        fake = f"http://127.0.0.1:{ports.get(timeout=120)}"
        receipts, last_receipt = CTX.Value("q", 0), CTX.Value("d", 0.0)
        sink_process = spawn(serve_sink, ports, stop_fake, others_cpus, receipts, last_receipt)
        sink_port = ports.get(timeout=120)
        trivial = Server(
            "trivial" if args.baseline == "default" else "tuned", f"{fake}/api/", db, app_cpus
        )
        ours = Server("debate-bot", f"{fake}/api/", db, app_cpus)

        print(
            f"machine: {os.cpu_count()} CPUs, {platform.platform()}, "
            f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}"
        )
        size = len(json.dumps(message))
        print(
            f"{args.rounds} rounds x {args.requests} vote clicks per app (+{warmup} warm-up), "
            f"concurrency {args.concurrency}, poll of {args.claims} claims, "
            f"{'bare clicks' if args.bare_clicks else f'clicks carrying the message ({size} B)'}"
        )
        if app_cpus:
            print(f"each app pinned to CPU {min(app_cpus)}; load and Slack's side on {others_cpus}")
        job = {
            "others_cpus": others_cpus,
            "sink_port": sink_port,
            "claims": args.claims,
            "concurrency": args.concurrency,
            "message": message,
        }
        member = 0
        answered = 0

        def next_job(count: int) -> dict[str, Any]:
            nonlocal member
            first, member = member, member + count // args.claims + 1
            return {**job, "first_member": first, "count": count}

        for server in (trivial, ours):  # warm up: imports, caches, connections
            one_round(server, next_job(warmup))
            answered += warmup
            receipts_done(receipts, last_receipt, answered)
        runs: dict[str, list[dict[str, Any]]] = {"trivial": [], "ours": []}
        finished: dict[str, list[float]] = {"trivial": [], "ours": []}
        for _ in range(args.rounds):
            for name, server in (("trivial", trivial), ("ours", ours)):
                runs[name].append(one_round(server, next_job(args.requests)))
                answered += args.requests
                finished[name].append(receipts_done(receipts, last_receipt, answered))
        votes, events = stored(db)  # by another process, while the app still runs
        trivial.close()
        ours.close()
        state = asyncio.run(fake_state(fake))
        stop_fake.set()
        fake_process.join(timeout=30)
        sink_process.join(timeout=30)

        bare = summary(runs["trivial"], finished["trivial"])
        debate = summary(runs["ours"], finished["ours"])
        for name, r in (
            (f"trivial Bolt app, {args.baseline} (answered)", bare),
            ("debate-bot (stored, answered)", debate),
        ):
            print(
                f"{name:<30} {r['rate']:6.0f} req/s {r['rates']}  p50 {r['p50_ms']:5.1f} ms  "
                f"p99 {r['p99_ms']:6.1f} ms  CPU {r['cpu_ms']:.2f} ms/click "
                f"(load generator {r['load_cpu_ms']:.2f})"
            )
        ratio = debate["rate"] / bare["rate"]
        print(
            f"acknowledged: trivial {bare['ack_rate']:.0f} req/s, debate-bot "
            f"{debate['ack_rate']:.0f} req/s; the rates above count until each round's last answer"
        )
        print(
            f"throughput ratio debate-bot / trivial: {ratio:.2f} (target >= 0.80); "
            f"debate-bot p99 {debate['p99_ms']:.0f} ms (target < 300)"
        )
        expected = warmup + args.rounds * args.requests
        answers = receipts.value
        print(
            f"durable: {votes} votes and {events} vote events stored for {expected} clicks; "
            f"{answers} answers through response URLs (both apps); "
            f"{state['counts'].get('chat.update', 0)} chat.update"
        )
        ok = votes == events == expected and answers == 2 * expected
        ok = ok and not bare["failures"] and not debate["failures"]
        print("every vote stored and answered" if ok else "MISMATCH: see the counts above")
        print(json.dumps({"trivial": bare, "debate_bot": debate, "ratio": round(ratio, 3)}))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
