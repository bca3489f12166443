"""Poll messages: their layout, the vote buttons, and tallies kept up to date in place.

A poll is posted as one message per five claims, each claim a row of Agree / Disagree / Pass
buttons. A button's `custom_id` names its claim and choice (`debate:vote:3.2:agree`), so a click is
understood with no state at all: the buttons keep working after the bot restarts. After each vote
the clicked message is edited to show the public results, at most once per `interval` per message
with a trailing edit always made, so a burst of clicks costs a few edits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.debounce import Debouncer
from adapters.discord import render
from adapters.discord.interaction import actor_of, in_time, refuse, reply
from adapters.discord.render import Message
from bot import text
from bot.answers import PollOpened
from bot.domain import Choice
from bot.engine import Engine
from bot.errors import OutOfDate
from bot.results import Results

log = logging.getLogger(__name__)

CLAIMS_PER_MESSAGE = 5  # one action row of three buttons per claim, five rows a message
LABEL_LIMIT = 80
VOTE_TEMPLATE = r"debate:vote:(?P<ref>\d{1,9}\.\d{1,9}):(?P<choice>agree|disagree|pass)"
_VOTE_ID = re.compile(VOTE_TEMPLATE)
_STYLES = {
    Choice.AGREE: discord.ButtonStyle.success,
    Choice.DISAGREE: discord.ButtonStyle.danger,
    Choice.PASS: discord.ButtonStyle.secondary,
}


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=VOTE_TEMPLATE,
):
    """One choice on one claim; registered once with `add_dynamic_items`, found by custom_id."""

    def __init__(self, ref: str, choice: Choice, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=render.clip(f"{ref} {choice.value.capitalize()}", LABEL_LIMIT),
                style=_STYLES[choice],
                custom_id=f"debate:vote:{ref}:{choice.value}",
            ),
            row=row,
        )
        self.ref = ref
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(match["ref"], Choice(match["choice"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        board = getattr(interaction.client, "polls", None)
        if not isinstance(board, PollBoard):
            log.error("a vote button was clicked on a client without a poll board")
            return
        await board.clicked(interaction, self.ref, self.choice)


# -- layout ---------------------------------------------------------------------------------------


def pages(refs: Sequence[str]) -> list[tuple[str, ...]]:
    """The claims of a poll, five to a message."""
    return [
        tuple(refs[i : i + CLAIMS_PER_MESSAGE]) for i in range(0, len(refs), CLAIMS_PER_MESSAGE)
    ]


def poll_message(results: Results, refs: Sequence[str]) -> Message:
    """The poll message for some of a post's claims, as anyone in the channel may see it."""
    rows = {row.claim.ref: row for row in results.claims}
    lines = [_state_line(results)]
    view = discord.ui.View(timeout=None)
    for ref in refs:
        row = rows.get(ref)
        if row is None:  # removed since the poll was posted
            lines.append(f"~~**{ref}**~~ *removed from the vote*")
            continue
        lines.append(f"**{ref}** · {render.escaped(row.claim.text, 600)}")
        if row.visible:
            lines.append(f"> {text.tally(row.tally)}")
        if not row.takes_votes and not results.closed:
            lines.append(f"*{text.votes_closed(row.claim)}*")
        if row.takes_votes and not results.closed:
            for choice in Choice:
                view.add_item(VoteButton(ref, choice, row=len(view.children) // 3))
    first, last = refs[0], refs[-1]
    span = f"claim {first}" if first == last else f"claims {first}–{last}"
    embed = discord.Embed(
        title=render.clip(f"Poll · {render.post_title(results.post)}", render.TITLE_LIMIT),
        description=render.clip("\n".join(lines), render.DESCRIPTION_LIMIT),
        colour=discord.Colour.dark_grey() if results.closed else render.COLOUR,
    )
    voters = f"{results.voters} member{'s' if results.voters != 1 else ''} voted"
    embed.set_footer(text=f"{span} · {voters} · /debate results post:{results.post.ref}")
    return Message(embeds=(embed,), view=view if view.children else None)


def _state_line(results: Results) -> str:
    if results.closed:
        return "**The poll is closed.** `/debate results` shows how it went."
    poll = results.poll
    if poll is not None and poll.closes_at is not None:
        stamp = int(poll.closes_at.timestamp())
        return f"Vote below; your vote is private. Open until <t:{stamp}:f> (<t:{stamp}:R>)."
    return "Vote below; your vote is private."


def refs_on(message: discord.Message) -> tuple[str, ...]:
    """The claims a poll message carries buttons for, read from its components."""
    found: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", ()):
            match = _VOTE_ID.fullmatch(getattr(child, "custom_id", None) or "")
            if match and match["ref"] not in found:
                found.append(match["ref"])
    return tuple(found)


# -- the board of poll messages -------------------------------------------------------------------


@dataclass
class PollMessage:
    community: str
    post_ref: str
    channel_id: int
    message_id: int
    refs: tuple[str, ...]
    shown: dict[str, Any] | None = None  # what the message last showed, to skip no-op edits


@dataclass
class PollBoard:
    """The poll messages this process knows of, and their debounced in-place updates.

    Messages posted before a restart become known again at their first click; where each poll
    was opened, for announcing its results, is the engine's `Poll.channel`.
    """

    engine: Engine
    client: discord.Client
    interval: float = 2.0
    answer_within: float = 2.0  # a vote slower than this is acknowledged first
    messages: dict[int, PollMessage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._edits = Debouncer(self.interval)

    async def publish(
        self, channel: discord.PartialMessageable, opened: PollOpened
    ) -> list[discord.Message]:
        """Post the poll messages of a newly opened poll in a channel."""
        community, post_ref = opened.post.community, opened.post.ref
        results = await self.engine.public_results(community, post_ref)
        sent = []
        for refs in pages([row.claim.ref for row in results.claims]):
            shown = poll_message(results, refs)
            message = await channel.send(**shown.kwargs())
            self.messages[message.id] = PollMessage(
                community, post_ref, channel.id, message.id, refs, _snapshot(shown)
            )
            sent.append(message)
        return sent

    async def clicked(
        self, interaction: discord.Interaction[Any], ref: str, choice: Choice
    ) -> None:
        """A vote button: count the vote, tell the voter privately, refresh the message."""
        try:
            actor = actor_of(interaction)
            counted = self.engine.cast_vote(actor, ref, choice)
            vote = await in_time(interaction, counted, within=self.answer_within)
            await reply(interaction, render.messages(vote))
        except Exception as error:
            await refuse(interaction, error)
            if isinstance(error, OutOfDate):  # the clicked message is out of date: redraw it
                self._learn(interaction, actor.community, error.post_ref, ref)
            return
        self._learn(interaction, actor.community, str(vote.claim.post_number), ref)

    def _learn(
        self, interaction: discord.Interaction[Any], community: str, post: str, ref: str
    ) -> None:
        """Remember the clicked poll message (known again after a restart) and refresh it."""
        message = interaction.message
        if message is None:
            return
        if message.id not in self.messages:
            self.messages[message.id] = PollMessage(
                community, post, message.channel.id, message.id, refs_on(message) or (ref,)
            )
        self.touch(message.id)

    def touch_post(self, community: str, post_ref: str) -> None:
        """The post's votes or state changed: refresh every poll message of it we know."""
        for known in list(self.messages.values()):
            if known.community == community and known.post_ref == post_ref:
                self.touch(known.message_id)

    def touch_community(self, community: str) -> None:
        for known in list(self.messages.values()):
            if known.community == community:
                self.touch(known.message_id)

    def touch(self, message_id: int) -> None:
        """Refresh one poll message soon: now if it is idle, else once its interval is over."""
        self._edits.touch(message_id, lambda: self._refresh(message_id))

    async def close(self) -> None:
        await self._edits.close()

    async def _refresh(self, message_id: int) -> None:
        known = self.messages.get(message_id)
        if known is None:
            return
        try:
            final = await self._edit(known)
        except discord.NotFound:  # the message was deleted
            final = True
        if final:  # nothing will change it again: forget it
            self.messages.pop(message_id, None)

    async def _edit(self, known: PollMessage) -> bool:
        """Show the poll's public state; True once the poll is closed and shown so. One
        process at a time, each drawing the tallies as they stand once it has the message."""
        async with self.engine.exclusively(f"discord-message:{known.message_id}"):
            return await self._redraw(known)

    async def _redraw(self, known: PollMessage) -> bool:
        results = await self.engine.public_results(known.community, known.post_ref)
        shown = poll_message(results, known.refs)
        snapshot = _snapshot(shown)
        if snapshot != known.shown:
            channel = self.client.get_partial_messageable(known.channel_id)
            await channel.get_partial_message(known.message_id).edit(
                embeds=list(shown.embeds), view=shown.view, allowed_mentions=render.NO_MENTIONS
            )
            known.shown = snapshot
        return results.closed


def _snapshot(message: Message) -> dict[str, Any]:
    return {
        "embeds": [e.to_dict() for e in message.embeds],
        "buttons": message.view is not None,
    }
