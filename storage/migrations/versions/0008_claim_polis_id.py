"""Each claim imported from a Polis conversation keeps its comment id, so that exporting the post
gives Polis's ids back.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("polis_id", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("polis_id")
