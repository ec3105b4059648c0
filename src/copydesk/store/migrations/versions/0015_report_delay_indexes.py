"""Indexes of report_articles in delay order, so a report reads its median and p90 by rank.

A report over the whole record read some 90k delays per figure and sorted them (about 250 ms
at 100k articles); each figure is now one short window of an index (store/reports.py _Scope),
over all sources or per source. One in versions order gives the bins of versions and the
most edited articles.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ORDERS = {  # as schema.REPORT_ORDERS
    "first_delay": ["first_delay", "first_at", "last_at", "versions"],
    "last_delay": ["last_delay", "first_at", "last_at", "versions"],
    "source_first_delay": ["source_id", "first_delay", "first_at", "last_at", "versions"],
    "source_last_delay": ["source_id", "last_delay", "first_at", "last_at", "versions"],
    "versions": ["versions", "article_id", "source_id", "first_at", "last_at"],
}


def upgrade() -> None:
    for name, columns in ORDERS.items():
        op.create_index(f"ix_report_articles_{name}", "report_articles", columns)


def downgrade() -> None:
    for name in ORDERS:
        op.drop_index(f"ix_report_articles_{name}", table_name="report_articles")
