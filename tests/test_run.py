"""`debate-bot run` with Discord and Slack credentials: both platforms served by one process, over
one database, against local fakes of Discord and of Slack (Socket Mode)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp

from fakes.discord_fake import FakeDiscord
from fakes.slack_fake import FakeSlackApi, SlackSender
from tests.support import sample, scrape
from tests.test_slack import MOD, texts_of

ROOT = Path(__file__).resolve().parent.parent


def slack_settings(slack: FakeSlackApi) -> dict[str, str]:
    """Slack in Socket Mode, its Web API the fake's."""
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": slack.api_url,
    }


async def start(database: Path, settings: dict[str, str]) -> asyncio.subprocess.Process:
    """`debate-bot run` in a process of its own, on an SQLite file."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "run",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop(bot: asyncio.subprocess.Process, how: signal.Signals) -> str:
    """Send the signal and wait for the process to end; returns what it wrote to stderr."""
    bot.send_signal(how)
    try:
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
    except TimeoutError:
        bot.kill()
        _, stderr = await bot.communicate()
        raise AssertionError(f"did not stop on {how.name}:\n{stderr.decode()}") from None
    return stderr.decode()


def assert_stopped_cleanly(bot: asyncio.subprocess.Process, stderr: str) -> None:
    assert bot.returncode == 0, stderr
    assert "stopped" in stderr and "Traceback" not in stderr, stderr
    assert "`token` will be unused" not in stderr, stderr  # no noise from Bolt at start-up


async def test_one_process_serves_discord_and_slack_and_stops_cleanly(tmp_path: Path) -> None:
    async with FakeDiscord() as discord, FakeSlackApi(admins={MOD}) as slack:
        discord_settings = {
            "DISCORD_TOKEN": discord.token,
            "DISCORD_API_BASE": discord.api_base,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
        }
        bot = await start(tmp_path / "debate.db", discord_settings | slack_settings(slack))
        try:
            await discord.wait_connected(within=30)
            await slack.socket_connected(within=30)

            mod = discord.moderator()
            form = await discord.command(mod, "debate-mod post")
            await form.response(within=10)  # the post form opens
            added = await discord.submit(
                mod, form, {"Title": "From Discord", "Text": "The alliance needs a new strategy."}
            )
            assert "From Discord" in (await added.reply(within=10)).text

            command = dict(
                parse_qsl(
                    SlackSender(slack)
                    .command(MOD, "post From Slack\nThe alliance needs a new strategy.")
                    .body
                )
            )
            ack = await slack.send_envelope("slash_commands", command, within=10)
            assert "Added post 1" in texts_of(ack["payload"])  # numbered in its own community
        finally:
            stderr = await stop(bot, signal.SIGINT)
    assert_stopped_cleanly(bot, stderr)


async def test_sigterm_stops_cleanly_with_every_acknowledged_vote_stored_and_answered(
    tmp_path: Path,
) -> None:
    """SIGTERM is how containers and service managers stop a bot: it must stop as Ctrl-C does,
    committing and answering the clicks it already acknowledged (Slack gets its ack first)."""
    database = tmp_path / "debate.db"
    async with FakeSlackApi(admins={MOD}) as slack:
        bot = await start(database, slack_settings(slack))
        sender = SlackSender(slack)
        try:
            await slack.socket_connected(within=30)
            for line in (
                "post A post\nThe alliance needs a new strategy.",
                "claim add 1 A claim",
                "open 1",
            ):
                command = dict(parse_qsl(sender.command(MOD, line).body))
                await slack.send_envelope("slash_commands", command, within=10)
            voters = [f"U{n:03d}" for n in range(20)]
            clicks = [
                json.loads(
                    dict(parse_qsl(sender.click(user, "vote:agree", "1.1", reply_to=user).body))[
                        "payload"
                    ]
                )
                for user in voters
            ]
            await asyncio.gather(*(slack.send_envelope("interactive", c) for c in clicks))
        finally:
            stderr = await stop(bot, signal.SIGTERM)  # every click acknowledged, not all committed
        assert_stopped_cleanly(bot, stderr)
        assert all("counted: agree" in texts_of(slack.responses[user][0]) for user in voters)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM votes").fetchone() == (20,)


async def test_health_port_serves_health_and_metrics_beside_socket_mode(tmp_path: Path) -> None:
    """Socket Mode opens no port of its own: HEALTH_PORT serves /healthz and /metrics, and the
    metrics count what the process did."""
    port = free_port()
    async with FakeSlackApi(admins={MOD}) as slack:
        bot = await start(
            tmp_path / "debate.db", slack_settings(slack) | {"HEALTH_PORT": str(port)}
        )
        try:
            await slack.socket_connected(within=30)
            command = dict(parse_qsl(SlackSender(slack).command(MOD, "help").body))
            await slack.send_envelope("slash_commands", command, within=10)
            async with aiohttp.ClientSession() as http:
                for _ in range(500):
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                            assert health.status == 200
                            assert await health.json() == {"ok": True, "database": "ok"}
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.02)
                metrics = await scrape(http, f"http://127.0.0.1:{port}/metrics")
        finally:
            stderr = await stop(bot, signal.SIGTERM)
    assert_stopped_cleanly(bot, stderr)
    done = {"platform": "slack", "command": "help", "outcome": "ok"}
    assert sample(metrics, "debate_bot_commands_total", **done) == 1
    assert sample(metrics, "debate_bot_errors_total", logger="adapters.slack") == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
