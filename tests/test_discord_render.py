"""Discord renderings stay within Discord's limits whatever members write, checked against the same
limits the fake Discord enforces."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.discord import render
from adapters.discord.polls import LABEL_LIMIT, VoteButton, pages, poll_message
from bot.domain import Choice, Claim, ClaimKind, ClaimOrigin, ClaimStatus, Poll, Post, Tally
from bot.results import ClaimResult, Results
from fakes.discord_fake import message_problems

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NASTY = "**bold** [a link](https://x.test) @everyone <@&1> `code` ~~gone~~ > quote _it_ "


def post(title: str = "A post") -> Post:
    return Post(1, "discord:1", 7, title, "text", "https://example.org/p", "mod", NOW)


def claim(number: int, text: str) -> Claim:
    return Claim(
        number,
        1,
        7,
        number,
        text,
        ClaimKind.CLAIM,
        ClaimOrigin.MODERATOR,
        ClaimStatus.ACTIVE,
        "mod",
        NOW,
    )


def results(count: int, text: str, *, visible: bool = True, closed: bool = False) -> Results:
    rows = [
        ClaimResult(claim(n, f"{n} {text}"[:280]), Tally(3, 2, 1), visible, voters_on_post=9)
        for n in range(1, count + 1)
    ]
    return Results(post(title="T" * 300), Poll(1, NOW, "mod"), rows, 9, closed)


def payload(message: render.Message) -> dict[str, Any]:
    body: dict[str, Any] = {
        "content": message.content,
        "embeds": [e.to_dict() for e in message.embeds],
    }
    if message.view is not None:
        body["components"] = message.view.to_components()
    return body


def test_results_of_many_long_claims_are_paged_within_limits() -> None:
    messages = render.results(results(60, NASTY * 5))
    assert len(messages) > 1
    assert all(message_problems(payload(m)) == [] for m in messages)
    shown = sum(len(m.embeds[0].fields) for m in messages)
    assert shown == 60


def test_member_text_is_shown_literally() -> None:
    [message] = render.results(results(1, NASTY))
    field = message.embeds[0].fields[0].value or ""
    assert "\\*\\*bold\\*\\*" in field and "\\~\\~gone\\~\\~" in field
    assert "**bold**" not in field


def test_a_chart_goes_with_the_first_page() -> None:
    fields = [(f"claim {n}", NASTY * 5) for n in range(40)]
    first, *rest = render.embeds(render.paged_embeds("Results", "", fields), b"\x89PNG...")
    assert rest
    assert first.files == (("chart.png", b"\x89PNG..."),)
    assert first.embeds[0].image.url == "attachment://chart.png"
    assert all(not m.files for m in rest)


def test_poll_messages_hold_five_claims_with_three_buttons_each() -> None:
    r = results(12, NASTY * 5)
    split = pages([row.claim.ref for row in r.claims])
    assert [len(p) for p in split] == [5, 5, 2]
    for refs in split:
        message = poll_message(r, refs)
        assert message_problems(payload(message)) == []
        assert message.view is not None and len(message.view.children) == 3 * len(refs)
        rows = payload(message)["components"]
        assert [len(row["components"]) for row in rows] == [3] * len(refs)


def test_closed_polls_lose_their_buttons_and_hidden_tallies_stay_hidden() -> None:
    r = results(3, "claim")
    hidden = poll_message(results(3, "claim", visible=False), ["7.1", "7.2", "7.3"])
    assert "agree ·" not in (hidden.embeds[0].description or "")
    assert "agree ·" in (poll_message(r, ["7.1"]).embeds[0].description or "")
    assert poll_message(results(3, "claim", closed=True), ["7.1"]).view is None


def test_vote_buttons_carry_their_claim_and_choice() -> None:
    button = VoteButton("123456789.987654321", Choice.DISAGREE)
    assert button.custom_id == "debate:vote:123456789.987654321:disagree"
    assert len(button.custom_id) <= 100 and len(button.item.label or "") <= LABEL_LIMIT


def test_long_plain_text_is_split_between_lines() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    messages = render.plain(text)
    assert len(messages) > 1
    assert all(len(m.content or "") <= 2000 for m in messages)
    assert "\n".join(m.content or "" for m in messages) == text


def test_clip_keeps_limits_and_never_leaves_a_dangling_escape() -> None:
    clipped = render.escaped("a*" * 500, 101)
    assert len(clipped) <= 101 and clipped.endswith("…")
    assert not clipped[:-1].endswith("\\")
