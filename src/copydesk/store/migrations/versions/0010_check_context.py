"""What a check needs on the article row, and totals of the pruned check log.

A check compares with the newest version's text hash and extractor and with the fingerprint of
the located article text, all on `articles`, so the claim that leases an article is the only read
a check needs. `last_seen_at` is the last check that saw the page (errors saw nothing).
`check_totals` keeps, per source and outcome, how many quiet checks `store.keep_checks` pruned
from `checks`, so counts and metrics never go down. `locators` are where each source's pages
keep the article text, as learned from full extractions (copydesk.extract.fast); one that
missed a change is marked and never used again. `host_turns` and `host_slots` are each host's
next allowed start, Retry-After pause and places in flight, shared by every worker; on
PostgreSQL `copydesk_take_turn` takes a turn in one call (copydesk.store.hosts).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_LOOKED = "('new-version', 'trivial', 'unchanged', 'not-modified')"
# One atomic turn at a host for a fleet of workers, on the database's clock: the place among
# p_slots (or NULL and when to look again), the wait before starting, or the pause left.
_TAKE_TURN = """
CREATE OR REPLACE FUNCTION copydesk_take_turn(
    p_host text, p_delay double precision, p_slots integer, p_hold double precision
) RETURNS TABLE (out_slot integer, out_wait double precision, out_paused double precision)
LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    turn record;
    free integer;
    soonest timestamptz;
    start timestamptz;
BEGIN
    INSERT INTO host_turns (host, next_at) VALUES (p_host, clock_timestamp())
        ON CONFLICT (host) DO NOTHING;
    SELECT * INTO turn FROM host_turns WHERE host = p_host FOR UPDATE;
    t := clock_timestamp();
    IF turn.paused_until IS NOT NULL AND turn.paused_until > t THEN
        RETURN QUERY SELECT NULL::integer, 0.0::double precision,
            extract(epoch FROM turn.paused_until - t)::double precision;
        RETURN;
    END IF;
    SELECT min(g) INTO free FROM generate_series(0, p_slots - 1) AS g
        WHERE NOT EXISTS (SELECT 1 FROM host_slots s
                          WHERE s.host = p_host AND s.slot = g AND s.busy_until > t);
    IF free IS NULL THEN
        SELECT min(s.busy_until) INTO soonest FROM host_slots s
            WHERE s.host = p_host AND s.slot < p_slots;
        RETURN QUERY SELECT NULL::integer,
            greatest(0.01, least(1.0, extract(epoch FROM soonest - t)))::double precision,
            NULL::double precision;
        RETURN;
    END IF;
    start := greatest(t, coalesce(turn.next_at, t));
    UPDATE host_turns SET next_at = start + make_interval(secs => p_delay) WHERE host = p_host;
    INSERT INTO host_slots (host, slot, busy_until)
        VALUES (p_host, free, start + make_interval(secs => p_hold))
        ON CONFLICT (host, slot) DO UPDATE SET busy_until = EXCLUDED.busy_until;
    RETURN QUERY SELECT free, extract(epoch FROM start - t)::double precision,
        NULL::double precision;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(64)))
        batch.add_column(sa.Column("extractor", sa.Text))
        batch.add_column(sa.Column("fast_hash", sa.String(64)))
        batch.add_column(sa.Column("fast_checks", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_seen_at", _TS))
    op.execute(
        "UPDATE articles SET "
        "content_hash = (SELECT v.content_hash FROM versions v WHERE v.article_id = articles.id "
        "ORDER BY v.seq DESC LIMIT 1), "
        "extractor = (SELECT v.extractor FROM versions v WHERE v.article_id = articles.id "
        "ORDER BY v.seq DESC LIMIT 1), "
        "last_seen_at = (SELECT max(c.checked_at) FROM checks c WHERE c.article_id = articles.id "
        f"AND c.outcome IN {_LOOKED})"
    )
    op.create_table(
        "check_totals",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("source_id", "outcome", name="pk_check_totals"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_check_totals_source_id_sources"
        ),
    )

    op.create_table(
        "locators",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(16), nullable=False),
        sa.Column("selector", sa.Text, nullable=False),
        sa.Column("skip", sa.JSON, nullable=False),
        sa.Column("misses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("source_id", "digest", name="pk_locators"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_locators_source_id_sources"
        ),
    )

    op.create_table(
        "host_turns",
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("next_at", _TS),
        sa.Column("paused_until", _TS),
        sa.PrimaryKeyConstraint("host", name="pk_host_turns"),
    )
    op.create_table(
        "host_slots",
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("slot", sa.Integer, nullable=False),
        sa.Column("busy_until", _TS, nullable=False),
        sa.PrimaryKeyConstraint("host", "slot", name="pk_host_slots"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql(_TAKE_TURN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql(
            "DROP FUNCTION IF EXISTS "
            "copydesk_take_turn(text, double precision, integer, double precision)"
        )
    op.drop_table("host_slots")
    op.drop_table("host_turns")
    op.drop_table("locators")
    op.drop_table("check_totals")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("last_seen_at")
        batch.drop_column("fast_checks")
        batch.drop_column("fast_hash")
        batch.drop_column("extractor")
        batch.drop_column("content_hash")
