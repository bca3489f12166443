"""The engine: every use case of the debate, one method each, the same on every platform.

Each method takes the `Actor` asking, checks what the debate allows, does its work in one unit of
work of the store, and returns a domain value (or raises a `DebateError` and changes nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot import inputs, parsing, polis_posts, words
from bot.analysis import Analysis
from bot.analysis.cache import Analyst
from bot.answers import (
    AuditLog,
    ClaimChange,
    ClaimChanged,
    ClaimList,
    ClaimsRemoved,
    ClosedPoll,
    CommunitySettings,
    HelpFor,
    MemberSummary,
    PolisExport,
    PolisImported,
    PollOpened,
    PostAdded,
    PostList,
    PostPlace,
    ProposalQueue,
    Proposed,
    VoteReceipt,
    VotesErased,
)
from bot.ballot_box import BallotBox, VoteRequest
from bot.deliveries import Deliveries
from bot.digest import Digest, build_digest, by_group
from bot.domain import (
    MAX_CLAIM_CHARS,
    MAX_POST_CHARS,
    MAX_REASON_CHARS,
    MAX_TITLE_CHARS,
    Actor,
    AuditEntry,
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    DigestSchedule,
    MemberVote,
    NewPost,
    Poll,
    Post,
    QuietWeeks,
    Resolution,
    Settings,
    Visibility,
)
from bot.errors import (
    BadInput,
    DebateError,
    NotAModerator,
    UnknownClaim,
    UnknownPost,
)
from bot.extraction import has_a_sentence
from bot.forecasts import member_calibration
from bot.polis import Conversation, moment
from bot.ports import (
    Charts,
    Clock,
    Extractor,
    Fetcher,
    NewClaim,
    Observer,
    PlatformRoles,
    Store,
    Transaction,
    Unwatched,
)
from bot.results import ClaimResult, Results
from bot.rules import can_see_tallies, is_moderator, takes_votes
from bot.schedule import week_before

log = logging.getLogger(__name__)

NearDuplicate = Callable[[str, Sequence[tuple[Claim, str]]], Claim | None]


class Engine:
    """Every use case of the debate. Its collaborators are all required: a bootstrap
    (`adapters.bootstrap`) wires them, so nothing is silently skipped."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        fetcher: Fetcher,
        extractor: Extractor,
        near_duplicate: NearDuplicate,
        charts: Charts,
        roles: PlatformRoles,
        observer: Observer | None = None,  # metrics, when someone watches
    ) -> None:
        self.store = store
        self.clock = clock
        self.fetcher = fetcher
        self.extractor = extractor
        self.near_duplicate = near_duplicate
        self.charts = charts
        self.roles = roles
        self.observer = observer or Unwatched()
        self.ballot_box = BallotBox(store, clock, observer=self.observer)
        self.analyst = Analyst(store)
        self.deliveries = Deliveries(store, clock)

    # -- posts ---------------------------------------------------------------------------------

    async def add_post(self, actor: Actor, source: str, title: str | None = None) -> PostAdded:
        """Bring in a post from a link or its text; extracted claims start as drafts."""
        await self.may_add_posts(actor)  # before fetching anything for them
        if not source.strip():
            raise BadInput("Give the post's link or paste its text after `post`.")
        source = inputs.free_text(source, "post", MAX_POST_CHARS, lines=True)
        title = _title(title) if title else None
        if _looks_like_url(source):
            page = await self.fetcher.fetch(source)
            text = inputs.free_text(page.text, "post", MAX_POST_CHARS, lines=True)
            title = title or _title(page.title) or _title_of(text)
            new = NewPost(title=title, text=text, url=page.url)
        else:
            new = NewPost(title=title or _title_of(source), text=source)
        new = replace(new, title=_clip(new.title, MAX_TITLE_CHARS))
        extracted = await self.extractor.extract(new.text)
        if not extracted.drafts and not has_a_sentence(new.text):
            raise BadInput(
                "That post has no sentence to argue about; paste the post's own text, "
                "or give a link to it."
            )
        now = self.clock.now()
        async with self._as_moderator(actor, "add posts") as tx:
            post = await tx.posts.add(actor.community, new, actor.user_id, now)
            claims = await tx.claims.add(
                post,
                [
                    NewClaim(
                        text=d.text[:MAX_CLAIM_CHARS],
                        kind=d.kind,
                        origin=ClaimOrigin.EXTRACTED,
                        status=ClaimStatus.DRAFT,
                        author=actor.user_id,
                        quote=d.quote,
                    )
                    for d in extracted.drafts
                ],
                now,
            )
            await self._audit(tx, actor, "post.add", f"added post {post.ref}: {post.title}")
        unsure = frozenset(
            claim.id for claim, draft in zip(claims, extracted.drafts, strict=True) if draft.unsure
        )
        return PostAdded(post, claims, extracted.by, unsure)

    async def may_add_posts(self, actor: Actor) -> None:
        """Refuse anyone but a moderator, before they paste a whole post into a form."""
        async with self._as_moderator(actor, "add posts"):
            pass

    async def posts(self, actor: Actor) -> PostList:
        async with self.store.transaction() as tx:
            return PostList(await tx.posts.of_community(actor.community))

    async def open_polls(self, actor: Actor) -> list[Results]:
        """Every poll now taking votes in the community, as the asker may see it."""
        actor = await self._known(actor)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            settings = await tx.settings.get(actor.community)
            polls = await tx.polls.of_community(actor.community)
            open_ids = {i for i, poll in polls.items() if poll.is_open(now)}
            return [
                await self._results(tx, actor, settings, post)
                for post in await tx.posts.of_community(actor.community)
                if post.id in open_ids
            ]

    # -- claims --------------------------------------------------------------------------------

    async def claims(self, actor: Actor, post_ref: str) -> ClaimList:
        """A post's claims as the asker may see them: moderators also see drafts and proposals."""
        actor = await self._known(actor)
        async with self.store.transaction() as tx:
            settings = await tx.settings.get(actor.community)
            post = await self._post(tx, actor, post_ref)
            shown = {ClaimStatus.ACTIVE}
            if is_moderator(actor, settings):
                shown |= {ClaimStatus.DRAFT, ClaimStatus.PROPOSED}
            return ClaimList(await self._results(tx, actor, settings, post, statuses=shown))

    async def add_claim(
        self, actor: Actor, post_ref: str, text: str, kind: ClaimKind = ClaimKind.CLAIM
    ) -> ClaimChanged:
        """A moderator's own claim goes straight up for the vote."""
        text = _claim_text(text)
        async with self._as_moderator(actor, "add claims") as tx:
            post = await self._post(tx, actor, post_ref)
            new = NewClaim(text, kind, ClaimOrigin.MODERATOR, ClaimStatus.ACTIVE, actor.user_id)
            [claim] = await tx.claims.add(post, [new], self.clock.now())
            await self._audit(tx, actor, "claim.add", f"added claim {claim.ref}: {claim.text}")
        return ClaimChanged(claim, ClaimChange.ADDED)

    async def edit_claim(self, actor: Actor, ref: str, text: str) -> ClaimChanged:
        """Reword a claim, as long as nobody has voted on the old words."""
        text = _claim_text(text)
        async with self._as_moderator(actor, "edit claims") as tx:
            claim = await self._claim(tx, actor, ref)
            if (await tx.votes.tallies([claim.id]))[claim.id].total:
                raise DebateError(
                    f"Claim {claim.ref} already has votes, so its words cannot change; "
                    f"remove it and add the new wording as a new claim."
                )
            edited = replace(claim, text=text)
            await tx.claims.save(edited)
            await self._audit(tx, actor, "claim.edit", f"reworded {claim.ref}: {text}")
        return ClaimChanged(edited, ClaimChange.REWORDED)

    async def remove_claims(self, actor: Actor, refs: Sequence[str]) -> ClaimsRemoved:
        """Retire claims: they leave the vote, their refs are never reused, their votes are
        kept. An unknown claim refuses the lot; claims already off the vote are skipped, unless
        nothing else is left to remove."""
        async with self._as_moderator(actor, "remove claims") as tx:
            claims = [await self._claim(tx, actor, ref) for ref in refs]
            off = [c for c in claims if c.status in (ClaimStatus.RETIRED, ClaimStatus.REJECTED)]
            if len(off) == len(claims):
                listed = words.listed([c.ref for c in off])
                were = _plural(len(off), "Claim {} is", "Claims {} are").format(listed)
                raise DebateError(f"{were} already off the vote.")
            removed = [replace(c, status=ClaimStatus.RETIRED) for c in claims if c not in off]
            for claim in removed:
                await tx.claims.save(claim)
                await self._audit(tx, actor, "claim.remove", f"removed {claim.ref}")
        return ClaimsRemoved(removed, skipped=off)

    async def set_kind(self, actor: Actor, ref: str, kind: ClaimKind) -> ClaimChanged:
        async with self._as_moderator(actor, "change a claim's kind") as tx:
            claim = replace(await self._claim(tx, actor, ref), kind=kind)
            await tx.claims.save(claim)
            await self._audit(tx, actor, "claim.kind", f"marked {claim.ref} as a {kind.value}")
        return ClaimChanged(claim, ClaimChange.REKINDED)

    # -- polls ---------------------------------------------------------------------------------

    async def open_poll(
        self, actor: Actor, post_ref: str, duration: timedelta | None = None
    ) -> PollOpened:
        """Activate the post's remaining drafts and open (or reopen) its poll."""
        now = self.clock.now()
        async with self._as_moderator(actor, "open polls") as tx:
            post = await self._post(tx, actor, post_ref)
            existing = await tx.polls.get(post.id)
            if existing is not None and existing.is_open(now):
                raise DebateError(f"The poll on post {post.ref} is already open.")
            claims = await tx.claims.of_post(post.id)
            for draft in (c for c in claims if c.status is ClaimStatus.DRAFT):
                await tx.claims.save(replace(draft, status=ClaimStatus.ACTIVE))
            active = [
                replace(c, status=ClaimStatus.ACTIVE)
                for c in claims
                if c.status in (ClaimStatus.DRAFT, ClaimStatus.ACTIVE)
            ]
            if not active:
                raise DebateError(
                    f"Post {post.ref} has no claims to vote on yet; "
                    f"add one with the `claim add {post.ref} <text>` command."
                )
            closes_at = now + duration if duration else None
            poll = Poll(post.id, now, actor.user_id, closes_at, channel=actor.channel)
            await tx.polls.save(poll)
            how_long = f" for {_duration_words(duration)}" if duration else ""
            verb = "reopened" if existing else "opened"
            await self._audit(tx, actor, "poll.open", f"{verb} the poll on {post.ref}{how_long}")
        return PollOpened(post, poll, active, reopened=existing is not None)

    async def close_poll(self, actor: Actor, post_ref: str) -> ClosedPoll:
        """Close a post's poll now; its results are for everyone in the channel."""
        now = self.clock.now()
        async with self._as_moderator(actor, "close polls") as tx:
            post = await self._post(tx, actor, post_ref)
            poll = await tx.polls.get(post.id)
            if poll is None:
                raise DebateError(f"Post {post.ref} has no poll to close.")
            if not poll.is_open(now) or not await tx.polls.close(post.id, now):
                raise DebateError(f"The poll on post {post.ref} is already closed.")
            await self._audit(tx, actor, "poll.close", f"closed the poll on {post.ref}")
            results = await self._public_results(tx, post)
        return ClosedPoll(await self._analysed(results))

    async def close_due_polls(self, serves: Callable[[str], bool]) -> list[ClosedPoll]:
        """Close every poll whose time is up, once, in the communities `serves` accepts (those
        this process can announce in); the results are for announcing."""
        now = self.clock.now()
        closed = []
        async with self.store.transaction() as tx:
            for post, poll in await tx.polls.due(now):
                if not serves(post.community):
                    continue
                if not await tx.polls.close(post.id, poll.closes_at or now):
                    continue  # another process closed it, and announces it
                system = Actor(post.community, "debate-bot", platform_moderator=True)
                await self._audit(
                    tx, system, "poll.close", f"the poll on {post.ref} closed on time"
                )
                closed.append(ClosedPoll(await self._public_results(tx, post), on_time=True))
        return [replace(c, results=await self._analysed(c.results)) for c in closed]

    # -- votes ---------------------------------------------------------------------------------

    async def cast_vote(self, actor: Actor, ref: str, choice: Choice) -> VoteReceipt:
        """Count or change a member's vote; returns once it is committed."""
        post_number, number = parsing.claim_ref(ref)
        counted = await self.ballot_box.cast(
            VoteRequest((actor.community, post_number, number), actor.user_id, choice)
        )
        ballot, settings = counted.ballot, counted.settings
        visible = can_see_tallies(
            settings, moderator=False, voted=True, poll=ballot.poll, now=counted.change.at
        )
        if not visible:  # moderators always see: ask only when it makes a difference
            visible = is_moderator(await self._known(actor), settings)
        return VoteReceipt(
            ballot.claim,
            choice,
            counted.change.previous,
            counted.tally if visible else None,
        )

    async def me(self, actor: Actor, *, groups: bool = True) -> MemberSummary:
        """The member's own votes, how well their forecasts have done and (unless `groups` is
        false, as for a list of votes alone) their place in recent posts' opinion groups."""
        async with self.store.transaction() as tx:
            votes = await tx.votes.of_member(actor.community, actor.user_id)
        places = await self._places(actor, votes) if groups else []
        return MemberSummary(votes, member_calibration(votes), places)

    async def _places(self, actor: Actor, votes: list[MemberVote]) -> list[PostPlace]:
        """The member's place among the opinion groups of the posts they voted on last, with
        nothing said of claims whose tallies they may not see yet."""
        latest: dict[int, datetime] = {}
        for vote in votes:
            number = vote.claim.post_number
            latest[number] = max(vote.at, latest.get(number, vote.at))
        recent = sorted(latest, key=lambda number: latest[number], reverse=True)
        places = []
        for number in recent[:PLACES_SHOWN]:
            results = await self.results(actor, str(number))
            visible = {row.claim.id for row in results.claims if row.visible}
            analysis = await self.analysis(results.post.id)
            place = analysis.place_of(actor.user_id, visible) if visible else None
            if place is not None:
                places.append(PostPlace(results.post, place))
        return places

    async def forget_me(self, actor: Actor) -> VotesErased:
        """Erase the member's votes and their history in this community."""
        await self.ballot_box.drain()
        async with self.store.transaction() as tx:
            return VotesErased(await tx.votes.forget(actor.community, actor.user_id))

    # -- proposals -----------------------------------------------------------------------------

    async def propose(self, actor: Actor, post_ref: str, text: str) -> Proposed:
        """A member suggests a claim; it waits for a moderator unless auto-approved."""
        text = _claim_text(text)
        actor = await self._known(actor)
        async with self.store.transaction() as tx:
            settings = await tx.settings.get(actor.community)
            post = await self._post(tx, actor, post_ref)
            existing = [c for c in await tx.claims.of_post(post.id) if c.status in _LIVE_STATUSES]
            twin = self.near_duplicate(text, [(c, c.text) for c in existing])
            if twin is not None:
                raise DebateError(
                    f"That looks like claim {twin.ref} (“{_clip(twin.text, 80)}”); "
                    f"vote on it with `/debate vote {twin.ref} agree|disagree|pass`."
                )
            approved = settings.auto_approve or is_moderator(actor, settings)
            status = ClaimStatus.ACTIVE if approved else ClaimStatus.PROPOSED
            new = NewClaim(text, ClaimKind.CLAIM, ClaimOrigin.MEMBER, status, actor.user_id)
            [claim] = await tx.claims.add(post, [new], self.clock.now())
        return Proposed(claim, approved)

    async def queue(self, actor: Actor) -> ProposalQueue:
        async with self._as_moderator(actor, "see the proposal queue") as tx:
            return ProposalQueue(await tx.proposals.waiting(actor.community))

    async def approve(self, actor: Actor, ref: str) -> ClaimChanged:
        async with self._as_moderator(actor, "approve proposals") as tx:
            claim = await self._proposal(tx, actor, ref)
            approved = replace(claim, status=ClaimStatus.ACTIVE)
            await tx.claims.save(approved)
            await self._audit(tx, actor, "proposal.approve", f"approved {claim.ref}")
        return ClaimChanged(approved, ClaimChange.APPROVED)

    async def reject(self, actor: Actor, ref: str, reason: str = "") -> ClaimChanged:
        reason = inputs.free_text(reason, "reason", MAX_REASON_CHARS) if reason.strip() else ""
        async with self._as_moderator(actor, "reject proposals") as tx:
            claim = await self._proposal(tx, actor, ref)
            rejected = replace(claim, status=ClaimStatus.REJECTED, reason=reason or None)
            await tx.claims.save(rejected)
            because = f": {reason}" if reason else ""
            await self._audit(tx, actor, "proposal.reject", f"rejected {claim.ref}{because}")
        return ClaimChanged(rejected, ClaimChange.REJECTED)

    async def _proposal(self, tx: Transaction, actor: Actor, ref: str) -> Claim:
        claim = await self._claim(tx, actor, ref)
        if claim.status is not ClaimStatus.PROPOSED:
            raise DebateError(f"Claim {claim.ref} is not a proposal waiting for review.")
        return claim

    # -- results -------------------------------------------------------------------------------

    async def results(self, actor: Actor, post_ref: str, *, analysed: bool = False) -> Results:
        """A post's results as the asker may see them; `analysed` adds who agrees with whom
        (opinion groups, consensus, bridging), of the claims whose tallies they may see."""
        actor = await self._known(actor)
        async with self.store.transaction(reading=True) as tx:
            settings = await tx.settings.get(actor.community)
            post = await self._post(tx, actor, post_ref)
            results = await self._results(tx, actor, settings, post)
        return await self._analysed(results) if analysed else results

    async def _analysed(self, results: Results) -> Results:
        """`results` with who agrees with whom, about the claims whose tallies they show, and
        the charts. Should the analysis fail, the results go out without it: a closed poll's
        results are announced whatever happens."""
        try:
            analysis = await self.analysis(results.post.id)
            visible = {row.claim.id for row in results.claims if row.visible}
            results = replace(results, analysis=analysis.shown_to(visible))
            charts = await asyncio.to_thread(self.charts.results, results)
        except Exception:
            log.exception("analysing post %s failed", results.post.ref)
            return results
        return replace(results, charts=tuple(charts))

    async def analysis(self, post_id: int) -> Analysis:
        """The post's opinion analysis, from the cache while it is fresh enough."""
        return await self.analyst.of_post(post_id)

    def exclusively(self, name: str) -> AbstractAsyncContextManager[None]:
        """A lock held against every bot process on the database, for the adapters' work that
        two processes must not do at once (editing one poll message)."""
        return self.store.exclusive(name)

    async def public_results(self, community: str, post_ref: str) -> Results:
        """Results as anyone in the channel may see them: what a poll message shows."""
        async with self.store.transaction() as tx:
            post = await self._post(tx, Actor(community, user_id=""), post_ref)
            return await self._public_results(tx, post)

    async def _public_results(self, tx: Transaction, post: Post) -> Results:
        anyone = Actor(post.community, user_id="")
        return await self._results(tx, anyone, await tx.settings.get(post.community), post)

    async def _results(
        self,
        tx: Transaction,
        actor: Actor,
        settings: Settings,
        post: Post,
        statuses: frozenset[ClaimStatus] | set[ClaimStatus] = frozenset({ClaimStatus.ACTIVE}),
    ) -> Results:
        now = self.clock.now()
        poll = await tx.polls.get(post.id)
        claims = [c for c in await tx.claims.of_post(post.id) if c.status in statuses]
        tallies = await tx.votes.tallies(c.id for c in claims)
        mine = await tx.ballots.current((c.id, actor.user_id) for c in claims)
        voters = await tx.votes.voters(post.id)

        moderator = is_moderator(actor, settings)
        rows = [
            ClaimResult(
                claim=c,
                tally=tallies[c.id],
                visible=can_see_tallies(
                    settings,
                    moderator=moderator,
                    voted=(c.id, actor.user_id) in mine,
                    poll=poll,
                    now=now,
                ),
                voters_on_post=voters,
                takes_votes=takes_votes(c, poll, now),
            )
            for c in claims
        ]
        closed = poll is not None and not poll.is_open(now)
        return Results(post, poll, rows, voters, closed)

    # -- Polis open data -----------------------------------------------------------------------

    async def import_polis(self, actor: Actor, conversation: Conversation) -> PolisImported:
        """A past Polis conversation as one new post, in one unit of work: its comments as
        claims (those moderated out as removed claims), every participant's latest votes as a
        pseudonymous member's, and its poll closed."""
        url = conversation.url if conversation.url and _looks_like_url(conversation.url) else None
        new = NewPost(_clip(conversation.topic, MAX_TITLE_CHARS), conversation.description, url)
        first, last = conversation.span
        now = self.clock.now()
        async with self._as_moderator(actor, "import conversations") as tx:
            post = await tx.posts.add(actor.community, new, actor.user_id, now)
            claims = await tx.claims.add(post, polis_posts.new_claims(conversation), now)
            votes = polis_posts.vote_changes(conversation, claims)
            await tx.ballots.record(votes)
            closed = Poll(post.id, moment(first), actor.user_id, closed_at=moment(last))
            await tx.polls.save(closed)
            await self._audit(
                tx, actor, "post.import", f"imported post {post.ref} from Polis: {post.title}"
            )
        return PolisImported(post, claims, len(votes), len({v.voter for v in votes}))

    async def export_polis(self, actor: Actor, post_ref: str) -> PolisExport:
        """Any post in Polis's format, with the opinion groups our analysis shows; members
        appear as participant numbers only."""
        async with self._as_moderator(actor, "export posts") as tx:
            post = await self._post(tx, actor, post_ref)
            claims = await tx.claims.of_post(post.id)
            votes = await tx.votes.standing(post.id)
        analysis = await self.analysis(post.id)
        return PolisExport(post, polis_posts.conversation_of(post, claims, votes, analysis))

    # -- forecasts -----------------------------------------------------------------------------

    async def predict(self, actor: Actor, ref: str, on: date) -> ClaimChanged:
        """Mark a claim as a forecast that resolves on a date."""
        today = self.clock.now().date()
        if on <= today:
            raise BadInput("A forecast resolves in the future; give a date after today.")
        async with self._as_moderator(actor, "mark forecasts") as tx:
            claim = await self._claim(tx, actor, ref)
            if claim.resolution is not None:
                raise DebateError(f"Claim {claim.ref} is already resolved.")
            marked = replace(claim, kind=ClaimKind.PREDICTION, resolve_on=on)
            await tx.claims.save(marked)
            await self._audit(tx, actor, "forecast.date", f"{claim.ref} resolves on {on}")
        return ClaimChanged(marked, ClaimChange.DATED)

    async def resolve(self, actor: Actor, ref: str, resolution: Resolution) -> ClaimChanged:
        """Settle a forecast: true, false, or void (it can no longer be decided)."""
        async with self._as_moderator(actor, "resolve forecasts") as tx:
            claim = await self._claim(tx, actor, ref)
            if claim.kind is not ClaimKind.PREDICTION:
                raise DebateError(
                    f"Claim {claim.ref} is not a forecast; mark it first with "
                    f"the `predict {claim.ref} <date>` command."
                )
            if claim.resolution is not None:
                raise DebateError(
                    f"Claim {claim.ref} was already resolved as {claim.resolution.value}."
                )
            settled = replace(claim, resolution=resolution, resolved_at=self.clock.now())
            await tx.claims.save(settled)
            await self._audit(tx, actor, "forecast.resolve", f"{claim.ref} resolved {resolution}")
        return ClaimChanged(settled, ClaimChange.RESOLVED)

    # -- the weekly digest -----------------------------------------------------------------------

    async def digest(self, actor: Actor, end: datetime | None = None) -> Digest:
        """The digest for the week that ends now (or at `end`), with its chart."""
        end = end or self.clock.now()
        async with self._as_moderator(actor, "build the digest") as tx:
            settings = await tx.settings.get(actor.community)
            tz = settings.digest_schedule.tz if settings.digest_schedule else "UTC"
            built = await build_digest(tx, settings, week_before(end, tz), end)
        built = await by_group(built, self.analysis)
        return replace(built, chart_png=await asyncio.to_thread(self.charts.digest, built))

    async def set_digest_channel(self, actor: Actor, channel: str) -> CommunitySettings:
        if not channel.strip():
            raise BadInput("Say which channel the digest goes to.")
        channel = inputs.name(channel, "channel")
        return await self._change_settings(
            actor, f"digest channel set to {channel}", lambda s: replace(s, digest_channel=channel)
        )

    async def set_digest_schedule(
        self, actor: Actor, weekday: int, at: time, tz: str
    ) -> CommunitySettings:
        schedule = DigestSchedule(weekday, at, tz, since=self.clock.now())
        return await self._change_settings(
            actor,
            f"digest scheduled for {_WEEKDAY_NAMES[weekday]} {at:%H:%M} {tz}",
            lambda s: replace(s, digest_schedule=schedule),
        )

    async def digest_off(self, actor: Actor) -> CommunitySettings:
        return await self._change_settings(
            actor, "weekly digest turned off", lambda s: replace(s, digest_schedule=None)
        )

    async def set_quiet_weeks(self, actor: Actor, quiet: QuietWeeks) -> CommunitySettings:
        return await self._change_settings(
            actor, f"quiet weeks: {quiet.value}", lambda s: replace(s, quiet_weeks=quiet)
        )

    # -- settings and audit --------------------------------------------------------------------

    async def settings(self, actor: Actor) -> CommunitySettings:
        async with self._as_moderator(actor, "see the settings") as tx:
            return CommunitySettings(await tx.settings.get(actor.community))

    async def set_visibility(self, actor: Actor, visibility: Visibility) -> CommunitySettings:
        return await self._change_settings(
            actor,
            f"results visibility set to {visibility.value}",
            lambda s: replace(s, visibility=visibility),
        )

    async def set_auto_approve(self, actor: Actor, on: bool) -> CommunitySettings:
        return await self._change_settings(
            actor,
            f"auto-approve turned {'on' if on else 'off'}",
            lambda s: replace(s, auto_approve=on),
        )

    async def set_moderator_role(self, actor: Actor, role: str | None) -> CommunitySettings:
        role = inputs.name(role, "role") if role is not None else None
        what = f"moderator role set to {role}" if role else "moderator role cleared"
        return await self._change_settings(actor, what, lambda s: replace(s, moderator_role=role))

    async def add_moderator(self, actor: Actor, user_id: str) -> CommunitySettings:
        user_id = inputs.name(user_id, "member")
        return await self._change_settings(
            actor,
            f"{user_id} made a moderator",
            lambda s: replace(s, moderators=s.moderators | {user_id}),
        )

    async def remove_moderator(self, actor: Actor, user_id: str) -> CommunitySettings:
        user_id = inputs.name(user_id, "member")

        def without(settings: Settings) -> Settings:
            if user_id not in settings.moderators:
                raise DebateError(f"The list of moderators here does not include {user_id}.")
            return replace(settings, moderators=settings.moderators - {user_id})

        return await self._change_settings(actor, f"{user_id} is no longer a moderator", without)

    async def _change_settings(
        self, actor: Actor, what: str, change: Callable[[Settings], Settings]
    ) -> CommunitySettings:
        async with self._as_moderator(actor, "change the settings") as tx:
            settings = change(await tx.settings.get(actor.community))
            await tx.settings.save(settings)
            await self._audit(tx, actor, "settings", what)
        return CommunitySettings(settings, saved=True)

    async def audit(self, actor: Actor, limit: int = 20) -> AuditLog:
        async with self._as_moderator(actor, "read the audit log") as tx:
            return AuditLog(await tx.audit.recent(actor.community, limit))

    async def help(self, actor: Actor) -> HelpFor:
        """Who is asking for help: moderators are shown what moderators may do."""
        actor = await self._known(actor)
        async with self.store.transaction() as tx:
            return HelpFor(is_moderator(actor, await tx.settings.get(actor.community)))

    # -- shared steps --------------------------------------------------------------------------

    async def _known(self, actor: Actor) -> Actor:
        """The actor with the platform's word on them, asked for only when not yet known (on
        Slack it costs a request, so it is asked before a unit of work, never inside one)."""
        if actor.platform_moderator is not None:
            return actor
        return replace(actor, platform_moderator=await self.roles.platform_moderator(actor))

    @asynccontextmanager
    async def _as_moderator(self, actor: Actor, what: str) -> AsyncIterator[Transaction]:
        """A unit of work for a moderator's action; refuses anyone else before doing anything."""
        actor = await self._known(actor)
        async with self.store.transaction() as tx:
            if not is_moderator(actor, await tx.settings.get(actor.community)):
                raise NotAModerator(what)
            yield tx

    async def _post(self, tx: Transaction, actor: Actor, ref: str) -> Post:
        post = await tx.posts.get(actor.community, parsing.post_number(ref))
        if post is None:
            raise UnknownPost(ref.strip())
        return post

    async def _claim(self, tx: Transaction, actor: Actor, ref: str) -> Claim:
        post_number, number = parsing.claim_ref(ref)
        claim = await tx.claims.get(actor.community, post_number, number)
        if claim is None:
            raise UnknownClaim(ref.strip())
        return claim

    async def _audit(self, tx: Transaction, actor: Actor, action: str, detail: str) -> None:
        entry = AuditEntry(actor.community, actor.display, action, detail, self.clock.now())
        await tx.audit.add(entry)


PLACES_SHOWN = 3  # posts `me` tells a member their opinion group in: the ones voted on last
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LIVE_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.PROPOSED, ClaimStatus.ACTIVE)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _looks_like_url(source: str) -> bool:
    return source.split(maxsplit=1)[0].lower().startswith(("http://", "https://")) and (
        len(source.split()) == 1
    )


def _claim_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise BadInput("A claim needs some text.")
    return inputs.free_text(text, "claim", MAX_CLAIM_CHARS)


def _title(raw: str | None) -> str:
    """A title as given, fit to store and show: one line, visible, not too long ("" if none)."""
    said = " ".join((raw or "").split())
    if not inputs.visible(said):
        return ""
    return _clip(inputs.free_text(said, "title", len(said)), MAX_TITLE_CHARS)


def _title_of(text: str) -> str:
    """A post's first line when it reads as a heading, else its opening words."""
    first, _, rest = text.strip().partition("\n")
    first = first.strip()
    if rest.strip() and 0 < len(first) <= 150:
        return first
    words = text.split()
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _duration_words(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return "".join(parts)
