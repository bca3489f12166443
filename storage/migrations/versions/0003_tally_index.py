"""A covering index for tallies: counting a claim's votes by choice never visits the rows.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_votes_claim_id_choice", "votes", ["claim_id", "choice"])


def downgrade() -> None:
    op.drop_index("ix_votes_claim_id_choice", "votes")
