"""Group commit for votes: the votes that arrive while one commit is under way go into the next.

A vote is acknowledged only after the transaction holding it has committed, yet a burst of voters
does not queue behind one commit each: however many votes arrive during a commit, they share the
next one. Each vote is checked against the claim and poll as they stand inside that transaction,
so a poll closed a moment ago refuses the vote even from another process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import Ballot, Choice, Settings, Tally, VoteChange
from bot.errors import DebateError, UnknownClaim
from bot.ports import ClaimKey, Clock, Observer, Store, Unwatched
from bot.rules import why_not_votable

log = logging.getLogger(__name__)


class NotSaved(DebateError):
    """The database could not take the vote, even on a second try."""

    def __init__(self) -> None:
        super().__init__("Your vote could not be saved just now; please vote again in a moment.")


@dataclass(frozen=True)
class VoteRequest:
    key: ClaimKey  # community, post number, claim number
    voter: str
    choice: Choice

    @property
    def community(self) -> str:
        return self.key[0]

    @property
    def ref(self) -> str:
        return f"{self.key[1]}.{self.key[2]}"


@dataclass(frozen=True)
class CountedVote:
    """A committed vote, with what the voter's reply needs to know."""

    change: VoteChange
    ballot: Ballot
    tally: Tally
    settings: Settings


# At most this many votes share a commit. Larger batches commit no faster per vote once the
# driver's own work dominates, and the Python work of one batch holds up everything else on the
# event loop, acknowledgements included: measured by bench/slack_load.py, a cap of 2,000 let
# the 99th percentile of acknowledgements reach 240-400 ms, 500 kept it at 110-170 ms, at the
# same rate of durable votes (bench/votes.py).
MAX_BATCH = 500


class BallotBox:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        max_batch: int = MAX_BATCH,
        observer: Observer | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._max_batch = max_batch
        self._observer = observer or Unwatched()
        self._waiting: list[tuple[VoteRequest, asyncio.Future[CountedVote]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def cast(self, request: VoteRequest) -> CountedVote:
        """Count one vote; returns once it is durable, raises the `DebateError` that refused it."""
        handed_in = time.perf_counter()
        future: asyncio.Future[CountedVote] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_waiting())
        counted = await future
        self._observer.vote_counted(request.community, time.perf_counter() - handed_in)
        return counted

    async def drain(self) -> None:
        """Wait until every vote handed in so far is committed or refused."""
        while self._committer is not None and not self._committer.done():
            await asyncio.shield(self._committer)

    async def _commit_waiting(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            outcomes: Sequence[CountedVote | BaseException]
            try:
                outcomes = await self._commit_once_more_if_cut([request for request, _ in batch])
            except Exception:  # the store failed: no vote of the batch was counted
                log.exception("votes: a batch of %d could not be saved", len(batch))
                outcomes = [NotSaved()] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # the caller gave up waiting
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def _commit_once_more_if_cut(
        self, requests: Sequence[VoteRequest]
    ) -> list[CountedVote | DebateError]:
        """Commit the batch; should the database connection fail, once more on a fresh one.
        That is safe: a batch that failed wrote nothing, and one whose commit went through
        unacknowledged changes nothing the second time (each vote is already as asked)."""
        try:
            return await self._commit(requests)
        except Exception as error:
            if not self._store.transient(error):
                raise
            log.warning("votes: the database connection failed (%s); trying again", _short(error))
            return await self._commit(requests)

    async def _commit(self, requests: Sequence[VoteRequest]) -> list[CountedVote | DebateError]:
        now = self._clock.now()
        async with self._store.transaction() as tx:
            ballots = await tx.ballots.ballots(r.key for r in requests)
            current = await tx.ballots.held(
                (ballots[r.key].claim.id, r.voter) for r in requests if r.key in ballots
            )
            settings = {c: await tx.settings.get(c) for c in {r.community for r in requests}}
            votable = {  # one verdict per claim, however many votes it got in the batch
                r.key: why_not_votable(ballots.get(r.key), now) is None
                for r in {r.key: r for r in requests}.values()
            }
            decided: list[VoteChange | DebateError] = []
            for r in requests:
                ballot = ballots.get(r.key)
                if ballot is None or not votable[r.key]:  # each refused vote gets its own error
                    decided.append(why_not_votable(ballot, now, r.ref) or UnknownClaim(r.ref))
                    continue
                key = (ballot.claim.id, r.voter)
                stored = current.get(key)
                if stored is not None and stored[1] > now:  # a later click, saved elsewhere
                    choice, at = stored
                    decided.append(VoteChange(ballot.claim.id, r.voter, choice, choice, at))
                    continue
                previous = stored[0] if stored is not None else None
                decided.append(VoteChange(ballot.claim.id, r.voter, r.choice, previous, now))
                current[key] = (r.choice, now)
            changes = [d for d in decided if isinstance(d, VoteChange)]
            await tx.ballots.record([c for c in changes if c.choice != c.previous])
            tallies = await tx.votes.tallies(c.claim_id for c in changes)
        return [
            d
            if isinstance(d, DebateError)
            else CountedVote(d, ballots[r.key], tallies[d.claim_id], settings[r.community])
            for d, r in zip(decided, requests, strict=True)
        ]


def _short(error: BaseException) -> str:
    """An error in one short line, for a log that must not fill with tracebacks."""
    said = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {said}"[:200]
