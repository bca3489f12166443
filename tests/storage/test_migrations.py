"""The migrations build exactly the schema that `storage.schema` describes, on both databases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.schema import metadata
from storage.store import SqlStore


async def test_migrated_database_matches_the_schema(store: SqlStore) -> None:
    def differences(connection: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with store.engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []
