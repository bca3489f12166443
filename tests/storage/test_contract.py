"""The store's contract, run against SQLite and PostgreSQL alike (see the `store` fixture)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.domain import (
    AuditEntry,
    Choice,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    NewPost,
    Poll,
    Settings,
    StandingVote,
    Visibility,
    VoteChange,
)
from bot.ports import NewClaim
from storage.schema import votes
from storage.store import SqlStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def draft(text: str, status: ClaimStatus = ClaimStatus.DRAFT) -> NewClaim:
    return NewClaim(text, ClaimKind.CLAIM, ClaimOrigin.EXTRACTED, status, "mod", quote=text)


async def test_posts_are_numbered_per_community(store: SqlStore) -> None:
    async with store.transaction() as tx:
        a1 = await tx.posts.add("console:a", NewPost("A one", "text"), "mod", T0)
        a2 = await tx.posts.add("console:a", NewPost("A two", "text"), "mod", T0)
        b1 = await tx.posts.add(
            "console:b", NewPost("B one", "text", url="https://x.test/"), "m", T0
        )
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)
    async with store.transaction() as tx:
        assert (await tx.posts.get("console:b", 1)) == b1
        assert await tx.posts.get("console:b", 2) is None
        assert [p.title for p in await tx.posts.of_community("console:a")] == ["A one", "A two"]


async def test_claims_are_numbered_per_post_and_found_by_ref(store: SqlStore) -> None:
    async with store.transaction() as tx:
        post = await tx.posts.add("console:a", NewPost("P", "text"), "mod", T0)
        first = await tx.claims.add(post, [draft("one"), draft("two")], T0)
        later = await tx.claims.add(post, [draft("three")], T0)
    assert [c.ref for c in first + later] == ["1.1", "1.2", "1.3"]
    async with store.transaction() as tx:
        found = await tx.claims.get("console:a", 1, 2)
        assert found is not None and found.text == "two" and found.quote == "two"
        assert await tx.claims.get("console:other", 1, 2) is None  # refs never cross communities


async def test_timestamps_come_back_aware_and_equal(store: SqlStore) -> None:
    berlin_noon = datetime(2026, 7, 1, 12, 0, tzinfo=UTC) + timedelta(microseconds=123)
    async with store.transaction() as tx:
        post = await tx.posts.add("console:a", NewPost("P", "text"), "mod", berlin_noon)
    async with store.transaction() as tx:
        again = await tx.posts.get("console:a", post.number)
    assert again is not None and again.created_at == berlin_noon
    assert again.created_at.tzinfo is not None


async def test_a_failed_unit_of_work_leaves_nothing(store: SqlStore) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.posts.add("console:a", NewPost("P", "text"), "mod", T0)
            raise RuntimeError("boom")
    async with store.transaction() as tx:
        assert await tx.posts.of_community("console:a") == []


async def test_claim_changes_are_saved(store: SqlStore) -> None:
    async with store.transaction() as tx:
        post = await tx.posts.add("console:a", NewPost("P", "text"), "mod", T0)
        [claim] = await tx.claims.add(post, [draft("one")], T0)
        changed = replace(claim, text="uno", status=ClaimStatus.PROPOSED, kind=ClaimKind.PREDICTION)
        await tx.claims.save(changed)
    async with store.transaction() as tx:
        [again] = await tx.claims.of_post(post.id)
        waiting = await tx.proposals.waiting("console:a")
    assert (again.text, again.status, again.kind) == (
        "uno",
        ClaimStatus.PROPOSED,
        ClaimKind.PREDICTION,
    )
    assert waiting == [again]


async def test_settings_round_trip_with_defaults(store: SqlStore) -> None:
    async with store.transaction() as tx:
        assert await tx.settings.get("console:new") == Settings("console:new")
        await tx.settings.save(
            Settings(
                "console:new",
                visibility=Visibility.LIVE,
                auto_approve=True,
                moderator_role="mods",
                moderators=frozenset({"ann", "bob"}),
            )
        )
        await tx.settings.save(
            Settings("console:new", Visibility.LIVE, True, "mods", frozenset({"ann"}))
        )
    async with store.transaction() as tx:
        saved = await tx.settings.get("console:new")
    assert saved == Settings("console:new", Visibility.LIVE, True, "mods", frozenset({"ann"}))


async def _open_post_with_claims(store: SqlStore, n: int = 2) -> list[int]:
    async with store.transaction() as tx:
        post = await tx.posts.add("console:a", NewPost("P", "text"), "mod", T0)
        claims = await tx.claims.add(
            post, [draft(f"c{i}", ClaimStatus.ACTIVE) for i in range(n)], T0
        )
        await tx.polls.save(Poll(post.id, T0, "mod"))
    return [c.id for c in claims]


async def test_votes_upsert_keep_history_and_tally(store: SqlStore) -> None:
    c1, c2 = await _open_post_with_claims(store)
    async with store.transaction() as tx:
        await tx.ballots.record(
            [
                VoteChange(c1, "ann", Choice.AGREE, None, T0),
                VoteChange(c1, "bob", Choice.DISAGREE, None, T0),
                VoteChange(c2, "ann", Choice.PASS, None, T0),
                VoteChange(c1, "bob", Choice.AGREE, Choice.DISAGREE, T0),  # a change in one batch
            ]
        )
    async with store.transaction() as tx:
        tallies = await tx.votes.tallies([c1, c2])
        current = await tx.ballots.current([(c1, "ann"), (c1, "bob"), (c2, "bob")])
        ballots = await tx.ballots.ballots(
            [("console:a", 1, 1), ("console:a", 1, 2), ("console:a", 1, 9)]
        )
        voters = await tx.votes.voters(ballots[("console:a", 1, 1)].claim.post_id)
        events = await tx.conn.scalar(sa.text("SELECT count(*) FROM vote_events"))  # type: ignore[attr-defined]
        mine = await tx.votes.of_member("console:a", "ann")
    assert (tallies[c1].agree, tallies[c1].disagree, tallies[c1].passed) == (2, 0, 0)
    assert (tallies[c2].agree, tallies[c2].passed) == (0, 1)
    assert current == {(c1, "ann"): Choice.AGREE, (c1, "bob"): Choice.AGREE}
    assert [b.claim.id for b in ballots.values()] == [c1, c2]
    assert all(b.poll is not None for b in ballots.values())
    assert voters == 2 and events == 4
    assert [(v.claim.id, v.choice) for v in mine] == [(c1, Choice.AGREE), (c2, Choice.PASS)]


async def test_a_posts_votes_come_as_who_took_each_side_of_each_claim(store: SqlStore) -> None:
    c1, c2 = await _open_post_with_claims(store)
    odd = "eve\x1fwith a separator in her id"  # read apart from the joined names, still whole
    async with store.transaction() as tx:
        other = await tx.posts.add("console:a", NewPost("Q", "text"), "mod", T0)
        [elsewhere] = await tx.claims.add(other, [draft("x", ClaimStatus.ACTIVE)], T0)
        await tx.ballots.record(
            [
                VoteChange(c1, "ann", Choice.AGREE, None, T0),
                VoteChange(c1, "bob", Choice.AGREE, None, T0),
                VoteChange(c1, "cy", Choice.DISAGREE, None, T0),
                VoteChange(c2, "ann", Choice.PASS, None, T0),
                VoteChange(c2, odd, Choice.PASS, None, T0),
                VoteChange(c2, "bob", Choice.DISAGREE, None, T0),
                VoteChange(elsewhere.id, "ann", Choice.AGREE, None, T0),
            ]
        )
        post_id = (await tx.claims.by_ids([c1]))[0].post_id
    async with store.transaction(reading=True) as tx:
        sides = await tx.votes.of_post(post_id)
    assert {(s.claim_id, s.choice, frozenset(s.voters)) for s in sides} == {
        (c1, Choice.AGREE, frozenset({"ann", "bob"})),
        (c1, Choice.DISAGREE, frozenset({"cy"})),
        (c2, Choice.PASS, frozenset({"ann", odd})),
        (c2, Choice.DISAGREE, frozenset({"bob"})),
    }
    assert sum(len(s.voters) for s in sides) == 6  # each vote once


async def test_one_vote_per_member_per_claim_is_a_database_rule(store: SqlStore) -> None:
    [c1] = await _open_post_with_claims(store, 1)
    row = {"claim_id": c1, "voter": "ann", "choice": "agree", "cast_at": T0}
    with pytest.raises(IntegrityError):
        async with store.transaction() as tx:
            await tx.conn.execute(sa.insert(votes), [row, row])  # type: ignore[attr-defined]


async def test_forgetting_a_voter_erases_votes_and_history_in_that_community_only(
    store: SqlStore,
) -> None:
    c1, c2 = await _open_post_with_claims(store)
    async with store.transaction() as tx:
        other = await tx.posts.add("console:b", NewPost("Q", "text"), "mod", T0)
        [elsewhere] = await tx.claims.add(other, [draft("x", ClaimStatus.ACTIVE)], T0)
        await tx.ballots.record(
            [
                VoteChange(c1, "ann", Choice.AGREE, None, T0),
                VoteChange(c2, "ann", Choice.AGREE, None, T0),
                VoteChange(c2, "bob", Choice.AGREE, None, T0),
                VoteChange(elsewhere.id, "ann", Choice.AGREE, None, T0),
            ]
        )
    async with store.transaction() as tx:
        assert await tx.votes.forget("console:a", "ann") == 2
    async with store.transaction() as tx:
        assert await tx.votes.of_member("console:a", "ann") == []
        assert len(await tx.votes.of_member("console:b", "ann")) == 1
        assert (await tx.votes.tallies([c2]))[c2].agree == 1
        left = await tx.conn.scalar(  # type: ignore[attr-defined]
            sa.text("SELECT count(*) FROM vote_events WHERE voter = 'ann'")
        )
    assert left == 1


async def test_polls_due_are_those_past_their_time_and_not_closed(store: SqlStore) -> None:
    async with store.transaction() as tx:
        p1 = await tx.posts.add("console:a", NewPost("due", "t"), "mod", T0)
        p2 = await tx.posts.add("console:a", NewPost("later", "t"), "mod", T0)
        p3 = await tx.posts.add("console:a", NewPost("no end", "t"), "mod", T0)
        p4 = await tx.posts.add("console:a", NewPost("closed", "t"), "mod", T0)
        due_in = timedelta(hours=1)
        await tx.polls.save(Poll(p1.id, T0, "mod", closes_at=T0 + due_in, channel="C-where"))
        await tx.polls.save(Poll(p2.id, T0, "mod", closes_at=T0 + timedelta(days=1)))
        await tx.polls.save(Poll(p3.id, T0, "mod"))
        await tx.polls.save(Poll(p4.id, T0, "mod", T0 + timedelta(hours=1), closed_at=T0))
    async with store.transaction() as tx:
        due = await tx.polls.due(T0 + timedelta(hours=2))
    assert [(post.community, post.title) for post, _ in due] == [("console:a", "due")]
    [(_, poll)] = due
    assert poll == Poll(p1.id, T0, "mod", closes_at=T0 + due_in, channel="C-where")
    async with store.transaction() as tx:  # a poll remembers where it was opened
        await tx.polls.save(replace(poll, closed_at=T0 + due_in))
        assert await tx.polls.get(p1.id) == replace(poll, closed_at=T0 + due_in)
        assert (await tx.polls.get(p2.id)).channel is None  # type: ignore[union-attr]


async def test_audit_log_newest_first(store: SqlStore) -> None:
    async with store.transaction() as tx:
        for i in range(3):
            await tx.audit.add(AuditEntry("console:a", "mod", "x", f"step {i}", T0))
        await tx.audit.add(AuditEntry("console:b", "mod", "x", "elsewhere", T0))
    async with store.transaction() as tx:
        entries = await tx.audit.recent("console:a", 2)
    assert [e.detail for e in entries] == ["step 2", "step 1"]


async def test_a_vote_at_a_whole_second_counts_in_the_week_that_starts_then(
    store: SqlStore,
) -> None:
    [claim_id] = await _open_post_with_claims(store, 1)
    async with store.transaction() as tx:
        await tx.ballots.record([VoteChange(claim_id, "ann", Choice.AGREE, None, T0)])
    async with store.transaction() as tx:
        week = await tx.votes.activity("console:a", T0, T0 + timedelta(days=7))
        before = await tx.votes.activity("console:a", T0 - timedelta(days=7), T0)
        at_start = await tx.votes.tallies_at([claim_id], T0)
    assert (week.votes, before.votes) == (1, 0)
    assert at_start[claim_id].total == 0  # "as it stood just before" T0


async def test_each_claim_has_its_tally_as_it_stood_at_its_own_moment(store: SqlStore) -> None:
    c1, c2 = await _open_post_with_claims(store)
    later = T0 + timedelta(days=1)
    async with store.transaction() as tx:
        await tx.ballots.record(
            [
                VoteChange(c1, "ann", Choice.AGREE, None, T0),
                VoteChange(c2, "ann", Choice.AGREE, None, T0),
                VoteChange(c1, "ann", Choice.DISAGREE, Choice.AGREE, later),
                VoteChange(c2, "ann", Choice.DISAGREE, Choice.AGREE, later),
            ]
        )
    async with store.transaction() as tx:
        stood = await tx.votes.tallies_when({c1: later, c2: later + timedelta(seconds=1)})
    assert (stood[c1].agree, stood[c1].disagree) == (1, 0)  # the change came at `later`
    assert (stood[c2].agree, stood[c2].disagree) == (0, 1)


async def test_a_claim_keeps_its_polis_comment_id_and_the_time_it_was_written(
    store: SqlStore,
) -> None:
    written = T0 - timedelta(days=3000, microseconds=250)
    imported = NewClaim(
        "From Polis",
        ClaimKind.CLAIM,
        ClaimOrigin.MEMBER,
        ClaimStatus.ACTIVE,
        "polis-7",
        polis_id=12,
        at=written,
    )
    async with store.transaction() as tx:
        post = await tx.posts.add("console:a", NewPost("P", "text"), "mod", T0)
        added = await tx.claims.add(post, [imported, draft("ours")], T0)
    async with store.transaction() as tx:
        again = await tx.claims.of_post(post.id)
    assert again == added
    assert [(c.polis_id, c.created_at) for c in again] == [(12, written), (None, T0)]


async def test_standing_votes_of_a_post_come_with_when_they_were_cast(store: SqlStore) -> None:
    c1, c2 = await _open_post_with_claims(store)
    later = T0 + timedelta(hours=1, milliseconds=5)
    async with store.transaction() as tx:
        other = await tx.posts.add("console:a", NewPost("Q", "text"), "mod", T0)
        [elsewhere] = await tx.claims.add(other, [draft("x", ClaimStatus.ACTIVE)], T0)
        await tx.ballots.record(
            [
                VoteChange(c1, "ann", Choice.AGREE, None, T0),
                VoteChange(c1, "ann", Choice.PASS, Choice.AGREE, later),
                VoteChange(c2, "bob", Choice.DISAGREE, None, T0),
                VoteChange(elsewhere.id, "ann", Choice.AGREE, None, T0),
            ]
        )
    async with store.transaction() as tx:
        standing = await tx.votes.standing((await tx.claims.by_ids([c1]))[0].post_id)
    assert sorted(standing, key=lambda v: v.claim_id) == [
        StandingVote(c1, "ann", Choice.PASS, later),
        StandingVote(c2, "bob", Choice.DISAGREE, T0),
    ]


async def test_kept_tallies_and_voters_are_the_votes_counted(store: SqlStore) -> None:
    """Tallies and a post's voters are kept by each write (`claim_tallies`, `post_voters`),
    not counted at each read: after votes, changes within and across batches and a member
    forgotten, they are the votes as counted from the `votes` table."""
    c1, c2 = await _open_post_with_claims(store)
    choices = [Choice.AGREE, Choice.DISAGREE, Choice.PASS]
    held: dict[tuple[int, str], Choice] = {}
    for batch in range(4):
        changes = []
        for n in range(30):
            key = ((c1, c2)[n % 2], f"m{n % 7}")
            choice = choices[(n + batch) % 3]
            if held.get(key) != choice:
                changes.append(VoteChange(*key, choice, held.get(key), T0))
                held[key] = choice
        async with store.transaction() as tx:
            await tx.ballots.record(changes)
    async with store.transaction() as tx:
        await tx.votes.forget("console:a", "m3")
    async with store.transaction() as tx:
        kept = await tx.votes.tallies([c1, c2])
        voters = await tx.votes.voters((await tx.claims.by_ids([c1]))[0].post_id)
        counted = (
            await tx.conn.execute(  # type: ignore[attr-defined]
                sa.text("SELECT claim_id, choice, count(*) FROM votes GROUP BY claim_id, choice")
            )
        ).all()
    expected = {(c, str(ch)): 0 for c in (c1, c2) for ch in choices}
    expected.update({(c, ch): n for c, ch, n in counted})
    assert {
        (c, str(ch)): n
        for c, t in kept.items()
        for ch, n in (
            (Choice.AGREE, t.agree),
            (Choice.DISAGREE, t.disagree),
            (Choice.PASS, t.passed),
        )
    } == expected
    assert sum(t.total for t in kept.values()) == len([k for k in held if k[1] != "m3"])
    assert voters == len({voter for _, voter in held} - {"m3"})
