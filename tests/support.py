"""Test helpers: a clock moved by hand, members and moderators, a PostgreSQL schema per test,
Prometheus metrics read from a /metrics page, and the vote history checked against the votes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.bootstrap import Bot, compose
from bot.domain import Actor, DraftClaim
from bot.extraction.extractors import DraftsOf, OfflineExtractor
from bot.ports import Store
from storage.store import create_engine


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class PostgresSchema:
    """A schema of its own for one test, dropped afterwards, so tests never see each other."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = f"t_{uuid.uuid4().hex[:12]}"

    async def __aenter__(self) -> dict[str, object]:
        admin = create_engine(self.url)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))
        await admin.dispose()
        return {"connect_args": {"server_settings": {"search_path": self.name}}}

    async def __aexit__(self, *exc: object) -> None:
        admin = create_engine(self.url)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{self.name}" CASCADE'))
        await admin.dispose()


COMMUNITY = "console:test"


def member(name: str, community: str = COMMUNITY) -> Actor:
    return Actor(community=community, user_id=name, name=name)


def moderator(name: str = "mod", community: str = COMMUNITY) -> Actor:
    return Actor(community=community, user_id=name, name=name, platform_moderator=True)


def no_drafts(text: str) -> list[DraftClaim]:
    """Claim extraction that proposes nothing: the moderator adds every claim."""
    return []


def make_bot(
    store: Store, clock: ManualClock, *, extract: DraftsOf = no_drafts, **choices: Any
) -> Bot:
    """The bot as the bootstrap composes it, on a test's store and clock. Posts get no drafts
    unless the test gives `extract`, a stand-in for offline extraction, or a whole `extractor`."""
    return compose(store, clock=clock, **{"extractor": OfflineExtractor(extract), **choices})


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    """Prometheus's text format read as a table: (sample name, its labels) -> value."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def sample(found: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 for a labelled series not created yet, as Prometheus reads it."""
    return found.get((name, frozenset(labels.items())), 0.0)


async def scrape(http: aiohttp.ClientSession, url: str) -> Samples:
    """GET a /metrics page, checked to be Prometheus's text format."""
    async with http.get(url) as page:
        assert page.status == 200
        assert page.headers["Content-Type"].startswith("text/plain")
        return samples(await page.text())


async def history_agrees_with_votes(engine: AsyncEngine) -> None:
    """For every member and claim: each event's `previous` is the event before it, and the
    last event is the stored vote. Two processes writing one member's vote out of turn would
    leave a `previous` that is not what came before."""
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                sa.text("SELECT claim_id, voter, choice, previous FROM vote_events ORDER BY at, id")
            )
        ).all()
        stored = dict(
            ((c, v), choice)
            for c, v, choice in (
                await conn.execute(sa.text("SELECT claim_id, voter, choice FROM votes"))
            ).all()
        )
    last: dict[tuple[int, str], str | None] = {}
    for claim, voter, choice, previous in events:
        assert previous == last.get((claim, voter)), (claim, voter)
        last[(claim, voter)] = choice
    assert last == stored


async def counts_agree_with_votes(engine: AsyncEngine) -> None:
    """The counts kept with every vote are the votes counted: each claim's tally by choice
    (`claim_tallies`), and each post's voters (`post_voters`)."""
    async with engine.connect() as conn:
        kept = await conn.execute(
            sa.text("SELECT claim_id, choice, votes FROM claim_tallies WHERE votes <> 0")
        )
        counted = await conn.execute(
            sa.text("SELECT claim_id, choice, count(*) FROM votes GROUP BY claim_id, choice")
        )
        assert sorted(map(tuple, kept)) == sorted(map(tuple, counted))
        noted = await conn.execute(sa.text("SELECT post_id, voter FROM post_voters"))
        voted = await conn.execute(
            sa.text(
                "SELECT DISTINCT c.post_id, v.voter FROM votes v JOIN claims c ON c.id = v.claim_id"
            )
        )
        assert sorted(map(tuple, noted)) == sorted(map(tuple, voted))
