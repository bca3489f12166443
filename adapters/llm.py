"""The language model that claim extraction may ask: any OpenAI-compatible chat-completions
endpoint (a local Ollama, llama.cpp or vLLM server, or a hosted one), over aiohttp.

Only the HTTP half lives here. What to ask and how to read the answer are
`bot.extraction.llm_prompt`'s; what to do when the model fails is `LlmExtractor`'s. Every failure
becomes a `ChatFailed` that says why in a few words. The key goes in the Authorization header and
nowhere else: no message, log line or error built here ever carries it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.ports import ChatFailed

DEFAULT_TIMEOUT = 20.0  # seconds, for the whole exchange
# A claims answer is a few kilobytes; an endpoint sending more is not answering the question.
MAX_REPLY_BYTES = 1_000_000


class ChatCompletions:
    """`POST {base_url}/chat/completions`, one exchange per question.

    Each question opens its own connection: posts are added a few times a day, so a pooled
    session would only be one more thing to close at shutdown.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._key = key
        self.timeout = timeout
        # Shown to moderators and logged: host and port, never a user:password@ prefix or a path.
        self._where = urlsplit(base_url).netloc.rpartition("@")[2]

    @property
    def model(self) -> str:
        return self._model

    @property
    def where(self) -> str:
        return self._where

    async def reply(self, messages: Sequence[Mapping[str, str]]) -> str:
        body = {
            "model": self._model,
            "messages": [dict(m) for m in messages],
            # JSON mode where the server has it; the answer is checked either way.
            "response_format": {"type": "json_object"},
            "temperature": 0,
            "stream": False,
        }
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        try:
            async with asyncio.timeout(self.timeout):
                raw = await self._post(body, headers)
        except TimeoutError:
            raise ChatFailed(f"no answer within {self.timeout:g} s") from None
        except aiohttp.ClientConnectionError:
            raise ChatFailed("cannot connect") from None
        except aiohttp.ClientError as error:
            raise ChatFailed(f"the request failed ({type(error).__name__})") from None
        return _content(raw)

    async def _post(self, body: dict[str, Any], headers: dict[str, str]) -> bytes:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, json=body, headers=headers) as response,
        ):
            if response.status != HTTPStatus.OK:
                raise ChatFailed(_status(response.status))
            raw = await response.content.read(MAX_REPLY_BYTES + 1)
        if len(raw) > MAX_REPLY_BYTES:
            raise ChatFailed(f"the answer is over {MAX_REPLY_BYTES:,} bytes")
        return raw


def _status(status: int) -> str:
    """ "HTTP 429 Too Many Requests": the status with its standard phrase, not the server's."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _content(raw: bytes) -> str:
    """The assistant's message in a chat completion."""
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, LookupError, TypeError):
        raise ChatFailed("the answer is not a chat completion") from None
    if not isinstance(content, str):
        raise ChatFailed("the answer is not a chat completion")
    return content
