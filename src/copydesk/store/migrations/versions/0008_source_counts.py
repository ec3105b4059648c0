"""Per-source figures kept as they change, so pages read a row instead of scanning history.

`source_counts` holds each source's article and version totals, `source_days` its visible
edits (and stealth edits) per UTC day, and `articles.first_edit_delay` the seconds from an
article's first version to its first visible edit. Triggers keep them in step with every
write, whoever writes: tracker, web admin, bulk load, an archive import (which may renumber
an article's versions in place: versions have update triggers too). On PostgreSQL they are deferred
constraint triggers, so the shared counter rows are locked only at commit, after every
article row a transaction touches (no lock-order deadlock with a concurrent poll); a bulk
load turns them off for its transaction (`SET LOCAL copydesk.counting = 'off'`) and adds its
own totals. Two indexes answer the rest without a scan: the latest check per source and the
articles whose last check failed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)

# ---- SQLite -----------------------------------------------------------------------------

_SQLITE_ADD = """
    INSERT INTO source_counts (source_id, articles, active, versions, changed, edits,
                               last_change_at)
    VALUES (NEW.source_id, 1, NEW.status = 'active', NEW.version_count,
            NEW.version_count > 1, max(NEW.version_count - 1, 0), NEW.last_change_at)
    ON CONFLICT (source_id) DO UPDATE SET
        articles = articles + 1,
        active = active + excluded.active,
        versions = versions + excluded.versions,
        changed = changed + excluded.changed,
        edits = edits + excluded.edits,
        last_change_at = CASE
            WHEN last_change_at IS NULL OR excluded.last_change_at > last_change_at
            THEN excluded.last_change_at ELSE last_change_at END;
"""
_SQLITE_REMOVE = """
    UPDATE source_counts SET
        articles = articles - 1,
        active = active - (OLD.status = 'active'),
        versions = versions - OLD.version_count,
        changed = changed - (OLD.version_count > 1),
        edits = edits - max(OLD.version_count - 1, 0)
    WHERE source_id = OLD.source_id;
"""
# SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): the day is the first
# ten characters, and whole microseconds over a million give the exact float Python would.
_SQLITE_SECONDS = (
    "((strftime('%s', {b}) - strftime('%s', {a})) * 1000000 "
    "+ CAST(substr({b}, 21) AS INTEGER) - CAST(substr({a}, 21) AS INTEGER)) / 1000000.0"
)
_SQLITE_ADD_EDIT = """
    INSERT INTO source_days (source_id, day, edits, stealth)
    SELECT source_id, substr({v}.captured_at, 1, 10), 1,
           instr({v}.change_flags, '"stealth"') > 0
    FROM articles WHERE id = {v}.article_id AND NOT {v}.trivial AND {v}.number > 1
    ON CONFLICT (source_id, day) DO UPDATE SET
        edits = edits + 1, stealth = stealth + excluded.stealth;
"""
_SQLITE_REMOVE_EDIT = """
    UPDATE source_days SET edits = edits - 1,
        stealth = stealth - (instr(OLD.change_flags, '"stealth"') > 0)
    WHERE source_id = (SELECT source_id FROM articles WHERE id = OLD.article_id)
      AND day = substr(OLD.captured_at, 1, 10) AND NOT OLD.trivial AND OLD.number > 1;
"""
# The delay from the first version (seq 1) to the visible version 2, worked out again whenever
# either may have changed: an insert of version 1 or 2, or an import renumbering the history.
_SQLITE_FIRST_EDIT = (
    """
    UPDATE articles SET first_edit_delay = (
        SELECT """
    + _SQLITE_SECONDS.format(a="f.captured_at", b="s.captured_at")
    + """
        FROM versions f, versions s
        WHERE f.article_id = NEW.article_id AND f.seq = 1 AND f.number = 1
          AND s.article_id = NEW.article_id AND s.number = 2 AND NOT s.trivial)
    WHERE id = NEW.article_id {only};
"""
)
_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER articles_counted_insert AFTER INSERT ON articles BEGIN {_SQLITE_ADD} END",
    "CREATE TRIGGER articles_counted_update "
    "AFTER UPDATE OF status, version_count, last_change_at, source_id ON articles "
    "WHEN OLD.status IS NOT NEW.status OR OLD.version_count IS NOT NEW.version_count "
    "OR OLD.last_change_at IS NOT NEW.last_change_at OR OLD.source_id IS NOT NEW.source_id "
    f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
    f"CREATE TRIGGER articles_counted_delete AFTER DELETE ON articles BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER versions_counted_insert AFTER INSERT ON versions BEGIN "
    + _SQLITE_ADD_EDIT.format(v="NEW")
    + _SQLITE_FIRST_EDIT.format(only="AND NEW.number <= 2")
    + " END",
    # Versions change in place only when an archive import renumbers a history.
    "CREATE TRIGGER versions_counted_update "
    "AFTER UPDATE OF number, trivial, captured_at, change_flags ON versions BEGIN "
    + _SQLITE_REMOVE_EDIT
    + _SQLITE_ADD_EDIT.format(v="NEW")
    + _SQLITE_FIRST_EDIT.format(only="")
    + " END",
)

# ---- PostgreSQL -------------------------------------------------------------------------

_PG_COUNT_ARTICLE = """
CREATE FUNCTION copydesk_count_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
            AND OLD.version_count IS NOT DISTINCT FROM NEW.version_count
            AND OLD.last_change_at IS NOT DISTINCT FROM NEW.last_change_at
            AND OLD.source_id IS NOT DISTINCT FROM NEW.source_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE source_counts SET
            articles = articles - 1,
            active = active - (OLD.status = 'active')::int,
            versions = versions - OLD.version_count,
            changed = changed - (OLD.version_count > 1)::int,
            edits = edits - greatest(OLD.version_count - 1, 0)
        WHERE source_id = OLD.source_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO source_counts AS c
            (source_id, articles, active, versions, changed, edits, last_change_at)
        VALUES (NEW.source_id, 1, (NEW.status = 'active')::int, NEW.version_count,
                (NEW.version_count > 1)::int, greatest(NEW.version_count - 1, 0),
                NEW.last_change_at)
        ON CONFLICT (source_id) DO UPDATE SET
            articles = c.articles + 1,
            active = c.active + excluded.active,
            versions = c.versions + excluded.versions,
            changed = c.changed + excluded.changed,
            edits = c.edits + excluded.edits,
            last_change_at = greatest(c.last_change_at, excluded.last_change_at);
    END IF;
    RETURN NULL;
END $$
"""
_PG_COUNT_VERSION = """
CREATE FUNCTION copydesk_count_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delay double precision;
BEGIN
    IF TG_OP = 'UPDATE' AND NOT OLD.trivial AND OLD.number > 1 THEN
        UPDATE source_days SET
            edits = edits - 1,
            stealth = stealth - (OLD.change_flags::jsonb ? 'stealth')::int
        WHERE source_id = (SELECT source_id FROM articles WHERE id = OLD.article_id)
          AND day = (OLD.captured_at AT TIME ZONE 'UTC')::date;
    END IF;
    IF NOT NEW.trivial AND NEW.number > 1 THEN
        INSERT INTO source_days AS d (source_id, day, edits, stealth)
        SELECT a.source_id, (NEW.captured_at AT TIME ZONE 'UTC')::date, 1,
               (NEW.change_flags::jsonb ? 'stealth')::int
        FROM articles a WHERE a.id = NEW.article_id
        ON CONFLICT (source_id, day) DO UPDATE SET
            edits = d.edits + 1, stealth = d.stealth + excluded.stealth;
    END IF;
    IF TG_OP = 'UPDATE' OR NEW.number <= 2 THEN
        SELECT EXTRACT(EPOCH FROM s.captured_at - f.captured_at) INTO delay
        FROM versions f JOIN versions s ON s.article_id = f.article_id
        WHERE f.article_id = NEW.article_id AND f.seq = 1 AND f.number = 1
          AND s.number = 2 AND NOT s.trivial;
        UPDATE articles SET first_edit_delay = delay
        WHERE id = NEW.article_id AND first_edit_delay IS DISTINCT FROM delay;
    END IF;
    RETURN NULL;
END $$
"""
_PG_COUNTING = "current_setting('copydesk.counting', true) IS DISTINCT FROM 'off'"
_PG_TRIGGERS = (
    _PG_COUNT_ARTICLE,
    _PG_COUNT_VERSION,
    "CREATE CONSTRAINT TRIGGER articles_counted "
    "AFTER INSERT OR UPDATE OF status, version_count, last_change_at, source_id OR DELETE "
    "ON articles DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    f"WHEN ({_PG_COUNTING}) EXECUTE FUNCTION copydesk_count_article()",
    "CREATE CONSTRAINT TRIGGER versions_counted "
    "AFTER INSERT OR UPDATE OF number, trivial, captured_at, change_flags ON versions "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    f"WHEN ({_PG_COUNTING}) EXECUTE FUNCTION copydesk_count_version()",
)

# ---- what is already stored ---------------------------------------------------------------

_FILL_COUNTS = """
INSERT INTO source_counts (source_id, articles, active, versions, changed, edits, last_change_at)
SELECT source_id, count(*),
       sum(CASE WHEN status = 'active' THEN 1 ELSE 0 END),
       sum(version_count),
       sum(CASE WHEN version_count > 1 THEN 1 ELSE 0 END),
       sum(CASE WHEN version_count > 1 THEN version_count - 1 ELSE 0 END),
       max(last_change_at)
FROM articles GROUP BY source_id
"""
_FILL_DAYS = """
INSERT INTO source_days (source_id, day, edits, stealth)
SELECT a.source_id, {day}, count(*), sum(CASE WHEN {stealth} THEN 1 ELSE 0 END)
FROM versions v JOIN articles a ON a.id = v.article_id
WHERE NOT v.trivial AND v.number > 1
GROUP BY a.source_id, {day}
"""
_FILL_FIRST_EDITS = """
UPDATE articles SET first_edit_delay = {seconds}
FROM versions f, versions s
WHERE f.article_id = articles.id AND f.seq = 1 AND f.number = 1
  AND s.article_id = articles.id AND s.number = 2 AND NOT s.trivial
"""


def _tables() -> None:
    op.create_table(
        "source_counts",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("versions", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("edits", sa.Integer, nullable=False),
        sa.Column("last_change_at", _TS),
        sa.PrimaryKeyConstraint("source_id", name="pk_source_counts"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_source_counts_source_id_sources"
        ),
    )
    op.create_table(
        "source_days",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("edits", sa.Integer, nullable=False),
        sa.Column("stealth", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("source_id", "day", name="pk_source_days"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_source_days_source_id_sources"
        ),
    )
    op.add_column("articles", sa.Column("first_edit_delay", sa.Float))


def _indexes() -> None:
    failing = sa.text("consecutive_errors > 0")
    first_edit = sa.text("first_edit_delay IS NOT NULL")
    op.create_index(
        "ix_articles_source_id_last_checked_at", "articles", ["source_id", "last_checked_at"]
    )
    op.create_index(
        "ix_articles_failing",
        "articles",
        ["source_id"],
        sqlite_where=failing,
        postgresql_where=failing,
    )
    op.create_index(
        "ix_articles_first_edits",
        "articles",
        ["source_id", "id", "first_edit_delay"],
        sqlite_where=first_edit,
        postgresql_where=first_edit,
    )


def upgrade() -> None:
    _tables()
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(_FILL_COUNTS)
    if sqlite:
        op.execute(
            _FILL_DAYS.format(
                day="substr(v.captured_at, 1, 10)",
                stealth="instr(v.change_flags, '\"stealth\"') > 0",
            )
        )
        op.execute(
            _FILL_FIRST_EDITS.format(
                seconds=_SQLITE_SECONDS.format(a="f.captured_at", b="s.captured_at")
            )
        )
    else:
        op.execute(
            _FILL_DAYS.format(
                day="(v.captured_at AT TIME ZONE 'UTC')::date",
                stealth="v.change_flags::jsonb ? 'stealth'",
            )
        )
        op.execute(
            _FILL_FIRST_EDITS.format(seconds="EXTRACT(EPOCH FROM s.captured_at - f.captured_at)")
        )
    _indexes()
    for statement in _SQLITE_TRIGGERS if sqlite else _PG_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "articles_counted_insert",
            "articles_counted_update",
            "articles_counted_delete",
            "versions_counted_insert",
            "versions_counted_update",
        ):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER articles_counted ON articles")
        op.execute("DROP TRIGGER versions_counted ON versions")
        op.execute("DROP FUNCTION copydesk_count_article()")
        op.execute("DROP FUNCTION copydesk_count_version()")
    for index in ("ix_articles_first_edits", "ix_articles_failing"):
        op.drop_index(index, table_name="articles")
    op.drop_index("ix_articles_source_id_last_checked_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("first_edit_delay")
    op.drop_table("source_days")
    op.drop_table("source_counts")
