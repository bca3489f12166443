"""What a language model is asked for a post's claims, and how its answer is read: the prompt's
numbered sentences, and the checks that keep every draft an exact quote of the post. No network:
these are the pure functions of `bot.extraction.llm_prompt`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain import ClaimKind
from bot.extraction.llm_prompt import (
    PROMPT,
    InvalidReply,
    drafts_from,
    messages,
    prompt,
    prompt_sentences,
)

POST = """Why sanctions on Russia will fail

By Helen Marsh, Diplomatic Correspondent

The EU adopted its fourteenth sanctions package in June. Sanctions have failed to change the \
Kremlin's course. Europe should spend the money on air defence instead.

Is Brussels right to keep trying? Partly.

Moscow will find new buyers for its oil within a year. Share this article on Facebook."""

SENTENCES = prompt_sentences(POST)


def answer(*claims: dict[str, Any]) -> str:
    return json.dumps({"claims": list(claims)})


def claim(numbers: Any, kind: Any = "claim", text: Any = "A claim.") -> dict[str, Any]:
    return {"sentences": numbers, "kind": kind, "text": text}


def test_the_model_is_asked_about_the_numbered_sentences_of_the_authors_prose() -> None:
    system, user = messages(SENTENCES)
    assert (system["role"], user["role"]) == ("system", "user")
    assert "prediction" in system["content"] and '"claims"' in system["content"]
    numbered = [line for line in user["content"].splitlines() if line.startswith("[")]
    assert numbered[0] == "[1] The EU adopted its fourteenth sanctions package in June."
    assert "[5] Partly." in numbered  # a short answer, kept for its question
    assert "[6] Moscow will find new buyers for its oil within a year." in numbered
    assert "Helen Marsh" not in user["content"]  # the byline is furniture
    assert "Facebook" not in user["content"]


def test_the_prompt_file_is_versioned_and_its_header_is_not_sent() -> None:
    shipped = prompt()
    assert shipped.name == PROMPT == "claims-v1"
    assert "{sentences}" in shipped.user
    assert "claims-v2.md" not in shipped.system  # the file's own notes stay out of the prompt


def test_a_valid_answer_becomes_drafts_quoting_the_post_exactly() -> None:
    reply = answer(
        claim([6], "prediction", "Russia will find new buyers for its oil within a year."),
        claim([2], "claim", "  Sanctions on Russia have\nfailed. "),
        claim([4, 5], "claim", "Brussels is partly right to keep sanctioning Russia."),
    )
    drafts = drafts_from(reply, POST, SENTENCES)
    assert [d.quote for d in drafts] == [
        "Sanctions have failed to change the Kremlin's course.",
        "Is Brussels right to keep trying? Partly.",
        "Moscow will find new buyers for its oil within a year.",
    ]  # in post order, whatever the model's order
    assert all(POST[d.start : d.end] == d.quote for d in drafts)
    assert [d.kind for d in drafts] == [ClaimKind.CLAIM, ClaimKind.CLAIM, ClaimKind.PREDICTION]
    assert drafts[0].text == "Sanctions on Russia have failed."  # whitespace tidied


def test_json_wrapped_in_a_code_fence_or_a_bare_list_is_still_read() -> None:
    fenced = "Here are the claims:\n```json\n" + answer(claim([3])) + "\n```"
    [draft] = drafts_from(fenced, POST, SENTENCES)
    assert draft.quote == "Europe should spend the money on air defence instead."
    [bare] = drafts_from(json.dumps([claim([1])]), POST, SENTENCES)
    assert bare.start == POST.index("The EU adopted")


@pytest.mark.parametrize(
    "reply",
    [
        answer(claim([2]), claim([7])),  # one unknown id spoils the answer
        answer(claim([0])),
        answer(claim([-1])),
        answer(claim(["2"])),
        answer(claim([True])),
        answer(claim(2)),
        answer(claim([])),
        answer(claim([2, 4])),  # not adjacent
        answer(claim([3, 2])),
        answer(claim([1, 2, 3, 4])),  # more than three
        answer(claim([2], "opinion")),
        answer(claim([2], None)),
        answer(claim([2], "claim", "")),
        answer(claim([2], "claim", 42)),
        answer(claim([2], "claim", "x" * 281)),
        answer({"sentences": [2], "kind": "claim"}),
        answer(),  # nothing proposed
        answer("Sanctions have failed."),
        json.dumps({"drafts": [claim([2])]}),
        json.dumps({"claims": "none"}),
        "I could not find any claims in this post.",
        "{not json at all",
        "",
    ],
)
def test_an_answer_with_anything_wrong_is_refused_whole(reply: str) -> None:
    with pytest.raises(InvalidReply):
        drafts_from(reply, POST, SENTENCES)


def test_a_paraphrase_of_280_characters_is_still_a_claim() -> None:
    [draft] = drafts_from(answer(claim([2], "claim", "y" * 280)), POST, SENTENCES)
    assert len(draft.text) == 280
