"""Opinion groups, the vote matrix and bridging on votes whose structure is known: groups planted
in random votes (seeded numpy generators), or no structure at all."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bot.analysis import analyse
from bot.analysis.bridging import fit_bridging
from bot.analysis.groups import KMEANS_MEMBERS, MIN_VOTES, find_groups
from bot.analysis.matrix import VoteMatrix, sides_of, vote_matrix
from bot.analysis.report import MIN_STABILITY
from bot.domain import Choice, Claim, ClaimKind, ClaimOrigin, ClaimStatus, ClaimVoters

CHOICES = {1.0: "agree", -1.0: "disagree", 0.0: "pass"}


def planted(
    members: int, claims: int, *, groups: int, seed: int, density: float = 0.8
) -> tuple[VoteMatrix, np.ndarray]:
    """Votes where each group agrees with a claim with a chance of its own (0.15 or 0.85), or,
    with no groups, everyone with the same chance: a matrix and each member's planted group."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, max(groups, 1), members)
    chance = (
        rng.choice([0.15, 0.85], (max(groups, 1), claims)) if groups else np.full((1, claims), 0.5)
    )
    u = rng.random((members, claims))
    values = np.where(u < chance[group], 1.0, -1.0)
    values[u > 0.95] = 0.0  # a few passes
    values[rng.random((members, claims)) > density] = np.nan
    return VoteMatrix([f"m{i:03}" for i in range(members)], list(range(claims)), values), group


def test_two_planted_groups_are_found() -> None:
    matrix, group = planted(120, 20, groups=2, seed=1)
    found = find_groups(matrix)
    assert found is not None and found.k == 2
    assert adjusted_rand_score(group, found.labels) > 0.9
    assert found.stability >= MIN_STABILITY


def test_votes_without_structure_are_unstable_whatever_k_is_chosen() -> None:
    matrix, _ = planted(120, 20, groups=0, seed=2)
    found = find_groups(matrix)
    assert found is not None and found.stability < MIN_STABILITY


def test_among_many_members_starts_tried_on_a_sample_find_the_groups_all_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    matrix, group = planted(KMEANS_MEMBERS + 1000, 20, groups=3, seed=10)
    found = find_groups(matrix, resamples=0)
    monkeypatch.setattr("bot.analysis.groups.KMEANS_MEMBERS", len(group))
    everyone = find_groups(matrix, resamples=0)
    assert found is not None and everyone is not None and found.k == everyone.k == 3
    assert adjusted_rand_score(group, found.labels) > 0.9
    assert adjusted_rand_score(everyone.labels, found.labels) > 0.99


def test_no_votes_make_an_analysis_that_says_so() -> None:
    analysis = analyse([], claims_of(3))
    assert analysis.voters == 0 and analysis.groups == [] and analysis.no_groups_because


def test_members_with_too_few_votes_are_placed_but_not_grouped() -> None:
    matrix, _ = planted(60, 20, groups=2, seed=3)
    few = matrix.values.copy()
    few[:5, MIN_VOTES - 1 :] = np.nan  # the first five members voted on 6 claims only
    found = find_groups(VoteMatrix(matrix.members, matrix.claims, few), resamples=0)
    assert found is not None
    assert (found.labels[:5] == -1).all() and (found.labels[5:] >= 0).all()
    assert np.isfinite(found.positions).all()


def test_the_groups_do_not_depend_on_the_order_votes_arrive_in() -> None:
    matrix, _ = planted(80, 12, groups=3, seed=4)
    votes = [
        (member, claim, CHOICES[v])
        for member, row in zip(matrix.members, matrix.values, strict=True)
        for claim, v in zip(matrix.claims, row, strict=True)
        if not np.isnan(v)
    ]
    shuffled = [votes[i] for i in np.random.default_rng(5).permutation(len(votes))]
    first = vote_matrix(sides_of(votes), matrix.claims)
    again = vote_matrix(sides_of(shuffled), matrix.claims)
    assert first.members == again.members == sorted(matrix.members)
    assert np.array_equal(first.values, again.values, equal_nan=True)
    a, b = find_groups(first, resamples=0), find_groups(again, resamples=0)
    assert a is not None and b is not None and np.array_equal(a.labels, b.labels)


def test_the_matrix_leaves_out_votes_on_claims_not_analysed() -> None:
    sides = [
        ClaimVoters(1, Choice.AGREE, ["bo", "al"]),
        ClaimVoters(2, Choice.PASS, ["al"]),
        ClaimVoters(9, Choice.DISAGREE, ["cy"]),  # a removed claim
    ]
    matrix = vote_matrix(sides, [1, 2])
    assert matrix.members == ["al", "bo"]
    assert np.array_equal(matrix.values, [[1.0, 0.0], [1.0, np.nan]], equal_nan=True)


def test_bridging_tells_a_claim_both_sides_like_from_one_that_follows_the_divide() -> None:
    matrix, group = planted(150, 10, groups=2, seed=6)
    values = matrix.values.copy()
    rng = np.random.default_rng(7)
    values[:, 0] = np.where(rng.random(150) < 0.9, 1.0, -1.0)  # liked on both sides
    values[:, 1] = np.where(group == 0, 1.0, -1.0)  # liked by one side only
    model = fit_bridging(values)
    assert model.scores[0] > model.scores[1]
    assert abs(model.claim_factors[0]) < abs(model.claim_factors[1])


def claims_of(n: int) -> list[Claim]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        Claim(i, 1, i + 1, f"1.{i + 1}", f"claim {i}", ClaimKind.CLAIM, ClaimOrigin.MEMBER,
              ClaimStatus.ACTIVE, "mod", now)
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [8, 9])
def test_a_member_learns_where_they_voted_against_their_groups_clear_lean(seed: int) -> None:
    matrix, _ = planted(100, 12, groups=2, seed=seed, density=1.0)
    values = matrix.values.copy()
    values[:, 0] = 1.0  # everyone agrees with the first claim...
    values[0, 0] = -1.0  # ...but the first member
    votes = [
        (member, claim, CHOICES[v])
        for member, row in zip(matrix.members, values, strict=True)
        for claim, v in zip(matrix.claims, row, strict=True)
        if not np.isnan(v)
    ]
    analysis = analyse(sides_of(votes), claims_of(12))
    me = analysis.members[matrix.members[0]]
    assert analysis.groups and me.group is not None
    claim, choice, share = me.differs_on[0]
    assert (claim.id, choice) == (0, Choice.DISAGREE) and share.value >= 0.9
    assert share.low <= share.value <= share.high  # the group's share agreeing, interval kept
    others = [place for member, place in analysis.members.items() if member != matrix.members[0]]
    assert all(claim.id != 0 for place in others for claim, _, _ in place.differs_on)
