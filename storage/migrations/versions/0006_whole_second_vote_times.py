"""Vote times written by the vote fast path on SQLite at a whole second lacked their microseconds
(`09:00:00` rather than `09:00:00.000000`), which sorts before the same moment written by any
query, so such a vote fell into the week before. Write them as every other time is written.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL stores timestamps as timestamps
    op.execute("UPDATE votes SET cast_at = cast_at || '.000000' WHERE length(cast_at) = 19")
    op.execute("UPDATE vote_events SET at = at || '.000000' WHERE length(at) = 19")


def downgrade() -> None:
    pass  # the longer form reads the same
