"""Who agrees with whom: opinion groups found where they were planted and not where there are
none, consensus and bridging claims, honest sentences for small or uniform posts, the cache, and
the analysis as members see it (through the engine, on real stores): anonymous, private in `me`,
group-aware in the digest."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from bot import analysis_text, text
from bot.analysis import Analysis, analyse
from bot.analysis.cache import AnalysisCache
from bot.analysis.report import MIN_GROUPED, MIN_STABILITY
from bot.domain import (
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    ClaimVoters,
    Visibility,
)
from bot.engine import Engine
from storage.store import SqlStore
from tests.support import ManualClock, make_bot, member, moderator

POLIS = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
MOD = moderator()


def claims(n: int) -> list[Claim]:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    return [
        Claim(
            id=100 + i,
            post_id=1,
            post_number=1,
            number=i + 1,
            text=f"Claim number {i + 1}",
            kind=ClaimKind.CLAIM,
            origin=ClaimOrigin.EXTRACTED,
            status=ClaimStatus.ACTIVE,
            author="mod",
            created_at=at,
        )
        for i in range(n)
    ]


def planted(
    sides: list[list[str]], per_group: int, loyalty: float = 0.9, seed: int = 0
) -> tuple[list[tuple[str, int, str]], dict[str, int]]:
    """Votes of groups of `per_group` members, group g voting `sides[g][c]` on claim c with
    probability `loyalty` (otherwise the other side, or now and then a pass)."""
    rng = random.Random(seed)
    votes, truth = [], {}
    for g, stances in enumerate(sides):
        for m in range(per_group):
            name = f"g{g}m{m}"
            truth[name] = g
            for c, stance in enumerate(stances):
                roll = rng.random()
                if roll < loyalty:
                    choice = stance
                elif roll < loyalty + (1 - loyalty) / 2:
                    choice = "disagree" if stance == "agree" else "agree"
                else:
                    choice = "pass"
                votes.append((name, 100 + c, choice))
    return votes, truth


def sides(votes: list[tuple[str, int, str]]) -> list[ClaimVoters]:
    """Votes (member, claim id, choice) as the store hands them to the analysis: by side."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for voter, claim, choice in votes:
        grouped.setdefault((claim, choice), []).append(voter)
    return [ClaimVoters(c, Choice(choice), voters) for (c, choice), voters in grouped.items()]


def noise(members: int, n_claims: int, seed: int = 0) -> list[tuple[str, int, str]]:
    rng = random.Random(seed)
    return [
        (f"m{m}", 100 + c, rng.choice(["agree", "disagree", "pass"]))
        for m in range(members)
        for c in range(n_claims)
    ]


def grouping_of(analysis: Analysis, truth: dict[str, int]) -> float:
    """The adjusted Rand index between the groups found and the planted ones."""
    found = {m: place.group for m, place in analysis.members.items() if place.group}
    names = sorted(found)
    return float(adjusted_rand_score([truth[m] for m in names], [found[m] for m in names]))


A, D = "agree", "disagree"
# Claims 1 and 2 both camps agree with; claims 3 to 10 split them.
TWO_CAMPS = [
    [A, A, A, A, A, D, D, D, A, D],
    [A, A, D, D, D, A, A, A, D, A],
]


# -- groups ---------------------------------------------------------------------------------------


def test_planted_groups_are_found_stable_and_explained() -> None:
    votes, truth = planted(TWO_CAMPS, per_group=25)
    analysis = analyse(sides(votes), claims(10))
    assert analysis.no_groups_because is None
    assert [g.size for g in analysis.groups] and len(analysis.groups) == 2
    assert grouping_of(analysis, truth) > 0.9
    assert analysis.stability is not None and analysis.stability >= MIN_STABILITY
    # What sets each group apart is a claim the camps were planted to split on, on its side.
    for group in analysis.groups:
        assert group.representative
        for r in group.representative:
            assert r.claim.number in range(3, 11)
            assert r.in_group.value > 0.7 and r.elsewhere.value < 0.3
            assert r.in_group.low < r.in_group.value < r.in_group.high
    # Claims 1 and 2 are agreed across both groups; the split claims are where they split.
    assert {c.claim.number for c in analysis.consensus} == {1, 2}
    assert all(c.stance is Choice.AGREE for c in analysis.consensus)
    assert {d.claim.number for d in analysis.divisive} == set(range(3, 11))


def test_three_planted_groups_are_told_apart() -> None:
    camps = [
        [A, A, D, D, A, D, A, D, A],
        [D, D, A, A, A, D, D, A, A],
        [A, D, A, D, D, A, D, D, A],
    ]
    votes, truth = planted(camps, per_group=20, seed=3)
    analysis = analyse(sides(votes), claims(9))
    assert len(analysis.groups) == 3
    assert grouping_of(analysis, truth) > 0.9


def test_random_votes_form_no_groups_and_say_why() -> None:
    analysis = analyse(sides(noise(80, 12)), claims(12))
    assert analysis.groups == [] and analysis.divisive == []
    assert analysis.stability is not None and analysis.stability < MIN_STABILITY
    assert "change from one sample of voters to the next" in (analysis.no_groups_because or "")
    assert all(place.group is None for place in analysis.members.values())


def test_a_post_with_few_voters_says_it_has_too_few_to_group() -> None:
    votes, _ = planted(TWO_CAMPS, per_group=5)  # 10 members: fewer than MIN_GROUPED
    analysis = analyse(sides(votes), claims(10))
    assert analysis.groups == []
    assert analysis.no_groups_because == (
        f"No opinion groups yet: they need at least {MIN_GROUPED} members who voted on 7 "
        "claims or more, and 10 have."
    )


def test_members_with_fewer_than_seven_votes_are_placed_but_not_grouped() -> None:
    votes, _ = planted(TWO_CAMPS, per_group=20)
    votes += [("newcomer", 100 + c, "agree") for c in range(6)]
    analysis = analyse(sides(votes), claims(10))
    assert analysis.groups and analysis.members["newcomer"].group is None
    assert analysis.voters == 41 and analysis.grouped == 40
    assert len(analysis.positions) == 41
    assert sum(1 for _, _, g in analysis.positions if g < 0) == 1


def test_a_uniform_post_has_consensus_and_no_groups() -> None:
    votes, _ = planted([[A] * 8], per_group=40, loyalty=0.95)
    analysis = analyse(sides(votes), claims(8))
    assert analysis.groups == [] and analysis.no_groups_because
    assert len(analysis.consensus) == 8 and all(
        c.stance is Choice.AGREE for c in analysis.consensus
    )
    said = "\n".join(analysis_text.analysis_lines(analysis))
    assert "Most voters agree:" in said and "Opinion groups:" not in said


def test_removed_claims_take_no_part() -> None:
    votes, _ = planted(TWO_CAMPS, per_group=20)
    kept = claims(10)[:2]  # only the two consensus claims are live
    analysis = analyse(sides(votes), kept)
    assert {c.claim.number for c in analysis.consensus} <= {1, 2}
    assert not any(d.claim.number > 2 for d in analysis.divisive)


@pytest.mark.parametrize("conversation", ["brexit-consensus", "15-per-hour-seattle"])
def test_real_polis_conversations_group_much_as_polis_did(conversation: str) -> None:
    folder = POLIS / conversation
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    with (folder / "comments.csv").open() as f:
        live = sorted(int(r["comment-id"]) for r in csv.DictReader(f) if r["moderated"] != "-1")
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    with (folder / "votes.csv").open() as f:
        for r in csv.DictReader(f):
            key, at = (r["voter-id"], int(r["comment-id"])), int(r["timestamp"])
            choice = {"1": "agree", "-1": "disagree", "0": "pass"}[r["vote"]]
            if key not in latest or latest[key][0] <= at:
                latest[key] = (at, choice)
    votes = [(voter, comment, choice) for (voter, comment), (_, choice) in latest.items()]
    with (folder / "participants-votes.csv").open() as f:
        polis = {r["participant"]: r["group-id"] for r in csv.DictReader(f) if r["group-id"]}
    found = analyse(sides(votes), comments_as_claims(live))
    assert found.groups, found.no_groups_because
    ours = {m: p.group for m, p in found.members.items() if p.group and m in polis}
    names = sorted(ours)
    agreement = adjusted_rand_score([polis[m] for m in names], [ours[m] for m in names])
    assert agreement > 0.5  # Polis's own groups, recovered (bench/analysis.py has the figures)


def comments_as_claims(comment_ids: list[int]) -> list[Claim]:
    """Claims whose ids are the comments' ids, as the votes name them."""
    return [replace(c, id=i) for c, i in zip(claims(len(comment_ids)), comment_ids, strict=True)]


# -- bridging -------------------------------------------------------------------------------------


def test_a_claim_liked_across_the_divide_bridges_and_a_partisan_one_does_not() -> None:
    """Two camps of unequal size. Claim 1 the big camp loves and the small camp rejects: most
    voters agree, yet it does not bridge. Claim 2 both camps mostly like: it bridges."""
    camps = [
        [A, A, A, D, A, D, A, D],  # 40 members
        [D, A, D, A, D, A, D, A],  # 15 members
    ]
    big, _ = planted(camps[:1], per_group=40, loyalty=0.92, seed=5)
    small, _ = planted(camps[1:], per_group=15, loyalty=0.92, seed=6)
    small = [(f"s-{m}", c, choice) for m, c, choice in small]
    analysis = analyse(sides(big + small), claims(8))
    bridging = [b.claim.number for b in analysis.bridging]
    agreed = [c.claim.number for c in analysis.consensus]
    assert 2 in bridging or 2 in agreed
    assert 1 not in bridging and 1 not in agreed


# -- the cache ------------------------------------------------------------------------------------


async def test_an_analysis_is_reused_until_votes_changed_and_it_is_a_few_seconds_old() -> None:
    now = [0.0]
    cache = AnalysisCache(fresh=5.0, clock=lambda: now[0])
    runs: list[int] = []

    async def compute() -> Analysis:
        runs.append(1)
        return analyse([], [])

    await cache.get(1, version=1, compute=compute)
    await cache.get(1, version=1, compute=compute)  # no new votes: the same analysis
    now[0] = 2.0
    await cache.get(1, version=2, compute=compute)  # new votes, but the analysis is 2 s old
    assert len(runs) == 1
    now[0] = 6.0
    await cache.get(1, version=2, compute=compute)  # new votes and 6 s old: analysed again
    await cache.get(2, version=2, compute=compute)  # another post has its own
    assert len(runs) == 3 and cache.computed == 3


# -- through the engine ---------------------------------------------------------------------------


async def two_camps(engine: Engine, per_group: int = 8) -> dict[str, int]:
    """A post whose voters fall in two camps, voted through the engine; returns each member's
    planted camp."""
    added = await engine.add_post(MOD, "Alliances\nThe alliance must spend more on defence.")
    for n in range(10):
        await engine.add_claim(MOD, added.post.ref, f"Claim about the alliance number {n + 1}")
    await engine.open_poll(MOD, added.post.ref)
    votes, truth = planted(TWO_CAMPS, per_group=per_group, loyalty=0.95, seed=1)
    for name, claim_id, choice in votes:
        await engine.cast_vote(member(name), f"1.{claim_id - 99}", Choice(choice))
    return truth


async def test_results_show_groups_without_naming_anyone(store: SqlStore) -> None:
    engine = make_bot(store, ManualClock()).engine
    truth = await two_camps(engine)
    found = await engine.results(member("g0m0"), "1", analysed=True)
    analysis = found.analysis
    assert analysis is not None and len(analysis.groups) == 2
    assert analysis.members == {}  # the results carry nobody's group
    said = text.render(found)
    assert "Opinion groups: A (8 members), B (8 members)" in said
    assert "Every group agrees:" in said and "Where the groups split:" in said
    assert not any(name in said for name in truth)
    assert [name for name, _ in found.charts] == ["claims.png", "opinion-map.png"]
    assert all(png.startswith(b"\x89PNG") for _, png in found.charts)
    assert "analysis" in found.as_json() and "g0m0" not in str(found.as_json())


async def test_me_tells_a_member_their_own_group_and_where_they_differ(store: SqlStore) -> None:
    engine = make_bot(store, ManualClock()).engine
    await two_camps(engine)
    # g0m1 turns against their camp on claim 3.
    await engine.cast_vote(member("g0m1"), "1.3", Choice.DISAGREE)
    mine = await engine.me(member("g0m1"))
    [where] = mine.places
    assert where.post.ref == "1" and where.place.group in {"A", "B"}
    assert where.place.group_size == 8
    assert [(c.ref, vote) for c, vote, _ in where.place.differs_on] == [("1.3", Choice.DISAGREE)]
    said = text.render(mine)
    assert "Your opinion groups (only you see this):" in said
    assert "1.3  Claim about the alliance number 3 — you disagree;" in said
    # Someone who never voted hears of no group.
    assert (await engine.me(member("stranger"))).places == []


async def test_no_group_is_told_about_claims_whose_tallies_are_hidden(store: SqlStore) -> None:
    engine = make_bot(store, ManualClock()).engine
    await two_camps(engine)
    await engine.set_visibility(MOD, Visibility.AFTER_CLOSE)
    found = await engine.results(member("g0m0"), "1", analysed=True)
    assert found.analysis is not None
    assert not (found.analysis.consensus or found.analysis.divisive or found.analysis.bridging)
    assert all(not g.representative for g in found.analysis.groups)
    assert (await engine.me(member("g0m0"))).places == []


async def test_the_digest_tells_agreement_and_splits_by_group(store: SqlStore) -> None:
    clock = ManualClock()
    engine = make_bot(store, clock).engine
    await two_camps(engine)
    clock.advance(hours=1)
    digest = await engine.digest(MOD)
    agreed = [s.claim.ref for s in digest.consensus]
    assert set(agreed) == {"1.1", "1.2"}
    assert all(s.by_group and s.by_group.consensus for s in digest.consensus)
    assert digest.divisive and all(s.by_group and s.by_group.split for s in digest.divisive)
    said = text.render(digest)
    assert "every opinion group agrees: A " in said
    assert "the opinion groups split, agreeing: A " in said
    assert "g0m0" not in said


async def test_closing_a_poll_announces_its_analysis(store: SqlStore) -> None:
    engine = make_bot(store, ManualClock()).engine
    await two_camps(engine)
    closed = await engine.close_poll(MOD, "1")
    assert closed.results.analysis is not None and closed.results.analysis.groups
    assert closed.results.analysis.members == {}
    assert dict(closed.results.charts).keys() == {"claims.png", "opinion-map.png"}
