"""The insight report's rollups: per-article rows and changes per source x day (#18).

A report read every version of its period (seconds at a million versions); it now reads
`report_articles` (one row per article) and `report_days` (changes per source x day of the
change x hour of the article's first capture, by hour of day, class, flag and flip-flop, as
sums over that hour and later ones), which every writer keeps in step (store/rollups.py).
What is already stored is counted here once, by the same code that keeps them. An index
of each article's versions by capture time serves a period that ends in the past.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copydesk.store import rollups

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_COLUMNS = ("first_at", "last_at", "versions", "first_delay", "last_delay", "flipflop_at")


def upgrade() -> None:
    op.create_table(
        "report_articles",
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("first_at", _TS, nullable=False),
        sa.Column("second_at", _TS),
        sa.Column("last_at", _TS, nullable=False),
        sa.Column("versions", sa.Integer, nullable=False),
        sa.Column("first_delay", sa.BigInteger),
        sa.Column("last_delay", sa.BigInteger, nullable=False),
        sa.Column("flipflop_at", _TS),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_report_articles_article_id_articles"
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_report_articles"),
    )
    op.create_table(
        "report_days",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("first_hour", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in rollups.COUNTED),
        sa.PrimaryKeyConstraint("source_id", "day", "first_hour", name="pk_report_days"),
        sqlite_with_rowid=False,
    )
    rollups.rebuild(op.get_bind())
    op.create_index("ix_report_days_key", "report_days", ["source_id", "day", "first_hour"])
    op.create_index(
        "ix_versions_article_id_captured_at",
        "versions",
        ["article_id", "trivial", "captured_at", "number"],
    )
    op.create_index(
        "ix_report_articles_cohort",
        "report_articles",
        ["source_id", *_COLUMNS, "article_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_report_articles_cohort", table_name="report_articles")
    op.drop_index("ix_report_days_key", table_name="report_days")
    op.drop_index("ix_versions_article_id_captured_at", table_name="versions")
    op.drop_table("report_days")
    op.drop_table("report_articles")
