"""The tally index carries the voter too, so a post's votes are read for its analysis from the
index alone: without it, SQLite visits every vote's row, scattered in the order votes came.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_votes_claim_id_choice_voter", "votes", ["claim_id", "choice", "voter"])
    op.drop_index("ix_votes_claim_id_choice", "votes")


def downgrade() -> None:
    op.create_index("ix_votes_claim_id_choice", "votes", ["claim_id", "choice"])
    op.drop_index("ix_votes_claim_id_choice_voter", "votes")
