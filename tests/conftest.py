"""Shared fixtures: real stores (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) and a
clock the tests move by hand."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.charts import warm_up as warm_up_charts
from bot.analysis import warm_up as warm_up_analysis
from bot.engine import Engine
from storage.store import SqlStore
from tests.support import ManualClock, PostgresSchema, make_bot

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session", autouse=True)
def libraries_loaded() -> None:
    """numpy, scikit-learn and matplotlib loaded once, as the bot loads them when it starts
    (`adapters.bootstrap`), so that no test's first results wait seconds for them."""
    warm_up_analysis()
    warm_up_charts()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """The same tests on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        s = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'debate.db'}")
        yield s
        await s.close()
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    async with PostgresSchema(POSTGRES_URL) as options:
        s = await SqlStore.open(POSTGRES_URL, **options)
        yield s
        await s.close()


@pytest.fixture
async def engine(store: SqlStore, clock: ManualClock) -> Engine:
    return make_bot(store, clock).engine
