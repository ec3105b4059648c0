"""A covering index for the insight report (store/reports.py): its queries read only the index.

A report aggregates every visible version of a period (class, flags, hour, article); with
these columns in one index ordered by source and capture time, each query is one index range
per source and never visits the table rows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KEY = ["source_id", "captured_at", "trivial", "number", "article_id"]
CARRIED = ["change_kind", "change_flags"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # json has no btree operator class
        op.create_index("ix_versions_report", "versions", KEY, postgresql_include=CARRIED)
    else:
        op.create_index("ix_versions_report", "versions", KEY + CARRIED)


def downgrade() -> None:
    op.drop_index("ix_versions_report", table_name="versions")
