"""Small pieces of English every rendering shares."""

from __future__ import annotations


def count(n: int, noun: str) -> str:
    """`1 vote`, `2 votes`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listed(items: list[str], shown: int = 12) -> str:
    """`a, b and c`, or the first few and how many more."""
    if len(items) > shown:
        return f"{', '.join(items[:shown])} and {len(items) - shown} more"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def quoted(said: str, limit: int = 40) -> str:
    """What a member typed, fit to quote in a one-line refusal: on one line, without control
    characters, clipped to `limit` characters."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in said).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
