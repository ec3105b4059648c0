"""What the schedule learns and hears: per-source edit statistics and listing signals.

`source_stats` holds each source's SourceEditStats (JSON arrays), summed over every worker.
Articles remember when a feed, sitemap or front page last listed them and their place on a
front page; endpoints remember their last poll that gave a listing. `checks.checked_at` is
indexed because the per-source fetch budget counts the checks of the last hour.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "source_stats",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("edges", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("exposure", sa.JSON, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("source_id", name="pk_source_stats"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_source_stats_source_id_sources"
        ),
    )
    op.add_column("articles", sa.Column("listed_at", _TS))
    op.add_column("articles", sa.Column("listed_rank", sa.Integer))
    op.add_column("endpoints", sa.Column("last_ok_at", _TS))
    op.create_index("ix_articles_source_id_listed_at", "articles", ["source_id", "listed_at"])
    op.create_index("ix_checks_checked_at", "checks", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_checks_checked_at", table_name="checks")
    op.drop_index("ix_articles_source_id_listed_at", table_name="articles")
    with op.batch_alter_table("endpoints") as batch:
        batch.drop_column("last_ok_at")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("listed_rank")
        batch.drop_column("listed_at")
    op.drop_table("source_stats")
