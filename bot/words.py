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
