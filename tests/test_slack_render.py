"""Slack's limits and escaping, checked on the rendering itself with real engine values."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from adapters.slack.home import home_view
from adapters.slack.inbound import COMMAND, DEBATE_THIS_MESSAGE, from_slack
from adapters.slack.polls import poll_message, poll_pages
from adapters.slack.render import (
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    escape,
    fit,
    link,
    plain_reply,
    results_messages,
)
from bot.domain import Choice, Claim, ClaimKind, ClaimOrigin, ClaimStatus, MemberVote, Post, Tally
from bot.results import ClaimResult, Results

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"
LOUD = "Everyone <!channel> & <@U123> > <!subteam^S1|team> <https://evil.example|click>"


def results(claims: int, text: str = "A claim") -> Results:
    post = Post(1, "slack:T", 3, "A <b>post</b> & more", "", "https://ex.org/a?b=1&c=2", "U", NOW)
    rows = [
        ClaimResult(
            Claim(
                n,
                1,
                3,
                n,
                f"{text} {n}",
                ClaimKind.CLAIM,
                ClaimOrigin.MODERATOR,
                ClaimStatus.ACTIVE,
                "U",
                NOW,
            ),
            Tally(agree=2, disagree=1),
            visible=n % 2 == 0,
            voters_on_post=3,
        )
        for n in range(1, claims + 1)
    ]
    return Results(post, None, rows, voters=3, closed=False)


def sent(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_escaping_leaves_no_markup() -> None:
    assert escape(LOUD) == (
        "Everyone &lt;!channel&gt; &amp; &lt;@U123&gt; &gt; &lt;!subteam^S1|team&gt; "
        "&lt;https://evil.example|click&gt;"
    )
    out = sent([plain_reply(LOUD)[0].payload(), results_messages(results(3, LOUD))[0].payload()])
    assert "<!" not in out and "<@" not in out and "<https://evil" not in out


def test_cutting_to_a_limit_never_splits_an_entity() -> None:
    for n in range(1, 40):
        cut = fit("&" * 30, n)
        assert len(cut) <= n
        assert cut.rstrip("…").replace("&amp;", "") == ""


def test_a_post_link_is_a_link_only_for_web_addresses() -> None:
    assert link("https://ex.org/a?b=1&c=2", "A & B") == "<https://ex.org/a?b=1&amp;c=2|A &amp; B>"
    assert link("https://ex.org/x>y|z", "t") == "<https://ex.org/x%3Ey%7Cz|t>"
    assert link("javascript:alert(1)", "<t>") == "&lt;t&gt;"


def test_long_replies_stay_within_sections_and_blocks() -> None:
    huge = "\n".join(f"line {i} " + "x&" * 100 for i in range(2000))
    messages = plain_reply(huge)
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        assert all(len(b["text"]["text"]) <= MAX_SECTION_CHARS for b in message.blocks)
    one_line = plain_reply("y&" * 5000)
    assert all(len(b["text"]["text"]) <= MAX_SECTION_CHARS for m in one_line for b in m.blocks)


def test_a_big_poll_is_split_into_messages_of_at_most_50_blocks() -> None:
    big = results(100, "c" * 280)
    pages = poll_pages(big)
    assert [len(p) for p in pages] == [24, 24, 24, 24, 4]
    for number, refs in enumerate(pages, start=1):
        message = poll_message(big, refs, number, len(pages))
        assert len(message.blocks) <= MAX_BLOCKS
        buttons = [e for b in message.blocks for e in b.get("elements", []) if "action_id" in e]
        assert {b["action_id"] for b in buttons} == {"vote:agree", "vote:disagree", "vote:pass"}
        assert {b["value"] for b in buttons} == set(refs)


def test_home_stays_within_100_blocks_and_shows_the_members_votes() -> None:
    polls = [results(60), results(60)]
    claim = polls[0].claims[0].claim
    view = home_view(polls, [MemberVote(claim, Choice.PASS, NOW)])
    assert len(view["blocks"]) <= 100
    shown = sent(view)
    assert "Your vote: *pass*" in shown and "more: `/debate claims 3`" in shown


def test_slack_text_comes_back_as_typed() -> None:
    said = "A &amp; B &lt;3 <https://ex.org/a?x=1&amp;y=2|ex.org> <@U1|ann> <!here>"
    assert from_slack(said) == "A & B <3 https://ex.org/a?x=1&y=2 <@U1|ann> <!here>"


def test_the_manifest_creates_what_the_app_listens_for() -> None:
    """manifest.yml and the listeners name the same command, shortcut, event and scopes."""
    manifest = MANIFEST.read_text()
    settings = dict(re.findall(r"^\s*-?\s*(\w+): ([^#\n]+?)\s*(?:#.*)?$", manifest, re.M))
    assert settings["command"] == COMMAND
    assert settings["callback_id"] == DEBATE_THIS_MESSAGE
    assert settings["home_tab_enabled"] == settings["is_enabled"] == "true"
    assert "- app_home_opened" in manifest
    scopes = set(re.findall(r"^\s+- ([a-z.:]+)\s", manifest, re.M))
    assert {"commands", "chat:write", "chat:write.public", "users:read", "files:write"} <= scopes
    assert "im:write" in scopes  # a moderator's Polis export goes to their direct messages
    urls = set(re.findall(r"(?:url|request_url): (\S+)", manifest))
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
