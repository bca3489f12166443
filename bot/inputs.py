"""What members type, made fit to store: one check for every database.

PostgreSQL refuses a NUL in text and a name longer than its column; SQLite stores both, after
which every reply that shows them carries them. So nothing typed reaches the store unchecked:
free text loses its control characters (a pasted page may hold a form feed; nobody means one)
and must keep something visible; a name (a moderator's id, a role, a channel) must be a short
run of visible characters. Every refusal is one sentence, and nothing is changed.
"""

from __future__ import annotations

import unicodedata

from bot.errors import BadInput, TooLong

MAX_NAME_CHARS = 120  # ids, roles and channels: the width of their columns
_KEPT_IN_LINES = {"\n", "\t"}


def free_text(value: str, what: str, limit: int, *, lines: bool = False) -> str:
    """`value` without control characters (newlines and tabs kept where `lines`), stripped;
    refused when nothing visible is left or it is longer than `limit`."""
    kept = "".join(
        c
        for c in value
        if unicodedata.category(c) != "Cc" or (lines and c in _KEPT_IN_LINES) or c == " "
    ).strip()
    if not visible(kept):
        raise BadInput(f"That {what} has no text to read; write it in words.")
    if len(kept) > limit:
        raise TooLong(what, limit, len(kept))
    return kept


def name(value: str, what: str) -> str:
    """An id, role or channel as typed: visible characters, at most `MAX_NAME_CHARS`."""
    value = value.strip()
    if not value:
        raise BadInput(f"Say which {what}.")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value) or not visible(value):
        raise BadInput(f"That {what} has characters no {what} has; give it as it is shown.")
    if len(value) > MAX_NAME_CHARS:
        raise BadInput(
            f"That {what} is {len(value)} characters; no {what} is over {MAX_NAME_CHARS}."
        )
    return value


def visible(text: str) -> bool:
    """Whether `text` shows anything: not only spaces, zero-width or other invisible marks."""
    return any(unicodedata.category(c)[0] not in ("Z", "C") for c in text)
