"""Answers through Slack's response URLs, over connections kept alive between answers.

Every vote click is answered by one small JSON POST to its response URL. aiohttp's client spends
several times the CPU such a request needs (at hundreds of clicks a second, more than the vote
itself), so these posts go over a small HTTP/1.1 pool of our own: one request at a time per
connection, `Content-Length` bodies out, `Content-Length`, chunked or close-delimited bodies in.
Anything it does not expect (a redirect, a protocol surprise, a refused connection) is sent again
once through the aiohttp session, so an answer is never lost to this shortcut.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from typing import Any
from urllib.parse import urlsplit

import aiohttp

log = logging.getLogger(__name__)

Origin = tuple[str, str, int]  # scheme, host, port
Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]

MAX_HEAD = 64 * 1024


class Unexpected(Exception):
    """The answer was not a plain HTTP/1.1 response; the aiohttp fallback takes over."""


class ResponseUrls:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        connections_per_origin: int = 32,
        timeout: float = 10.0,
    ) -> None:
        self._session = session
        self._idle: dict[Origin, list[Connection]] = {}
        self._open: dict[Origin, asyncio.Semaphore] = {}
        self._per_origin = connections_per_origin
        self._timeout = timeout
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, payload: dict[str, Any]) -> int:
        """POST `payload` as JSON to `url`; returns the HTTP status."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            origin = (parts.scheme, parts.hostname, parts.port or _default_port(parts.scheme))
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            head = (
                f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nUser-Agent: debate-bot\r\n\r\n"
            ).encode()
            try:
                async with asyncio.timeout(self._timeout):
                    return await self._send(origin, head + body)
            except (Unexpected, OSError, asyncio.IncompleteReadError, TimeoutError) as error:
                log.debug("response URL by the short path failed (%r); using aiohttp", error)
        async with self._session.post(
            url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
        ) as answer:
            await answer.read()
            return answer.status

    async def _send(self, origin: Origin, request: bytes) -> int:
        """One exchange on a kept-alive connection; at most so many connections per origin, so a
        burst of answers queues for a connection instead of opening hundreds."""
        slots = self._open.get(origin)
        if slots is None:
            slots = self._open[origin] = asyncio.Semaphore(self._per_origin)
        async with slots:
            return await self._send_on_a_connection(origin, request)

    async def _send_on_a_connection(self, origin: Origin, request: bytes) -> int:
        reused = self._take(origin)
        if reused is not None:
            try:
                return await self._exchange(origin, reused, request)
            except (OSError, asyncio.IncompleteReadError):
                pass  # the server closed the idle connection meanwhile: try a fresh one
        return await self._exchange(origin, await self._connect(origin), request)

    async def _exchange(self, origin: Origin, conn: Connection, request: bytes) -> int:
        reader, writer = conn
        reusable = False
        try:
            writer.write(request)
            await writer.drain()
            status, headers = _head(await reader.readuntil(b"\r\n\r\n"))
            if status < 200 or 300 <= status < 400:
                raise Unexpected(f"status {status}")
            length = headers.get("content-length")
            if headers.get("transfer-encoding", "").lower() == "chunked":
                await _skip_chunks(reader)
                reusable = True
            elif length is not None:
                await reader.readexactly(int(length))
                reusable = True
            else:
                await reader.read()  # delimited by the connection's end
            reusable = reusable and headers.get("connection", "").lower() != "close"
            return status
        except asyncio.LimitOverrunError as error:
            raise Unexpected("response head too long") from error
        except ValueError as error:
            raise Unexpected(str(error)) from error
        finally:
            if reusable:
                self._keep(origin, conn)
            else:
                writer.close()

    def _take(self, origin: Origin) -> Connection | None:
        idle = self._idle.get(origin)
        while idle:
            reader, writer = idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        return None

    def _keep(self, origin: Origin, conn: Connection) -> None:
        idle = self._idle.setdefault(origin, [])
        if len(idle) < self._per_origin:
            idle.append(conn)
        else:
            conn[1].close()

    async def _connect(self, origin: Origin) -> Connection:
        scheme, host, port = origin
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return await asyncio.open_connection(host, port, ssl=self._tls, limit=MAX_HEAD)
        return await asyncio.open_connection(host, port, limit=MAX_HEAD)

    async def close(self) -> None:
        for idle in self._idle.values():
            for _, writer in idle:
                writer.close()
        self._idle.clear()


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _head(raw: bytes) -> tuple[int, dict[str, str]]:
    lines = raw.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    if not version.startswith("HTTP/1."):
        raise Unexpected(f"not HTTP/1.x: {lines[0][:40]!r}")
    status = int(rest[:3])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def _skip_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            await _skip_trailers(reader)
            return
        await reader.readexactly(size + 2)


async def _skip_trailers(reader: asyncio.StreamReader) -> None:
    while (await reader.readuntil(b"\r\n")) != b"\r\n":
        pass
