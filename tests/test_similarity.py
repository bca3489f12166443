"""Near-duplicate proposals: rewordings match, opposite claims never do."""

from __future__ import annotations

import pytest

from bot.similarity import near_duplicate, similarity


@pytest.mark.parametrize(
    ("proposal", "existing"),
    [
        ("NATO should admit Ukraine soon", "NATO should admit Ukraine quickly"),
        ("NATO should admit Ukraine soon", "Ukraine should be admitted to NATO soon"),
        ("Russia will help Iran", "Iran will be helped by Russia"),
        ("The sanctions on Russia have failed", "Sanctions against Russia failed."),
        ("Sanctions make war more likely", "sanctions make WAR MORE likely!"),
    ],
)
def test_rewordings_with_the_same_words_are_duplicates(proposal: str, existing: str) -> None:
    assert near_duplicate(proposal, [(7, existing)]) == 7


@pytest.mark.parametrize(
    ("proposal", "existing"),
    [
        ("Sanctions make war more likely", "Sanctions make war less likely"),
        ("Russia will not help", "Russia will help"),
        ("Russia won't help Iran", "Russia will help Iran"),
        ("A deal is likely this year", "A deal is unlikely this year"),
        ("Defence spending will increase", "Defence spending will decrease"),
        ("China will win the trade war", "China will lose the trade war"),
        ("Europe is strong on defence", "Europe is weak on defence"),
        ("Aid helps poor countries", "Aid hurts poor countries"),
    ],
)
def test_opposite_claims_are_never_duplicates(proposal: str, existing: str) -> None:
    assert near_duplicate(proposal, [(1, existing)]) is None
    assert near_duplicate(existing, [(1, proposal)]) is None
    assert similarity(proposal, existing) == 0.0


def test_claims_about_different_countries_are_not_duplicates() -> None:
    assert (
        near_duplicate("NATO should admit Ukraine soon", [(1, "NATO should admit Georgia soon")])
        is None
    )


def test_the_most_similar_claim_is_returned() -> None:
    candidates = [
        ("3.1", "Russia's economy has grown despite sanctions"),
        ("3.2", "NATO should admit Ukraine quickly"),
        ("3.3", "NATO should admit Ukraine quickly after the war ends"),
    ]
    assert near_duplicate("NATO should admit Ukraine soon", candidates) == "3.2"


def test_ties_go_to_the_older_claim() -> None:
    candidates = [(1, "NATO should admit Ukraine quickly"), (2, "NATO should admit Ukraine soon")]
    assert near_duplicate("NATO should admit Ukraine swiftly", candidates) == 1


def test_nothing_close_means_no_duplicate() -> None:
    assert (
        near_duplicate("The EU should reform its budget", [(1, "China will invade Taiwan")]) is None
    )
    assert near_duplicate("The EU should reform its budget", []) is None
    assert near_duplicate("", [(1, "")]) is None


def test_the_threshold_decides_how_close_is_close_enough() -> None:
    existing = [(1, "NATO should admit Ukraine and Georgia soon")]
    proposal = "NATO should admit Ukraine soon"
    assert near_duplicate(proposal, existing, threshold=0.95) is None
    assert near_duplicate(proposal, existing, threshold=0.5) == 1


def test_keys_can_be_any_type() -> None:
    key = ("post", 3, "claim", 2)
    assert near_duplicate("Aid is not charity", [(key, "aid is not charity.")]) == key


@pytest.mark.parametrize(
    ("proposal", "existing"),
    [
        # One sentence of a longer claim, word for word (0.53 as a whole).
        (
            "Russia will not attack NATO.",
            "Russia will not attack NATO. Its army is worn out, its economy spent on the war.",
        ),
        # A proposal that repeats a whole claim and goes on.
        (
            "Sanctions on Iran have failed; they hurt ordinary people and not the regime.",
            "Sanctions on Iran have failed.",
        ),
    ],
)
def test_a_claim_contained_in_another_is_a_duplicate(proposal: str, existing: str) -> None:
    assert near_duplicate(proposal, [("old", existing)]) == "old"


def test_a_contained_sentence_that_takes_the_other_side_is_not_a_duplicate() -> None:
    existing = "Russia will attack NATO. Its army is rebuilt and its economy is on a war footing."
    assert near_duplicate("Russia will not attack NATO.", [("old", existing)]) is None
