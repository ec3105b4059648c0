"""The search table keeps only the index: version text already lives once, in zstd blobs.

SQLite: a contentless FTS5 table (``content=''``) without positions (``detail=none``: queries
are ANDs of single words, never phrases). PostgreSQL: one stripped tsvector (no positions) per
version under a GIN index. At a million versions the old tables held a second, uncompressed
copy of every text next to its index, more than everything else together.
Excerpts are cut from the blobs now. The new tables start empty; the next
copydesk.store.sync_search_index fills them again, oldest versions first.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_FTS = (
    "CREATE VIRTUAL TABLE version_search USING fts5("
    "title, body, content='', detail=none, tokenize = 'unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    op.drop_table("version_search")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_FTS)
        return
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("document", sa.dialects.postgresql.TSVECTOR, nullable=False),
        sa.PrimaryKeyConstraint("version_id", name="pk_version_search"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_version_search_version_id_versions"
        ),
    )
    op.create_index(
        "ix_version_search_document", "version_search", ["document"], postgresql_using="gin"
    )


def downgrade() -> None:
    op.drop_table("version_search")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE version_search USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        return
    op.create_table(
        "version_search",
        sa.Column("version_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("version_id", name="pk_version_search"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_version_search_version_id_versions"
        ),
    )
    op.execute(
        "ALTER TABLE version_search ADD COLUMN document tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', title || ' ' || body)) STORED"
    )
    op.create_index(
        "ix_version_search_document", "version_search", ["document"], postgresql_using="gin"
    )
