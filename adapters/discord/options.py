"""The options of the app commands that suggest values as a member types (posts, claims,
proposals, time zones), and the host the commands run in. Suggestions come from the engine,
as the member may see them; what is finally chosen is read by the engine again."""

from __future__ import annotations

import functools
import logging
import re
import zoneinfo
from collections.abc import Sequence
from typing import Any, Protocol, TypeAlias, runtime_checkable

import discord
from discord import app_commands

from adapters.discord import render
from adapters.discord.interaction import actor_of
from adapters.discord.polls import PollBoard
from bot.domain import Claim
from bot.engine import Engine
from bot.errors import DebateError

log = logging.getLogger(__name__)

Interaction: TypeAlias = discord.Interaction[Any]


@runtime_checkable
class Host(Protocol):
    """What the commands need from the client they run in (`adapters.discord.app`)."""

    engine: Engine
    polls: PollBoard
    tree: app_commands.CommandTree[Any]


def host(interaction: Interaction) -> Host:
    client = interaction.client
    if not isinstance(client, Host):
        raise TypeError("debate commands run only in the debate client")
    return client


def engine_of(interaction: Interaction) -> Engine:
    return host(interaction).engine


# -- options with autocomplete --------------------------------------------------------------------


class _Suggesting(app_commands.Transformer):
    """A text option that offers values as the member types; the engine reads what is chosen."""

    async def transform(self, interaction: Interaction, value: Any, /) -> str:
        return str(value).strip()

    async def autocomplete(  # type: ignore[override]
        self, interaction: Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        try:
            return (await self.suggest(interaction, value.strip()))[:25]
        except DebateError:
            return []
        except Exception:
            log.exception("autocomplete failed")
            return []

    async def suggest(self, interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
        raise NotImplementedError


class PostRef(_Suggesting):
    async def suggest(self, interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
        listed = await engine_of(interaction).posts(actor_of(interaction))
        typed = typed.lstrip("#").lower()
        return [
            app_commands.Choice(name=render.post_choice_name(p), value=p.ref)
            for p in reversed(listed.posts)
            if p.ref.startswith(typed) or typed in p.title.lower()
        ]


_POST_PREFIX = re.compile(r"#?(\d{1,9})(?:\.\d*)?")


class ClaimRef(_Suggesting):
    """Any claim a moderator may curate: of the post typed so far, else of the newest post."""

    async def claims(self, interaction: Interaction, typed: str) -> list[Claim]:
        engine, actor = engine_of(interaction), actor_of(interaction)
        prefix = _POST_PREFIX.fullmatch(typed)
        if prefix:
            return [row.claim for row in (await engine.claims(actor, prefix[1])).results.claims]
        posts = (await engine.posts(actor)).posts
        newest = (await engine.claims(actor, posts[-1].ref)).results.claims if posts else []
        return [row.claim for row in newest] + await _open_claims(engine, interaction)

    async def suggest(self, interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
        return _claim_choices(await self.claims(interaction, typed), typed)


class VotableClaimRef(ClaimRef):
    """Claims up for a vote: of the post typed so far, else of every open poll."""

    async def claims(self, interaction: Interaction, typed: str) -> list[Claim]:
        if _POST_PREFIX.fullmatch(typed):
            return await super().claims(interaction, typed)
        return await _open_claims(engine_of(interaction), interaction)


class ProposalRef(ClaimRef):
    """Member proposals waiting for a moderator."""

    async def claims(self, interaction: Interaction, typed: str) -> list[Claim]:
        return (await engine_of(interaction).queue(actor_of(interaction))).claims


async def _open_claims(engine: Engine, interaction: Interaction) -> list[Claim]:
    return [row.claim for r in await engine.open_polls(actor_of(interaction)) for row in r.claims]


def _claim_choices(claims: Sequence[Claim], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.lstrip("#").lower()
    seen: set[str] = set()
    out = []
    for c in claims:
        if c.ref in seen or not (c.ref.startswith(typed) or typed in c.text.lower()):
            continue
        seen.add(c.ref)
        out.append(app_commands.Choice(name=render.claim_choice_name(c), value=c.ref))
    return out


class TimeZoneName(_Suggesting):
    async def suggest(self, interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
        typed = typed.lower().replace(" ", "_")
        return [app_commands.Choice(name=z, value=z) for z in _zones() if typed in z.lower()]


@functools.cache
def _zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Post: TypeAlias = app_commands.Transform[str, PostRef]
AnyClaim: TypeAlias = app_commands.Transform[str, ClaimRef]
VotableClaim: TypeAlias = app_commands.Transform[str, VotableClaimRef]
Proposal: TypeAlias = app_commands.Transform[str, ProposalRef]
TimeZone: TypeAlias = app_commands.Transform[str, TimeZoneName]
ClaimText: TypeAlias = app_commands.Range[str, 1, 280]
