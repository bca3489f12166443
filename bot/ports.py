"""What the engine needs from the outside world, declared here and implemented elsewhere.

`storage/` implements `Store`: a unit of work holding one repository per aggregate of the debate.
Adapters provide a `Fetcher` for links, `Charts` that draw, `PlatformRoles` that say whether a
member moderates where only the platform knows, and a `ChatModel` that answers over the network
when claim extraction asks a language model; tests give a `Clock` they control and stand-in
`Extractor`s. An `Observer` (the adapters' metrics) is told what the bot did, as it does it. The
engine sees only these protocols, so it runs the same on every platform and database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.domain import (
    Actor,
    AuditEntry,
    Ballot,
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    ClaimVoters,
    DigestRecord,
    DraftClaim,
    MemberVote,
    NewPost,
    Poll,
    Post,
    Settings,
    StandingVote,
    Tally,
    VoteActivity,
    VoteChange,
)

if TYPE_CHECKING:
    from bot.digest import Digest
    from bot.results import Results

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
class Extraction:
    """The draft claims proposed for a post, and which extractor proposed them: "offline",
    "llm:<model>", or "offline (the LLM at <host> failed: <why>)". Moderators see `by`, so
    they know how far to trust the drafts and when the model they configured is not answering."""

    drafts: list[DraftClaim]
    by: str


class Extractor(Protocol):
    async def extract(self, text: str) -> Extraction:
        """Draft claims for a post's plain text, in post order, each quoting it exactly."""
        ...


class ChatFailed(Exception):
    """The language model gave no answer: a timeout, a refused connection, an HTTP error, or a
    reply that is not a chat completion. Its message says why in a few words, for the log and
    the moderator, and never carries a credential."""


class ChatModel(Protocol):
    """A language model behind a chat-completions endpoint, as claim extraction asks it."""

    @property
    def model(self) -> str:
        """The model's name, as the endpoint knows it and moderators are shown it."""
        ...

    @property
    def where(self) -> str:
        """Where the model runs, as host[:port]: safe to log and show (no path, no key)."""
        ...

    async def reply(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The model's answer to a conversation of {"role", "content"} messages, asked for as
        one JSON object; raises `ChatFailed`."""
        ...


class Charts(Protocol):
    """Pictures of results, drawn outside the core (the core only decides what they show)."""

    def digest(self, digest: Digest) -> bytes | None:
        """A PNG of where the community stood in the week; None when there is nothing to show."""
        ...

    def results(self, results: Results) -> list[tuple[str, bytes]]:
        """PNGs of a post's results as the asker may see them, with file names: its claims'
        votes, and the opinion map when there are groups to show."""
        ...


class PlatformRoles(Protocol):
    """The platform's own word on whether a member moderates, for members whose `Actor` does
    not carry it (`platform_moderator` None): asked only when a decision depends on it."""

    async def platform_moderator(self, actor: Actor) -> bool: ...


class Outcome(StrEnum):
    """How a command ended: done, refused with the sentence a member reads, or failed (ours)."""

    DONE = "ok"
    REFUSED = "refused"
    FAILED = "failed"


class Observer(Protocol):
    """Whoever watches the bot at work (Prometheus metrics, in `adapters/metrics.py`), told what
    happened as it happens. Each call returns at once and never raises: the debate goes on the
    same whether anyone watches or not."""

    def vote_counted(self, community: str, seconds: float) -> None:
        """A vote was committed, `seconds` after it was handed to the ballot box."""
        ...

    def command_handled(self, community: str, command: str, outcome: Outcome) -> None:
        """A command (`claim add`, `vote`, ...) asked in `community` ran to its end."""
        ...


class Unwatched:
    """The observer when nobody watches: a bot built without metrics."""

    def vote_counted(self, community: str, seconds: float) -> None:
        pass

    def command_handled(self, community: str, command: str, outcome: Outcome) -> None:
        pass


@dataclass(frozen=True)
class NewClaim:
    text: str
    kind: ClaimKind
    origin: ClaimOrigin
    status: ClaimStatus
    author: str
    quote: str | None = None
    polis_id: int | None = None  # the comment of a Polis conversation it comes from
    at: datetime | None = None  # when it was written, if not when it is added


# -- the repositories: one per aggregate ------------------------------------------------------


class SettingsRepository(Protocol):
    async def get(self, community: str) -> Settings: ...
    async def save(self, settings: Settings) -> None: ...
    async def scheduled(self) -> list[Settings]:
        """Every community with a weekly digest scheduled."""
        ...


class PostRepository(Protocol):
    async def add(self, community: str, post: NewPost, author: str, at: datetime) -> Post: ...
    async def get(self, community: str, number: int) -> Post | None: ...
    async def of_community(self, community: str) -> list[Post]: ...
    async def created_between(
        self, community: str, start: datetime, end: datetime
    ) -> list[Post]: ...


class ClaimRepository(Protocol):
    async def add(self, post: Post, claims: Sequence[NewClaim], at: datetime) -> list[Claim]: ...
    async def get(self, community: str, post_number: int, number: int) -> Claim | None: ...
    async def of_post(self, post_id: int) -> list[Claim]: ...
    async def by_ids(self, ids: Iterable[int]) -> list[Claim]: ...
    async def save(self, claim: Claim) -> None: ...
    async def predictions(self, community: str) -> list[Claim]: ...


class ProposalRepository(Protocol):
    async def waiting(self, community: str) -> list[Claim]:
        """Members' proposals waiting for a moderator, in post and claim order."""
        ...


class PollRepository(Protocol):
    async def get(self, post_id: int) -> Poll | None: ...
    async def of_community(self, community: str) -> dict[int, Poll]:
        """Every poll of the community, by post id."""
        ...

    async def save(self, poll: Poll) -> None: ...
    async def close(self, post_id: int, at: datetime) -> bool:
        """Close the post's poll at `at` if it is still open; whether this closed it (another
        process may have got there first)."""
        ...

    async def due(self, now: datetime) -> list[tuple[Post, Poll]]:
        """Open polls whose closing time has come, in every community."""
        ...

    async def opened_between(
        self, community: str, start: datetime, end: datetime
    ) -> list[Post]: ...


class BallotRepository(Protocol):
    """The vote fast path: what a batch of votes needs, read and written in a few statements."""

    async def ballots(self, refs: Iterable[ClaimKey]) -> dict[ClaimKey, Ballot]:
        """Claims with their polls, by (community, post number, claim number)."""
        ...

    async def current(self, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Choice]:
        """The standing votes of (claim id, voter) pairs that have one."""
        ...

    async def held(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[Choice, datetime]]:
        """The standing votes (choice, cast at) of (claim id, voter) pairs that have one, each
        pair held until the transaction ends: another process changing the same member's vote
        on the same claim waits, so each reads the vote the other left."""
        ...

    async def record(self, changes: Sequence[VoteChange]) -> None: ...


class VoteRepository(Protocol):
    async def tallies(self, claim_ids: Iterable[int]) -> dict[int, Tally]: ...
    async def voters(self, post_id: int) -> int: ...
    async def of_member(self, community: str, voter: str) -> list[MemberVote]: ...
    async def forget(self, community: str, voter: str) -> int: ...
    async def of_post(self, post_id: int) -> list[ClaimVoters]:
        """Every standing vote on the post's claims, as who took each side of each claim."""
        ...

    async def standing(self, post_id: int) -> list[StandingVote]:
        """Every standing vote on the post's claims, with when it was cast."""
        ...

    async def version(self, post_id: int) -> int:
        """A number that changes whenever the post's votes do."""
        ...

    async def activity(self, community: str, start: datetime, end: datetime) -> VoteActivity: ...
    async def tallies_at(self, claim_ids: Iterable[int], moment: datetime) -> dict[int, Tally]:
        """Tallies as they stood just before `moment`, rebuilt from the vote events."""
        ...

    async def tallies_when(self, moments: Mapping[int, datetime]) -> dict[int, Tally]:
        """Each claim's tally as it stood just before its own moment (claim id -> moment)."""
        ...


class DigestRepository(Protocol):
    async def add(self, record: DigestRecord) -> bool:
        """Record a community's week unless it already is; True when this call recorded it."""
        ...

    async def take(
        self, community: str, week_end: datetime, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        """Claim a pending digest whose time has come, for one sender: the others get None."""
        ...

    async def due(self, now: datetime) -> list[DigestRecord]: ...
    async def save(self, record: DigestRecord) -> None: ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def recent(self, community: str, limit: int) -> list[AuditEntry]: ...


class DeliveryRepository(Protocol):
    async def first(self, key: str, at: datetime) -> bool:
        """Record `key`; whether it was new (False: it is recorded already)."""
        ...

    async def forget(self, key: str) -> None: ...
    async def forget_before(self, moment: datetime) -> int: ...


class Transaction(Protocol):
    """One unit of work: everything done through its repositories commits together or not at
    all."""

    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def posts(self) -> PostRepository: ...
    @property
    def claims(self) -> ClaimRepository: ...
    @property
    def proposals(self) -> ProposalRepository: ...
    @property
    def polls(self) -> PollRepository: ...
    @property
    def ballots(self) -> BallotRepository: ...
    @property
    def votes(self) -> VoteRepository: ...
    @property
    def digests(self) -> DigestRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def deliveries(self) -> DeliveryRepository: ...


class StoreUnreachable(Exception):
    """The database cannot answer. The message says why in a few words that name no host, user
    or password: health checks show it to whoever asks."""


class Store(Protocol):
    def transaction(self, *, reading: bool = False) -> AbstractAsyncContextManager[Transaction]:
        """A unit of work that commits when the block ends and rolls back if it raises.
        `reading` promises it writes nothing, so it need not wait for writers or hold them up."""
        ...

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Hold the lock called `name` for the block, against every process on the database:
        what two processes must not do at once (edit one poll message) is done under it."""
        ...

    def transient(self, error: BaseException) -> bool:
        """Whether `error` is the database connection failing (cut, restarted, a deadlock), so
        that the same unit of work may succeed if tried again, rather than a fault of the work."""
        ...

    async def ping(self) -> None:
        """Ask the database the most trivial question, for a health check; raises
        `StoreUnreachable` when it cannot answer, or when the store is closed."""
        ...

    async def close(self) -> None: ...
