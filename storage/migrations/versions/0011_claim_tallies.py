"""Tallies kept as counts (`claim_tallies`), updated with every vote, rather than counted from
the votes at each read: counting grew with every vote, and with it the time of every commit.
The counts start from the votes already cast.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_tallies",
        sa.Column(
            "claim_id",
            sa.Integer,
            sa.ForeignKey("claims.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("choice", sa.String(10), primary_key=True),
        sa.Column("votes", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO claim_tallies (claim_id, choice, votes)"
        " SELECT claim_id, choice, count(*) FROM votes GROUP BY claim_id, choice"
    )


def downgrade() -> None:
    op.drop_table("claim_tallies")
