"""Evidence: provenance of each version's raw capture, imported captures, Save Page Now queue.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("versions", sa.Column("content_type", sa.Text))
    op.add_column("versions", sa.Column("origin", sa.String(20)))
    op.add_column("versions", sa.Column("origin_file", sa.Text))
    op.add_column("versions", sa.Column("origin_record", sa.Text))
    op.add_column("versions", sa.Column("memento_url", sa.Text))
    op.add_column("checks", sa.Column("capture_id", sa.String(64)))
    op.create_table(
        "imported_captures",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("captured_at", _TS, nullable=False),
        sa.Column("origin_file", sa.Text),
        sa.Column("origin_record", sa.Text),
        sa.Column("imported_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_imported_captures"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_imported_captures_article_id_articles"
        ),
    )
    op.create_table(
        "wayback_saves",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TS),
        sa.Column("last_error", sa.Text),
        sa.Column("saved_at", _TS),
        sa.PrimaryKeyConstraint("version_id", name="pk_wayback_saves"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_wayback_saves_version_id_versions"
        ),
    )
    op.create_index("ix_wayback_saves_next_attempt_at", "wayback_saves", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_wayback_saves_next_attempt_at", table_name="wayback_saves")
    op.drop_table("wayback_saves")
    op.drop_table("imported_captures")
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("capture_id")
    with op.batch_alter_table("versions") as batch:
        for name in ("memento_url", "origin_record", "origin_file", "origin", "content_type"):
            batch.drop_column(name)
