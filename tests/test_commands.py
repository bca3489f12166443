"""The `/debate ...` text grammar that Slack and the console share: every mistake gets one clear
sentence that says what was expected, and changes nothing."""

from __future__ import annotations

import pytest

from bot.commands import SUBCOMMANDS, Subcommand, execute
from bot.engine import Engine
from tests.support import member, moderator

MOD = moderator()
ANN = member("ann")


async def debate(engine: Engine) -> None:
    await execute(engine, MOD, "/debate post A post\nThe alliance needs a new strategy.")
    await execute(engine, MOD, "/debate claim add 1 NATO should admit Ukraine")
    await execute(engine, MOD, "/debate open 1")


def needs_arguments(sub: Subcommand) -> bool:
    arguments = sub.usage.split()[len(sub.words) :]
    return bool(arguments) and not arguments[0].startswith("[")


@pytest.mark.parametrize(
    "sub", [s for s in SUBCOMMANDS if needs_arguments(s)], ids=lambda s: s.name.replace(" ", "-")
)
async def test_a_missing_argument_is_named_with_the_usage_line(engine: Engine, sub: object) -> None:
    """Each subcommand given none of the words it needs says what is missing and how the
    command is written, in one line."""
    await debate(engine)
    name, usage = sub.name, sub.usage  # type: ignore[attr-defined]
    if name == "post":  # bare, it is refused for having no text (and opens a form on Slack)
        return
    reply = await execute(engine, MOD, f"/debate {name}")
    assert reply.error, name
    assert "“?”" not in reply.text and f"Usage: `/debate {usage}`" in reply.text, reply.text
    assert len(reply.text.splitlines()) == 1


async def test_a_vote_without_a_choice_says_which_choices_there_are(engine: Engine) -> None:
    await debate(engine)
    said = (await execute(engine, ANN, "/debate vote 1.1")).text
    assert "agree, disagree or pass" in said and "vote <claim> agree|disagree|pass" in said


@pytest.mark.parametrize("command", ["results 7", "close 9", "claims 7", "open 7"])
async def test_an_unknown_post_points_at_the_list_of_posts(engine: Engine, command: str) -> None:
    await debate(engine)
    said = (await execute(engine, MOD, f"/debate {command}")).text
    assert "no post" in said and "`/debate posts`" in said and "needs a post number" not in said


@pytest.mark.parametrize(
    "line",
    [
        "audit ²",
        "audit ①",
        "audit 100000000",
        "claim remove 𝟏.𝟏",
        "vote １.１ agree",
        "open 1 for 99999w",
    ],
)
async def test_numbers_are_ascii_digits_within_bounds(engine: Engine, line: str) -> None:
    await debate(engine)
    await execute(engine, MOD, "/debate close 1")
    reply = await execute(engine, MOD, f"/debate {line}")
    assert reply.error and len(reply.text.splitlines()) == 1
    claims = (await engine.claims(MOD, "1")).results.claims
    assert [row.claim.ref for row in claims] == ["1.1"]  # nothing was removed


async def test_claims_are_removed_in_bulk_from_the_grammar(engine: Engine) -> None:
    await execute(engine, MOD, "/debate post A post\nThe alliance needs a new strategy.")
    for n in range(6):
        await execute(engine, MOD, f"/debate claim add 1 Claim number {n + 1}")
    said = (await execute(engine, MOD, "/debate claim remove 1.1 1.2-1.4")).text
    assert "4 claims" in said and all(ref in said for ref in ("1.1", "1.2", "1.3", "1.4"))
    claims = (await engine.claims(MOD, "1")).results.claims
    assert [row.claim.ref for row in claims] == ["1.5", "1.6"]
