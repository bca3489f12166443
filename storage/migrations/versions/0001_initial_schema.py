"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 18:18:03.313124
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=120), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_community_at", ["community", "at"], unique=False)

    op.create_table(
        "communities",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("visibility", sa.String(length=20), server_default="after-vote", nullable=False),
        sa.Column("auto_approve", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("moderator_role", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
    )
    op.create_table(
        "moderators",
        sa.Column("community", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("community", "user_id", name=op.f("pk_moderators")),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("community", "number", name="uq_posts_community_number"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('claim', 'prediction')", name=op.f("ck_claims_kind")),
        sa.CheckConstraint(
            "status IN ('draft', 'proposed', 'active', 'rejected', 'retired')",
            name=op.f("ck_claims_status"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_claims_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("post_id", "number", name="uq_claims_post_number"),
    )
    op.create_table(
        "polls",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=120), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_polls_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_polls")),
    )
    op.create_table(
        "vote_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=120), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("previous", sa.String(length=10), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_vote_events_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_events")),
    )
    with op.batch_alter_table("vote_events", schema=None) as batch_op:
        batch_op.create_index("ix_vote_events_claim_id_at", ["claim_id", "at"], unique=False)

    op.create_table(
        "votes",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=120), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("choice IN ('agree', 'disagree', 'pass')", name=op.f("ck_votes_choice")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_votes_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("claim_id", "voter", name=op.f("pk_votes")),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index("ix_votes_voter", ["voter"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_voter")

    op.drop_table("votes")
    with op.batch_alter_table("vote_events", schema=None) as batch_op:
        batch_op.drop_index("ix_vote_events_claim_id_at")

    op.drop_table("vote_events")
    op.drop_table("polls")
    op.drop_table("claims")
    op.drop_table("posts")
    op.drop_table("moderators")
    op.drop_table("communities")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_community_at")

    op.drop_table("audit_log")
