"""The two ends of one Discord interaction: who is asking, and how the answer goes back.

`actor_of` is the whole inbound translation of a member: the community is the server, moderator
status is what Discord says about Manage Server, and roles are passed on for the engine to judge.
`reply` sends rendered messages (privately by default) whether or not the interaction was deferred;
`refuse` turns a `DebateError` into its one sentence and anything else into an apology, privately;
`observe` tells the metrics how a command ended.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import discord

from adapters.discord.render import NO_MENTIONS, Message
from bot.domain import Actor
from bot.errors import DebateError
from bot.ports import Observer, Outcome

log = logging.getLogger(__name__)

T = TypeVar("T")
SORRY = "Something went wrong on our side; nothing was changed. Please try again."


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The member behind an interaction, as the engine sees members."""
    if interaction.guild_id is None:  # commands are guild-only; a DM never gets here
        raise RuntimeError("an interaction outside a server")
    user = interaction.user
    permissions = interaction.permissions
    return Actor(
        community=f"discord:{interaction.guild_id}",
        user_id=str(user.id),
        name=user.display_name,
        platform_moderator=permissions.manage_guild or permissions.administrator,
        roles=frozenset(str(role.id) for role in getattr(user, "roles", ())),
        channel=str(interaction.channel_id) if interaction.channel_id else None,
    )


async def reply(
    interaction: discord.Interaction[Any], messages: Sequence[Message], *, ephemeral: bool = True
) -> None:
    """Answer with the first message (or complete a deferral with it), then follow up the rest."""
    for index, message in enumerate(messages):
        kwargs = message.kwargs()
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
        else:
            await interaction.followup.send(**kwargs, ephemeral=ephemeral)


async def defer(interaction: discord.Interaction[Any], *, ephemeral: bool = True) -> None:
    """Acknowledge now (Discord allows 3 s) and show "thinking" until the followup comes."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def in_time(interaction: discord.Interaction[Any], work: Awaitable[T], *, within: float) -> T:
    """The work's result; should it take longer than `within`, acknowledge first, so that a slow
    moment (a busy database) never outlasts Discord's 3 s and the answer comes as a followup."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=within)
    if not done:
        await defer(interaction)
    return await task


async def refuse(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the member, privately, why nothing happened; never a traceback."""
    if isinstance(error, DebateError):
        sentence = error.message
    else:
        log.error("interaction %s failed", _describe(interaction), exc_info=error)
        sentence = SORRY
    try:
        if interaction.response.is_done():
            await interaction.followup.send(sentence, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                sentence, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not tell %s why it failed", _describe(interaction))


def observe(interaction: discord.Interaction[Any], observer: Observer, outcome: Outcome) -> None:
    """Tell `observer` (metrics) how a command ended, named as on Slack (`vote`, `claim add`)
    whether a member or a moderator asked."""
    command = interaction.command
    if command is None or interaction.guild_id is None:
        return
    group, _, name = command.qualified_name.partition(" ")
    if group not in ("debate", "debate-mod") or not name:
        name = command.qualified_name.lower()  # the message menu, "Debate this post"
    observer.command_handled(f"discord:{interaction.guild_id}", name, outcome)


def _describe(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    what = command.qualified_name if command is not None else interaction.type.name
    return f"{what} in guild {interaction.guild_id}"
