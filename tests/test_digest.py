"""The weekly digest and forecasts, with a clock the tests move: schedules across DST, restarts,
racing senders, late and failed deliveries, quiet weeks, and every number of a busy week."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot import text
from bot.digest import Digest
from bot.digest_sender import ATTEMPTS, DigestSender
from bot.domain import (
    Choice,
    DigestSchedule,
    DigestStatus,
    QuietWeeks,
    Resolution,
    Settings,
    VoteChange,
)
from bot.engine import Engine
from bot.errors import BadInput, DebateError
from bot.ports import Store
from bot.schedule import latest_due, week_before
from storage.store import SqlStore
from tests.support import COMMUNITY, ManualClock, make_bot, member, moderator

MOD = moderator()
UTC_NOON = time(12, 0)


class RecordingDelivery:
    """The digest port as a platform would implement it, keeping what it was given."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.delivered: list[Digest] = []
        self.alerts: list[str] = []

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform is down")
        self.delivered.append(digest)
        delivered.add("all")

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        self.alerts.append(message)


def sender_for(
    store: Store, clock: ManualClock, delivery: RecordingDelivery, *platforms: str
) -> DigestSender:
    """The digest sender of a bot process serving `platforms` (the console by default), each
    delivering through `delivery`."""
    bot = make_bot(store, clock)
    for name in platforms or ("console",):
        bot.serve(name, delivery)  # type: ignore[arg-type]  # the digest half is enough here
    return bot.digests


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- the schedule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "before_change", "after_change", "week_hours"),
    [
        # Europe/Berlin springs forward on 29 March 2026: Monday 09:00 is 08:00 UTC, then 07:00.
        ("Europe/Berlin", utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), 167),
        # ... and falls back on 25 October 2026: 07:00 UTC, then 08:00.
        ("Europe/Berlin", utc(2026, 10, 19, 7), utc(2026, 10, 26, 8), 169),
        # America/New_York springs forward on 8 March 2026: 14:00 UTC, then 13:00.
        ("America/New_York", utc(2026, 3, 2, 14), utc(2026, 3, 9, 13), 167),
        # ... and falls back on 1 November 2026: 13:00 UTC, then 14:00.
        ("America/New_York", utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), 169),
    ],
)
def test_monday_nine_stays_nine_local_across_daylight_saving(
    tz: str, before_change: datetime, after_change: datetime, week_hours: int
) -> None:
    schedule = DigestSchedule(0, time(9, 0), tz, since=utc(2026, 1, 1))
    assert latest_due(schedule, before_change) == before_change
    assert latest_due(schedule, before_change + timedelta(days=6)) == before_change
    assert latest_due(schedule, after_change) == after_change
    assert latest_due(schedule, after_change - timedelta(seconds=1)) == before_change
    assert week_before(after_change, tz) == before_change
    assert (after_change - before_change) == timedelta(hours=week_hours)


async def test_digests_go_out_at_local_time_across_a_dst_change(
    store: SqlStore, clock: ManualClock
) -> None:
    clock.moment = utc(2026, 3, 20, 12)
    engine = make_bot(store, clock).engine
    await engine.set_digest_channel(MOD, "#general")
    await engine.set_digest_schedule(MOD, 0, time(9, 0), "Europe/Berlin")
    delivery = RecordingDelivery()
    sender = sender_for(store, clock, delivery)

    sent_at = []
    for _ in range(24 * 14):  # two weeks, hour by hour
        clock.advance(hours=1)
        if await sender.tick():
            sent_at.append(clock.now())
    assert sent_at == [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)]
    assert [d.week_end for d in delivery.delivered] == sent_at
    assert delivery.delivered[1].week_start == utc(2026, 3, 23, 8)


def test_schedule_input_is_checked() -> None:
    from bot import parsing

    assert parsing.time_zone("europe/berlin") == "Europe/Berlin"
    assert parsing.weekday("Sun") == 6 and parsing.clock_time("7:05") == time(7, 5)
    for bad in ("Mars/Olympus", "", "Berlin"):
        with pytest.raises(BadInput):
            parsing.time_zone(bad)
    for bad_time in ("25:00", "9", "noon"):
        with pytest.raises(BadInput):
            parsing.clock_time(bad_time)


# -- once per week, whatever happens -----------------------------------------------------------


async def scheduled(store: SqlStore, clock: ManualClock, **settings: object) -> Engine:
    """A community with a Monday 12:00 UTC digest, set up on Wednesday 4 March 2026."""
    clock.moment = utc(2026, 3, 4, 10)
    engine = make_bot(store, clock).engine
    await engine.set_digest_channel(MOD, "digest")
    await engine.set_digest_schedule(MOD, 0, UTC_NOON, "UTC")
    if settings.get("quiet") is not None:
        await engine.set_quiet_weeks(MOD, settings["quiet"])  # type: ignore[arg-type]
    return engine


async def test_nothing_is_sent_for_weeks_before_the_schedule_existed(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)
    delivery = RecordingDelivery()
    assert await sender_for(store, clock, delivery).tick() == []
    assert delivery.delivered == []


async def test_a_restart_mid_week_sends_the_digest_once(
    store: SqlStore, clock: ManualClock, tmp_path: Path
) -> None:
    await scheduled(store, clock)
    first = RecordingDelivery()
    await sender_for(store, clock, first).tick()
    clock.advance(days=3)  # Saturday: the bot restarts with a new sender
    second = RecordingDelivery()
    restarted = sender_for(store, clock, second)
    await restarted.tick()
    clock.moment = utc(2026, 3, 9, 12)
    await restarted.tick()
    clock.advance(minutes=5)
    await restarted.tick()
    assert first.delivered == [] and len(second.delivered) == 1
    assert not second.delivered[0].late


async def test_two_senders_on_one_database_send_one_digest(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)
    clock.moment = utc(2026, 3, 9, 12, 0)
    twin = SqlStore(store.engine)  # a second bot process on the same database
    a, b = RecordingDelivery(), RecordingDelivery()
    for _ in range(3):
        await asyncio.gather(sender_for(store, clock, a).tick(), sender_for(twin, clock, b).tick())
    assert len(a.delivered) + len(b.delivered) == 1


async def test_a_week_missed_while_down_is_sent_late_once(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)
    clock.moment = utc(2026, 3, 26, 18)  # down from before 9 March until after 23 March
    delivery = RecordingDelivery()
    sender = sender_for(store, clock, delivery)
    await sender.tick()
    clock.advance(hours=1)
    await sender.tick()
    [late] = delivery.delivered
    assert late.late and late.week_end == utc(2026, 3, 23, 12)
    clock.moment = utc(2026, 3, 30, 12, 1)
    await sender.tick()
    assert len(delivery.delivered) == 2 and not delivery.delivered[1].late


async def test_failed_deliveries_are_retried_then_succeed(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)
    clock.moment = utc(2026, 3, 9, 12)
    delivery = RecordingDelivery(failures=2)
    sender = sender_for(store, clock, delivery)
    outcomes = []
    for _ in range(30):  # every 30 seconds for 15 minutes
        outcomes += [r.status for r in await sender.tick()]
        clock.advance(seconds=30)
    assert outcomes == [DigestStatus.PENDING, DigestStatus.PENDING, DigestStatus.SENT]
    assert len(delivery.delivered) == 1 and delivery.alerts == []


async def test_moderators_hear_when_delivery_keeps_failing(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)
    clock.moment = utc(2026, 3, 9, 12)
    delivery = RecordingDelivery(failures=1000)
    sender = sender_for(store, clock, delivery)
    outcomes = []
    for _ in range(60 * 2):  # two hours, minute by minute
        outcomes += [r.status for r in await sender.tick()]
        clock.advance(minutes=1)
    assert outcomes == [DigestStatus.PENDING] * (ATTEMPTS - 1) + [DigestStatus.FAILED]
    assert len(delivery.alerts) == 1 and delivery.delivered == []


@pytest.mark.parametrize("quiet", [QuietWeeks.SHORT, QuietWeeks.SKIP])
async def test_a_quiet_week_gets_a_short_digest_or_none_as_chosen(
    store: SqlStore, clock: ManualClock, quiet: QuietWeeks
) -> None:
    await scheduled(store, clock, quiet=quiet)
    clock.moment = utc(2026, 3, 9, 12)
    delivery = RecordingDelivery()
    [outcome] = await sender_for(store, clock, delivery).tick()
    if quiet is QuietWeeks.SHORT:
        [digest] = delivery.delivered
        assert digest.quiet and outcome.status is DigestStatus.SENT
        assert digest.chart_png is None
    else:
        assert delivery.delivered == [] and outcome.status is DigestStatus.SKIPPED


# -- forecasts ------------------------------------------------------------------------------------


async def test_forecasts_are_dated_resolved_and_scored(engine: Engine, clock: ManualClock) -> None:
    added = await engine.add_post(MOD, "Title\nSanctions will not end the war.")
    await engine.add_claim(MOD, added.post.ref, "Sanctions will be lifted by 2027")
    await engine.add_claim(MOD, added.post.ref, "Talks resume in spring")
    with pytest.raises(DebateError):
        await engine.resolve(MOD, "1.1", Resolution.TRUE)  # not a forecast yet
    with pytest.raises(BadInput):
        await engine.predict(MOD, "1.1", clock.now().date())  # must lie ahead
    opened = await engine.open_poll(MOD, "1")
    assert opened.undated_predictions == []
    await engine.predict(MOD, "1.1", date(2027, 1, 1))
    await engine.predict(MOD, "1.2", date(2027, 1, 1))
    for name, first, second in [("a", "agree", "agree"), ("b", "disagree", "agree")]:
        await engine.cast_vote(member(name), "1.1", Choice(first))
        await engine.cast_vote(member(name), "1.2", Choice(second))
    await engine.cast_vote(member("c"), "1.1", Choice.PASS)

    await engine.resolve(MOD, "1.1", Resolution.TRUE)
    await engine.resolve(MOD, "1.2", Resolution.VOID)
    with pytest.raises(DebateError):
        await engine.resolve(MOD, "1.1", Resolution.FALSE)
    assert (await engine.me(member("a"))).calibration.brier == 0.0
    assert (await engine.me(member("b"))).calibration.brier == 1.0
    assert (await engine.me(member("c"))).calibration.brier is None  # a pass forecasts nothing
    assert (await engine.me(member("c"))).calibration.scored == 0


# -- every number of a busy week ------------------------------------------------------------------


async def test_a_week_of_activity_is_counted_exactly(store: SqlStore, clock: ManualClock) -> None:
    clock.moment = utc(2026, 3, 4, 10)  # Wednesday of the week before
    engine = make_bot(store, clock).engine
    old = await engine.add_post(MOD, "Old post\nThe alliance must spend more.")
    for wording in ["Old claim one", "Old claim two"]:
        await engine.add_claim(MOD, old.post.ref, wording)
    await engine.open_poll(MOD, "1")
    for name in ["a", "b", "c", "d"]:  # the week before: 4 voters, 4 votes, all agree on 1.1
        await engine.cast_vote(member(name), "1.1", Choice.AGREE)
    await engine.predict(MOD, "1.2", date(2026, 3, 12))

    clock.moment = utc(2026, 3, 10, 9)  # the week of 9-16 March
    new = await engine.add_post(MOD, "New post\nThe summit changed very little.")
    for wording in ["Everyone likes this", "People split on this", "Nobody likes this"]:
        await engine.add_claim(MOD, new.post.ref, wording)
    await engine.open_poll(MOD, "2")
    votes = {
        "2.1": ["agree"] * 5,
        "2.2": ["agree", "agree", "disagree", "disagree"],
        "2.3": ["disagree"] * 4,
    }
    for ref, choices in votes.items():
        for i, choice in enumerate(choices):
            await engine.cast_vote(member(f"m{i}"), ref, Choice(choice))
    for name in ["a", "b", "c"]:  # three members change their minds on 1.1
        await engine.cast_vote(member(name), "1.1", Choice.DISAGREE)
    await engine.propose(member("m1"), "2", "A fresh idea")
    await engine.add_claim(MOD, "1", "Another forecast")
    await engine.predict(MOD, "1.3", date(2026, 6, 1))
    await engine.cast_vote(member("a"), "1.3", Choice.AGREE)
    await engine.cast_vote(member("b"), "1.3", Choice.AGREE)
    await engine.cast_vote(member("c"), "1.3", Choice.DISAGREE)
    clock.moment = utc(2026, 3, 11, 9)
    await engine.resolve(MOD, "1.3", Resolution.FALSE)

    digest = await engine.digest(MOD, end=utc(2026, 3, 16, 12))
    j = digest.as_json()
    assert j["week_start"] == "2026-03-09T12:00:00+00:00"
    assert j["week_end"] == "2026-03-16T12:00:00+00:00"
    # 13 votes on post 2 by m0-m4 and 3 forecasts on 1.3 by a, b, c; the 3 changes on 1.1 are
    # counted as changes, not as votes cast.
    assert j["participation"] == {
        "voters": 8,
        "votes": 16,
        "changed_votes": 3,
        "members_changed": 3,
        "week_before": {"voters": 4, "votes": 4, "changed_votes": 0, "members_changed": 0},
    }
    assert j["posts"] == [{"ref": "2", "title": "New post", "added": True, "polled": True}]
    assert [(c["ref"], c["agreement"]) for c in j["consensus"]] == [("2.1", 1.0), ("2.3", 0.0)]
    # Divisiveness 4·p·(1-p): 2.2 splits 2-2 (1.0), 1.3 goes 2-1 (0.89), 1.1 ends 1-3 (0.75).
    assert [(c["ref"], c["divisiveness"]) for c in j["divisive"]] == [
        ("2.2", 1.0),
        ("1.3", 0.8889),
        ("1.1", 0.75),
    ]
    [mover] = j["movers"]
    assert (mover["ref"], mover["agreement_before"], mover["agreement"]) == ("1.1", 1.0, 0.25)
    assert mover["change"] == -0.75
    assert j["pending_proposals"] == [{"ref": "2.4", "text": "A fresh idea"}]
    forecasts = j["forecasts"]
    assert [f["ref"] for f in forecasts["due"]] == ["1.2"]  # due on 12 March, unresolved
    assert [(f["ref"], f["resolution"]) for f in forecasts["resolved"]] == [("1.3", "false")]
    assert forecasts["community_brier"] == pytest.approx((2 / 3) ** 2, abs=1e-4)
    assert forecasts["scored"] == 1
    assert digest.chart_png is not None and digest.chart_png.startswith(b"\x89PNG")
    assert COMMUNITY in j["community"]


async def test_a_sender_sends_only_for_the_platforms_it_serves(
    store: SqlStore, clock: ManualClock
) -> None:
    await scheduled(store, clock)  # a console community
    clock.moment = utc(2026, 3, 9, 12)
    elsewhere = RecordingDelivery()
    assert await sender_for(store, clock, elsewhere, "discord", "slack").tick() == []
    here = RecordingDelivery()
    await sender_for(store, clock, here).tick()
    assert elsewhere.delivered == [] and len(here.delivered) == 1


async def test_a_small_community_hears_there_are_too_few_votes_to_tell(
    store: SqlStore, clock: ManualClock
) -> None:
    """With five voters a claim needs 4 to 0 to count as agreement: a digest that would list
    nothing says so instead of staying silent."""
    engine = make_bot(store, clock).engine
    added = await engine.add_post(MOD, "A post\nThe alliance needs a new strategy.")
    await engine.add_claim(MOD, added.post.ref, "NATO should admit Ukraine")
    await engine.open_poll(MOD, "1")
    for name, choice in zip("abcde", ["agree", "agree", "agree", "disagree", "pass"], strict=True):
        await engine.cast_vote(member(name), "1.1", Choice(choice))
    clock.advance(hours=1)
    digest = await engine.digest(MOD)
    assert digest.too_few_to_tell and not digest.consensus and not digest.divisive
    said = text.render(digest)
    assert "too few votes to tell" in said and "(s)" not in said
    assert digest.chart_png is not None  # the chart shows the claim, with its verdict


async def test_a_forecast_is_scored_on_the_votes_as_they_stood_when_voting_closed(
    store: SqlStore, clock: ManualClock
) -> None:
    """A vote recorded after a forecast's resolve date (by a bot older than that rule, say)
    does not count in the community's calibration."""
    engine = make_bot(store, clock).engine
    added = await engine.add_post(MOD, "A post\nThe ceasefire will hold until spring.")
    await engine.add_claim(MOD, added.post.ref, "The ceasefire will hold")
    await engine.open_poll(MOD, "1")
    await engine.predict(MOD, "1.1", date(2026, 3, 5))
    await engine.cast_vote(member("a"), "1.1", Choice.AGREE)
    clock.moment = utc(2026, 3, 6, 12)
    async with store.transaction() as tx:  # a late change, past the resolve date
        claim = await tx.claims.get(COMMUNITY, 1, 1)
        assert claim is not None
        change = VoteChange(claim.id, "a", Choice.DISAGREE, Choice.AGREE, clock.now())
        await tx.ballots.record([change])
    await engine.resolve(MOD, "1.1", Resolution.TRUE)
    clock.advance(hours=1)
    digest = await engine.digest(MOD)
    assert digest.forecasts.community_brier == 0.0  # the agree that stood on 5 March
    said = text.render(digest)
    assert "— resolved true" in said and ".: true" not in said
