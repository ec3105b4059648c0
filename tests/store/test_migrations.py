from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from copydesk.errors import StoreError
from copydesk.records import Source
from copydesk.store import Store
from copydesk.store.database import MIGRATIONS
from copydesk.store.schema import metadata

TABLES = {"sources", "endpoints", "articles", "blobs", "versions", "checks", "alembic_version"}


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def only_schema_module_objects(obj, name, type_, reflected, compare_to) -> bool:
    """Compare what schema.py declares; later revisions may add objects it does not model."""
    return not (reflected and compare_to is None)


def test_upgrade_creates_every_table_on_an_empty_database(db_url, raw):
    with Store.open(db_url):
        pass
    with raw.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) >= TABLES
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()


def test_migration_matches_schema_module(db_url, raw):
    with Store.open(db_url):
        pass
    with raw.connect() as conn:
        opts = {"compare_type": True, "include_object": only_schema_module_objects}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, metadata) == []


def test_opening_twice_is_idempotent_and_keeps_data(db_url, now, raw):
    with Store.open(db_url) as first:
        first.add_source(Source(name="daily"), now=now)
    with Store.open(db_url) as second:
        assert [s.name for s in second.list_sources()] == ["daily"]
    with raw.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_without_migration_a_query_fails_as_store_error(db_url):
    with Store.open(db_url, migrate=False) as store, pytest.raises(StoreError):
        store.list_sources()


def test_unsupported_backend_is_refused():
    with pytest.raises(StoreError, match="unsupported"):
        Store.open("mysql://localhost/copydesk")


def test_url_is_kept(store, db_url):
    assert store.url == db_url


def test_the_cheap_head_is_alembics_head():
    from copydesk.store.database import head_revision as cheap_head

    assert cheap_head() == head_revision()


def test_a_database_behind_head_is_upgraded_and_one_at_head_skips_alembic(tmp_path):
    import subprocess
    import sys

    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", url)
    script = ScriptDirectory.from_config(config)
    previous = script.get_revision(head_revision()).down_revision
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, str(previous))
    Store.open(url).close()  # one behind: Alembic runs the last migration
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
    engine.dispose()
    probe = (
        "import sys; from copydesk.store import Store; "
        f"Store.open({url!r}).close(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # at head: not even imported
