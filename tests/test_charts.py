"""The charts people read: each claim with its ref and whole words, its counts, and a verdict
that says "too few votes to tell" rather than nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.charts import Bar, label, stance_chart, verdict
from bot.domain import Claim, ClaimKind, ClaimOrigin, ClaimStatus, Tally

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LONG = (
    "The European Union should open accession talks with Moldova this year, whatever Hungary "
    "says, because waiting rewards the Kremlin's pressure on Chisinau"
)


def claim(text: str, number: int = 3) -> Claim:
    return Claim(
        number, 1, 2, number, text, ClaimKind.CLAIM, ClaimOrigin.MODERATOR,
        ClaimStatus.ACTIVE, "mod", NOW,
    )  # fmt: skip


def test_a_label_is_the_ref_and_whole_words_on_at_most_two_lines() -> None:
    said = label(claim(LONG))
    assert said.startswith("2.3  ")
    lines = said.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…")
    words = set(LONG.replace(",", "").split())
    shown = said.removeprefix("2.3  ").replace("\n", " ").removesuffix("…").replace(",", "")
    assert all(word in words for word in shown.split())  # no word cut in two


def test_a_verdict_says_when_there_are_too_few_votes_to_tell() -> None:
    assert "too few votes to tell" in verdict(Tally(agree=3, disagree=1, passed=1))
    assert "too few" not in verdict(Tally(agree=12, disagree=0))
    assert "90% agree" in verdict(Tally(agree=9, disagree=1))
    assert verdict(Tally(passed=4)) == "nobody took a side"


def test_the_chart_is_a_png_whatever_the_counts() -> None:
    bars = [
        Bar(claim(LONG, 1), Tally(agree=3, disagree=1, passed=1)),
        Bar(claim("NATO is obsolete", 2), Tally(disagree=7)),
        Bar(claim("Talks will resume", 3), Tally(passed=2)),
    ]
    assert stance_chart(bars, "Where the community stood").startswith(b"\x89PNG")
