"""The change-log excerpt of each visible version, chosen when the version is stored (#18).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "version_excerpts",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("excerpt", sa.JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_version_excerpts_version_id_versions",
        ),
        sa.PrimaryKeyConstraint("version_id", name="pk_version_excerpts"),
    )


def downgrade() -> None:
    op.drop_table("version_excerpts")
