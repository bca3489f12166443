"""`debate-bot run` with Discord and Slack credentials: both platforms served by one process, over
one database, against local fakes of Discord and of Slack (Socket Mode)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import FakeSlackApi, SlackSender
from tests.test_slack import MOD, texts_of

ROOT = Path(__file__).resolve().parent.parent


async def test_one_process_serves_discord_and_slack_and_stops_cleanly(tmp_path: Path) -> None:
    async with FakeDiscord() as discord, FakeSlackApi(admins={MOD}) as slack:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'debate.db'}",
            "DISCORD_TOKEN": discord.token,
            "DISCORD_API_BASE": discord.api_base,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": slack.api_url,
            "LOG_LEVEL": "WARNING",
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli",
            "run",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await discord.wait_connected(within=30)
            await slack.socket_connected(within=30)

            mod = discord.moderator()
            form = await discord.command(mod, "debate-mod post")
            await form.response(within=10)  # the post form opens
            added = await discord.submit(mod, form, {"Title": "From Discord", "Text": "Body."})
            assert "From Discord" in (await added.reply(within=10)).text

            command = dict(parse_qsl(SlackSender(slack).command(MOD, "post From Slack").body))
            ack = await slack.send_envelope("slash_commands", command, within=10)
            assert "Added post 1" in texts_of(ack["payload"])  # numbered in its own community
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
            except TimeoutError:
                bot.kill()
                _, stderr = await bot.communicate()
                raise AssertionError(f"did not stop on SIGINT:\n{stderr.decode()}") from None
    assert bot.returncode in (0, 130), stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
