"""Engine, transactions and error translation; the only module that knows the backend quirks.

URLs: ``sqlite:///path/copydesk.db`` (file created with its folder; ``sqlite://`` is an in-memory
database) or ``postgresql+psycopg://user@host/db``. A PostgreSQL schema is chosen the libpq way,
with the ``options`` query parameter: ``postgresql+psycopg://host/db?options=-csearch_path%3Dmy_schema``
(tables and the Alembic version table then live in ``my_schema``, which must exist).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from copydesk.errors import StoreError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_WRITE_OPTION = "copydesk_write"
_PG_MIGRATION_LOCK = sa.text(
    "SELECT pg_advisory_xact_lock(hashtext('copydesk-migrate:' || coalesce(current_schema(), '')))"
)
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Stop SQLAlchemy and Alembic exceptions at the package border."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {exc}") from exc


_REVISION = re.compile(r"""^revision(?:\s*:\s*str)?\s*=\s*["']([^"']+)["']""", re.M)
_DOWN = re.compile(r"""^down_revision[^=\n]*=\s*(?:["']([^"']+)["']|None)""", re.M)


def head_revision() -> str | None:
    """The newest migration's revision, read from the version files (None: not one clear head).

    Alembic's own answer costs its import; the chain is linear, so the head is the revision
    no other file names as its down_revision.
    """
    revisions, downs = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Autocommit at the driver level: pysqlite's own implicit BEGIN would defeat BEGIN IMMEDIATE
    # and transactional DDL, so transactions are begun explicitly in _on_sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front, so it waits (busy_timeout) instead of failing
    # halfway when a read transaction would have to be upgraded.
    immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        # One shared connection, or every pooled connection would see its own empty database.
        engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def create_engine(url: str) -> Engine:
    """Build an engine for a SQLite or PostgreSQL URL, with the SQLite pragmas installed."""
    with translate_errors():
        parsed = sa.make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend == "postgresql":
            return sa.create_engine(parsed, pool_pre_ping=True)
    raise StoreError(f"unsupported database (use sqlite or postgresql+psycopg): {backend}")


class Database:
    """An engine plus the transaction rules: reads overlap, SQLite writes go one at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.dialect = self.engine.dialect.name
        # Within one process, queue SQLite writers on a lock rather than on busy_timeout polling.
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )
        # An in-memory database is one shared connection: threads take turns for reads too.
        in_memory = self.dialect == "sqlite" and self.engine.url.database in (None, "", ":memory:")
        self._read_lock: AbstractContextManager[Any] = (
            self._write_lock if in_memory else nullcontext()
        )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for queries; its transaction is rolled back on exit."""
        with translate_errors(), self._read_lock, self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite): committed whole or not at all."""
        with translate_errors(), self._write_lock, self.engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        """Run Alembic up to head on this database; a no-op when it is current.

        A database already at head (every command's usual case) is told by one query,
        without importing Alembic, which would cost every command a noticeable start-up.
        """
        if self._at_head():
            return
        from alembic import command
        from alembic.config import Config
        from alembic.util import CommandError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("path_separator", "os")
        try:
            with self.write() as conn:
                if self.dialect == "postgresql":
                    # Two processes opening one fresh database must not both create the tables.
                    conn.execute(_PG_MIGRATION_LOCK)
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except CommandError as exc:
            raise StoreError(f"migration failed: {exc}") from exc

    def _at_head(self) -> bool:
        head = head_revision()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        except SQLAlchemyError:  # a new database: no version table yet
            return False
        return [row[0] for row in found] == [head]

    def integrity_ok(self) -> bool:
        """SQLite: PRAGMA integrity_check says ok. PostgreSQL: the server answers."""
        try:
            with self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    rows = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                    return list(rows) == ["ok"]
                return conn.execute(sa.select(1)).scalar() == 1
        except (SQLAlchemyError, sqlite3.Error):
            logger.exception("integrity check failed on %s", self.engine.url)
            return False

    def insert_ignoring_conflicts(
        self, table: sa.Table, rows: Sequence[dict[str, Any]], *, keys: Sequence[str]
    ) -> sa.Insert:
        """INSERT … ON CONFLICT (keys) DO NOTHING, in the backend's own dialect.

        The dialects are imported here: a SQLite run never loads PostgreSQL's (start-up time).
        """
        from sqlalchemy.dialects import postgresql, sqlite

        if self.dialect == "postgresql":
            return (
                postgresql.insert(table)
                .values(list(rows))
                .on_conflict_do_nothing(index_elements=list(keys))
            )
        return (
            sqlite.insert(table)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=list(keys))
        )

    def close(self) -> None:
        self.engine.dispose()
