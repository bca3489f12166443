"""The store over SQLAlchemy Core (async): SQLite through aiosqlite, PostgreSQL through asyncpg.

One code path serves both; the few places the dialects differ (upsert, SQLite's pragmas and
transaction start) are named where they happen.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.domain import (
    AuditEntry,
    Ballot,
    Choice,
    Claim,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    DigestRecord,
    DigestSchedule,
    DigestStatus,
    MemberVote,
    NewPost,
    Poll,
    Post,
    QuietWeeks,
    Resolution,
    Settings,
    Tally,
    Visibility,
    VoteActivity,
    VoteChange,
)
from bot.ports import ClaimKey, NewClaim
from storage.schema import (
    Time,
    audit_log,
    claims,
    communities,
    digests,
    moderators,
    polls,
    posts,
    vote_events,
    votes,
)

DEFAULT_URL = "sqlite+aiosqlite:///data/debate.db"


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine with SQLite set up for durable, concurrent use (WAL, FULL sync, FKs).

    `options` go to SQLAlchemy as they are (tests pass `connect_args` to pick a schema).
    """
    if url.startswith("sqlite"):
        path = sa.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **options)
        _prepare_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **options)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN until a write, which lets two writers
    # deadlock on lock upgrade; we begin every unit of work with BEGIN IMMEDIATE instead.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    def upgrade(connection: sa.Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as conn:
        await conn.run_sync(upgrade)


class SqlStore:
    """The store: hands out units of work on one engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    async def open(
        cls, url: str = DEFAULT_URL, *, run_migrations: bool = True, **options: Any
    ) -> SqlStore:
        engine = create_engine(url, **options)
        if run_migrations:
            await migrate(engine)
        return cls(engine)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlTransaction]:
        async with self.engine.begin() as conn:
            yield SqlTransaction(conn)

    async def close(self) -> None:
        await self.engine.dispose()


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


_claim_columns = (claims, posts.c.number.label("post_number"))


def _claim(row: sa.Row[Any]) -> Claim:
    m = row._mapping
    return Claim(
        id=m["id"],
        post_id=m["post_id"],
        post_number=m["post_number"],
        number=m["number"],
        text=m["text"],
        quote=m["quote"],
        kind=ClaimKind(m["kind"]),
        origin=ClaimOrigin(m["origin"]),
        status=ClaimStatus(m["status"]),
        author=m["author"],
        created_at=m["created_at"],
        resolve_on=m["resolve_on"],
        resolution=Resolution(m["resolution"]) if m["resolution"] else None,
        reason=m["reason"],
        resolved_at=m["resolved_at"],
    )


def _post(row: sa.Row[Any]) -> Post:
    return Post(**{f.name: row._mapping[f.name] for f in fields(Post)})


def _poll(row: sa.Row[Any]) -> Poll:
    return Poll(**{f.name: row._mapping[f.name] for f in fields(Poll)})


def _tallies(ids: Iterable[int], rows: Iterable[Any]) -> dict[int, Tally]:
    """Tallies from (claim id, choice, count) rows; claims with no row get an empty tally."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for claim_id, choice, n in rows:
        counts[claim_id][choice] = n
    return {
        i: Tally(
            agree=counts[i].get("agree", 0),
            disagree=counts[i].get("disagree", 0),
            passed=counts[i].get("pass", 0),
        )
        for i in ids
    }


def _digest(row: sa.Row[Any]) -> DigestRecord:
    m = row._mapping
    return DigestRecord(
        community=m["community"],
        week_end=m["week_end"],
        status=DigestStatus(m["status"]),
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        late=bool(m["late"]),
        sent_at=m["sent_at"],
        error=m["error"],
    )


def _digest_values(record: DigestRecord) -> dict[str, Any]:
    return {
        "community": record.community,
        "week_end": record.week_end,
        "status": record.status.value,
        "attempts": record.attempts,
        "next_attempt_at": record.next_attempt_at,
        "late": record.late,
        "sent_at": record.sent_at,
        "error": record.error,
    }


class _Stamps:
    """Timestamps converted for the driver as `Time` would, once per distinct moment."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self._convert = Time.bind_processor(dialect) or (lambda value: value)
        self._seen: dict[datetime, Any] = {}

    def __call__(self, moment: datetime) -> Any:
        if moment not in self._seen:
            self._seen[moment] = self._convert(moment)
        return self._seen[moment]


class SqlTransaction:
    """One unit of work on one connection; see `bot.ports.Transaction` for the contract."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # -- communities ---------------------------------------------------------------------------

    async def settings(self, community: str) -> Settings:
        row = (
            await self.conn.execute(sa.select(communities).where(communities.c.id == community))
        ).first()
        mods = await self.conn.scalars(
            sa.select(moderators.c.user_id).where(moderators.c.community == community)
        )
        if row is None:
            return Settings(community=community, moderators=frozenset(mods))
        schedule = None
        if row.digest_weekday is not None and row.digest_time and row.digest_tz:
            at = time.fromisoformat(row.digest_time)
            schedule = DigestSchedule(row.digest_weekday, at, row.digest_tz, row.digest_since)
        return Settings(
            community=community,
            visibility=Visibility(row.visibility),
            auto_approve=bool(row.auto_approve),
            moderator_role=row.moderator_role,
            moderators=frozenset(mods),
            digest_channel=row.digest_channel,
            digest_schedule=schedule,
            quiet_weeks=QuietWeeks(row.digest_quiet),
        )

    async def save_settings(self, settings: Settings) -> None:
        schedule = settings.digest_schedule
        values = {
            "visibility": settings.visibility.value,
            "auto_approve": settings.auto_approve,
            "moderator_role": settings.moderator_role,
            "digest_channel": settings.digest_channel,
            "digest_weekday": schedule.weekday if schedule else None,
            "digest_time": schedule.at.strftime("%H:%M") if schedule else None,
            "digest_tz": schedule.tz if schedule else None,
            "digest_quiet": settings.quiet_weeks.value,
            "digest_since": schedule.since if schedule else None,
        }
        stmt = _insert(self.conn, communities).values(id=settings.community, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))
        await self.conn.execute(
            sa.delete(moderators).where(moderators.c.community == settings.community)
        )
        if settings.moderators:
            await self.conn.execute(
                sa.insert(moderators),
                [{"community": settings.community, "user_id": u} for u in settings.moderators],
            )

    async def _lock_community(self, community: str) -> None:
        """Serialise numbering within a community (SQLite's BEGIN IMMEDIATE already does)."""
        await self.conn.execute(
            _insert(self.conn, communities).values(id=community).on_conflict_do_nothing()
        )
        await self.conn.execute(
            sa.select(communities.c.id).where(communities.c.id == community).with_for_update()
        )

    # -- posts ---------------------------------------------------------------------------------

    async def add_post(self, community: str, post: NewPost, author: str, at: datetime) -> Post:
        await self._lock_community(community)
        number = await self.conn.scalar(
            sa.select(sa.func.coalesce(sa.func.max(posts.c.number), 0) + 1).where(
                posts.c.community == community
            )
        )
        values = {
            "community": community,
            "number": number,
            "title": post.title,
            "url": post.url,
            "text": post.text,
            "author": author,
            "created_at": at,
        }
        post_id = await self.conn.scalar(sa.insert(posts).values(values).returning(posts.c.id))
        return Post(id=int(post_id or 0), **values)  # type: ignore[arg-type]

    async def post(self, community: str, number: int) -> Post | None:
        row = (
            await self.conn.execute(
                sa.select(posts).where(posts.c.community == community, posts.c.number == number)
            )
        ).first()
        return _post(row) if row else None

    async def posts(self, community: str) -> list[Post]:
        rows = await self.conn.execute(
            sa.select(posts).where(posts.c.community == community).order_by(posts.c.number)
        )
        return [_post(r) for r in rows]

    # -- claims --------------------------------------------------------------------------------

    async def add_claims(self, post: Post, new: Sequence[NewClaim], at: datetime) -> list[Claim]:
        if not new:
            return []
        await self.conn.execute(
            sa.select(posts.c.id).where(posts.c.id == post.id).with_for_update()
        )
        last = await self.conn.scalar(
            sa.select(sa.func.coalesce(sa.func.max(claims.c.number), 0)).where(
                claims.c.post_id == post.id
            )
        )
        rows = [
            {
                "post_id": post.id,
                "number": int(last or 0) + i,
                "text": c.text,
                "quote": c.quote,
                "kind": c.kind.value,
                "origin": c.origin.value,
                "status": c.status.value,
                "author": c.author,
                "created_at": at,
            }
            for i, c in enumerate(new, start=1)
        ]
        await self.conn.execute(sa.insert(claims), rows)
        added = await self.conn.execute(
            sa.select(*_claim_columns)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(claims.c.post_id == post.id, claims.c.number > int(last or 0))
            .order_by(claims.c.number)
        )
        return [_claim(r) for r in added]

    async def claim(self, community: str, post_number: int, number: int) -> Claim | None:
        row = (
            await self.conn.execute(
                sa.select(*_claim_columns)
                .join(posts, posts.c.id == claims.c.post_id)
                .where(
                    posts.c.community == community,
                    posts.c.number == post_number,
                    claims.c.number == number,
                )
            )
        ).first()
        return _claim(row) if row else None

    async def claims(self, post_id: int) -> list[Claim]:
        rows = await self.conn.execute(
            sa.select(*_claim_columns)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(claims.c.post_id == post_id)
            .order_by(claims.c.number)
        )
        return [_claim(r) for r in rows]

    async def claims_with_status(self, community: str, status: ClaimStatus) -> list[Claim]:
        rows = await self.conn.execute(
            sa.select(*_claim_columns)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(posts.c.community == community, claims.c.status == status.value)
            .order_by(posts.c.number, claims.c.number)
        )
        return [_claim(r) for r in rows]

    async def save_claim(self, claim: Claim) -> None:
        await self.conn.execute(
            sa.update(claims)
            .where(claims.c.id == claim.id)
            .values(
                text=claim.text,
                quote=claim.quote,
                kind=claim.kind.value,
                status=claim.status.value,
                resolve_on=claim.resolve_on,
                resolution=claim.resolution.value if claim.resolution else None,
                reason=claim.reason,
                resolved_at=claim.resolved_at,
            )
        )

    # -- polls ---------------------------------------------------------------------------------

    async def poll(self, post_id: int) -> Poll | None:
        row = (await self.conn.execute(sa.select(polls).where(polls.c.post_id == post_id))).first()
        return _poll(row) if row else None

    async def polls(self, community: str) -> dict[int, Poll]:
        rows = await self.conn.execute(
            sa.select(polls)
            .join(posts, posts.c.id == polls.c.post_id)
            .where(posts.c.community == community)
        )
        return {row.post_id: _poll(row) for row in rows}

    async def save_poll(self, poll: Poll) -> None:
        values = {
            "opened_at": poll.opened_at,
            "opened_by": poll.opened_by,
            "closes_at": poll.closes_at,
            "closed_at": poll.closed_at,
            "channel": poll.channel,
        }
        stmt = _insert(self.conn, polls).values(post_id=poll.post_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["post_id"], set_=values))

    async def polls_due(self, now: datetime) -> list[tuple[str, Post, Poll]]:
        rows = await self.conn.execute(
            sa.select(
                posts, polls.c.opened_at, polls.c.opened_by, polls.c.closes_at, polls.c.channel
            )
            .join(polls, polls.c.post_id == posts.c.id)
            .where(polls.c.closed_at.is_(None), polls.c.closes_at <= now)
        )
        due = []
        for r in rows:
            post = _post(r)
            poll = Poll(post.id, r.opened_at, r.opened_by, r.closes_at, None, r.channel)
            due.append((post.community, post, poll))
        return due

    # -- votes ---------------------------------------------------------------------------------

    async def ballots(self, refs: Iterable[ClaimKey]) -> dict[ClaimKey, Ballot]:
        wanted = sorted(set(refs))
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(
                *_claim_columns,
                posts.c.community,
                polls.c.opened_at,
                polls.c.opened_by,
                polls.c.closes_at,
                polls.c.closed_at,
            )
            .join(posts, posts.c.id == claims.c.post_id)
            .outerjoin(polls, polls.c.post_id == claims.c.post_id)
            .where(sa.tuple_(posts.c.community, posts.c.number, claims.c.number).in_(wanted))
        )
        ballots = {}
        for r in rows:
            claim = _claim(r)
            poll = None
            if r.opened_at is not None:
                poll = Poll(claim.post_id, r.opened_at, r.opened_by, r.closes_at, r.closed_at)
            ballots[(r.community, claim.post_number, claim.number)] = Ballot(claim, poll)
        return ballots

    async def current_votes(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], Choice]:
        wanted = set(pairs)
        if not wanted:
            return {}
        rows = await self.conn.execute(
            sa.select(votes.c.claim_id, votes.c.voter, votes.c.choice).where(
                votes.c.claim_id.in_({c for c, _ in wanted}),
                self._one_of(votes.c.voter, {v for _, v in wanted}),
            )
        )
        return {
            (r.claim_id, r.voter): Choice(r.choice) for r in rows if (r.claim_id, r.voter) in wanted
        }

    def _one_of(self, column: sa.Column[str], values: Iterable[str]) -> sa.ColumnElement[bool]:
        """`column IN values` with a single bound parameter, however many values there are.

        A plain IN renders one parameter per value, which for a batch of a thousand voters cost
        more than running the query; PostgreSQL takes an array, SQLite a JSON list.
        """
        listed = sorted(values)
        if self.conn.dialect.name == "postgresql":
            array = sa.bindparam(None, listed, type_=postgresql.ARRAY(sa.String))
            return column == sa.any_(array)
        members = sa.func.json_each(sa.bindparam(None, json.dumps(listed))).table_valued("value")
        return column.in_(sa.select(members.c.value))

    async def record_votes(self, changes: Sequence[VoteChange]) -> None:
        if not changes:
            return
        latest = {(c.claim_id, c.voter): c for c in changes}
        upsert = _insert(self.conn, votes)
        upsert = upsert.on_conflict_do_update(
            index_elements=["claim_id", "voter"],
            set_={"choice": upsert.excluded.choice, "cast_at": upsert.excluded.cast_at},
        )
        stamp = _Stamps(self.conn.dialect)
        await self._executemany(
            upsert,
            ("claim_id", "voter", "choice", "cast_at"),
            [(c.claim_id, c.voter, c.choice, stamp(c.at)) for c in latest.values()],
        )
        await self._executemany(
            sa.insert(vote_events),
            ("claim_id", "voter", "choice", "previous", "at"),
            [(c.claim_id, c.voter, c.choice, c.previous, stamp(c.at)) for c in changes],
        )

    async def _executemany(
        self, statement: sa.Insert, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """Hand rows of `columns` straight to the driver's executemany.

        On the vote path SQLAlchemy's per-row parameter processing cost more than SQLite's own
        work (measured by bench/votes.py). The rows hold only plain values (choices are `str`
        enums, timestamps already converted by `_Stamps`), so nothing is lost by skipping it.
        """
        compiled = statement.compile(dialect=self.conn.dialect, column_keys=list(columns))
        order = compiled.positiontup or []
        if list(order) != list(columns):
            where = [columns.index(name) for name in order]
            rows = [tuple(row[i] for i in where) for row in rows]
        await self.conn.exec_driver_sql(str(compiled), rows)

    async def tallies(self, claim_ids: Iterable[int]) -> dict[int, Tally]:
        ids = sorted(set(claim_ids))
        rows = await self.conn.execute(
            sa.select(votes.c.claim_id, votes.c.choice, sa.func.count())
            .where(votes.c.claim_id.in_(ids))
            .group_by(votes.c.claim_id, votes.c.choice)
        )
        return _tallies(ids, rows)

    async def voters(self, post_id: int) -> int:
        n = await self.conn.scalar(
            sa.select(sa.func.count(sa.distinct(votes.c.voter)))
            .join(claims, claims.c.id == votes.c.claim_id)
            .where(claims.c.post_id == post_id)
        )
        return int(n or 0)

    def _community_claim_ids(self, community: str) -> sa.Select[Any]:
        return (
            sa.select(claims.c.id)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(posts.c.community == community)
        )

    async def votes_of(self, community: str, voter: str) -> list[MemberVote]:
        rows = await self.conn.execute(
            sa.select(*_claim_columns, votes.c.choice.label("vote"), votes.c.cast_at)
            .join(votes, votes.c.claim_id == claims.c.id)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(posts.c.community == community, votes.c.voter == voter)
            .order_by(posts.c.number, claims.c.number)
        )
        return [MemberVote(_claim(r), Choice(r.vote), r.cast_at) for r in rows]

    async def forget_voter(self, community: str, voter: str) -> int:
        ids = self._community_claim_ids(community)
        await self.conn.execute(
            sa.delete(vote_events).where(
                vote_events.c.voter == voter, vote_events.c.claim_id.in_(ids)
            )
        )
        result = await self.conn.execute(
            sa.delete(votes).where(votes.c.voter == voter, votes.c.claim_id.in_(ids))
        )
        return int(result.rowcount or 0)

    # -- forecasts and the weekly digest --------------------------------------------------------

    async def predictions(self, community: str) -> list[Claim]:
        rows = await self.conn.execute(
            sa.select(*_claim_columns)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(posts.c.community == community, claims.c.kind == ClaimKind.PREDICTION.value)
            .order_by(posts.c.number, claims.c.number)
        )
        return [_claim(r) for r in rows]

    async def claims_by_id(self, ids: Iterable[int]) -> list[Claim]:
        rows = await self.conn.execute(
            sa.select(*_claim_columns)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(claims.c.id.in_(sorted(set(ids))))
            .order_by(posts.c.number, claims.c.number)
        )
        return [_claim(r) for r in rows]

    async def posts_created(self, community: str, start: datetime, end: datetime) -> list[Post]:
        rows = await self.conn.execute(
            sa.select(posts)
            .where(
                posts.c.community == community,
                posts.c.created_at >= start,
                posts.c.created_at < end,
            )
            .order_by(posts.c.number)
        )
        return [_post(r) for r in rows]

    async def polls_opened(self, community: str, start: datetime, end: datetime) -> list[Post]:
        rows = await self.conn.execute(
            sa.select(posts)
            .join(polls, polls.c.post_id == posts.c.id)
            .where(
                posts.c.community == community,
                polls.c.opened_at >= start,
                polls.c.opened_at < end,
            )
            .order_by(posts.c.number)
        )
        return [_post(r) for r in rows]

    async def vote_activity(self, community: str, start: datetime, end: datetime) -> VoteActivity:
        in_week = (
            sa.select(vote_events.c.claim_id, vote_events.c.voter, vote_events.c.previous)
            .join(claims, claims.c.id == vote_events.c.claim_id)
            .join(posts, posts.c.id == claims.c.post_id)
            .where(
                posts.c.community == community,
                vote_events.c.at >= start,
                vote_events.c.at < end,
            )
            .subquery()
        )
        changed = in_week.c.previous.is_not(None)
        row = (
            await self.conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count(sa.distinct(in_week.c.voter)),
                    sa.func.count().filter(changed),
                    sa.func.count(sa.distinct(in_week.c.voter)).filter(changed),
                )
            )
        ).one()
        ids = await self.conn.scalars(sa.select(in_week.c.claim_id).distinct())
        return VoteActivity(
            votes=row[0],
            voters=row[1],
            changed_votes=row[2],
            members_changed=row[3],
            claim_ids=frozenset(ids),
        )

    async def tallies_at(self, claim_ids: Iterable[int], moment: datetime) -> dict[int, Tally]:
        ids = sorted(set(claim_ids))
        latest = (
            sa.select(sa.func.max(vote_events.c.id))
            .where(vote_events.c.claim_id.in_(ids), vote_events.c.at < moment)
            .group_by(vote_events.c.claim_id, vote_events.c.voter)
        )
        rows = await self.conn.execute(
            sa.select(vote_events.c.claim_id, vote_events.c.choice, sa.func.count())
            .where(vote_events.c.id.in_(latest))
            .group_by(vote_events.c.claim_id, vote_events.c.choice)
        )
        return _tallies(ids, rows)

    async def scheduled_communities(self) -> list[Settings]:
        ids = await self.conn.scalars(
            sa.select(communities.c.id).where(communities.c.digest_weekday.is_not(None))
        )
        return [await self.settings(community) for community in ids]

    async def add_digest(self, record: DigestRecord) -> bool:
        stmt = (
            _insert(self.conn, digests)
            .values(**_digest_values(record))
            .on_conflict_do_nothing(index_elements=["community", "week_end"])
        )
        result = await self.conn.execute(stmt)
        return bool(result.rowcount)

    async def take_digest(
        self, community: str, week_end: datetime, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        result = await self.conn.execute(
            sa.update(digests)
            .where(
                digests.c.community == community,
                digests.c.week_end == week_end,
                digests.c.status == DigestStatus.PENDING.value,
                digests.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease_until)
        )
        if not result.rowcount:
            return None
        row = (
            await self.conn.execute(
                sa.select(digests).where(
                    digests.c.community == community, digests.c.week_end == week_end
                )
            )
        ).one()
        return _digest(row)

    async def digests_due(self, now: datetime) -> list[DigestRecord]:
        rows = await self.conn.execute(
            sa.select(digests)
            .where(
                digests.c.status == DigestStatus.PENDING.value,
                digests.c.next_attempt_at <= now,
            )
            .order_by(digests.c.next_attempt_at)
        )
        return [_digest(r) for r in rows]

    async def save_digest(self, record: DigestRecord) -> None:
        await self.conn.execute(
            sa.update(digests)
            .where(
                digests.c.community == record.community,
                digests.c.week_end == record.week_end,
            )
            .values(**_digest_values(record))
        )

    # -- audit ---------------------------------------------------------------------------------

    async def add_audit(self, entry: AuditEntry) -> None:
        await self.conn.execute(
            sa.insert(audit_log).values(
                community=entry.community,
                actor=entry.actor,
                action=entry.action,
                detail=entry.detail,
                at=entry.at,
            )
        )

    async def audit(self, community: str, limit: int) -> list[AuditEntry]:
        rows = await self.conn.execute(
            sa.select(audit_log)
            .where(audit_log.c.community == community)
            .order_by(audit_log.c.id.desc())
            .limit(limit)
        )
        return [AuditEntry(r.community, r.actor, r.action, r.detail, r.at, id=r.id) for r in rows]
