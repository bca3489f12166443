"""What the engine needs from the outside world, declared here and implemented elsewhere.

`storage/` implements `Store`; adapters provide a `Fetcher` for links; tests give a `Clock` they
control. The engine sees only these protocols, so it runs the same on every platform and database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from bot.domain import (
    AuditEntry,
    Ballot,
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    DigestRecord,
    MemberVote,
    NewPost,
    Poll,
    Post,
    Settings,
    Tally,
    VoteActivity,
    VoteChange,
)

ClaimKey = tuple[str, int, int]  # community, post number, claim number: a ref, unambiguously


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FetchedPage:
    url: str
    title: str
    text: str


class Fetcher(Protocol):
    async def fetch(self, url: str) -> FetchedPage:
        """The article behind a link; raises `LinkRefused` with the reason a moderator reads."""
        ...


@dataclass(frozen=True)
class NewClaim:
    text: str
    kind: ClaimKind
    origin: ClaimOrigin
    status: ClaimStatus
    author: str
    quote: str | None = None


class Transaction(Protocol):
    """One unit of work: everything done through it commits together or not at all."""

    async def settings(self, community: str) -> Settings: ...
    async def save_settings(self, settings: Settings) -> None: ...

    async def add_post(self, community: str, post: NewPost, author: str, at: datetime) -> Post: ...
    async def post(self, community: str, number: int) -> Post | None: ...
    async def posts(self, community: str) -> list[Post]: ...

    async def add_claims(
        self, post: Post, claims: Sequence[NewClaim], at: datetime
    ) -> list[Claim]: ...
    async def claim(self, community: str, post_number: int, number: int) -> Claim | None: ...
    async def claims(self, post_id: int) -> list[Claim]: ...
    async def claims_with_status(self, community: str, status: ClaimStatus) -> list[Claim]: ...
    async def save_claim(self, claim: Claim) -> None: ...

    async def poll(self, post_id: int) -> Poll | None: ...
    async def polls(self, community: str) -> dict[int, Poll]:
        """Every poll of the community, by post id."""
        ...

    async def save_poll(self, poll: Poll) -> None: ...
    async def polls_due(self, now: datetime) -> list[tuple[str, Post, Poll]]: ...

    async def ballots(self, refs: Iterable[ClaimKey]) -> dict[ClaimKey, Ballot]:
        """Claims with their polls, by (community, post number, claim number)."""
        ...

    async def current_votes(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], Choice]: ...
    async def record_votes(self, changes: Sequence[VoteChange]) -> None: ...
    async def tallies(self, claim_ids: Iterable[int]) -> dict[int, Tally]: ...
    async def voters(self, post_id: int) -> int: ...
    async def votes_of(self, community: str, voter: str) -> list[MemberVote]: ...
    async def forget_voter(self, community: str, voter: str) -> int: ...

    async def predictions(self, community: str) -> list[Claim]: ...
    async def claims_by_id(self, ids: Iterable[int]) -> list[Claim]: ...
    async def posts_created(self, community: str, start: datetime, end: datetime) -> list[Post]: ...
    async def polls_opened(self, community: str, start: datetime, end: datetime) -> list[Post]: ...
    async def vote_activity(
        self, community: str, start: datetime, end: datetime
    ) -> VoteActivity: ...
    async def tallies_at(self, claim_ids: Iterable[int], moment: datetime) -> dict[int, Tally]:
        """Tallies as they stood just before `moment`, rebuilt from the vote events."""
        ...

    async def scheduled_communities(self) -> list[Settings]: ...
    async def add_digest(self, record: DigestRecord) -> bool:
        """Record a community's week unless it already is; True when this call recorded it."""
        ...

    async def take_digest(
        self, community: str, week_end: datetime, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        """Claim a pending digest whose time has come, for one sender: the others get None."""
        ...

    async def digests_due(self, now: datetime) -> list[DigestRecord]: ...
    async def save_digest(self, record: DigestRecord) -> None: ...

    async def add_audit(self, entry: AuditEntry) -> None: ...
    async def audit(self, community: str, limit: int) -> list[AuditEntry]: ...


class Store(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A unit of work that commits when the block ends and rolls back if it raises."""
        ...

    async def close(self) -> None: ...
