"""Weekly digests and forecasts: schedule settings, resolution times, one record per digest.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(sa.Column("digest_channel", sa.String(120)))
        batch.add_column(sa.Column("digest_weekday", sa.Integer))
        batch.add_column(sa.Column("digest_time", sa.String(5)))
        batch.add_column(sa.Column("digest_tz", sa.String(64)))
        batch.add_column(
            sa.Column("digest_quiet", sa.String(10), nullable=False, server_default="short")
        )
        batch.add_column(sa.Column("digest_since", sa.DateTime(timezone=True)))
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_index("ix_vote_events_at", "vote_events", ["at"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("community", sa.String(120), nullable=False),
        sa.Column("week_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("community", "week_end", name="uq_digests_community_week_end"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'skipped')", name=op.f("ck_digests_status")
        ),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_index("ix_vote_events_at", "vote_events")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("resolved_at")
    with op.batch_alter_table("communities") as batch:
        for column in (
            "digest_since",
            "digest_quiet",
            "digest_tz",
            "digest_time",
            "digest_weekday",
            "digest_channel",
        ):
            batch.drop_column(column)
