"""Whatever a member types, the bot answers with a sentence and, if it refuses, changes nothing.

Hypothesis writes the lines: every subcommand followed by random text, unicode digits, huge
numbers, NUL and control characters, invisible characters, SQL-looking strings, mentions,
malformed refs and dates. Each line goes through the shared grammar (`bot.commands.execute`,
what every adapter calls) as a member and as a moderator, on SQLite and PostgreSQL. Then:
no exception escapes, a refusal is one short line, and a refused line leaves every table as
it was. Also, as matrices: every moderator command refused to a member, and every post,
claim and poll of one community unknown to another, with nothing changed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import Refusal
from bot.commands import SUBCOMMANDS, execute
from bot.domain import Actor
from storage.schema import metadata
from storage.store import SqlStore
from tests.support import ManualClock, PostgresSchema, make_bot

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
HERE = "console:here"
ELSEWHERE = "console:elsewhere"
MOD = Actor(HERE, "mod", "mod", platform_moderator=True)
MEMBER = Actor(HERE, "ann", "ann")
OUTSIDER_MOD = Actor(ELSEWHERE, "boss", "boss", platform_moderator=True)

HOSTILE_WORDS = [
    "1",
    "1.1",
    "1.2",
    "9.9",
    "0",
    "-1",
    "1.0",
    "#1",
    "1.1-1.3",
    "1.3-1.1",
    "1.1-9",
    "²",
    "①",
    "𝟏.𝟏",
    "١",
    "99999999999999999999",
    "1e9",
    "1.1.1",
    ".1",
    "1.",
    "agree",
    "disagree",
    "pass",
    "yes",
    "claim",
    "prediction",
    "true",
    "false",
    "void",
    "for",
    "3d",
    "99999w",
    "0m",
    "1w1d",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "now",
    "off",
    "on",
    "live",
    "after-close",
    "visibility",
    "moderator",
    "add",
    "remove",
    "schedule",
    "monday",
    "25:00",
    "Europe/Nowhere",
    "quiet",
    "skip",
    "channel",
    "\x00",
    "\x07",
    "\u200b",
    "\u202e",
    "\ufeff",
    "'; DROP TABLE votes; --",
    "<@U123>",
    "@everyone",
    "<!channel>",
    "https://127.0.0.1/x",
    "x" * 2000,
    "\n",
    "  ",
]
HOSTILE = st.sampled_from(HOSTILE_WORDS)
COMMANDS = st.sampled_from([s.name for s in SUBCOMMANDS] + ["", "nonsense"])
WORDS = st.lists(HOSTILE | st.text(max_size=40), max_size=6).map(" ".join)
LINES = st.one_of(  # a command with one or two hostile arguments, or with anything at all
    st.tuples(COMMANDS, HOSTILE).map(" ".join),
    st.tuples(COMMANDS, HOSTILE, HOSTILE).map(" ".join),
    st.tuples(COMMANDS, WORDS).map(" ".join),
)


class World:
    """A community with a post, claims, an open poll and a vote, on its own event loop (the
    property test runs synchronously, each example through `run`)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.runner = asyncio.Runner()
        self.store: SqlStore = self.run(SqlStore.open(url, **options))
        self.engine = make_bot(self.store, ManualClock()).engine
        for line in [
            "post Alliances\nThe alliance must spend more on defence.",
            "claim add 1 The alliance must spend more",
            "claim add 1 Russia will test the alliance by 2027",
            "open 1 for 3d",
        ]:
            self.run(execute(self.engine, MOD, line))
        self.run(execute(self.engine, MEMBER, "vote 1.1 agree"))
        self.run(execute(self.engine, MEMBER, "propose 1 Europe should do more"))
        dialect = self.store.engine.dialect
        self.queries = [str(sa.select(t).compile(dialect=dialect)) for t in metadata.sorted_tables]

    def run(self, work: Any) -> Any:
        return self.runner.run(work)

    def dump(self) -> list[list[tuple[Any, ...]]]:
        """Every row of every table, read in one go (raw SQL, compiled once: this runs before
        and after each of thousands of lines)."""

        async def read() -> list[list[tuple[Any, ...]]]:
            async with self.store.engine.connect() as conn:
                return [
                    sorted((await conn.exec_driver_sql(query)).all(), key=repr)
                    for query in self.queries
                ]

        return self.run(read())  # type: ignore[no-any-return]

    def close(self) -> None:
        self.run(self.store.close())
        self.runner.close()


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "sqlite":
        made = World(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
        yield made
        made.close()
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = PostgresSchema(POSTGRES_URL)
    runner = asyncio.Runner()
    options = runner.run(schema.__aenter__())
    made = World(POSTGRES_URL, **options)
    yield made
    made.close()
    runner.run(schema.__aexit__())
    runner.close()


def refused_changes_nothing(world: World, actor: Actor, line: str) -> None:
    before = world.dump()
    reply = world.run(execute(world.engine, actor, line))  # must not raise
    if isinstance(reply.answer, Refusal):
        said = reply.answer.message
        assert said and "\n" not in said and "Traceback" not in said, said
        assert len(said) < 600, said
        assert world.dump() == before, line


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(line=LINES, as_moderator=st.booleans())
def test_any_line_gets_a_sentence_and_a_refusal_changes_nothing(
    world: World, line: str, as_moderator: bool
) -> None:
    refused_changes_nothing(world, MOD if as_moderator else MEMBER, line)


def test_every_command_with_every_hostile_argument(world: World) -> None:
    """Systematically, what the random lines find by chance: each subcommand with each hostile
    token as its argument (and after a valid first argument), as a moderator."""
    for sub in SUBCOMMANDS:
        first = SAMPLE_ARGUMENTS.get(sub.name, "").split(" ")[0]
        for token in HOSTILE_WORDS:
            refused_changes_nothing(world, MOD, f"{sub.name} {token}")
            if first:
                refused_changes_nothing(world, MOD, f"{sub.name} {first} {token}")


SAMPLE_ARGUMENTS = {
    "post": "Another post\nIt argues something.",
    "claims": "1",
    "claim add": "1 Another claim",
    "claim edit": "1.1 Reworded claim",
    "claim remove": "1.2",
    "claim kind": "1.2 prediction",
    "open": "1",
    "close": "1",
    "vote": "1.1 disagree",
    "propose": "1 Yet another claim",
    "queue": "",
    "approve": "1.3",
    "reject": "1.3 off topic",
    "results": "1",
    "predict": "1.2 2027-01-31",
    "resolve": "1.2 true",
    "settings": "visibility live",
    "digest": "channel general",
    "export": "1",
    "audit": "5",
}


@pytest.mark.parametrize("sub", [s for s in SUBCOMMANDS if s.moderator], ids=lambda s: s.name)
def test_every_moderator_command_is_refused_to_a_member(world: World, sub: Any) -> None:
    before = world.dump()
    reply = world.run(execute(world.engine, MEMBER, f"{sub.name} {SAMPLE_ARGUMENTS[sub.name]}"))
    assert isinstance(reply.answer, Refusal) and "moderator" in reply.answer.message.lower()
    assert world.dump() == before


NAMING_THIS_COMMUNITYS = [
    "claims", "claim add", "claim edit", "claim remove", "claim kind", "open", "close", "vote",
    "propose", "approve", "reject", "results", "predict", "resolve", "export",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMING_THIS_COMMUNITYS)
def test_another_communitys_posts_claims_and_polls_are_unknown(world: World, name: str) -> None:
    """A moderator of another community names this one's post 1, claim 1.1 and its poll."""
    before = world.dump()
    reply = world.run(execute(world.engine, OUTSIDER_MOD, f"{name} {SAMPLE_ARGUMENTS[name]}"))
    assert isinstance(reply.answer, Refusal), (name, reply.answer)
    assert "no post" in reply.answer.message.lower() or "no claim" in reply.answer.message.lower()
    assert world.dump() == before
