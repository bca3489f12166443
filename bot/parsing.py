"""Reading the small values members type: post and claim refs, choices, kinds and durations.

Each reader returns a value or raises `BadInput` with the sentence that says what was expected.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain import Choice, ClaimKind, Visibility
from bot.errors import BadInput

_POST_REF = re.compile(r"#?(\d{1,9})")
_CLAIM_REF = re.compile(r"#?(\d{1,9})\.(\d{1,9})")
_DURATION_PART = re.compile(r"(\d{1,5})\s*(w|d|h|m)", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
MAX_POLL_DURATION = timedelta(days=365)

_CHOICES = {
    "agree": Choice.AGREE,
    "yes": Choice.AGREE,
    "+1": Choice.AGREE,
    "disagree": Choice.DISAGREE,
    "no": Choice.DISAGREE,
    "-1": Choice.DISAGREE,
    "pass": Choice.PASS,
    "skip": Choice.PASS,
    "0": Choice.PASS,
}


def post_number(text: str) -> int:
    match = _POST_REF.fullmatch(text.strip())
    if not match:
        raise BadInput(f"“{_clip(text)}” is not a post number; posts are numbered 1, 2, 3…")
    return int(match.group(1))


def claim_ref(text: str) -> tuple[int, int]:
    match = _CLAIM_REF.fullmatch(text.strip())
    if not match:
        raise BadInput(f"“{_clip(text)}” is not a claim; claims are written post.claim, like 3.2.")
    return int(match.group(1)), int(match.group(2))


def choice(text: str) -> Choice:
    try:
        return _CHOICES[text.strip().lower()]
    except KeyError:
        raise BadInput(f"“{_clip(text)}” is not a vote; choose agree, disagree or pass.") from None


def kind(text: str) -> ClaimKind:
    try:
        return ClaimKind(text.strip().lower())
    except ValueError:
        raise BadInput(f"“{_clip(text)}” is not a kind; choose claim or prediction.") from None


def visibility(text: str) -> Visibility:
    try:
        return Visibility(text.strip().lower())
    except ValueError:
        options = ", ".join(v.value for v in Visibility)
        raise BadInput(f"“{_clip(text)}” is not a visibility; choose {options}.") from None


def switch(text: str) -> bool:
    word = text.strip().lower()
    if word in {"on", "yes", "true"}:
        return True
    if word in {"off", "no", "false"}:
        return False
    raise BadInput(f"“{_clip(text)}” is neither on nor off.")


def duration(text: str) -> timedelta:
    """`90m`, `2h`, `3d`, `1w`, or combinations such as `1d12h`."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION_PART.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise BadInput(f"“{_clip(text)}” is not a duration; write it like 90m, 12h, 3d or 1w.")
    total = sum((timedelta(**{_UNITS[u.lower()]: int(n)}) for n, u in parts), timedelta())
    if total <= timedelta(0):
        raise BadInput("A poll must stay open for some time; write it like 90m, 12h, 3d or 1w.")
    if total > MAX_POLL_DURATION:
        raise BadInput("A poll can stay open for a year at most.")
    return total


def _clip(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
