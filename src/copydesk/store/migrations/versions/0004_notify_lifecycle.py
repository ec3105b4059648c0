"""Notifications and article lifecycle: the outbox, per-target deliveries, events, old URLs.

`outbox` holds one notice per change or event to tell people about, written in the check's
transaction; `deliveries` one row per (notice, target) so each target is marked on its own.
`article_events` records gone / restored / moved; `article_urls` every address an article
left, so a listing that still names an old one finds the article. `articles.gone_at` marks an
article confirmed gone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("articles", sa.Column("gone_at", _TS))
    op.create_table(
        "article_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("new_url", sa.Text),
        sa.Column("status", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_article_events"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_article_events_article_id_articles"
        ),
    )
    op.create_index("ix_article_events_article_id_at", "article_events", ["article_id", "at"])
    op.create_index("ix_article_events_at_id", "article_events", ["at", "id"])
    op.create_table(
        "article_urls",
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("until", _TS, nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_article_urls"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_article_urls_article_id_articles"
        ),
    )
    op.create_index("ix_article_urls_article_id", "article_urls", ["article_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("notice", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_outbox_article_id_articles"
        ),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("outbox_id", sa.Integer, nullable=False),
        sa.Column("target_key", sa.String(64), nullable=False),
        sa.Column("target_label", sa.Text, nullable=False),
        sa.Column("card", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TS),
        sa.Column("lease_until", _TS),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", _TS),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_deliveries_outbox_id_outbox"
        ),
        sa.UniqueConstraint("outbox_id", "target_key", name="uq_deliveries_outbox_id_target_key"),
    )
    op.create_index(
        "ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_status_next_attempt_at", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("outbox")
    op.drop_index("ix_article_urls_article_id", table_name="article_urls")
    op.drop_table("article_urls")
    op.drop_index("ix_article_events_at_id", table_name="article_events")
    op.drop_index("ix_article_events_article_id_at", table_name="article_events")
    op.drop_table("article_events")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("gone_at")
