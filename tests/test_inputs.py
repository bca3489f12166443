"""Text that breaks one database but not the other gets the same treatment on both: control
characters dropped from what is kept, invisible text and over-long names refused in a sentence,
and nothing changed by a refusal (run on SQLite and, with TEST_DATABASE_URL, PostgreSQL)."""

from __future__ import annotations

import pytest

from bot import inputs
from bot.engine import Engine
from bot.errors import BadInput, DebateError
from tests.support import member, moderator

MOD = moderator()
ZERO_WIDTH = "\u200b\u200c\u2060\ufeff"


async def test_nul_and_control_characters_never_reach_the_database(engine: Engine) -> None:
    added = await engine.add_post(MOD, "Title\x00 here\nNATO\x00 keeps the peace\x07 in Europe.")
    assert added.post.title == "Title here"
    await engine.add_claim(MOD, "1", "NATO\x00 deters\x1b Russia")
    await engine.open_poll(MOD, "1")
    proposed = await engine.propose(member("ann"), "1", "a\x00b is a fine claim")
    listed = await engine.claims(MOD, "1")
    texts = [row.claim.text for row in listed.results.claims]
    assert "NATO deters Russia" in texts and proposed.claim.text == "ab is a fine claim"
    assert not any("\x00" in t for t in texts)


@pytest.mark.parametrize("said", [ZERO_WIDTH, " \u3000 ", "\x00\x01"])
async def test_text_with_nothing_visible_is_refused_and_nothing_is_added(
    engine: Engine, said: str
) -> None:
    await engine.add_post(MOD, "Title\nNATO keeps the peace in Europe.")
    with pytest.raises(BadInput):
        await engine.add_claim(MOD, "1", said)
    with pytest.raises(BadInput):
        await engine.add_post(MOD, said)
    assert [p.ref for p in (await engine.posts(MOD)).posts] == ["1"]
    assert (await engine.claims(MOD, "1")).results.claims == []


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (lambda e, v: e.add_moderator(MOD, v), "member"),
        (lambda e, v: e.set_moderator_role(MOD, v), "role"),
        (lambda e, v: e.set_digest_channel(MOD, v), "channel"),
    ],
)
async def test_names_are_short_and_visible_or_refused(engine: Engine, change, what: str) -> None:  # type: ignore[no-untyped-def]
    before = (await engine.settings(MOD)).settings
    for bad in ["x" * 121, "a\x00b", f"mod{ZERO_WIDTH}", ZERO_WIDTH]:
        with pytest.raises(BadInput) as refused:
            await change(engine, bad)
        assert what in refused.value.message and "\n" not in refused.value.message
    assert (await engine.settings(MOD)).settings == before
    await change(engine, "y" * inputs.MAX_NAME_CHARS)  # the longest name that fits is kept


async def test_removing_someone_not_listed_says_so_plainly(engine: Engine) -> None:
    with pytest.raises(DebateError) as refused:
        await engine.remove_moderator(MOD, "nobody")
    assert refused.value.message == "The list of moderators here does not include nobody."


async def test_a_reason_keeps_its_words_and_loses_its_controls(engine: Engine) -> None:
    await engine.add_post(MOD, "Title\nNATO keeps the peace in Europe.")
    proposed = await engine.propose(member("ann"), "1", "Europe should spend more")
    rejected = await engine.reject(MOD, proposed.claim.ref, "dup\x00licate")
    assert rejected.claim.reason == "duplicate"
