"""The door of the HTTP endpoint: only Slack's own, well-formed requests reach Bolt.

Anyone can POST to the request URL. Bolt checks the signature too, but it logs every refused
body in full (a forged 100 KB body a time, newlines and all) and a timestamp that is not a whole
number raises before the check. So this middleware answers first:
- a missing, non-numeric or stale timestamp, or a wrong signature: 401, and one short log line
  a minute however many arrive;
- a signed body that is not UTF-8, or whose JSON (an event, or an interaction's `payload`) is
  not an object: 400.
The signature is checked with the Slack SDK's `SignatureVerifier`, as Bolt does.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from aiohttp import web
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
        if not _well_formed(text, request.content_type):
            refusals.refused_one("a signed body Slack would not send")
            return web.Response(status=400, text="malformed")
        return await handler(request)

    return check


def _well_formed(text: str, content_type: str) -> bool:
    """Whether the JSON a request carries, if any, is an object, as Slack's always is."""
    if content_type == "application/json":
        return _json_object(text)
    payload = parse_qs(text).get("payload")
    return payload is None or (len(payload) == 1 and _json_object(payload[0]))


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
