"""Who has voted on each post (`post_voters`), kept with every vote, so that a post's number of
voters is read from one index entry a member rather than counted from all its votes. It starts
from the votes already cast.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_voters",
        sa.Column(
            "post_id",
            sa.Integer,
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("voter", sa.String(120), primary_key=True),
    )
    op.execute(
        "INSERT INTO post_voters (post_id, voter)"
        " SELECT DISTINCT claims.post_id, votes.voter FROM votes"
        " JOIN claims ON claims.id = votes.claim_id"
    )


def downgrade() -> None:
    op.drop_table("post_voters")
