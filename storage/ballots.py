"""The vote fast path: a whole batch of votes read and written in a few statements.

Group commit (`bot.ballot_box`) hands this a thousand votes at a time; what costs here is the
per-row work in Python, so the statements take one list parameter however many voters there
are, and rows go to the driver's executemany with timestamps converted once per moment.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import Ballot, Choice, Poll, VoteChange
from bot.ports import ClaimKey
from storage import rows
from storage.rows import CLAIM_COLUMNS, insert, votes_changed
from storage.schema import (
    Time,
    claim_tallies,
    claims,
    polls,
    post_voters,
    posts,
    vote_events,
    votes,
)


class SqlBallots:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def ballots(self, refs: Iterable[ClaimKey]) -> dict[ClaimKey, Ballot]:
        wanted = sorted(set(refs))
        if not wanted:
            return {}
        found = await self.conn.execute(
            sa.select(
                *CLAIM_COLUMNS,
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
        for r in found:
            claim = rows.claim(r)
            poll = None
            if r.opened_at is not None:
                poll = Poll(claim.post_id, r.opened_at, r.opened_by, r.closes_at, r.closed_at)
            ballots[(r.community, claim.post_number, claim.number)] = Ballot(claim, poll)
        return ballots

    async def current(self, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Choice]:
        wanted = set(pairs)
        if not wanted:
            return {}
        found = await self._votes_of(sorted(wanted))
        return {
            (r.claim_id, r.voter): Choice(r.choice)
            for r in found
            if (r.claim_id, r.voter) in wanted
        }

    async def held(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], tuple[Choice, datetime]]:
        wanted = sorted(set(pairs))
        if not wanted:
            return {}
        if self.conn.dialect.name == "postgresql":
            await self._lock(wanted)
        # (SQLite lets one writer in at a time: the transaction that writes is alone already.)
        found = await self._votes_of(wanted)
        keep = set(wanted)
        return {
            (r.claim_id, r.voter): (Choice(r.choice), r.cast_at)
            for r in found
            if (r.claim_id, r.voter) in keep
        }

    async def _votes_of(self, pairs: list[tuple[int, str]]) -> sa.CursorResult[Any]:
        """The stored votes of these (claim, member) pairs, and perhaps a few more.

        PostgreSQL looks each pair up in the primary key (the pairs are two arrays, joined):
        asked `claim_id IN (...) AND voter = ANY(...)`, its planner scanned every vote of the
        claims, which took longer with every vote (14 ms a batch at 85,000 votes). SQLite looks
        up each claim and voter in the primary key for that same condition."""
        columns = (votes.c.claim_id, votes.c.voter, votes.c.choice, votes.c.cast_at)
        if self.conn.dialect.name != "postgresql":
            return await self.conn.execute(
                sa.select(*columns).where(
                    votes.c.claim_id.in_({c for c, _ in pairs}),
                    self._one_of(votes.c.voter, {v for _, v in pairs}),
                )
            )
        claim_ids = sa.bindparam(None, [c for c, _ in pairs], type_=postgresql.ARRAY(sa.Integer))
        voters = sa.bindparam(None, [v for _, v in pairs], type_=postgresql.ARRAY(sa.String))
        wanted = (
            sa.func.unnest(claim_ids, voters).table_valued("claim_id", "voter").render_derived()
        )
        return await self.conn.execute(
            sa.select(*columns).join_from(
                wanted,
                votes,
                sa.and_(votes.c.claim_id == wanted.c.claim_id, votes.c.voter == wanted.c.voter),
            )
        )

    async def _lock(self, pairs: list[tuple[int, str]]) -> None:
        """PostgreSQL advisory locks on each (claim, voter), held to the end of the transaction,
        taken in one order by every process so that two batches never wait on each other."""
        claim_ids = sa.bindparam(
            "claims", [c for c, _ in pairs], type_=postgresql.ARRAY(sa.Integer)
        )
        voters = sa.bindparam("voters", [v for _, v in pairs], type_=postgresql.ARRAY(sa.String))
        await self.conn.execute(
            sa.text(
                "SELECT pg_advisory_xact_lock(k.claim_id, hashtext(k.voter)) FROM ("
                " SELECT claim_id, voter FROM unnest(:claims, :voters) AS u(claim_id, voter)"
                " ORDER BY claim_id, hashtext(voter) OFFSET 0) AS k"  # OFFSET 0: keep the order
            ).bindparams(claim_ids, voters)
        )

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

    async def record(self, changes: Sequence[VoteChange]) -> None:
        if not changes:
            return
        latest = {(c.claim_id, c.voter): c for c in changes}
        upsert = insert(self.conn, votes)
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
        await self._count(changes)
        await self._note_voters([c for c in changes if c.previous is None])
        await self.conn.execute(votes_changed({c.claim_id for c in changes}))

    async def _note_voters(self, first_votes: Sequence[VoteChange]) -> None:
        """Each member's first vote on a claim may be their first on its post: note them as
        the post's voters (`post_voters`), once, in one order of rows in every process."""
        if not first_votes:
            return
        found = await self.conn.execute(
            sa.select(claims.c.id, claims.c.post_id).where(
                claims.c.id.in_({c.claim_id for c in first_votes})
            )
        )
        post_of: dict[int, int] = {claim_id: post_id for claim_id, post_id in found}
        await self._executemany(
            insert(self.conn, post_voters).on_conflict_do_nothing(),
            ("post_id", "voter"),
            sorted({(post_of[c.claim_id], c.voter) for c in first_votes}),
        )

    async def _count(self, changes: Sequence[VoteChange]) -> None:
        """Move the tallies by the changes: one more for each choice made, one fewer for the
        choice it replaced. Rows are written in one order by every process, so two batches
        never wait on each other's tallies."""
        moved: Counter[tuple[int, str]] = Counter()
        for c in changes:
            moved[(c.claim_id, c.choice)] += 1
            if c.previous is not None:
                moved[(c.claim_id, c.previous)] -= 1
        await add_to_tallies(self.conn, moved)

    async def _executemany(
        self, statement: sa.Insert, columns: tuple[str, ...], values: list[tuple[Any, ...]]
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
            values = [tuple(row[i] for i in where) for row in values]
        await self.conn.exec_driver_sql(str(compiled), values)


async def add_to_tallies(conn: AsyncConnection, moved: Mapping[tuple[int, str], int]) -> None:
    """Add each (claim, choice)'s number to its tally, in the order of claim and choice."""
    rows = [
        {"claim_id": claim_id, "choice": str(choice), "votes": n}
        for (claim_id, choice), n in sorted(moved.items())
        if n
    ]
    if not rows:
        return
    upsert = insert(conn, claim_tallies)
    upsert = upsert.on_conflict_do_update(
        index_elements=["claim_id", "choice"],
        set_={"votes": claim_tallies.c.votes + upsert.excluded.votes},
    )
    await conn.execute(upsert, rows)


class _Stamps:
    """Timestamps converted for the driver as `Time` would, once per distinct moment: through
    the dialect's own processor too, so SQLite stores `09:00:00.000000` as every query writes
    it, not the driver's `09:00:00`, which compares before it."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self._convert = Time.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
        self._seen: dict[datetime, Any] = {}

    def __call__(self, moment: datetime) -> Any:
        if moment not in self._seen:
            self._seen[moment] = self._convert(moment)
        return self._seen[moment]
