"""Requests already acted on, kept in the database rather than in one process's memory, so that
a resend reaching another process, or the same one after a restart, acts once.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.schema import Time

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("at", Time, nullable=False),
    )
    op.create_index("ix_deliveries_at", "deliveries", ["at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_at", "deliveries")
    op.drop_table("deliveries")
