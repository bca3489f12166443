"""debate-bot as the operating system runs it, for fault tests and soak benchmarks.

- `SlackWorker`: `debate-bot run` in a process of its own, serving Slack over HTTP on a free port
  of 127.0.0.1, its Web API pointed at a local fake Slack (`fakes/slack_fake.py`). It is started,
  stopped and killed as an operator (or the kernel) would, and read through `/proc`.
- `Click` and `ClickStream`: signed vote clicks sent to workers over real HTTP by several
  concurrent senders, each click remembered with how it was answered. A 200 is Slack's
  "acknowledged": Slack never sends that click again, so its vote must be in the database.
- `stored_votes` and `scratch_database`: what the database holds, read by a connection of our
  own, and a PostgreSQL database made for one run and dropped after it.

Nothing here reaches into the bot's code: it only speaks HTTP, SQL and signals to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from fakes.slack_fake import FakeSlackApi, SlackSender

ROOT = Path(__file__).resolve().parent.parent
SECRET = "signing-secret-of-the-fault-tests"
MODERATOR = "UMOD"  # give it to `FakeSlackApi(admins=...)`: a workspace admin moderates
RUN = ("-m", "adapters.cli", "run")  # `debate-bot run`, as the installed script runs it


def free_port() -> int:
    """A TCP port nothing listens on just now, for a worker's SLACK_PORT."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SlackWorker:
    """One `debate-bot run` process in Slack HTTP mode on `database_url`.

    Its log goes to a file, not a pipe: a pipe nobody reads fills up and stops the bot. `python`
    is what runs after the interpreter (`RUN` by default); a test may run the bot another way."""

    def __init__(
        self,
        database_url: str,
        slack: FakeSlackApi,
        log: Path,
        *,
        python: Sequence[str] = RUN,
        log_level: str = "WARNING",
    ) -> None:
        self.database_url = database_url
        self.slack = slack
        self.log = log
        self.python = tuple(python)
        self.log_level = log_level
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.base}/slack/events"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def environment(self) -> dict[str, str]:
        """The process's settings: ours replace any Slack or Discord ones the caller has."""
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))
        }
        return {
            **inherited,
            "DATABASE_URL": self.database_url,
            "SLACK_BOT_TOKEN": "xoxb-fault-tests",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "SLACK_PORT": str(self.port),
            "LOG_LEVEL": self.log_level,
            "PYTHONPATH": str(ROOT),
        }

    async def start(self, within: float = 60.0) -> SlackWorker:
        """Start the process and return once `/healthz` says it can count votes."""
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *self.python,
                cwd=ROOT,
                env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        await self._until_healthy(within)
        return self

    async def _until_healthy(self, within: float) -> None:
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.returncode is not None:
                    raise RuntimeError(f"the bot exited at start-up:\n{self.said()}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.base}/healthz") as health:
                        if health.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the bot did not become healthy within {within} s:\n{self.said()}")

    def said(self) -> str:
        """Everything the process wrote, for a failing test's message."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no clean-up at all."""
        await self._end(signal.SIGKILL)

    async def stop(self, within: float = 30.0) -> int:
        """SIGTERM, as a service manager stops the bot; its exit code (0 when clean)."""
        return await self._end(signal.SIGTERM, within)

    async def _end(self, how: signal.Signals, within: float = 30.0) -> int:
        process = self.process
        if process is None:
            return 0
        if process.returncode is not None:
            return process.returncode
        process.send_signal(how)
        try:
            return await asyncio.wait_for(process.wait(), within)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise RuntimeError(f"did not stop on {how.name}:\n{self.said()}") from None

    def resident_bytes(self) -> int:
        """Resident memory (VmRSS) of the running process, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    async def __aenter__(self) -> SlackWorker:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.kill()  # a test that failed midway leaves no bot behind


# -- talking to a worker as Slack does --------------------------------------------------------


async def command(
    http: aiohttp.ClientSession, worker: SlackWorker, sender: SlackSender, line: str
) -> str:
    """One `/debate` command from the moderator; the text of the answer Slack got."""
    request = sender.command(MODERATOR, line)
    async with http.post(
        worker.events_url, data=request.body.encode(), headers=request.headers(SECRET)
    ) as answer:
        said = await answer.text()
        if answer.status != 200:
            raise RuntimeError(f"/debate {line!r} answered {answer.status}: {said}")
        return said


async def open_poll(worker: SlackWorker, sender: SlackSender, claims: int) -> None:
    """Post 1 with `claims` claims (refs 1.1, 1.2, ...) and its poll open, all through Slack."""
    posted = sender.api.counts.get("chat.postMessage", 0)
    async with aiohttp.ClientSession() as http:
        await command(http, worker, sender, "post A post\nThe alliance needs a new strategy.")
        for n in range(claims):
            await command(http, worker, sender, f"claim add 1 Claim number {n + 1} of the post")
        await command(http, worker, sender, "open 1")
    # The poll message is posted to the channel once the poll is open.
    await sender.api.wait_for(lambda: sender.api.counts.get("chat.postMessage", 0) > posted, 10)


@dataclass(frozen=True)
class Click:
    """One member's click of one button."""

    member: str
    ref: str  # the claim, "1.2"
    choice: str  # agree, disagree or pass

    @property
    def key(self) -> tuple[str, str]:
        return (self.member, self.ref)


@dataclass
class Sent:
    """A click and how it was answered: an HTTP status, or None when no answer came (the
    process died, the connection broke)."""

    click: Click
    status: int | None
    seconds: float
    at: float  # when it was answered (time.monotonic)


@dataclass
class ClickStream:
    """Signed clicks sent by `senders` concurrent senders, round-robin over `workers`.

    A sender sends its next click once the last is answered, and stops at its first click
    with no answer (a killed process refuses connections from then on)."""

    workers: Sequence[SlackWorker]
    sender: SlackSender
    senders: int = 8
    sent: list[Sent] = field(default_factory=list)
    finished: bool = False
    _progress: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def acknowledged(self) -> list[Click]:
        return [s.click for s in self.sent if s.status == 200]

    @property
    def unanswered(self) -> list[Click]:
        return [s.click for s in self.sent if s.status is None]

    async def record(self, sent: Sent) -> None:
        self.sent.append(sent)
        async with self._progress:
            self._progress.notify_all()

    async def reached(self, count: int, *, acknowledged: bool = False) -> None:
        """Until `count` clicks were answered (acknowledged, with `acknowledged`), or the
        stream ended."""

        def enough() -> bool:
            done = len(self.acknowledged) if acknowledged else len(self.sent)
            return done >= count or self.finished

        async with self._progress:
            await self._progress.wait_for(enough)

    async def send(self, clicks: Iterable[Click]) -> None:
        queue = iter(enumerate(clicks))
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def one_sender() -> None:
                for n, click in queue:
                    worker = self.workers[n % len(self.workers)]
                    sent = await send_click(http, worker, self, click)
                    await self.record(sent)
                    if sent.status is None:
                        return

            try:
                await asyncio.gather(*(one_sender() for _ in range(self.senders)))
            finally:
                self.finished = True
                async with self._progress:
                    self._progress.notify_all()


async def send_click(
    http: aiohttp.ClientSession,
    worker: SlackWorker,
    stream: ClickStream,
    click: Click,
    *,
    message: dict[str, Any] | None = None,
) -> Sent:
    """One signed `block_actions` click to `worker`, timed; its receipt goes to the fake
    Slack's response URL named after the member and claim. `message` is the poll message
    clicked on (its ts and blocks), which Slack sends with the click."""
    request = stream.sender.click(
        click.member,
        f"vote:{click.choice}",
        click.ref,
        message=message,
        reply_to=f"{click.member}-{click.ref}",
    )
    started = time.monotonic()
    status: int | None
    try:
        async with http.post(
            worker.events_url, data=request.body.encode(), headers=request.headers(SECRET)
        ) as answer:
            await answer.read()
            status = answer.status
    except (aiohttp.ClientError, OSError):
        status = None
    ended = time.monotonic()
    return Sent(click, status, ended - started, ended)


# -- what the database holds ------------------------------------------------------------------


async def stored_votes(database_url: str) -> dict[tuple[str, str], str]:
    """Every stored vote, (member, claim ref) -> choice, read by a connection of our own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                sa.text(
                    "SELECT v.voter, p.number, c.number, v.choice FROM votes v"
                    " JOIN claims c ON c.id = v.claim_id JOIN posts p ON p.id = c.post_id"
                )
            )
            return {(voter, f"{post}.{claim}"): choice for voter, post, claim, choice in found}
    finally:
        await engine.dispose()


def lost(acknowledged: Iterable[Click], stored: dict[tuple[str, str], str]) -> list[Click]:
    """Acknowledged clicks whose vote is not in the database as clicked."""
    return [c for c in acknowledged if stored.get(c.key) != c.choice]


@contextlib.asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, for one run; its URL.
    A database of its own (not a schema) because a worker process only takes DATABASE_URL,
    and so that `pg_stat_activity.datname` tells this run's connections from everyone else's.
    Dropped afterwards, whoever is still connected."""
    name = f"faults_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def cut_connections(database_url: str, application_name: str = "debate-bot") -> int:
    """Terminate every session the bot has open on the database of `database_url` (as a
    PostgreSQL restart or a failover would); how many there were. Sessions of other databases,
    and ours, are untouched."""
    url = sa.make_url(database_url)
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            cut = await conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :db AND application_name = :app"
                    " AND pid <> pg_backend_pid()"
                ),
                {"db": url.database, "app": application_name},
            )
            return sum(1 for (done,) in cut if done)
    finally:
        await engine.dispose()
