"""The debate's own vocabulary: communities, posts, claims, polls, votes and the audit log.

Plain values with no behaviour beyond what follows from their own fields; the rules that tie them
together live in `bot.engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

MAX_CLAIM_CHARS = 280
MAX_TITLE_CHARS = 200
MAX_POST_CHARS = 100_000
MAX_REASON_CHARS = 500


class ClaimKind(StrEnum):
    CLAIM = "claim"
    PREDICTION = "prediction"


class ClaimOrigin(StrEnum):
    EXTRACTED = "extracted"
    MODERATOR = "moderator"
    MEMBER = "member"


class ClaimStatus(StrEnum):
    DRAFT = "draft"  # extracted, awaiting a moderator's review
    PROPOSED = "proposed"  # suggested by a member, awaiting a moderator
    ACTIVE = "active"
    REJECTED = "rejected"
    RETIRED = "retired"


class Choice(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    PASS = "pass"


class Visibility(StrEnum):
    """When members may see a poll's tallies."""

    AFTER_VOTE = "after-vote"  # a claim's tallies once you voted on it
    LIVE = "live"
    AFTER_CLOSE = "after-close"


class Resolution(StrEnum):
    TRUE = "true"
    FALSE = "false"
    VOID = "void"


@dataclass(frozen=True)
class Actor:
    """Who is asking, as the platform reports them.

    `platform_moderator` is the platform's own word (Manage Server on Discord, a workspace admin on
    Slack, `@name!` in the console); whether that makes a moderator is the engine's decision.
    None means the platform has not been asked yet (on Slack, asking costs a `users.info` call):
    the member counts as no moderator, and where the word would change an answer (a vote
    receipt's tally) the engine says so instead of guessing. `channel` is where they are speaking,
    in the platform's terms (None in the console): a poll opened there is announced there.
    """

    community: str
    user_id: str
    name: str = ""
    platform_moderator: bool | None = False
    roles: frozenset[str] = frozenset()
    channel: str | None = None

    @property
    def display(self) -> str:
        return self.name or self.user_id


class QuietWeeks(StrEnum):
    """What the digest does for a week with no activity."""

    SHORT = "short"  # a short digest saying so
    SKIP = "skip"  # no digest at all


@dataclass(frozen=True)
class DigestSchedule:
    """When the weekly digest goes out: a weekday and a wall-clock time in a time zone."""

    weekday: int  # 0 = Monday
    at: time
    tz: str  # an IANA name, e.g. Europe/Berlin
    since: datetime  # when it was set: weeks due before then are not sent


@dataclass(frozen=True)
class Settings:
    community: str
    visibility: Visibility = Visibility.AFTER_VOTE
    auto_approve: bool = False
    moderator_role: str | None = None
    moderators: frozenset[str] = frozenset()
    digest_channel: str | None = None
    digest_schedule: DigestSchedule | None = None  # None: no weekly digest
    quiet_weeks: QuietWeeks = QuietWeeks.SHORT


@dataclass(frozen=True)
class Post:
    id: int
    community: str
    number: int
    title: str
    text: str
    url: str | None
    author: str
    created_at: datetime

    @property
    def ref(self) -> str:
        return str(self.number)


@dataclass(frozen=True)
class Claim:
    id: int
    post_id: int
    post_number: int
    number: int
    text: str
    kind: ClaimKind
    origin: ClaimOrigin
    status: ClaimStatus
    author: str
    created_at: datetime
    quote: str | None = None
    resolve_on: date | None = None
    resolution: Resolution | None = None
    reason: str | None = None
    resolved_at: datetime | None = None
    polis_id: int | None = None  # the comment it was in a Polis conversation, if imported

    @property
    def ref(self) -> str:
        return f"{self.post_number}.{self.number}"


@dataclass(frozen=True)
class Poll:
    """A post's vote. `channel` is where it was opened (the platform's channel id), kept so that
    the results of a poll closing on time are announced there, after a restart too."""

    post_id: int
    opened_at: datetime
    opened_by: str
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    channel: str | None = None

    def is_open(self, now: datetime) -> bool:
        if self.closed_at is not None:
            return False
        return self.closes_at is None or now < self.closes_at


@dataclass(frozen=True)
class Ballot:
    """What a vote needs to know about its claim at the moment it is committed."""

    claim: Claim
    poll: Poll | None


@dataclass(frozen=True)
class VoteChange:
    """One vote event: a member's choice on a claim, and what it replaced."""

    claim_id: int
    voter: str
    choice: Choice
    previous: Choice | None
    at: datetime


@dataclass(frozen=True)
class StandingVote:
    """A member's vote on a claim as it stands, and when they cast it."""

    claim_id: int
    voter: str
    choice: Choice
    at: datetime


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed

    def count(self, choice: Choice) -> int:
        return {Choice.AGREE: self.agree, Choice.DISAGREE: self.disagree}.get(choice, self.passed)


@dataclass(frozen=True)
class AuditEntry:
    community: str
    actor: str
    action: str
    detail: str
    at: datetime
    id: int | None = None


@dataclass(frozen=True)
class NewPost:
    """A post as it arrives, before it has a number."""

    title: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class DraftClaim:
    """A claim proposed by extraction, tied to the exact span of the post it came from."""

    text: str
    quote: str
    kind: ClaimKind
    score: float
    start: int
    end: int
    unsure: bool = False  # among the extractor's least sure drafts: worth a moderator's look


@dataclass(frozen=True)
class MemberVote:
    claim: Claim
    choice: Choice
    at: datetime


@dataclass(frozen=True)
class ClaimVoters:
    """The members standing on one side of one claim. A post's votes travel to its analysis in
    these, a few hundred per post however many members voted, rather than one value a vote."""

    claim_id: int
    choice: Choice
    voters: Sequence[str]


@dataclass(frozen=True)
class VoteActivity:
    """What members did in a span of time, from the vote events."""

    votes: int = 0  # first votes of a member on a claim (changes are counted apart)
    voters: int = 0  # distinct members who voted
    changed_votes: int = 0  # votes that replaced an earlier, different vote
    members_changed: int = 0  # distinct members who changed a vote
    claim_ids: frozenset[int] = frozenset()


class DigestStatus(StrEnum):
    PENDING = "pending"  # to be sent at `next_attempt_at`
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated delivery failures
    SKIPPED = "skipped"  # a quiet week in a community that skips those


@dataclass(frozen=True)
class DigestRecord:
    """The one record per community and week that makes a digest go out once."""

    community: str
    week_end: datetime
    status: DigestStatus
    attempts: int
    next_attempt_at: datetime
    late: bool = False
    sent_at: datetime | None = None
    error: str | None = None
    delivered: frozenset[str] = frozenset()  # parts already delivered, not to be sent again
