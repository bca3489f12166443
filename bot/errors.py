"""Refusals of the debate, each carrying the one sentence a member reads.

Adapters render `DebateError.message` as it is; they never build refusals of their own.
"""

from __future__ import annotations


class DebateError(Exception):
    """Something a member asked for that the debate refuses; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAModerator(DebateError):
    def __init__(self, what: str = "do that") -> None:
        super().__init__(f"Only moderators can {what}.")


class UnknownPost(DebateError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"There is no post {ref} here; `/debate posts` lists the posts.")


class UnknownClaim(DebateError):
    def __init__(self, ref: str) -> None:
        super().__init__(
            f"There is no claim {ref} here; claims are written post.claim, like 3.2 "
            "(see `/debate claims <post>`)."
        )


class OutOfDate(DebateError):
    """The vote's poll or claim has changed since its buttons were shown: whatever message shows
    them is out of date, and adapters redraw the poll of `post_ref`."""

    def __init__(self, message: str, post_ref: str) -> None:
        super().__init__(message)
        self.post_ref = post_ref


class PollClosed(OutOfDate):
    def __init__(self, post_ref: str) -> None:
        super().__init__(
            f"The poll on post {post_ref} is closed; votes are no longer taken.", post_ref
        )


class ForecastClosed(OutOfDate):
    """A forecast takes votes until it is resolved or its resolve date comes, whichever is first:
    its forecasters are scored on what they said before the outcome could be known."""

    def __init__(self, ref: str, why: str) -> None:
        super().__init__(f"Forecast {ref} {why}, so its votes are closed.", ref.split(".")[0])


class PollNotOpen(DebateError):
    def __init__(self, post_ref: str) -> None:
        super().__init__(
            f"Post {post_ref} has no open poll yet; "
            f"a moderator opens it with the `open {post_ref}` command."
        )


class ClaimNotVotable(OutOfDate):
    def __init__(self, ref: str, status: str) -> None:
        super().__init__(f"Claim {ref} is {status}, not up for a vote.", ref.split(".")[0])


class TooLong(DebateError):
    def __init__(self, what: str, limit: int, got: int) -> None:
        super().__init__(
            f"That {what} is {got} characters; the limit is {limit}. Please shorten it."
        )


class BadInput(DebateError):
    """Malformed input: a duration, date, choice or command the grammar cannot read."""


class LinkRefused(DebateError):
    """A link the bot will not or cannot bring in as a post."""
