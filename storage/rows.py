"""Rows to the debate's values, and the few statement pieces every repository shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import Claim, ClaimKind, ClaimOrigin, ClaimStatus, Poll, Post, Resolution, Tally
from storage.schema import claims, posts

CLAIM_COLUMNS = (claims, posts.c.number.label("post_number"))


def insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def votes_changed(claim_ids: Iterable[int] | sa.Select[Any]) -> sa.Update:
    """Move the votes version of the posts these claims belong to (`posts.votes_version`)."""
    if not isinstance(claim_ids, sa.Select):
        claim_ids = sorted(set(claim_ids))
    of_claims = sa.select(claims.c.post_id).where(claims.c.id.in_(claim_ids))
    return (
        sa.update(posts)
        .where(posts.c.id.in_(of_claims))
        .values(votes_version=posts.c.votes_version + 1)
    )


def claims_with_post() -> sa.Select[Any]:
    """Claims with their post's number, ready for a WHERE."""
    return sa.select(*CLAIM_COLUMNS).join(posts, posts.c.id == claims.c.post_id)


def claim(row: sa.Row[Any]) -> Claim:
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
        polis_id=m["polis_id"],
    )


def post(row: sa.Row[Any]) -> Post:
    return Post(**{f.name: row._mapping[f.name] for f in fields(Post)})


def poll(row: sa.Row[Any]) -> Poll:
    return Poll(**{f.name: row._mapping[f.name] for f in fields(Poll)})


def tallies(ids: Iterable[int], rows: Iterable[Any]) -> dict[int, Tally]:
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
