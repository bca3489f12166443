"""A counter on each post that moves whenever its votes change, so a cached opinion analysis
knows when it is out of date without counting the votes again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "posts", sa.Column("votes_version", sa.Integer, nullable=False, server_default="0")
    )


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("votes_version")
