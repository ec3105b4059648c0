"""Initial schema: sources, endpoints, articles, blobs, versions, checks.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _sources() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("include", sa.JSON, nullable=False),
        sa.Column("exclude", sa.JSON, nullable=False),
        sa.Column("extract_keep", sa.JSON, nullable=False),
        sa.Column("extract_drop", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )


def _endpoints() -> None:
    op.create_table(
        "endpoints",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("next_poll_at", _TS),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_polled_at", _TS),
        sa.Column("consecutive_errors", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_endpoints"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_endpoints_source_id_sources"
        ),
        sa.UniqueConstraint("url", name="uq_endpoints_url"),
    )
    op.create_index("ix_endpoints_source_id", "endpoints", ["source_id"])
    op.create_index("ix_endpoints_next_poll_at", "endpoints", ["next_poll_at"])


def _articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("last_checked_at", _TS),
        sa.Column("last_change_at", _TS),
        sa.Column("next_check_at", _TS),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("hidden_reason", sa.Text),
        sa.Column("consecutive_errors", sa.Integer, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("version_count", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("hint_at", _TS),
        sa.Column("lease_until", _TS),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_articles_source_id_sources"
        ),
        sa.UniqueConstraint("url", name="uq_articles_url"),
    )
    op.create_index("ix_articles_source_id", "articles", ["source_id"])
    op.create_index("ix_articles_next_check_at", "articles", ["next_check_at"])


def _blobs() -> None:
    op.create_table(
        "blobs",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("hash", name="pk_blobs"),
    )


def _versions() -> None:
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("captured_at", _TS, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("byline", sa.Text),
        sa.Column("published_at", sa.Text),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("content_blob", sa.String(64), nullable=False),
        sa.Column("html_blob", sa.String(64)),
        sa.Column("trivial", sa.Boolean, nullable=False),
        sa.Column("extractor", sa.Text, nullable=False),
        sa.Column("change_kind", sa.String(20)),
        sa.Column("change_flags", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_versions_article_id_articles"
        ),
        sa.ForeignKeyConstraint(
            ["content_blob"], ["blobs.hash"], name="fk_versions_content_blob_blobs"
        ),
        sa.ForeignKeyConstraint(["html_blob"], ["blobs.hash"], name="fk_versions_html_blob_blobs"),
        sa.UniqueConstraint("article_id", "seq", name="uq_versions_article_id_seq"),
    )
    op.create_index("ix_versions_article_id_number", "versions", ["article_id", "number"])


def _checks() -> None:
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("checked_at", _TS, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("html_hash", sa.String(64)),
        sa.Column("elapsed", sa.Float, nullable=False),
        sa.Column("version_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_checks"),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_checks_article_id_articles"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_checks_version_id_versions"
        ),
    )
    op.create_index("ix_checks_article_id_checked_at", "checks", ["article_id", "checked_at"])


def upgrade() -> None:
    _sources()
    _endpoints()
    _articles()
    _blobs()
    _versions()
    _checks()


def downgrade() -> None:
    for table in ("checks", "versions", "blobs", "articles", "endpoints", "sources"):
        op.drop_table(table)
