"""Where each poll was opened, so a poll closing on time is announced there after a restart too.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("polls", sa.Column("channel", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("channel")
