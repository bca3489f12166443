"""The engine's use cases, over a real store (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot import parsing
from bot.domain import Actor, Choice, ClaimKind, ClaimStatus, DraftClaim, Resolution, Visibility
from bot.engine import Engine
from bot.errors import (
    BadInput,
    ClaimNotVotable,
    DebateError,
    ForecastClosed,
    NotAModerator,
    PollClosed,
    PollNotOpen,
    TooLong,
    UnknownClaim,
    UnknownPost,
)
from storage.store import SqlStore
from tests.support import COMMUNITY, ManualClock, make_bot, member, moderator

MOD = moderator()
ANN, BOB, CAT = member("ann"), member("bob"), member("cat")


def everywhere(community: str) -> bool:
    return True


async def debate(engine: Engine, claims: int = 2, duration: timedelta | None = None) -> str:
    """A post with `claims` active claims and an open poll; returns the post's ref."""
    added = await engine.add_post(MOD, "A title\nSome paragraphs of text.")
    for i in range(claims):
        await engine.add_claim(MOD, added.post.ref, f"Claim number {i + 1}")
    await engine.open_poll(MOD, added.post.ref, duration)
    return added.post.ref


async def test_every_moderator_action_is_refused_to_members_and_changes_nothing(
    engine: Engine,
) -> None:
    post = await debate(engine)
    before = await engine.audit(MOD, 200)
    attempts = [
        engine.add_post(ANN, "NATO should admit Ukraine now."),
        engine.add_claim(ANN, post, "sneaky"),
        engine.edit_claim(ANN, "1.1", "sneaky"),
        engine.remove_claims(ANN, ["1.1"]),
        engine.set_kind(ANN, "1.1", ClaimKind.PREDICTION),
        engine.open_poll(ANN, post),
        engine.close_poll(ANN, post),
        engine.queue(ANN),
        engine.approve(ANN, "1.1"),
        engine.reject(ANN, "1.1"),
        engine.settings(ANN),
        engine.set_visibility(ANN, Visibility.LIVE),
        engine.add_moderator(ANN, "ann"),
        engine.audit(ANN),
    ]
    for attempt in attempts:
        with pytest.raises(NotAModerator):
            await attempt
    assert await engine.audit(MOD, 200) == before
    assert (await engine.results(MOD, post)).poll is not None
    assert [c.claim.text for c in (await engine.claims(ANN, post)).results.claims] == [
        "Claim number 1",
        "Claim number 2",
    ]


async def test_a_listed_moderator_or_role_holder_may_moderate(engine: Engine) -> None:
    await engine.add_moderator(MOD, "ann")
    await engine.set_moderator_role(MOD, "mods")
    await engine.add_post(ANN, "Ann's post\nSanctions work slowly but surely.")
    role_holder = member("dan").__class__(COMMUNITY, "dan", roles=frozenset({"mods"}))
    await engine.add_post(role_holder, "Dan's post\nThe ceasefire will not hold.")
    await engine.remove_moderator(MOD, "ann")
    with pytest.raises(NotAModerator):
        await engine.add_post(ANN, "again\nThe ceasefire will hold.")


async def test_votes_count_change_and_refuse_what_they_must(engine: Engine) -> None:
    post = await debate(engine)
    first = await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    await engine.cast_vote(BOB, "1.1", Choice.DISAGREE)
    changed = await engine.cast_vote(BOB, "1.1", Choice.AGREE)
    assert first.previous is None and changed.previous is Choice.DISAGREE
    assert (changed.tally.agree, changed.tally.disagree) == (2, 0)

    for ref, error in [("9.9", UnknownClaim), ("1.7", UnknownClaim), ("x", BadInput)]:
        with pytest.raises(error):
            await engine.cast_vote(CAT, ref, Choice.AGREE)
    await engine.close_poll(MOD, post)
    with pytest.raises(PollClosed):
        await engine.cast_vote(CAT, "1.1", Choice.AGREE)
    tally = (await engine.results(MOD, post)).claims[0].tally
    assert (tally.agree, tally.disagree, tally.passed) == (2, 0, 0)


async def test_no_vote_before_the_poll_opens_or_on_drafts(engine: Engine) -> None:
    added = await engine.add_post(MOD, "Title\nThe talks are going nowhere.")
    await engine.add_claim(MOD, added.post.ref, "A claim")
    with pytest.raises(PollNotOpen):
        await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    await engine.open_poll(MOD, "1")
    await engine.propose(BOB, "1", "A member's idea about the post")
    with pytest.raises(ClaimNotVotable):
        await engine.cast_vote(ANN, "1.2", Choice.AGREE)


async def test_a_poll_with_a_duration_closes_by_itself_once(
    engine: Engine, clock: ManualClock
) -> None:
    post = await debate(engine, duration=timedelta(hours=2))
    await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    clock.advance(hours=1, minutes=59)
    assert await engine.close_due_polls(everywhere) == []
    clock.advance(minutes=1)
    with pytest.raises(PollClosed):  # closed by the clock even before the sweep runs
        await engine.cast_vote(BOB, "1.1", Choice.AGREE)
    on_discord = await engine.close_due_polls(lambda c: c.startswith("discord:"))
    assert on_discord == []  # not this process's to announce
    [announced] = await engine.close_due_polls(everywhere)
    results = announced.results
    assert announced.on_time and results.post.ref == post and results.closed
    assert results.claims[0].visible
    assert await engine.close_due_polls(everywhere) == []


async def test_open_activates_drafts_and_needs_something_to_vote_on(store: SqlStore) -> None:
    def extract(text: str) -> list[DraftClaim]:
        """Every line with "will" in it is a forecast."""
        drafts = []
        for line in text.splitlines():
            if " will " in line:
                start = text.index(line)
                drafts.append(
                    DraftClaim(line, line, ClaimKind.PREDICTION, 0.9, start, start + len(line))
                )
        return drafts

    engine = make_bot(store, ManualClock(), extract=extract).engine
    empty = await engine.add_post(MOD, "Title\nNothing here is a forecast at all.")
    with pytest.raises(DebateError):
        await engine.open_poll(MOD, empty.post.ref)

    added = await engine.add_post(MOD, "Title\nRussia will leave by May.\nMore.")
    [draft] = added.drafts
    assert (draft.status, draft.kind, draft.quote) == (
        ClaimStatus.DRAFT,
        ClaimKind.PREDICTION,
        "Russia will leave by May.",
    )
    opened = await engine.open_poll(MOD, added.post.ref)
    assert [c.status for c in opened.claims] == [ClaimStatus.ACTIVE]
    with pytest.raises(DebateError):
        await engine.open_poll(MOD, added.post.ref)  # already open


async def test_curation_edit_remove_kind_and_limits(engine: Engine) -> None:
    await debate(engine)
    edited = await engine.edit_claim(MOD, "1.2", "  Claim   two, reworded ")
    assert edited.claim.text == "Claim two, reworded"
    rekinded = await engine.set_kind(MOD, "1.2", ClaimKind.PREDICTION)
    assert rekinded.claim.kind is ClaimKind.PREDICTION
    with pytest.raises(TooLong):
        await engine.add_claim(MOD, "1", "x" * 281)
    with pytest.raises(TooLong):
        await engine.edit_claim(MOD, "1.2", "y" * 300)
    with pytest.raises(UnknownPost):
        await engine.add_claim(MOD, "4", "on a post that is not there")

    await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    with pytest.raises(DebateError):  # votes were cast on these words
        await engine.edit_claim(MOD, "1.1", "different words")
    await engine.remove_claims(MOD, ["1.1"])
    with pytest.raises(ClaimNotVotable):
        await engine.cast_vote(BOB, "1.1", Choice.AGREE)
    assert [c.claim.ref for c in (await engine.results(ANN, "1")).claims] == ["1.2"]


async def test_proposals_wait_for_review_unless_auto_approved(engine: Engine) -> None:
    await debate(engine)
    waiting = await engine.propose(ANN, "1", "Sanctions work slowly")
    assert not waiting.approved and waiting.claim.status is ClaimStatus.PROPOSED
    rejected = await engine.propose(BOB, "1", "Off-topic idea")
    assert [c.ref for c in (await engine.queue(MOD)).claims] == ["1.3", "1.4"]

    assert (await engine.approve(MOD, "1.3")).claim.status is ClaimStatus.ACTIVE
    assert (await engine.reject(MOD, "1.4", "off topic")).claim.reason == "off topic"
    assert (await engine.queue(MOD)).claims == []
    with pytest.raises(DebateError):
        await engine.approve(MOD, rejected.claim.ref)  # no longer waiting
    await engine.cast_vote(CAT, "1.3", Choice.AGREE)

    await engine.set_auto_approve(MOD, True)
    direct = await engine.propose(ANN, "1", "Talks will resume")
    assert direct.approved and direct.claim.status is ClaimStatus.ACTIVE


async def test_proposals_point_at_a_near_duplicate(store: SqlStore) -> None:
    engine = make_bot(
        store,
        ManualClock(),
        near_duplicate=lambda text, claims: next(
            (c for c, t in claims if t.lower() == text.lower()), None
        ),
    ).engine
    await debate(engine)
    with pytest.raises(DebateError, match=r"1\.1"):
        await engine.propose(ANN, "1", "claim NUMBER 1")
    assert (await engine.queue(MOD)).claims == []


async def test_visibility_after_vote_live_and_after_close(engine: Engine) -> None:
    post = await debate(engine)
    await engine.cast_vote(ANN, "1.1", Choice.AGREE)

    seen = await engine.results(BOB, post)  # after-vote: Bob has not voted
    assert [c.visible for c in seen.claims] == [False, False]
    await engine.cast_vote(BOB, "1.2", Choice.PASS)
    seen = await engine.results(BOB, post)
    assert [c.visible for c in seen.claims] == [False, True]
    assert all(c.visible for c in (await engine.results(MOD, post)).claims)
    assert "agree" not in seen.as_json()["claims"][0]  # type: ignore[index,operator]

    assert not any(c.visible for c in (await engine.public_results(COMMUNITY, post)).claims)

    await engine.set_visibility(MOD, Visibility.LIVE)
    assert all(c.visible for c in (await engine.results(CAT, post)).claims)
    assert all(c.visible for c in (await engine.public_results(COMMUNITY, post)).claims)

    await engine.set_visibility(MOD, Visibility.AFTER_CLOSE)
    receipt = await engine.cast_vote(ANN, "1.2", Choice.AGREE)
    assert receipt.tally is None
    assert not any(c.visible for c in (await engine.results(ANN, post)).claims)
    await engine.close_poll(MOD, post)
    assert all(c.visible for c in (await engine.results(CAT, post)).claims)


class Admins:
    """The platform's word, as a platform that must be asked (Slack's `users.info`) gives it."""

    def __init__(self, *admins: str) -> None:
        self.admins = set(admins)
        self.asked: list[str] = []

    async def platform_moderator(self, actor: Actor) -> bool:
        self.asked.append(actor.user_id)
        return actor.user_id in self.admins


async def test_the_platforms_word_is_asked_only_when_an_answer_hangs_on_it(
    store: SqlStore, clock: ManualClock
) -> None:
    """An adapter that has not asked its platform (platform_moderator None) gets its vote counted
    without the question; the engine asks only where the answer would differ for a moderator."""
    bot = make_bot(store, clock)
    admins = Admins("dan")
    bot.serve("console", admins)  # type: ignore[arg-type]  # only the roles half is needed
    engine = bot.engine
    post = await debate(engine)
    unasked = Actor(COMMUNITY, "dan", "dan", platform_moderator=None)
    stranger = Actor(COMMUNITY, "eve", "eve", platform_moderator=None)
    receipt = await engine.cast_vote(unasked, "1.1", Choice.AGREE)
    assert receipt.tally is not None and admins.asked == []  # after-vote: every voter sees it
    await engine.set_visibility(MOD, Visibility.AFTER_CLOSE)
    receipt = await engine.cast_vote(unasked, "1.2", Choice.PASS)
    assert receipt.tally is not None and receipt.tally.passed == 1  # moderators always see
    assert admins.asked == ["dan"]
    assert (await engine.cast_vote(stranger, "1.2", Choice.AGREE)).tally is None
    with pytest.raises(NotAModerator):
        await engine.close_poll(stranger, post)
    assert (await engine.close_poll(unasked, post)).results.closed
    assert admins.asked == ["dan", "eve", "eve", "dan"]


async def test_a_poll_remembers_the_channel_it_was_opened_in(
    engine: Engine, clock: ManualClock
) -> None:
    added = await engine.add_post(MOD, "A title\nSome paragraphs of text.")
    await engine.add_claim(MOD, added.post.ref, "A claim")
    in_channel = Actor(COMMUNITY, MOD.user_id, platform_moderator=True, channel="C42")
    opened = await engine.open_poll(in_channel, added.post.ref, timedelta(hours=1))
    assert opened.poll.channel == "C42"
    clock.advance(hours=2)
    [closed] = await engine.close_due_polls(everywhere)
    assert closed.results.poll is not None and closed.results.poll.channel == "C42"


async def test_results_arithmetic(engine: Engine) -> None:
    post = await debate(engine, claims=1)
    for name, choice in [("a", "agree"), ("b", "agree"), ("c", "disagree"), ("d", "pass")]:
        await engine.cast_vote(member(name), "1.1", Choice(choice))
    [row] = (await engine.results(MOD, post)).claims
    assert row.agreement == pytest.approx(2 / 3)
    low, high = row.interval
    assert low < 2 / 3 < high
    assert row.turnout == 1.0
    assert row.divisiveness == pytest.approx(4 * (2 / 3) * (1 / 3) * 3 / 4)


async def test_open_polls_lists_only_polls_taking_votes(engine: Engine) -> None:
    await debate(engine)
    await debate(engine)
    await engine.add_post(MOD, "Not polled\nAid cuts will cost lives.")
    await engine.close_poll(MOD, "1")
    await engine.cast_vote(ANN, "2.1", Choice.AGREE)
    [poll] = await engine.open_polls(ANN)
    assert poll.post.ref == "2" and [c.visible for c in poll.claims] == [True, False]


async def test_me_and_forget_me(engine: Engine) -> None:
    await debate(engine)
    await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    await engine.cast_vote(ANN, "1.2", Choice.DISAGREE)
    await engine.cast_vote(BOB, "1.1", Choice.AGREE)
    assert [(v.claim.ref, v.choice) for v in (await engine.me(ANN)).votes] == [
        ("1.1", Choice.AGREE),
        ("1.2", Choice.DISAGREE),
    ]
    assert (await engine.forget_me(ANN)).count == 2
    assert (await engine.me(ANN)).votes == []
    assert (await engine.results(MOD, "1")).claims[0].tally.agree == 1


async def test_nothing_crosses_communities(engine: Engine) -> None:
    await debate(engine)
    stranger = member("ann", community="console:elsewhere")
    with pytest.raises(UnknownClaim):
        await engine.cast_vote(stranger, "1.1", Choice.AGREE)
    with pytest.raises(UnknownPost):
        await engine.results(stranger, "1")


async def test_settings_changes_are_audited(engine: Engine) -> None:
    await engine.set_visibility(MOD, Visibility.LIVE)
    await engine.set_auto_approve(MOD, True)
    settings = (await engine.settings(MOD)).settings
    assert settings.visibility is Visibility.LIVE and settings.auto_approve
    assert [e.action for e in (await engine.audit(MOD)).entries] == ["settings", "settings"]


async def test_two_hundred_members_voting_at_once_give_exact_counts(engine: Engine) -> None:
    """200 members vote on 10 claims at once, then half of them change their minds at once."""
    post = await debate(engine, claims=10)
    voters = [member(f"m{i:03}") for i in range(200)]
    choices = [Choice.AGREE, Choice.DISAGREE, Choice.PASS]

    def first(i: int, c: int) -> Choice:
        return choices[(i + c) % 3]

    def second(i: int, c: int) -> Choice:
        return choices[(i + c + 1) % 3] if i % 2 == 0 else first(i, c)

    await asyncio.gather(
        *(
            engine.cast_vote(v, f"{post}.{c + 1}", first(i, c))
            for i, v in enumerate(voters)
            for c in range(10)
        )
    )
    receipts = await asyncio.gather(
        *(
            engine.cast_vote(v, f"{post}.{c + 1}", second(i, c))
            for i, v in enumerate(voters)
            for c in range(10)
        )
    )
    assert sum(r.previous != r.choice for r in receipts) == 100 * 10

    results = await engine.results(MOD, post)
    assert results.voters == 200
    for c, row in enumerate(results.claims):
        expected = [second(i, c) for i in range(200)]
        assert row.tally.agree == expected.count(Choice.AGREE)
        assert row.tally.disagree == expected.count(Choice.DISAGREE)
        assert row.tally.passed == expected.count(Choice.PASS)


# -- forecasts take votes until the outcome may be known ---------------------------------------


async def test_a_forecast_stops_taking_votes_once_resolved_or_due(
    engine: Engine, clock: ManualClock
) -> None:
    await debate(engine, claims=3)
    for ref in ("1.1", "1.2"):
        await engine.predict(MOD, ref, clock.now().date() + timedelta(days=10))
    await engine.cast_vote(ANN, "1.1", Choice.AGREE)
    await engine.resolve(MOD, "1.1", Resolution.TRUE)
    with pytest.raises(ForecastClosed, match="resolved true"):
        await engine.cast_vote(ANN, "1.1", Choice.DISAGREE)  # no changing one's mind now
    with pytest.raises(ForecastClosed):
        await engine.cast_vote(BOB, "1.1", Choice.AGREE)
    clock.advance(days=10)  # 1.2's resolve date has come
    with pytest.raises(ForecastClosed, match="resolve date"):
        await engine.cast_vote(BOB, "1.2", Choice.AGREE)
    await engine.cast_vote(BOB, "1.3", Choice.AGREE)  # an ordinary claim still takes votes
    rows = {row.claim.ref: row for row in (await engine.results(MOD, "1")).claims}
    assert [rows[r].takes_votes for r in ("1.1", "1.2", "1.3")] == [False, False, True]
    assert (await engine.me(ANN)).calibration.brier == 0.0


# -- curation in bulk, and posts with nothing to argue about -----------------------------------


async def test_claims_are_removed_in_bulk_by_list_or_range(engine: Engine) -> None:
    await debate(engine, claims=9)
    removed = await engine.remove_claims(MOD, parsing.claim_refs("1.1, 1.2 1.5"))
    assert [c.ref for c in removed.claims] == ["1.1", "1.2", "1.5"]
    ranged = await engine.remove_claims(MOD, parsing.claim_refs("1.4-1.6"))
    assert [c.ref for c in ranged.claims] == ["1.4", "1.6"]
    assert [c.ref for c in ranged.skipped] == ["1.5"]
    left = [row.claim.ref for row in (await engine.results(MOD, "1")).claims]
    assert left == ["1.3", "1.7", "1.8", "1.9"]
    before = (await engine.audit(MOD, 200)).entries
    with pytest.raises(UnknownClaim, match=r"1\.12"):  # one unknown claim refuses the lot
        await engine.remove_claims(MOD, parsing.claim_refs("1.7 1.12"))
    with pytest.raises(DebateError, match="already off the vote"):
        await engine.remove_claims(MOD, ["1.1", "1.2"])
    assert (await engine.audit(MOD, 200)).entries == before
    assert [row.claim.ref for row in (await engine.results(MOD, "1")).claims] == left


@pytest.mark.parametrize("text", [".", "", "   \n\n", "Title\ntext", "— — —"])
async def test_a_post_with_no_sentence_to_argue_about_is_refused(engine: Engine, text: str) -> None:
    with pytest.raises(BadInput):
        await engine.add_post(MOD, text)
    assert (await engine.posts(MOD)).posts == []
