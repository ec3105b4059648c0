"""Alembic environment: runs only on a connection handed over by Database.migrate()."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from copydesk.errors import StoreError


def run_migrations_online() -> None:
    """Migrate inside the caller's transaction, so a failed upgrade leaves nothing behind."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise StoreError("migrations run through copydesk.store.Store.open(), not the alembic CLI")
    # Batch mode lets later migrations alter SQLite tables (SQLite has no ALTER COLUMN).
    context.configure(connection=connection, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise StoreError("offline (--sql) migrations are not supported")
run_migrations_online()
