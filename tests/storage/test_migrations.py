"""The migrations build exactly the schema that `storage.schema` describes, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

import storage.store
from storage.schema import metadata
from storage.store import SqlStore, create_engine

MIGRATIONS = Path(storage.store.__file__).parent / "migrations"


async def test_migrated_database_matches_the_schema(store: SqlStore) -> None:
    def differences(connection: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with store.engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []


async def test_tallies_and_voters_start_from_the_votes_already_cast(tmp_path: Path) -> None:
    """Migrations 0011 and 0012 count the votes of a database made before tallies and voters
    were kept."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade_to, "0010")
        for statement in (
            "INSERT INTO posts (id, community, number, title, text, author, created_at)"
            " VALUES (1, 'console:a', 1, 'P', 'text', 'mod', '2026-03-02 09:00:00.000000')",
            "INSERT INTO claims (id, post_id, number, text, kind, origin, status, author,"
            " created_at) VALUES (1, 1, 1, 'C', 'claim', 'moderator', 'active', 'mod',"
            " '2026-03-02 09:00:00.000000')",
            "INSERT INTO votes (claim_id, voter, choice, cast_at) VALUES"
            " (1, 'ann', 'agree', '2026-03-02 09:00:00.000000'),"
            " (1, 'bob', 'agree', '2026-03-02 09:00:00.000000'),"
            " (1, 'cat', 'pass', '2026-03-02 09:00:00.000000')",
        ):
            await conn.execute(sa.text(statement))
    await engine.dispose()
    store = await SqlStore.open(url)
    async with store.transaction() as tx:
        tally = (await tx.votes.tallies([1]))[1]
        voters = await tx.votes.voters(1)
    await store.close()
    assert (tally.agree, tally.disagree, tally.passed) == (2, 0, 1)
    assert voters == 3


def _upgrade_to(connection: sa.Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
