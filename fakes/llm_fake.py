"""A local fake of an OpenAI-compatible chat-completions endpoint, on 127.0.0.1 port 0.

It answers `POST /v1/chat/completions` as Ollama, llama.cpp or vLLM would, with the content a test
sets, and records every request (body and headers). It can also answer late, with an HTTP error,
or with a body that is no chat completion at all, as real servers sometimes do. Nothing here knows
the bot; it only speaks the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Asked:
    """One request the fake received."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def sentences(self) -> dict[int, str]:
        """The numbered sentences of the user message, as the model would read them."""
        user = next(m["content"] for m in self.body["messages"] if m["role"] == "user")
        return {int(n): said for n, said in re.findall(r"^\[(\d+)\] (.*)$", user, re.MULTILINE)}


@dataclass
class FakeLlm:
    """The endpoint. `answer` is the assistant's message: a string, or made from the request."""

    answer: str | Callable[[Asked], str] = '{"claims": []}'
    status: int = 200  # anything else is answered with an error body and this status
    delay: float = 0.0  # seconds before answering
    raw: bytes | None = None  # sent as the whole body instead of a chat completion
    asked: list[Asked] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base_url(self) -> str:
        """What EXTRACT_LLM_URL would be set to."""
        return f"http://127.0.0.1:{self._port}/v1"

    async def __aenter__(self) -> FakeLlm:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()  # a late answer still waiting is sent now, so closing is quick
        if self._runner is not None:
            await self._runner.cleanup()

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        asked = Asked(await request.json(), dict(request.headers))
        self.asked.append(asked)
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.delay)
        if self.status != 200:
            error = {"error": {"message": "the fake refuses", "type": "server_error"}}
            return web.json_response(error, status=self.status)
        if self.raw is not None:
            return web.Response(body=self.raw, content_type="text/html")
        content = self.answer(asked) if callable(self.answer) else self.answer
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.asked)}",
                "object": "chat.completion",
                "model": asked.body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )
