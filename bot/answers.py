"""What the engine answers with: one type per kind of answer, so every adapter renders each kind
in one place (`functools.singledispatch` renderers in `bot.text` and each adapter's `render`).

`Results` (`bot.results`) and `Digest` (`bot.digest`) are answers too; `Answer` names them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.analysis import MemberPlace
from bot.digest import Digest
from bot.domain import AuditEntry, Choice, Claim, ClaimKind, MemberVote, Poll, Post, Settings, Tally
from bot.forecasts import Calibration
from bot.polis import Conversation
from bot.results import Results


@dataclass(frozen=True)
class PostAdded:
    post: Post
    drafts: list[Claim]
    extractor: str  # which extractor proposed the drafts (`bot.ports.Extraction.by`)
    # The drafts the extractor was least sure of (claim ids), marked so a moderator reviews them
    # first. Only this answer knows it: once reviewed, a draft is a draft like any other.
    unsure: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PolisImported:
    """A past Polis conversation, now a post with its claims, votes and closed poll (only the
    command line imports, and words it)."""

    post: Post
    claims: list[Claim]
    votes: int
    members: int


@dataclass(frozen=True)
class PolisExport:
    """A post in Polis's open data format, for a moderator: the files, and what they hold."""

    post: Post
    conversation: Conversation

    @property
    def filename(self) -> str:
        """The one file chat attaches: the four CSV files zipped."""
        return f"{self.post.ref}-polis.zip"


@dataclass(frozen=True)
class PostList:
    posts: list[Post]


@dataclass(frozen=True)
class ClaimList:
    """A post's claims as the asker may see them (moderators also see drafts and proposals)."""

    results: Results

    @property
    def post(self) -> Post:
        return self.results.post

    @property
    def poll(self) -> Poll | None:
        return self.results.poll


class ClaimChange(StrEnum):
    """What a moderator's action did to one claim."""

    ADDED = "added"
    REWORDED = "reworded"
    REMOVED = "removed"
    REKINDED = "rekinded"
    DATED = "dated"  # marked as a forecast with a resolve date
    RESOLVED = "resolved"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ClaimChanged:
    claim: Claim
    change: ClaimChange


@dataclass(frozen=True)
class ClaimsRemoved:
    """Claims taken off the vote at once; `skipped` were in a range but already off it."""

    claims: list[Claim]
    skipped: list[Claim]


@dataclass(frozen=True)
class PollOpened:
    post: Post
    poll: Poll
    claims: list[Claim]
    reopened: bool

    @property
    def undated_predictions(self) -> list[Claim]:
        """Forecasts that still need a resolve date (`predict <claim> <date>`)."""
        return [c for c in self.claims if c.kind is ClaimKind.PREDICTION and not c.resolve_on]


@dataclass(frozen=True)
class ClosedPoll:
    """A poll that just closed, by a moderator or on time, with its results for everyone."""

    results: Results
    on_time: bool = False


@dataclass(frozen=True)
class VoteReceipt:
    """A counted vote; `tally` is None when the voter may not see the claim's tally yet."""

    claim: Claim
    choice: Choice
    previous: Choice | None
    tally: Tally | None


@dataclass(frozen=True)
class Proposed:
    claim: Claim
    approved: bool  # the community auto-approves member proposals


@dataclass(frozen=True)
class ProposalQueue:
    claims: list[Claim]


@dataclass(frozen=True)
class MemberSummary:
    votes: list[MemberVote]
    calibration: Calibration
    places: list[PostPlace] = field(default_factory=list)  # recent posts with opinion groups


@dataclass(frozen=True)
class PostPlace:
    """Where a member sits among a post's opinion groups: told to that member alone."""

    post: Post
    place: MemberPlace


@dataclass(frozen=True)
class VotesErased:
    count: int


@dataclass(frozen=True)
class CommunitySettings:
    settings: Settings
    saved: bool = False  # just changed, rather than only shown


@dataclass(frozen=True)
class AuditLog:
    entries: list[AuditEntry]


@dataclass(frozen=True)
class HelpFor:
    """Who is asking for help: moderators are shown the moderators' commands too."""

    moderator: bool


@dataclass(frozen=True)
class Usage:
    """The commands of the text grammar an asker may use, as (usage, summary) pairs."""

    commands: list[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """Something asked for that the debate refused, with the sentence the member reads."""

    message: str


Answer = (
    PostAdded
    | PolisExport
    | PostList
    | ClaimList
    | ClaimChanged
    | ClaimsRemoved
    | PollOpened
    | ClosedPoll
    | VoteReceipt
    | Proposed
    | ProposalQueue
    | Results
    | MemberSummary
    | VotesErased
    | Digest
    | CommunitySettings
    | AuditLog
    | Usage
    | Refusal
)
