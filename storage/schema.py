"""The tables, as SQLAlchemy Core metadata: the one description both migrations and queries use.

Constraints carry the debate's invariants into the database too: one vote per member per claim,
post numbers unique per community, claim numbers unique per post (so refs like `3.2` are unique).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Time = UtcDateTime()

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("visibility", sa.String(20), nullable=False, server_default="after-vote"),
    sa.Column("auto_approve", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("moderator_role", sa.String(120)),
    # The weekly digest: where it goes and when (weekday 0 = Monday, local time in digest_tz).
    sa.Column("digest_channel", sa.String(120)),
    sa.Column("digest_weekday", sa.Integer),
    sa.Column("digest_time", sa.String(5)),
    sa.Column("digest_tz", sa.String(64)),
    sa.Column("digest_quiet", sa.String(10), nullable=False, server_default="short"),
    sa.Column("digest_since", Time),  # weeks due before the schedule was set are not sent
)

moderators = sa.Table(
    "moderators",
    metadata,
    sa.Column("community", sa.String(120), primary_key=True),
    sa.Column("user_id", sa.String(120), primary_key=True),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("community", sa.String(120), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.String(120), nullable=False),
    sa.Column("created_at", Time, nullable=False),
    # Moves whenever a vote on the post's claims changes: a cached analysis is out of date then.
    sa.Column("votes_version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("community", "number", name="uq_posts_community_number"),
)

claims = sa.Table(
    "claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("text", sa.String(400), nullable=False),
    sa.Column("quote", sa.Text),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("author", sa.String(120), nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("resolve_on", sa.Date),
    sa.Column("resolution", sa.String(10)),
    sa.Column("reason", sa.Text),
    sa.Column("resolved_at", Time),
    sa.Column("polis_id", sa.Integer),  # its comment id, when imported from Polis
    sa.UniqueConstraint("post_id", "number", name="uq_claims_post_number"),
    sa.CheckConstraint("kind IN ('claim', 'prediction')", name="kind"),
    sa.CheckConstraint(
        "status IN ('draft', 'proposed', 'active', 'rejected', 'retired')", name="status"
    ),
)

polls = sa.Table(
    "polls",
    metadata,
    sa.Column(
        "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("opened_at", Time, nullable=False),
    sa.Column("opened_by", sa.String(120), nullable=False),
    sa.Column("closes_at", Time),
    sa.Column("closed_at", Time),
    sa.Column("channel", sa.String(120)),  # where it was opened, to announce results there
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column(
        "claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("voter", sa.String(120), primary_key=True),
    sa.Column("choice", sa.String(10), nullable=False),
    sa.Column("cast_at", Time, nullable=False),
    sa.CheckConstraint("choice IN ('agree', 'disagree', 'pass')", name="choice"),
    sa.Index("ix_votes_voter", "voter"),
    # Tallies, and a post's votes for its analysis, read only this index: neither visits rows.
    sa.Index("ix_votes_claim_id_choice_voter", "claim_id", "choice", "voter"),
)

# Each claim's votes counted by choice, kept by every write to `votes` in the same transaction:
# reading a tally is one row a choice however many votes there are, where counting the votes
# took longer with every vote (tens of milliseconds a commit at 100,000 votes: bench/soak.py).
claim_tallies = sa.Table(
    "claim_tallies",
    metadata,
    sa.Column(
        "claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("choice", sa.String(10), primary_key=True),
    sa.Column("votes", sa.Integer, nullable=False),
)

# Who has voted on each post, kept by every vote: "N voters" is read from here, one index
# entry a member, where counting the distinct voters among a post's votes read every vote.
post_voters = sa.Table(
    "post_voters",
    metadata,
    sa.Column(
        "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("voter", sa.String(120), primary_key=True),
)

vote_events = sa.Table(
    "vote_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("voter", sa.String(120), nullable=False),
    sa.Column("choice", sa.String(10), nullable=False),
    sa.Column("previous", sa.String(10)),
    sa.Column("at", Time, nullable=False),
    sa.Index("ix_vote_events_claim_id_at", "claim_id", "at"),
    sa.Index("ix_vote_events_at", "at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("community", sa.String(120), nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("at", Time, nullable=False),
    sa.Index("ix_audit_log_community_at", "community", "at"),
)

digests = sa.Table(
    "digests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("community", sa.String(120), nullable=False),
    sa.Column("week_end", Time, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Time, nullable=False),
    sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("sent_at", Time),
    sa.Column("error", sa.Text),
    # The parts already delivered (space-separated names), so a retry resends only the rest.
    sa.Column("delivered", sa.Text, nullable=False, server_default=""),
    # One digest per community and week, whichever process gets there first.
    sa.UniqueConstraint("community", "week_end", name="uq_digests_community_week_end"),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'skipped')", name="status"),
)

# Requests a platform delivered and the bot acted on, by key (Slack resends a request it thinks
# was lost): a resend that reaches another process, or this one after a restart, acts once.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("at", Time, nullable=False),
    sa.Index("ix_deliveries_at", "at"),
)
