"""Index versions by content hash.

A new URL whose text some article already has is looked up at its first check, to tell a
moved article from a new one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_versions_content_hash", "versions", ["content_hash"])


def downgrade() -> None:
    op.drop_index("ix_versions_content_hash", table_name="versions")
