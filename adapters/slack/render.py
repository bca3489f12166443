"""Engine answers -> Slack messages: Block Kit within Slack's limits, every text escaped.

`messages` has one rendering per kind of answer (`bot.answers`) that has a richer form than the
shared plain text, which every other answer is shown as.

Every string that leaves here went through `escape`, so no member's words (nor ours) can become a
mention, a link or a broadcast: `<!channel>` is shown as text, never sent as markup. mrkdwn text
objects are `verbatim` so Slack does not auto-link names or mentions either, and messages go out
with `parse: none` and `link_names: false`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any
from urllib.parse import quote

from bot import analysis_text, polis, text, words
from bot.answers import ClosedPoll, PolisExport, VoteReceipt
from bot.domain import Claim, Post
from bot.results import ClaimResult, Results

MAX_BLOCKS = 50  # a message
MAX_MODAL_BLOCKS = 100  # a modal or the Home tab
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_BUTTON_CHARS = 75
MAX_FALLBACK_CHARS = 3000  # the notification text; Slack truncates far later, readers sooner
MAX_INPUT_CHARS = 3000  # a plain_text_input's value

Block = dict[str, Any]

# Sent with every message so that Slack parses nothing on its own.
NO_PARSING: dict[str, Any] = {"parse": "none", "link_names": False}


def escape(raw: str) -> str:
    """The three characters Slack treats as markup, as the entities it shows as text."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(raw: str, limit: int) -> str:
    """`raw` escaped and cut to `limit` characters without splitting an entity."""
    out = escape(raw)
    if len(out) <= limit:
        return out
    cut = out[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def mrkdwn(escaped: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": escaped, "verbatim": True}


def plain(raw: str, limit: int = MAX_SECTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": fit(raw, limit), "emoji": True}


def section(escaped: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(escaped[:MAX_SECTION_CHARS])}
    if block_id:
        block["block_id"] = block_id
    return block


def context(escaped: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(escaped[:MAX_SECTION_CHARS])]}


def link(url: str, label_raw: str) -> str:
    """A link to a web page, or just the label when the address is not http(s)."""
    label = fit(label_raw, 500)
    if not url.lower().startswith(("http://", "https://")):
        return label
    safe_url = escape(quote(url, safe=":/?#[]@!$&'()*+,;=%~-._"))
    return f"<{safe_url}|{label}>"


@dataclass(frozen=True)
class Message:
    """One Slack message: the blocks and the notification text shown where blocks are not."""

    text: str  # escaped
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        if not self.blocks:
            return {"text": self.text, **NO_PARSING}
        return {"text": self.text, "blocks": self.blocks, **NO_PARSING}


def paginate(head: Sequence[Block], body: Sequence[Block], fallback: str) -> list[Message]:
    """`body` split across messages of at most 50 blocks, each starting with `head`."""
    room = MAX_BLOCKS - len(head)
    chunks = [list(body[i : i + room]) for i in range(0, len(body), room)] or [[]]
    return [Message(fallback, [*head, *chunk]) for chunk in chunks]


# -- plain replies ----------------------------------------------------------------------------


def text_sections(raw: str) -> list[Block]:
    """Plain text as sections of at most 3000 characters, split between lines where possible."""
    sections: list[Block] = []
    current = ""
    for line in escape(raw).split("\n"):
        while len(line) > MAX_SECTION_CHARS:  # one over-long line: cut it, not mid-entity
            head = fit_escaped(line, MAX_SECTION_CHARS)
            sections.append(section(head))
            line = line[len(head) :]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > MAX_SECTION_CHARS:
            sections.append(section(current))
            candidate = line
        current = candidate
    if current.strip() or not sections:
        sections.append(section(current or " "))
    return sections


def fit_escaped(escaped: str, limit: int) -> str:
    """The longest prefix of already escaped text within `limit` that ends between entities."""
    cut = escaped[:limit]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut


_COLUMN_GAP = re.compile(r"(?<=\S) {3,}")


def plain_reply(raw: str) -> list[Message]:
    """The shared plain text; columns padded for a terminal read as `usage — summary` instead."""
    raw = _COLUMN_GAP.sub(" — ", raw)
    return paginate([], text_sections(raw), fit(raw, MAX_FALLBACK_CHARS))


@singledispatch
def messages(answer: object) -> list[Message]:
    """How an answer looks in Slack: its plain text, unless a richer form is registered."""
    return plain_reply(text.render(answer))


@messages.register
def _(receipt: VoteReceipt) -> list[Message]:
    return [Message(fit(text.render(receipt), MAX_FALLBACK_CHARS))]  # a sentence: no blocks


@messages.register
def _(results: Results) -> list[Message]:
    return results_messages(results)


@messages.register
def _(closed: ClosedPoll) -> list[Message]:
    return results_messages(closed.results, text.closed_heading(closed))


@messages.register
def _(export: PolisExport) -> list[Message]:
    return plain_reply(
        f"Post {export.post.ref} in Polis's format: {export.filename}, with "
        f"{text.listed(list(polis.FILES))}, comes in your direct messages with debate-bot."
    )


@singledispatch
def attachments(answer: object) -> list[tuple[str, bytes]]:
    """Files (name, bytes) that come with an answer, for the asker alone."""
    return []


@attachments.register
def _(export: PolisExport) -> list[tuple[str, bytes]]:
    return [(export.filename, polis.zipped(export.conversation))]


@attachments.register
def _(results: Results) -> list[tuple[str, bytes]]:
    return [(f"post-{results.post.ref}-{name}", png) for name, png in results.charts]


# -- results ----------------------------------------------------------------------------------


def post_heading(heading: str, post: Post) -> str:
    title = link(post.url, post.title) if post.url else escape(post.title)
    return f"*{escape(heading)} post {post.ref}: {title}*"


def claim_heading(claim: Claim) -> str:
    """`*3.2*  [prediction] text`, from the shared plain rendering of the claim line."""
    line = text.claim_line(claim)
    rest = line[len(claim.ref) :].strip()
    return f"*{claim.ref}*  {fit(rest, 1500)}"


def claim_detail(row: ClaimResult) -> str:
    """The shared plain rendering of a claim's tallies."""
    return escape(text.claim_detail(row))


def results_messages(results: Results, heading: str = "Results for") -> list[Message]:
    voters = words.count(results.voters, "voter")
    state = text.poll_state(results.poll, results.closed)
    head = [
        section(post_heading(heading, results.post)),
        context(escape(f"{state} · {voters}")),
    ]
    body = [
        section(
            f"{claim_heading(row.claim)}\n{claim_detail(row)}", block_id=f"result:{row.claim.ref}"
        )
        for row in results.claims
    ]
    if not body:
        body = [section("No claims to show.")]
    if results.analysis is not None:
        body += text_sections("\n".join(analysis_text.analysis_lines(results.analysis)))
    fallback = fit(f"{heading} post {results.post.ref}: {results.post.title}", MAX_FALLBACK_CHARS)
    return paginate(head, body, fallback)


# -- posts ------------------------------------------------------------------------------------


POST_FORM = "debate_post"


def post_form(*, initial_text: str = "", metadata: dict[str, str] | None = None) -> dict[str, Any]:
    """The modal in which a moderator gives a post's title and text (or link)."""
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "text",
        "multiline": True,
        "max_length": MAX_INPUT_CHARS,
        "placeholder": plain("Paste the post's text, or a link to it"),
    }
    if initial_text:
        text_input["initial_value"] = initial_text[:MAX_INPUT_CHARS]  # an input, not a text object
    return {
        "type": "modal",
        "callback_id": POST_FORM,
        "private_metadata": json.dumps(metadata or {})[:3000],
        "title": plain("Debate a post", 24),
        "submit": plain("Add post", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {
                "type": "input",
                "block_id": "title",
                "optional": True,
                "label": plain("Title"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "title",
                    "max_length": 200,
                    "placeholder": plain("Taken from the text when left empty"),
                },
            },
            {
                "type": "input",
                "block_id": "text",
                "label": plain("Text or link"),
                "hint": plain(
                    "Up to 3,000 characters. For a longer post give its link, or use "
                    "Debate this message on a message that holds it."
                ),
                "element": text_input,
            },
        ],
    }


# -- the outgoing safety net ------------------------------------------------------------------


def strings(value: Any) -> Iterable[str]:
    """Every string inside a payload, for checks on what is about to be sent."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)
