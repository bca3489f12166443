"""The Discord adapter: app commands, vote buttons and poll messages over the core engine.

`commands` translates interactions into engine calls, `render` turns engine values into messages,
`polls` lays out poll messages and keeps their tallies current, `app` runs the client.
"""

from adapters.discord.app import DebateClient, discord_client, serve

__all__ = ["DebateClient", "discord_client", "serve"]
