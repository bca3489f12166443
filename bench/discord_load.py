"""Vote clicks through Discord's gateway: debate-bot against a bot that only acknowledges.

A local fake of Discord (fakes/discord_fake.py, on 127.0.0.1 only) runs in this process; each
bot runs in a process of its own and connects to it as to Discord. A moderator posts a post of 20
claims and opens its poll (four poll messages); then vote clicks on those messages are dispatched
as INTERACTION_CREATE events at increasing rates, open loop (a click goes out on time whether or
not earlier ones were answered), each by a member who has not voted on that claim yet. Measured
here, from dispatch to the interaction callback: answers per second, p50 and p99. Each rate runs
on debate-bot (a committed vote, a private receipt, debounced edits of the poll message) and then
on a trivial discord.py bot whose button callback only defers, so both see the same machine load.

    python -m bench.discord_load [--rates 50,100,200,400] [--seconds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.discord_fake import Exchange, FakeDiscord, Member, Reply

ROOT = Path(__file__).resolve().parent.parent

CLAIMS = 20
TIMEOUT = 10.0  # seconds to wait for the last answers of a step


@dataclass
class Step:
    bot: str
    rate: int
    sent: int
    answered: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    cpu_ms: float = float("nan")  # the bot process's CPU time per click (Linux only)

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


# -- the bots, each in a process of its own -------------------------------------------------------


async def serve(kind: str, api: str, gateway: str, token: str, database: str) -> None:
    import discord
    from pydantic import SecretStr

    from adapters import bootstrap
    from adapters.config import Config
    from adapters.discord import discord_client
    from adapters.discord import serve as serve_discord
    from adapters.discord.app import point_at
    from adapters.discord.polls import VOTE_TEMPLATE

    logging.basicConfig(level=logging.ERROR)
    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)

    if kind == "trivial":

        class Ack(
            discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=VOTE_TEMPLATE
        ):
            @classmethod
            async def from_custom_id(
                cls, interaction: Any, item: Any, match: re.Match[str], /
            ) -> Ack:
                return cls(discord.ui.Button(custom_id=match.string))

            async def callback(self, interaction: discord.Interaction[Any]) -> None:
                await interaction.response.defer()

        class Trivial(discord.Client):
            async def setup_hook(self) -> None:
                self.add_dynamic_items(Ack)

        intents = discord.Intents.none()
        intents.guilds = True
        point_at(api, gateway)
        client = Trivial(intents=intents, max_messages=None)
        with contextlib.suppress(asyncio.CancelledError):
            async with client:
                await client.start(token)
        return

    config = Config(
        discord_token=SecretStr(token),
        discord_api_base=api,
        discord_gateway_url=gateway,
        database_url=database,
    )
    async with bootstrap.opened(database) as bot:
        client = discord_client(bot.engine, config, guild_ready_timeout=0.1)
        bot.serve("discord", client)
        with contextlib.suppress(asyncio.CancelledError):
            await serve_discord(client, config)


def start_bot(kind: str, fake: FakeDiscord, database: str) -> subprocess.Popen[bytes]:
    args = ["--serve", kind, fake.api_base, fake.gateway_url, fake.token, database]
    return subprocess.Popen([sys.executable, "-m", "bench.discord_load", *args], cwd=ROOT)


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- the load -------------------------------------------------------------------------------------


async def prepare(fake: FakeDiscord) -> list[Reply]:
    """A post of 20 claims with its poll open: the poll messages to click on."""
    mod = fake.moderator()
    text = "A post to vote on\n\nIt has claims."
    await (await fake.command(mod, "debate-mod post", link=text)).reply(30)
    for i in range(CLAIMS):
        said = f"Claim {i + 1}: a statement members agree or disagree with"
        await (await fake.command(mod, "debate-mod claim add", post="1", text=said)).reply(30)
    await (await fake.command(mod, "debate-mod open", post="1")).reply(30)
    return fake.channel_messages()


class Clicks:
    """Every click a different (member, claim) pair, so each one is a new vote."""

    def __init__(self, fake: FakeDiscord, polls: list[Reply]) -> None:
        self.fake = fake
        self.buttons = [(poll, cid) for poll in polls for cid in poll.custom_ids[::3]]
        self.count = 0
        self.member: Member | None = None

    async def next(self) -> Exchange:
        poll, custom_id = self.buttons[self.count % len(self.buttons)]
        if self.count % len(self.buttons) == 0:
            self.member = self.fake.member(f"voter{self.count}")
        self.count += 1
        assert self.member is not None
        return await self.fake.click(self.member, poll, custom_id)


async def step(bot: str, clicks: Clicks, rate: int, seconds: float) -> Step:
    total = int(rate * seconds)
    sent = []
    began = time.perf_counter()
    for i in range(total):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append(await clicks.next())
    await asyncio.gather(
        *(e.until(lambda e: e.callback is not None, TIMEOUT) for e in sent),
        return_exceptions=True,  # a click never answered counts as not answered
    )
    answered = [
        (e.dispatched_at, e.answered_at)
        for e in sent
        if e.answered_at is not None and e.callback_type in (4, 5, 6)
    ]
    latencies = sorted(1000 * (done - start) for start, done in answered)
    first = min(e.dispatched_at for e in sent)
    last = max((done for _, done in answered), default=first)
    return Step(
        bot,
        rate,
        total,
        len(answered),
        last - first,
        statistics.median(latencies) if latencies else float("nan"),
        latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
        latencies[-1] if latencies else float("nan"),
    )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (all its threads); NaN off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    kind: str, fake: FakeDiscord, database: str, clicks: Clicks | None, rate: int, seconds: float
) -> tuple[Step, Clicks]:
    """Start one bot, send it one rate of clicks (after a short warm-up), stop it."""
    sessions = fake.sessions
    process = start_bot(kind, fake, database)
    try:
        await fake.wait_connected(sessions + 1, within=60)
        clicks = clicks or Clicks(fake, await prepare(fake))
        await step(kind, clicks, 20, 0.5)  # warm-up, not counted
        before = cpu_seconds(process.pid)
        measured = await step(kind, clicks, rate, seconds)
        await asyncio.sleep(0.3)  # let the last poll-message edits go out
        measured.cpu_ms = 1000 * (cpu_seconds(process.pid) - before) / measured.sent
    finally:
        stop_bot(process)
    return measured, clicks


async def main(args: argparse.Namespace) -> None:
    ours: list[Step] = []
    theirs: list[Step] = []
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite+aiosqlite:///{tmp}/bench.db"
        async with FakeDiscord() as fake:
            clicks: Clicks | None = None
            for rate in args.rates:  # each rate on both bots back to back: the same machine load
                mine, clicks = await measure(
                    "debate-bot", fake, database, clicks, rate, args.seconds
                )
                trivial, _ = await measure("trivial", fake, database, clicks, rate, args.seconds)
                ours.append(mine)
                theirs.append(trivial)
            edits = len([c for c in fake.calls if c.method == "PATCH"])
            votes = await count_votes(database, f"discord:{fake.guild_id}")

    print(f"machine: {platform.platform()}, Python {platform.python_version()}, ", end="")
    print(f"{os.cpu_count()} CPUs; fake Discord in this process, each bot in its own")
    print(f"{'bot':<11} {'rate/s':>6} {'sent':>5} {'answered':>8} {'answers/s':>9} ", end="")
    print(f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'CPU ms/click':>12}")
    for s in ours + theirs:
        print(
            f"{s.bot:<11} {s.rate:>6} {s.sent:>5} {s.answered:>8} {s.throughput:>9.1f} "
            f"{s.p50_ms:>7.1f} {s.p99_ms:>7.1f} {s.max_ms:>7.1f} {s.cpu_ms:>12.2f}"
        )
    for mine, trivial in zip(ours, theirs, strict=True):
        ratio = mine.throughput / trivial.throughput if trivial.throughput else float("nan")
        print(
            f"at {mine.rate}/s: throughput ratio {ratio:.2f}, debate-bot p99 {mine.p99_ms:.0f} ms"
        )
    print(f"votes stored: {votes} (every answered debate-bot click and warm-up click is one)")
    print(f"poll message edits: {edits} (debounced: at most one per message every 2 s)")


async def count_votes(database: str, community: str) -> int:
    from adapters import bootstrap
    from bot.domain import Actor

    async with bootstrap.opened(database) as bot:
        operator = Actor(community, "bench", platform_moderator=True)
        results = await bot.engine.results(operator, "1")
        return sum(r.tally.total for r in results.claims)


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rates", default="50,100,200,400", help="clicks per second, in order")
    p.add_argument("--seconds", type=float, default=3.0, help="how long each rate lasts")
    p.add_argument("--serve", nargs=5, help=argparse.SUPPRESS)
    args = p.parse_args()
    args.rates = [int(r) for r in args.rates.split(",")]
    if max(args.rates) > 2000 or args.seconds > 30:
        p.error("at most 2000 clicks a second, 30 seconds a step")
    return args


if __name__ == "__main__":
    arguments = parse()
    if arguments.serve:
        asyncio.run(serve(*arguments.serve))
    else:
        asyncio.run(main(arguments))
