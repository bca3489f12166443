"""The console adapter: the same engine, a person (or a script) at a terminal.

A line is `[@name[!]] /debate ...`: `@name` acts as that member, `!` as a moderator; a trailing
backslash continues the line. Lines starting with `#` are comments.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot import text
from bot.answers import ClosedPoll, Refusal
from bot.commands import Reply, execute
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine

log = logging.getLogger(__name__)

_SPEAKER = re.compile(r"@([\w.-]+)(!?)(?=\s|/|$)\s*")
SOMETHING_WENT_WRONG = "Something went wrong on our side; nothing was changed. Please try again."


@dataclass(frozen=True)
class Speaker:
    name: str
    moderator: bool

    @classmethod
    def parse(cls, spec: str) -> Speaker:
        spec = spec.lstrip("@")
        return cls(spec.rstrip("!") or "you", spec.endswith("!"))


class NotAName(ValueError):
    """A line starts with `@` but what follows is not a name the console knows how to read."""


def split_speaker(line: str, default: Speaker) -> tuple[Speaker, str]:
    """Who speaks a line (`@name`, `@name!` for a moderator, else `default`) and what they say."""
    if not line.startswith("@"):
        return default, line
    match = _SPEAKER.match(line)
    if not match:
        name = line[1:].split(maxsplit=1)[0] if line[1:].strip() else ""
        raise NotAName(
            f"A name after @ is letters, digits, dots, dashes and underscores, like @ann or "
            f"@ann! for a moderator; “{name[:30]}” is not one."
        )
    return Speaker(match.group(1), bool(match.group(2))), line[match.end() :]


async def in_a_daemon_thread(read: Callable[[bool], str | None], continued: bool) -> str | None:
    """`read` in a thread of its own that never holds up the process's exit: a console blocked
    in `input()` must not keep Ctrl-C from quitting until Enter is pressed, as a thread of the
    event loop's default executor would (asyncio waits for those before it exits)."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str | None] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not answer.done():
            outcome()

    def work() -> None:
        try:
            line = read(continued)
        except BaseException as error:  # EOF, a closed stream: the caller's to handle
            failed = error
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
                loop.call_soon_threadsafe(settle, lambda: answer.set_exception(failed))
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, lambda: answer.set_result(line))

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await answer


async def logical_lines(read_line: Callable[[bool], str | None]) -> AsyncIterator[str]:
    """Physical lines joined where one ends in a backslash (the newline is kept).

    `read_line` is told whether the line it reads continues the one before.
    """
    pending: list[str] = []
    while True:
        raw = await in_a_daemon_thread(read_line, bool(pending))
        if raw is None:
            break
        line = raw.rstrip("\n")
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield "\n".join(pending)
        pending = []
    if pending:
        yield "\n".join(pending)


class Console:
    """A terminal as a platform: lines in, replies out, and what the bot says on its own
    (results of polls that close on time, digests) printed where the console is."""

    def __init__(
        self,
        engine: Engine,
        community: str,
        default: Speaker,
        write: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.community = community
        self.default = default
        self.write = write or _print

    async def handle(self, line: str) -> str | None:
        """The reply to one console line; None for a blank line or a comment."""
        line = line.strip()
        if not line or line.startswith("#"):
            return None
        try:
            speaker, command = split_speaker(line, self.default)
        except NotAName as wrong:
            return render(Reply(Refusal(str(wrong))), self.default.name)
        actor = Actor(
            community=self.community,
            user_id=speaker.name,
            name=speaker.name,
            platform_moderator=speaker.moderator,
        )
        try:
            reply = await execute(self.engine, actor, command)
        except Exception:
            log.exception("command failed: %s", command[:200])
            reply = Reply(Refusal(SOMETHING_WENT_WRONG))
        return render(reply, speaker.name)

    async def run(self, interactive: bool) -> None:
        def read_line(continued: bool) -> str | None:
            if interactive:
                try:
                    return input("... " if continued else f"{self.default.name}> ")
                except EOFError:
                    return None
            return sys.stdin.readline() or None

        if interactive:
            self.write(
                f"debate-bot console for {self.community}. Type `/debate help`; Ctrl-D quits."
            )
        async for line in logical_lines(read_line):
            reply = await self.handle(line)
            if reply is not None:
                self.write(reply)
        await self.engine.ballot_box.drain()

    # -- what the bot says on its own (adapters.platforms.Platform) ------------------------------

    async def announce_closed(self, closed: ClosedPoll) -> None:
        self.write(f"[to everyone]\n{text.render(closed)}")

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        if "text" not in delivered:
            self.write(f"[to everyone]\n{text.render(digest)}")
            delivered.add("text")

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        self.write(f"[to moderators] {message}")

    async def platform_moderator(self, actor: Actor) -> bool:
        return False  # a console line says whether its speaker moderates (`@name!`)


def _print(said: str) -> None:
    print(said, flush=True)


def render(reply: Reply, to: str) -> str:
    if reply.announce:
        return f"[to everyone]\n{reply.text}"
    return f"[to {to}] {reply.text}"
