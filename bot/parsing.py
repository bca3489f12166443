"""Reading the small values members type: post and claim refs, choices, kinds and durations.

Each reader returns a value or raises `BadInput` with the sentence that says what was expected.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import available_timezones

from bot.domain import Choice, ClaimKind, QuietWeeks, Resolution, Visibility
from bot.errors import BadInput
from bot.words import quoted

# ASCII digits only: `\d` would read "𝟏.𝟏" or "²" as numbers members never typed as such.
_POST_REF = re.compile(r"#?([0-9]{1,9})")
_CLAIM_REF = re.compile(r"#?([0-9]{1,9})\.([0-9]{1,9})")
_CLAIM_RANGE = re.compile(r"#?([0-9]{1,9})\.([0-9]{1,9})-(?:#?([0-9]{1,9})\.)?([0-9]{1,9})")
_DURATION_PART = re.compile(r"([0-9]{1,5})\s*(w|d|h|m)", re.IGNORECASE)
_COUNT = re.compile(r"[0-9]{1,6}")
MAX_CLAIMS_AT_ONCE = 200
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


def claim_refs(text: str) -> list[str]:
    """Claims as a moderator lists them: `2.1 2.4, 2.7` and ranges such as `2.3-2.9` (or
    `2.3-2.9` written `2.3-9`), in the order given, each once."""
    refs: list[str] = []
    for word in text.replace(",", " ").split():
        span = _CLAIM_RANGE.fullmatch(word)
        if span is None:
            refs.append("{}.{}".format(*claim_ref(word)))
            continue
        post, first, other_post, last = span.groups()
        if other_post is not None and int(other_post) != int(post):
            raise BadInput(f"“{_clip(word)}” spans two posts; give a range within one post.")
        low, high = int(first), int(last)
        if low > high or high - low >= MAX_CLAIMS_AT_ONCE:
            raise BadInput(f"“{_clip(word)}” is not a range of claims, like 2.3-2.9.")
        refs += [f"{int(post)}.{n}" for n in range(low, high + 1)]
    if len(refs) > MAX_CLAIMS_AT_ONCE:
        raise BadInput(f"Give at most {MAX_CLAIMS_AT_ONCE} claims at once.")
    return list(dict.fromkeys(refs))


def count(text: str, what: str, low: int, high: int) -> int:
    """A whole number from `low` to `high`, in ASCII digits."""
    word = text.strip()
    if not _COUNT.fullmatch(word) or not low <= int(word) <= high:
        raise BadInput(f"Give how many {what}, from {low} to {high}.")
    return int(word)


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


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def day(text: str) -> date:
    """A calendar date written as 2027-01-31."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"“{_clip(text)}” is not a date; write it like 2027-01-31.") from None


def weekday(text: str) -> int:
    """0 for Monday … 6 for Sunday, from the name or its first three letters."""
    word = text.strip().lower()
    for number, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise BadInput(f"“{_clip(text)}” is not a weekday; write monday, tue, …")


def clock_time(text: str) -> time:
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise BadInput(f"“{_clip(text)}” is not a time of day; write it like 09:00 or 18:30.")
    return time(int(match.group(1)), int(match.group(2)))


def time_zone(text: str) -> str:
    """An IANA time zone name such as Europe/Berlin, in its canonical spelling."""
    canonical = _zone_names().get(text.strip().lower())
    if canonical is None:
        raise BadInput(f"“{_clip(text)}” is not a time zone; use a name like Europe/Berlin.")
    return canonical


@cache
def _zone_names() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def resolution(text: str) -> Resolution:
    try:
        return Resolution(text.strip().lower())
    except ValueError:
        raise BadInput(f"“{_clip(text)}” is not an outcome; choose true, false or void.") from None


def quiet_weeks(text: str) -> QuietWeeks:
    try:
        return QuietWeeks(text.strip().lower())
    except ValueError:
        raise BadInput(f"“{_clip(text)}”: quiet weeks get a short digest or none (skip).") from None


def _clip(text: str, limit: int = 40) -> str:
    return quoted(text, limit)
