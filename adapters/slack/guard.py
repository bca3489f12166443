"""The door of the HTTP endpoint: only Slack's own, well-formed requests reach Bolt.

Anyone can POST to the request URL. Bolt checks the signature too, but it logs every refused
body in full (a forged 100 KB body a time, newlines and all) and a timestamp that is not a whole
number raises before the check. So `guard`, a middleware, answers first: a missing, non-numeric
or stale timestamp, or a wrong signature, gets 401 and one short log line a minute however many
arrive; a signed body that is not UTF-8 gets 400. The signature is checked with the Slack SDK's
`SignatureVerifier`, as Bolt does.

A signed body whose JSON (an event, or an interaction's `payload`) is not an object would make
Bolt raise while it reads the request: `endpoint`, the route itself, answers 400 then. The body
is parsed once, by Bolt (parsing it in the guard as well cost an eighth of a vote click's time).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_DIGITS = 12  # seconds since 1970 have 10 digits until the year 2286
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


class RefusalLog:
    """Refusals, logged as one line a period: a flood of forgeries cannot flood the log."""

    def __init__(self, period: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.period = period
        self.clock = clock
        self.refused = 0
        self._next = 0.0

    def refused_one(self, why: str) -> None:
        self.refused += 1
        now = self.clock()
        if now >= self._next:
            log.warning(
                "Slack endpoint: refused %d request(s) so far; the latest: %s", self.refused, why
            )
            self._next = now + self.period


def guard(signing_secret: str, path: str, refusals: RefusalLog | None = None) -> Middleware:
    """Middleware for requests to `path` (the Slack request URL); others pass untouched."""
    verifier = SignatureVerifier(signing_secret)
    refusals = refusals or RefusalLog()

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != path or request.method != "POST":
            return await handler(request)
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature")
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > MAX_DIGITS:
            refusals.refused_one("a timestamp that is not a whole number of seconds")
            return web.Response(status=401, text="unsigned")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            refusals.refused_one("a body that is not UTF-8")
            return web.Response(status=400, text="not UTF-8")
        if not verifier.is_valid(text, timestamp, signature):
            refusals.refused_one("a missing, stale or wrong signature")
            return web.Response(status=401, text="bad signature")
        return await handler(request)

    return check


def endpoint(app: AsyncApp, refusals: RefusalLog) -> Handler:
    """The request URL's handler: Bolt's own (its aiohttp adapter), except that a body Slack
    would never send is answered 400 rather than raising while Bolt reads it."""

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, AttributeError, TypeError):  # not JSON, or JSON that is no object
            refusals.refused_one("a signed body Slack would not send")
            return web.Response(status=400, text="malformed")
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    return handle
