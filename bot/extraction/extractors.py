"""The extractors the engine is given: the offline one, and a language model that falls back to it.

Both answer with an `Extraction` that says which extractor proposed the drafts, so a moderator
always knows whether a model read the post, and when the model they configured did not answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from bot.domain import DraftClaim
from bot.extraction import extract_claims
from bot.extraction.llm_prompt import PROMPT, InvalidReply, drafts_from, messages, prompt_sentences
from bot.ports import ChatFailed, ChatModel, Extraction, Extractor

log = logging.getLogger(__name__)

DraftsOf = Callable[[str], Sequence[DraftClaim]]


class OfflineExtractor:
    """Extraction with no network: `extract_claims`, or a test's stand-in for it. It runs in a
    worker thread, since sentence splitting holds the CPU for a while on a long post."""

    by = "offline"

    def __init__(self, drafts_of: DraftsOf = extract_claims) -> None:
        self.drafts_of = drafts_of

    async def extract(self, text: str) -> Extraction:
        return Extraction(list(await asyncio.to_thread(self.drafts_of, text)), self.by)


class LlmExtractor:
    """Extraction by a language model, which picks the post's claims among its numbered
    sentences (`llm_prompt`). When the model cannot be reached, errs, is too slow or answers
    with anything but valid claims, `fallback` proposes the drafts, and one warning says why:
    a moderator adding a post always gets drafts, whatever the model does."""

    def __init__(self, chat: ChatModel, fallback: Extractor | None = None) -> None:
        self.chat = chat
        self.fallback = fallback or OfflineExtractor()

    @property
    def by(self) -> str:
        return f"llm:{self.chat.model}"

    def __str__(self) -> str:
        return f"{self.by} at {self.chat.where} (prompt {PROMPT}), offline when it fails"

    async def extract(self, text: str) -> Extraction:
        sentences = await asyncio.to_thread(prompt_sentences, text)
        if not sentences:  # nothing to ask about: the offline extractor finds nothing either
            return await self.fallback.extract(text)
        try:
            reply = await self.chat.reply(messages(sentences))
            drafts = drafts_from(reply, text, sentences)
        except ChatFailed as failure:
            return await self._instead(text, str(failure))
        except InvalidReply as invalid:
            return await self._instead(text, f"invalid reply: {invalid}")
        return Extraction(drafts, self.by)

    async def _instead(self, text: str, why: str) -> Extraction:
        log.warning(
            "claim extraction by %s at %s (prompt %s) failed: %s; the offline extractor "
            "proposes the drafts",
            self.by,
            self.chat.where,
            PROMPT,
            why,
        )
        offline = await self.fallback.extract(text)
        return Extraction(
            offline.drafts, f"{offline.by} (the LLM at {self.chat.where} failed: {why})"
        )
