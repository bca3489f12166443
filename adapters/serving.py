"""Serving an aiohttp application on a port the settings name, until cancelled."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from adapters.config import ConfigError

log = logging.getLogger(__name__)


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    setting: str,
    shutdown_timeout: float,
    listening: str,
) -> None:
    """Serve `app` on host:port until cancelled; a port that cannot be had is a ConfigError
    naming `setting`. `listening`, a log format taking the host and port, is logged once
    serving. At shutdown, requests under way get `shutdown_timeout` seconds, not aiohttp's
    default minute."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise ConfigError(
                f"{setting}: cannot listen on {host}:{port} ({error.strerror}); choose a free "
                "port, or stop what uses this one"
            ) from None
        log.info(listening, host, port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
