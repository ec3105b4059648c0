"""SQLAlchemy Core tables; the one place that says how records are laid out in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# Fixed constraint names keep future Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite forgets tzinfo, so it is added back here only."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime given to the store: {value.isoformat()}")
        value = value.astimezone(UTC)
        # SQLite stores text: drop the offset so every value sorts and compares as UTC text.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"not a datetime from the database: {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
_FAILING = sa.text("consecutive_errors > 0")
_FIRST_EDIT = sa.text("first_edit_delay IS NOT NULL")

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("include", sa.JSON, nullable=False),
    sa.Column("exclude", sa.JSON, nullable=False),
    sa.Column("extract_keep", sa.JSON, nullable=False),
    sa.Column("extract_drop", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

endpoints = sa.Table(
    "endpoints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("next_poll_at", UTCDateTime, index=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_polled_at", UTCDateTime),
    sa.Column("consecutive_errors", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("last_ok_at", UTCDateTime),  # last poll that gave a listing (200 or 304)
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_checked_at", UTCDateTime),
    sa.Column("last_change_at", UTCDateTime),
    sa.Column("next_check_at", UTCDateTime, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("hidden_reason", sa.Text),
    sa.Column("consecutive_errors", sa.Integer, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("version_count", sa.Integer, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("hint_at", UTCDateTime),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("listed_at", UTCDateTime),  # last successful poll of a feed/sitemap/page listing it
    sa.Column("listed_rank", sa.Integer),  # its place on a front page at that poll
    sa.Column("gone_at", UTCDateTime),  # confirmed gone since then (None: it answers)
    # Seconds from the first version to the first visible edit; set by a trigger (0008).
    sa.Column("first_edit_delay", sa.Float),
    # What a check compares with (records.TrackedArticle), kept here so a claim is its one read.
    sa.Column("content_hash", sa.String(64)),  # newest version's text hash, trivial or not
    sa.Column("extractor", sa.Text),  # newest version's extractor
    sa.Column("fast_hash", sa.String(64)),  # located article text's fingerprint, last check
    sa.Column("fast_checks", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_seen_at", UTCDateTime),  # last check that saw the page (not an error)
    sa.Index("ix_articles_source_id_listed_at", "source_id", "listed_at"),
    sa.Index("ix_articles_source_id_last_checked_at", "source_id", "last_checked_at"),
    # Partial indexes: their WHERE is kept in `info`, as migration 0008 creates them with it.
    # As `sqlite_where=`/`postgresql_where=` it would make this import load both SQL dialects,
    # PostgreSQL's ~50 ms, on every command (Alembic's compare does not read index conditions).
    sa.Index("ix_articles_failing", "source_id", info={"where": _FAILING}),
    sa.Index(
        "ix_articles_first_edits",
        "source_id",
        "id",
        "first_edit_delay",
        info={"where": _FIRST_EDIT},
    ),
)

# Per-source figures kept by database triggers on articles and versions (migration 0008), so
# pages read a row instead of scanning every article or version. Never written from Python,
# except by a bulk load that turns the triggers off for its transaction.
source_counts = sa.Table(
    "source_counts",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("active", sa.Integer, nullable=False),  # status active
    sa.Column("versions", sa.Integer, nullable=False),  # visible versions
    sa.Column("changed", sa.Integer, nullable=False),  # articles with more than one
    sa.Column("edits", sa.Integer, nullable=False),  # visible versions after the first
    sa.Column("last_change_at", UTCDateTime),
)

# Visible edits (versions after the first) and stealth edits per source and UTC day.
source_days = sa.Table(
    "source_days",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("edits", sa.Integer, nullable=False),
    sa.Column("stealth", sa.Integer, nullable=False),
)

# What one source's checks have taught the schedule policy (records.SourceEditStats), summed
# over every worker: each adds its delta element-wise, in one transaction.
source_stats = sa.Table(
    "source_stats",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("edges", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("exposure", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("byline", sa.Text),
    sa.Column("published_at", sa.Text),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("content_blob", sa.String(64), sa.ForeignKey("blobs.hash"), nullable=False),
    sa.Column("html_blob", sa.String(64), sa.ForeignKey("blobs.hash")),
    sa.Column("trivial", sa.Boolean, nullable=False),
    sa.Column("extractor", sa.Text, nullable=False),
    sa.Column("change_kind", sa.String(20)),
    sa.Column("change_flags", sa.JSON, nullable=False),
    # Evidence (records.Provenance): where the raw capture came from and lives outside the DB.
    sa.Column("content_type", sa.Text),
    sa.Column("origin", sa.String(20)),  # None: a fetch (before provenance was kept)
    sa.Column("origin_file", sa.Text),
    sa.Column("origin_record", sa.Text),
    sa.Column("memento_url", sa.Text),
    # The article's source, copied by a trigger on insert (migration 0009): a source's changes
    # and search hits are read newest first from one index, however small the source.
    sa.Column("source_id", sa.Integer),
    sa.UniqueConstraint("article_id", "seq"),
    sa.Index("ix_versions_article_id_number", "article_id", "number"),
    sa.Index("ix_versions_content_hash", "content_hash"),
    sa.Index("ix_versions_source_id_captured_at_id", "source_id", "captured_at", "id"),
    # An article's visible versions before a moment, read from the index alone (a report on a
    # past period counts the articles that went on changing after it this way; migration 0014).
    sa.Index(
        "ix_versions_article_id_captured_at", "article_id", "trivial", "captured_at", "number"
    ),
    # ix_versions_report (migration 0013) covered the insight report's queries before the
    # rollups (0014); it is made per dialect (PostgreSQL cannot key a json column, so it
    # INCLUDEs the class and flags).
)

# The insight report's rollups (store/rollups.py, migration 0014), written with each version.
# Per article: first, second and last visible capture, visible versions, delays in whole
# microseconds, the first headline flip-flop's capture.
# The columns of report_articles' indexes read in value order (reports._Scope).
REPORT_ORDERS = {
    "first_delay": ("first_delay", "first_at", "last_at", "versions"),
    "last_delay": ("last_delay", "first_at", "last_at", "versions"),
    "source_first_delay": ("source_id", "first_delay", "first_at", "last_at", "versions"),
    "source_last_delay": ("source_id", "last_delay", "first_at", "last_at", "versions"),
    "versions": ("versions", "article_id", "source_id", "first_at", "last_at"),
}
report_articles = sa.Table(
    "report_articles",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("source_id", sa.Integer, nullable=False),
    sa.Column("first_at", UTCDateTime, nullable=False),
    sa.Column("second_at", UTCDateTime),
    sa.Column("last_at", UTCDateTime, nullable=False),
    sa.Column("versions", sa.Integer, nullable=False),
    sa.Column("first_delay", sa.BigInteger),
    sa.Column("last_delay", sa.BigInteger, nullable=False),
    sa.Column("flipflop_at", UTCDateTime),
    # A report reads one range of this index per source (the cohort of its period).
    sa.Index(
        "ix_report_articles_cohort",
        "source_id",
        "first_at",
        "last_at",
        "versions",
        "first_delay",
        "last_delay",
        "flipflop_at",
        "article_id",
    ),
    # A report's median and p90 are read by rank, in delay order (reports._Scope): over all
    # sources, and per source; its bins of versions and most edited articles in versions order.
    *(sa.Index(f"ix_report_articles_{name}", *columns) for name, columns in REPORT_ORDERS.items()),
)

# Changes per source x UTC day of the change x hour of the article's first capture (both
# counted from the Unix epoch), by hour of day (h00..h23), class, flag and flip-flop. Each row
# holds the sums over its first_hour and every later one (a suffix sum), so the changes of the
# articles first captured from any hour on are one row per source and day. Clustered by its key
# on SQLite.
REPORT_DAY_COUNTS = (
    *(f"h{hour:02d}" for hour in range(24)),
    "substantive",
    "minor",
    "headline",
    "byline",
    "numbers",
    "quote",
    "paragraphs_added",
    "paragraphs_removed",
    "correction_note",
    "stealth",
    "flipflops",
)
report_days = sa.Table(
    "report_days",
    metadata,
    sa.Column("source_id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Integer, primary_key=True),
    sa.Column("first_hour", sa.Integer, primary_key=True),
    *(sa.Column(name, sa.Integer, nullable=False) for name in REPORT_DAY_COUNTS),
    # The key alone, narrow: a report finds each day's row by scanning this, not the sums.
    sa.Index("ix_report_days_key", "source_id", "day", "first_hour"),
    sqlite_with_rowid=False,
)

# The change-log excerpt of a visible version (records.Excerpt as JSON, store.excerpts).
version_excerpts = sa.Table(
    "version_excerpts",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("excerpt", sa.JSON, nullable=False),
)

# Quiet checks pruned from `checks` after store.keep_checks, counted per source and outcome.
check_totals = sa.Table(
    "check_totals",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("outcome", sa.String(20), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# Where a source's pages keep the article text (records.Locator), learned from full extractions.
locators = sa.Table(
    "locators",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("digest", sa.String(16), primary_key=True),
    sa.Column("selector", sa.Text, nullable=False),
    sa.Column("skip", sa.JSON, nullable=False),
    sa.Column("misses", sa.Integer, nullable=False, server_default="0"),  # >0: never used again
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# Each host's turns, shared by every worker (fetch.politeness.SharedTurns, store.hosts).
host_turns = sa.Table(
    "host_turns",
    metadata,
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("next_at", UTCDateTime),  # no request may start before this
    sa.Column("paused_until", UTCDateTime),  # a 429's Retry-After, for the whole fleet
    # When the fleet's last request was answered; ahead of now while one is in flight (0011)
    sa.Column("last_sent", UTCDateTime),
)

host_slots = sa.Table(
    "host_slots",
    metadata,
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True),  # 0 .. per_host_concurrency - 1
    sa.Column("busy_until", UTCDateTime, nullable=False),  # held until given back, or this
)

checks = sa.Table(
    "checks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("checked_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.Integer),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("html_hash", sa.String(64)),
    sa.Column("elapsed", sa.Float, nullable=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id")),
    sa.Column("capture_id", sa.String(64)),  # urn:uuid named in the WARC metadata record
    sa.Index("ix_checks_article_id_checked_at", "article_id", "checked_at"),
    sa.Index("ix_checks_checked_at", "checked_at"),  # the fetch budget counts the last hour
)

# Lifecycle events (records.LifecycleEvent): gone, restored, moved; part of the record.
article_events = sa.Table(
    "article_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("new_url", sa.Text),
    sa.Column("status", sa.Integer),
    sa.Index("ix_article_events_article_id_at", "article_id", "at"),
    sa.Index("ix_article_events_at_id", "at", "id"),
)

# Every address an article has had; a listing that names an old one finds the article.
article_urls = sa.Table(
    "article_urls",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
    sa.Column("until", UTCDateTime, nullable=False),  # when the article left this address
)

# The notification outbox: one row per notice, written in the check's transaction ...
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.String(200), nullable=False, unique=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("notice", sa.JSON, nullable=False),
)

# ... and one row per (notice, target), marked sent, retried or failed on its own.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.id"), nullable=False),
    sa.Column("target_key", sa.String(64), nullable=False),
    sa.Column("target_label", sa.Text, nullable=False),
    sa.Column("card", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", UTCDateTime),
    sa.UniqueConstraint("outbox_id", "target_key"),
    sa.Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
)

# Captures taken in by `copydesk import`, keyed by what they are (URL, time, payload hash), so a
# second import of the same file, or of the same capture found elsewhere, adds nothing.
imported_captures = sa.Table(
    "imported_captures",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("origin_file", sa.Text),
    sa.Column("origin_record", sa.Text),
    sa.Column("imported_at", UTCDateTime, nullable=False),
)

# Save Page Now requests for new versions: written with the version, done in the background.
wayback_saves = sa.Table(
    "wayback_saves",
    metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, index=True),  # None: done or given up
    sa.Column("last_error", sa.Text),
    sa.Column("saved_at", UTCDateTime),
)
