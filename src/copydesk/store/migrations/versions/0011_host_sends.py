"""When each host was last actually asked, so a worker that woke late never crowds the next.

`host_turns.next_at` reserves start times; `last_sent` is set atomically right before a
request goes out, and a worker that slept for its turn sends only once `per_host_delay` has
passed since the fleet's last send (copydesk.store.hosts.confirm_send).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("host_turns") as batch:
        batch.add_column(sa.Column("last_sent", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("host_turns") as batch:
        batch.drop_column("last_sent")
