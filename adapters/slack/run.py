"""Serving the Slack app: HTTP mode (Slack's request URL) or Socket Mode, until cancelled."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.config import Config, ConfigError
from adapters.monitoring import Monitoring
from adapters.serving import serve
from bot.engine import Engine

from .app import SlackApp

log = logging.getLogger(__name__)


def slack_app(engine: Engine, config: Config, monitoring: Monitoring | None = None) -> SlackApp:
    """The app for the configured workspace (not serving yet); checks the settings it needs.
    With `monitoring`, its HTTP port also serves /healthz and /metrics."""
    token = _secret(config.slack_bot_token)
    signing_secret = _secret(config.slack_signing_secret)
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN: required to run the Slack app")
    if not _secret(config.slack_app_token) and not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)"
        )
    return SlackApp(
        engine,
        token=token,
        signing_secret=signing_secret,
        api_url=config.slack_api_url,
        monitoring=monitoring,
    )


async def serve_slack(slack: SlackApp, config: Config, *, host: str = "0.0.0.0") -> None:
    """Serve until cancelled, in Socket Mode or over HTTP as configured; then close the app.
    Slack unreachable, a token it refuses or a port in use stops the bot with one line."""
    app_token = _secret(config.slack_app_token)
    try:
        await _check_slack(slack, app_token)
        if app_token:
            await _socket_mode(slack, app_token)
        else:
            await _http(slack, host, config.slack_port)
    finally:
        await slack.close()


async def _check_slack(slack: SlackApp, app_token: str) -> None:
    """Ask Slack who the bot is (and, for Socket Mode, for a connection) before serving, so a
    bad token or an unreachable Slack is said once rather than retried in a loop of tracebacks."""
    try:
        await slack.client.auth_test()
    except SlackApiError as refused:
        error = refused.response.get("error")
        raise ConfigError(f"SLACK_BOT_TOKEN: Slack refused this token ({error})") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        log.debug("reaching Slack failed", exc_info=True)
        reason = str(error) or "no answer"
        raise ConfigError(
            f"SLACK_API_URL: cannot reach Slack at {slack.client.base_url} ({reason}); check the "
            "network, or SLACK_API_URL if you set it"
        ) from None
    if not app_token:
        return
    try:
        await slack.client.apps_connections_open(app_token=app_token)
    except SlackApiError as refused:
        error = refused.response.get("error")
        raise ConfigError(f"SLACK_APP_TOKEN: Slack refused this token ({error})") from None


async def _http(slack: SlackApp, host: str, port: int) -> None:
    # At shutdown, requests under way get a few seconds (a vote click's ack takes
    # milliseconds, a command's at most its ack budget), not aiohttp's default minute.
    await serve(
        slack.web_app(),
        host,
        port,
        setting="SLACK_PORT",
        shutdown_timeout=5.0,
        listening="Slack: HTTP mode, listening on %s:%d (/slack/events, /healthz, /metrics)",
    )


async def _socket_mode(slack: SlackApp, app_token: str) -> None:
    handler = AsyncSocketModeHandler(slack.app, app_token, web_client=slack.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack: Socket Mode connected")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


def _secret(value: object) -> str:
    if value is None:
        return ""
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal() if reveal else value)
