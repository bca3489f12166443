"""The Discord client: connects, syncs the commands, listens for vote buttons, and speaks for the
bot where it is asked to (`adapters.platforms.Platform`): results of polls that closed on time,
weekly digests, alerts to moderators.

The bootstrap builds the engine and routes Discord communities here; everything the adapter
keeps is here or in the `PollBoard`; the debate itself lives in the engine and its database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands

from adapters.config import Config, ConfigError
from adapters.discord import render
from adapters.discord.commands import DebateTree, install
from adapters.discord.interaction import observe
from adapters.discord.polls import PollBoard, VoteButton
from bot.answers import ClosedPoll
from bot.digest import Digest
from bot.domain import Actor, Settings
from bot.engine import Engine
from bot.errors import DebateError
from bot.ports import Outcome

log = logging.getLogger(__name__)

TALLY_INTERVAL = 2.0  # at most one edit of a poll message this often


class DebateClient(discord.AutoShardedClient):
    """A discord.py client wired to the engine; `engine`, `polls` and `tree` serve the commands.

    Sharded as configured: `shard_ids` of `shard_count` shards in this process (several
    processes on one database each take their own), or, by default, all the shards Discord
    recommends."""

    def __init__(
        self,
        engine: Engine,
        *,
        guild_ids: Sequence[int] = (),
        tally_interval: float = TALLY_INTERVAL,
        guild_ready_timeout: float = 2.0,
        answer_within: float = 2.0,
        shard_ids: Sequence[int] | None = None,
        shard_count: int | None = None,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # roles, for the moderator role; nothing privileged
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here
        super().__init__(
            intents=intents,
            allowed_mentions=render.NO_MENTIONS,
            max_messages=None,
            guild_ready_timeout=guild_ready_timeout,
            shard_ids=list(shard_ids) if shard_ids is not None else None,
            shard_count=shard_count,
        )
        self.engine = engine
        self.guild_ids = tuple(guild_ids)
        self.polls = PollBoard(engine, self, interval=tally_interval, answer_within=answer_within)
        self.tree: app_commands.CommandTree[DebateClient] = DebateTree(self)
        install(self.tree)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton)
        await self.sync_commands()

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], _: Any
    ) -> None:
        """A command done (refusals and failures go to `DebateTree.on_error`)."""
        observe(interaction, self.engine.observer, Outcome.DONE)

    async def sync_commands(self) -> None:
        """To the listed servers (instant), else globally (Discord may take a while to show)."""
        if not self.guild_ids:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))
            return
        for guild_id in self.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to server %s", len(synced), guild_id)

    # -- what the bot says on its own (adapters.platforms.Platform) -------------------------------

    async def announce_closed(self, closed: ClosedPoll) -> None:
        """Post the results of a poll that closed on time where it was opened."""
        results = closed.results
        community, ref = results.post.community, results.post.ref
        self.polls.touch_post(community, ref)
        opened_in = results.poll.channel if results.poll else None
        if not (opened_in and opened_in.isdigit()):
            log.info("poll on %s in %s closed; it was not opened in a channel", ref, community)
            return
        channel = self.get_partial_messageable(int(opened_in))
        for message in render.messages(closed):
            await channel.send(**message.kwargs())

    async def deliver(self, settings: Settings, digest: Digest, delivered: set[str]) -> None:
        """The digest in the community's digest channel, its chart on the first message; each
        message is a part, so a retry sends only those that did not arrive."""
        if not (settings.digest_channel or "").isdigit():
            raise DebateError("No digest channel is set; use `/debate-mod digest channel`.")
        channel = self.get_partial_messageable(int(settings.digest_channel or 0))
        for number, message in enumerate(render.messages(digest), start=1):
            part = f"message-{number}"
            if part not in delivered:
                await channel.send(**message.kwargs())
                delivered.add(part)

    async def alert_moderators(self, settings: Settings, message: str) -> None:
        """Tell a server's moderators: in its moderators-only updates channel, else its system."""
        guild = self.get_guild(int(settings.community.removeprefix("discord:") or 0))
        channel = guild and (guild.public_updates_channel or guild.system_channel)
        if not channel:
            log.warning("no channel to tell the moderators of %s: %s", settings.community, message)
            return
        await channel.send(
            render.clip(message, render.CONTENT_LIMIT), allowed_mentions=render.NO_MENTIONS
        )

    async def platform_moderator(self, actor: Actor) -> bool:
        return False  # every interaction carries the member's permissions (`actor_of`)

    async def close(self) -> None:
        await self.polls.close()
        await super().close()


def guild_ids(setting: str) -> list[int]:
    """`DISCORD_GUILD_IDS`: server ids separated by commas."""
    ids = [part.strip() for part in setting.split(",") if part.strip()]
    if not all(part.isdigit() for part in ids):
        raise ConfigError("DISCORD_GUILD_IDS: must be server ids separated by commas")
    return [int(part) for part in ids]


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send REST calls and the gateway connection elsewhere (a proxy, or a test's fake Discord).

    discord.py reads both from class attributes, so this applies to every client in the process.
    """
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def discord_client(engine: Engine, config: Config, **knobs: Any) -> DebateClient:
    """The client for the configured Discord (not connected yet); checks the settings it needs.

    `knobs` go to `DebateClient` (tests shorten its intervals).
    """
    if not _token(config):
        raise ConfigError("DISCORD_TOKEN: is not set")
    point_at(config.discord_api_base, config.discord_gateway_url)
    shards = config.discord_shards()
    return DebateClient(
        engine,
        guild_ids=guild_ids(config.discord_guild_ids),
        shard_ids=shards.ids if shards else None,
        shard_count=shards.count if shards else None,
        **knobs,
    )


async def serve(client: DebateClient, config: Config) -> None:
    """Connect and serve until cancelled, then disconnect cleanly. Once connected, discord.py
    resumes after a dropped gateway by itself; Discord unreachable at the start is a setting or
    a network to check, said in one line."""
    try:
        async with client:
            await client.start(_token(config))
    except discord.LoginFailure:
        raise ConfigError("DISCORD_TOKEN: Discord refused this token") from None
    except discord.PrivilegedIntentsRequired:  # pragma: no cover - we ask for none
        raise ConfigError("DISCORD_TOKEN: the bot asks for an intent it was not granted") from None
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as error:
        log.debug("connecting to Discord failed", exc_info=True)
        where = discord.http.Route.BASE
        raise ConfigError(
            f"DISCORD_API_BASE: cannot reach Discord at {where} ({error}); check the network, "
            "or DISCORD_API_BASE and DISCORD_GATEWAY_URL if you set them for a proxy"
        ) from None


def _token(config: Config) -> str:
    return config.discord_token.get_secret_value().strip() if config.discord_token else ""
