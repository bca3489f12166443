"""What an operator's monitoring asks a running bot, over HTTP: `/healthz` (can it reach its
database?) and `/metrics` (Prometheus). Both are served on the Slack HTTP port, and on
HEALTH_PORT by a small server of their own, for a bot with no HTTP port (Discord, Socket Mode).

`/healthz` answers 200 `{"ok": true, "database": "ok"}` once a trivial query went through the
store, or 503 with why not in a few words (no host, user or password): a load balancer stops
sending requests to a process that cannot count votes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from adapters import serving
from bot.ports import Store, StoreUnreachable

if TYPE_CHECKING:
    from adapters.metrics import Metrics

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = 2.0  # seconds: a load balancer's check usually gives up after 5
OK = "ok"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Health:
    database: str  # "ok", or why not

    @property
    def ok(self) -> bool:
        return self.database == OK

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "database": self.database}


class Monitoring:
    """The health check and the metrics of one bot, and the HTTP routes that serve them.
    `metrics` is None where prometheus-client is not installed: /metrics then says so."""

    def __init__(
        self, store: Store, metrics: Metrics | None, *, timeout: float = HEALTH_TIMEOUT
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.timeout = timeout
        self._failing: str | None = None  # why the last check failed, to log changes only
        self._checking: asyncio.Future[Health] | None = None

    async def health(self) -> Health:
        """Whether the database answers. Checks asked for while one is under way share its
        answer, so a flood of /healthz on a public port holds at most one connection."""
        if self._checking is None or self._checking.done():
            self._checking = asyncio.ensure_future(self._check())
        return await asyncio.shield(self._checking)

    async def _check(self) -> Health:
        try:
            await asyncio.wait_for(self.store.ping(), self.timeout)
        except StoreUnreachable as why:
            return self._checked(f"unreachable: {why}")
        except TimeoutError:
            return self._checked(f"no answer within {self.timeout:g} s")
        except Exception as error:
            log.debug("health check failed", exc_info=True)
            return self._checked(f"failed: {type(error).__name__}")
        return self._checked(OK)

    def _checked(self, database: str) -> Health:
        """The check's answer; the log says when the database stops answering, and when it
        answers again, rather than at every check."""
        failing = None if database == OK else database
        if failing != self._failing:
            if failing:
                log.warning("health: the database fails its check (%s)", failing)
            else:
                log.info("health: the database answers again")
        self._failing = failing
        return Health(database)

    # -- over HTTP -------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)

    async def _healthz(self, request: web.Request) -> web.Response:
        health = await self.health()
        return web.json_response(health.as_json(), status=200 if health.ok else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        if self.metrics is None:
            return web.Response(
                status=404,
                text="No metrics: install prometheus-client (the slack or discord extra).\n",
            )
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": self.metrics.content_type}
        )

    def add_to_slack(self, app: web.Application, events_path: str) -> None:
        """/healthz and /metrics beside Slack's request URL, whose requests are timed."""
        self.add_routes(app)
        if self.metrics is not None:  # first: refusals of bad signatures are timed too
            app.middlewares.insert(0, _timing(events_path, self.metrics.slack_request))

    def follow_acked_before_commit(self, read: Callable[[], int]) -> None:
        if self.metrics is not None:
            self.metrics.follow_acked_before_commit(read)

    async def serve(self, host: str, port: int) -> None:
        """HEALTH_PORT: /healthz and /metrics on a port of their own, until cancelled."""
        app = web.Application()
        self.add_routes(app)
        await serving.serve(
            app,
            host,
            port,
            setting="HEALTH_PORT",
            shutdown_timeout=1.0,
            listening="health and metrics on %s:%d (/healthz, /metrics)",
        )


def _timing(path: str, record: Callable[[int, float], None]) -> Middleware:
    """Middleware that tells `record` each request to `path`: its status and how long it took
    to answer."""

    @web.middleware
    async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != path:
            return await handler(request)
        started, status = time.perf_counter(), 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as answer:
            status = answer.status
            raise
        finally:
            record(status, time.perf_counter() - started)

    return timed
