"""The console adapter: the same engine, a person (or a script) at a terminal.

A line is `[@name[!]] /debate ...`: `@name` acts as that member, `!` as a moderator; a trailing
backslash continues the line. Lines starting with `#` are comments.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot import text
from bot.answers import ClosedPoll, Refusal
from bot.commands import Reply, execute
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine

log = logging.getLogger(__name__)

_SPEAKER = re.compile(r"@([\w.-]+)(!?)\s*")
SOMETHING_WENT_WRONG = "Something went wrong on our side; nothing was changed. Please try again."


@dataclass(frozen=True)
class Speaker:
    name: str
    moderator: bool

    @classmethod
    def parse(cls, spec: str) -> Speaker:
        spec = spec.lstrip("@")
        return cls(spec.rstrip("!") or "you", spec.endswith("!"))


def split_speaker(line: str, default: Speaker) -> tuple[Speaker, str]:
    match = _SPEAKER.match(line)
    if not match:
        return default, line
    return Speaker(match.group(1), bool(match.group(2))), line[match.end() :]


async def logical_lines(read_line: Callable[[bool], str | None]) -> AsyncIterator[str]:
    """Physical lines joined where one ends in a backslash (the newline is kept).

    `read_line` is told whether the line it reads continues the one before.
    """
    pending: list[str] = []
    while True:
        raw = await asyncio.to_thread(read_line, bool(pending))
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
        speaker, command = split_speaker(line, self.default)
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

    async def deliver(self, settings: Settings, digest: Digest) -> None:
        self.write(f"[to everyone]\n{text.render(digest)}")

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
