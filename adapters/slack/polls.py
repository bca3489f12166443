"""Poll messages: their Block Kit layout, and where they were posted.

A poll is one or more channel messages; each holds a run of the post's active claims, a section
and a row of Agree / Disagree / Pass buttons per claim, within Slack's 50 blocks a message. The
buttons carry everything a click needs (`vote:agree`, value `3.2`), and each claim's section is
named `claim:3.2`, so a click can be answered and its message redrawn without remembering anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import text
from bot.domain import Choice
from bot.results import ClaimResult, Results

from .render import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    Block,
    Message,
    claim_detail,
    claim_heading,
    context,
    escape,
    fit,
    plain,
    post_heading,
    section,
)

VOTE_ACTION = "vote:"  # + agree / disagree / pass
BUTTONS = [
    (Choice.AGREE, "Agree", "primary"),
    (Choice.DISAGREE, "Disagree", "danger"),
    (Choice.PASS, "Pass", None),
]
HEAD_BLOCKS = 2
CLAIMS_PER_MESSAGE = (MAX_BLOCKS - HEAD_BLOCKS) // 2


def vote_buttons(ref: str, chosen: Choice | None = None) -> Block:
    """One row of buttons for a claim; `chosen` is highlighted (App Home knows the member)."""
    elements = []
    for choice, label, style in BUTTONS:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{VOTE_ACTION}{choice.value}",
            "text": plain(label, 75),
            "value": ref,
        }
        if chosen is not None:
            if choice is chosen:
                button["style"] = "primary"
        elif style:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": f"vote:{ref}", "elements": elements}


def claim_block(row: ClaimResult) -> Block:
    return section(
        f"{claim_heading(row.claim)}\n{claim_detail(row)}", block_id=f"claim:{row.claim.ref}"
    )


def poll_message(results: Results, refs: Sequence[str], page: int = 1, pages: int = 1) -> Message:
    """One message of a poll: the claims `refs`, with buttons while the poll is open."""
    voters = f"{results.voters} voter{'s' if results.voters != 1 else ''}"
    state = text.poll_state(results.poll, results.closed)
    part = f" ({page}/{pages})" if pages > 1 else ""
    heading = "Results of the poll on" if results.closed else "Poll on"
    blocks: list[Block] = [
        section(
            post_heading(heading, results.post) + part,
            block_id=f"poll:{results.post.ref}:{page}:{pages}",
        ),
        context(escape(f"{state} · {voters} · replies to your votes are only shown to you")),
    ]
    rows = {row.claim.ref: row for row in results.claims}
    for ref in refs:
        row = rows.get(ref)
        if row is None:  # removed since the message was posted
            blocks.append(section(f"*{ref}*  _removed from the vote_", block_id=f"claim:{ref}"))
            continue
        blocks.append(claim_block(row))
        if row.takes_votes and not results.closed:
            blocks.append(vote_buttons(ref))
        elif not results.closed:
            blocks.append(context(escape(f"{ref}: {text.votes_closed(row.claim)}")))
    fallback = fit(f"{heading} post {results.post.ref}: {results.post.title}", MAX_FALLBACK_CHARS)
    return Message(fallback, blocks[:MAX_BLOCKS])


def poll_pages(results: Results) -> list[list[str]]:
    """The claims of each message of the poll, in order."""
    refs = [row.claim.ref for row in results.claims]
    return [refs[i : i + CLAIMS_PER_MESSAGE] for i in range(0, len(refs), CLAIMS_PER_MESSAGE)]


def refs_in(blocks: Sequence[dict[str, Any]]) -> list[str]:
    """The claims a poll message shows, read back from its block ids."""
    return [b["block_id"][6:] for b in blocks if str(b.get("block_id", "")).startswith("claim:")]


# -- where the polls are ----------------------------------------------------------------------


@dataclass
class PollMessage:
    channel: str
    ts: str
    refs: list[str]
    page: int = 1
    pages: int = 1


@dataclass
class PollBoard:
    """Where this process posted (or saw clicks on) each post's poll messages.

    Only a cache: clicks carry their message, and the engine keeps the channel each poll was
    opened in (`Poll.channel`), so a restart loses nothing a member would notice.
    """

    places: dict[tuple[str, str], list[PollMessage]] = field(default_factory=dict)
    _by_ts: dict[tuple[str, str], PollMessage] = field(default_factory=dict)

    def posted(self, community: str, post: str, messages: list[PollMessage]) -> None:
        self.places[(community, post)] = list(messages)
        self._by_ts.update(((m.channel, m.ts), m) for m in messages)

    def seen(self, community: str, post: str, message: PollMessage) -> PollMessage:
        """Remember a poll message learnt from a click; the one already known, if it is."""
        messages = self.places.setdefault((community, post), [])
        for known in messages:
            if (known.channel, known.ts) == (message.channel, message.ts):
                return known
        messages.append(message)
        self._by_ts[(message.channel, message.ts)] = message
        return message

    def at(self, channel: str, ts: str) -> PollMessage | None:
        """The poll message posted at `ts` in `channel`, if known here."""
        return self._by_ts.get((channel, ts))

    def of(self, community: str, post: str) -> list[PollMessage]:
        return list(self.places.get((community, post), []))


def page_of(blocks: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Which message of how many a poll message is, read back from its heading's block id."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith("poll:"):
            parts = block_id.split(":")
            if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
                return int(parts[2]), int(parts[3])
    return 1, 1
