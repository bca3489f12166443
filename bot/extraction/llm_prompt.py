"""Asking a language model for a post's claims: what it is sent, and what its answer must be.

Pure functions, no network. `messages` numbers the post's sentences into the one versioned prompt
(`prompts/claims-v1.md`); `drafts_from` reads the model's answer into draft claims. The model only
points at sentences by number, says their kind and words the claim: the quote and its offsets are
always taken from the post, so a model may misjudge a claim but can never misquote the post.

An answer that is not exactly what was asked for (an unknown sentence number, a wrong type, a
missing field, no claims at all, or no JSON) is refused whole with `InvalidReply`, and the offline
extractor proposes the drafts instead. Dropping only the bad items would keep answers from a model
that misread the task, whose other items are no more trustworthy; a refusal is also simpler to
explain to a moderator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.domain import MAX_CLAIM_CHARS, ClaimKind, DraftClaim
from bot.extraction import candidate_sentences, short_answers
from bot.extraction.sentences import Sentence

# The prompt in use, by the name of its file in `prompts/`; logged with every extractor it serves.
PROMPT = "claims-v1"
# A claim comes from one sentence, or a few adjacent ones that only make sense together (a
# rhetorical question and its short answer).
MAX_SENTENCES_PER_CLAIM = 3
# The model proposes; it gives no confidence worth keeping, so its drafts all score alike.
MODEL_SCORE = 1.0


class InvalidReply(ValueError):
    """The model's answer is not the JSON asked for; the message says what is wrong with it."""


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str  # with `{sentences}` where the numbered sentences go


@cache
def prompt(name: str = PROMPT) -> Prompt:
    """The prompt file `prompts/<name>.md`: its system and user parts (the header is not sent)."""
    source = resources.files("bot.extraction").joinpath(f"prompts/{name}.md").read_text("utf-8")
    _, _, rest = source.partition("=== system ===\n")
    system, _, user = rest.partition("=== user ===\n")
    if not system.strip() or "{sentences}" not in user:
        raise ValueError(f"prompts/{name}.md lacks its system part or its user part")
    return Prompt(name, system.strip(), user.strip())


def prompt_sentences(text: str) -> list[Sentence]:
    """The sentences the model chooses from, in post order: the offline extractor's candidates
    (the author's prose, furniture dropped, four words or more) and the short answers right after
    a question ("Partly."), which a claim needs together with its question."""
    answers = [answer for _, answer in short_answers(text)]
    return sorted({*candidate_sentences(text), *answers}, key=lambda sentence: sentence.start)


def messages(sentences: list[Sentence]) -> list[dict[str, str]]:
    """The conversation that asks for the claims among `sentences`, numbered from 1."""
    numbered = "\n".join(f"[{n}] {s.text}" for n, s in enumerate(sentences, start=1))
    asked = prompt()
    return [
        {"role": "system", "content": asked.system},
        {"role": "user", "content": asked.user.replace("{sentences}", numbered)},
    ]


def drafts_from(reply: str, text: str, sentences: list[Sentence]) -> list[DraftClaim]:
    """The drafts the model's `reply` proposes for the post `text`, in post order; raises
    `InvalidReply` unless every claim in it is valid."""
    items = _claims_in(_json_in(reply))
    if not items:
        raise InvalidReply("it proposes no claims")
    drafts = [_draft(n, item, text, sentences) for n, item in enumerate(items, start=1)]
    return sorted(drafts, key=lambda draft: draft.start)


def _json_in(reply: str) -> Any:
    """The first JSON object or list in `reply`: a model not held to JSON mode may wrap it in a
    code fence or a sentence."""
    starts = [at for at in (reply.find("{"), reply.find("[")) if at >= 0]
    if not starts:
        raise InvalidReply("it is not JSON")
    try:
        found, _ = json.JSONDecoder().raw_decode(reply, min(starts))
    except json.JSONDecodeError:
        raise InvalidReply("it is not JSON") from None
    return found


def _claims_in(answer: Any) -> list[Any]:
    """The list of claims: `{"claims": [...]}` as asked, or the bare list some models send."""
    claims = answer.get("claims") if isinstance(answer, dict) else answer
    if not isinstance(claims, list):
        raise InvalidReply('it is not {"claims": [...]}')
    return claims


def _draft(n: int, item: Any, text: str, sentences: list[Sentence]) -> DraftClaim:
    if not isinstance(item, dict):
        raise InvalidReply(f"claim {n} is not an object")
    numbers = _sentence_numbers(n, item.get("sentences"), len(sentences))
    kind = item.get("kind")
    if kind not in {k.value for k in ClaimKind}:
        raise InvalidReply(f'claim {n} has kind {kind!r}, not "claim" or "prediction"')
    said = item.get("text")
    if not isinstance(said, str) or not said.strip():
        raise InvalidReply(f"claim {n} has no text")
    said = " ".join(said.split())
    if len(said) > MAX_CLAIM_CHARS:
        raise InvalidReply(f"claim {n} is {len(said)} characters, over {MAX_CLAIM_CHARS}")
    first, last = sentences[numbers[0] - 1], sentences[numbers[-1] - 1]
    return DraftClaim(
        text=said,
        quote=text[first.start : last.end],
        kind=ClaimKind(kind),
        score=MODEL_SCORE,
        start=first.start,
        end=last.end,
    )


def _sentence_numbers(n: int, numbers: Any, count: int) -> list[int]:
    """A claim's sentence numbers: one, or up to three adjacent ones, each in the list sent."""
    if not isinstance(numbers, list) or not numbers:
        raise InvalidReply(f"claim {n} names no sentences")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in numbers):
        raise InvalidReply(f"claim {n} names sentences by something other than their numbers")
    unknown = [x for x in numbers if not 1 <= x <= count]
    if unknown:
        raise InvalidReply(f"claim {n} names sentence {unknown[0]}, and there are {count}")
    if len(numbers) > MAX_SENTENCES_PER_CLAIM or numbers != list(
        range(numbers[0], numbers[0] + len(numbers))
    ):
        raise InvalidReply(
            f"claim {n} names sentences {numbers}, not one or up to "
            f"{MAX_SENTENCES_PER_CLAIM} adjacent ones"
        )
    return numbers
