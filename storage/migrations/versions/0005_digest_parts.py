"""The parts of a weekly digest already delivered (its text, its chart), so a retry after a
failure sends only what did not arrive.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("digests", sa.Column("delivered", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("digests") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("delivered")
