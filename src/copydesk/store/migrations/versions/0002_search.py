"""Full-text search over versions, and an index for the newest-first change list.

SQLite: an FTS5 table whose rowid is the version id. PostgreSQL: a table with a generated
tsvector column under a GIN index. Version text lives in zstd blobs, so neither backend can
index it in SQL; Store.sync_search_index (store/search.py) fills the table from Python.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_versions_captured_at_id", "versions", ["captured_at", "id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE version_search USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        return
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("version_id", name="pk_version_search"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_version_search_version_id_versions"
        ),
    )
    # 'simple': no stemming, because sources write in many languages.
    op.execute(
        "ALTER TABLE version_search ADD COLUMN document tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', title || ' ' || body)) STORED"
    )
    op.create_index(
        "ix_version_search_document", "version_search", ["document"], postgresql_using="gin"
    )


def downgrade() -> None:
    op.drop_table("version_search")
    op.drop_index("ix_versions_captured_at_id", table_name="versions")
