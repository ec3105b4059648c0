"""Per-host turns shared by every worker: the fleet-wide side of fetch.politeness.

`host_turns` holds each host's next allowed request start and any Retry-After pause;
`host_slots` its places in flight (`per_host_concurrency`), each held until given back or until
its hold runs out (a crashed worker's place frees itself). Taking a turn is one atomic step
under the host row's lock, on the database's own clock, so workers on machines whose clocks
disagree still keep the delay. On PostgreSQL the step is one call to a function (created by
migration 0010); elsewhere (SQLite, one machine) the same logic runs here under the write lock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from copydesk.records import HostTurn
from copydesk.store.database import Database
from copydesk.store.schema import host_slots, host_turns

_RETRY_SOON = (0.01, 1.0)  # seconds to wait when every place is taken: at least, at most
# migration 0010 creates copydesk_take_turn(host, delay, slots, hold) on PostgreSQL


def take_turn(
    db: Database, conn: Connection, host: str, *, delay: float, slots: int, hold: float
) -> HostTurn:
    """A place among the host's `slots` and the wait before starting, or why not now."""
    if db.dialect == "postgresql":
        row = conn.execute(
            sa.text("SELECT * FROM copydesk_take_turn(:host, :delay, :slots, :hold)"),
            {"host": host, "delay": delay, "slots": slots, "hold": hold},
        ).one()
        slot = None if row.out_slot is None else int(row.out_slot)
        paused = None if row.out_paused is None else float(row.out_paused)
        return HostTurn(slot=slot, wait=float(row.out_wait), paused=paused)
    return _take_turn_here(db, conn, host, delay=delay, slots=slots, hold=hold)


def _take_turn_here(
    db: Database, conn: Connection, host: str, *, delay: float, slots: int, hold: float
) -> HostTurn:
    """The same step in Python, for SQLite (the write transaction is the lock)."""
    now = datetime.now(UTC)
    conn.execute(db.insert_ignoring_conflicts(host_turns, [{"host": host}], keys=["host"]))
    turn = conn.execute(sa.select(host_turns).where(host_turns.c.host == host)).one()
    if turn.paused_until is not None and turn.paused_until > now:
        return HostTurn(slot=None, paused=(turn.paused_until - now).total_seconds())
    busy = {
        int(row.slot): row.busy_until
        for row in conn.execute(
            sa.select(host_slots.c.slot, host_slots.c.busy_until).where(
                host_slots.c.host == host, host_slots.c.busy_until > now
            )
        )
    }
    free = next((slot for slot in range(slots) if slot not in busy), None)
    if free is None:
        soonest = min(busy.values()) - now
        wait = min(max(soonest.total_seconds(), _RETRY_SOON[0]), _RETRY_SOON[1])
        return HostTurn(slot=None, wait=wait)
    start = max(now, turn.next_at or now)
    conn.execute(
        sa.update(host_turns)
        .where(host_turns.c.host == host)
        .values(next_at=start + timedelta(seconds=delay))
    )
    conn.execute(sa.delete(host_slots).where(host_slots.c.host == host, host_slots.c.slot == free))
    conn.execute(
        sa.insert(host_slots).values(
            host=host, slot=free, busy_until=start + timedelta(seconds=hold)
        )
    )
    return HostTurn(slot=free, wait=(start - now).total_seconds())


def end_turn(db: Database, conn: Connection, host: str, slot: int, *, sent: bool = False) -> None:
    """Give a place back: the host may be asked again (after its delay).

    `sent`: this turn's request went out (confirm_send said go) and its answer has come, so
    the host has certainly seen it by now: the fleet's next send waits `per_host_delay` from
    this moment (see confirm_send).
    """
    now: sa.ColumnElement[datetime] | datetime = (
        sa.func.clock_timestamp() if db.dialect == "postgresql" else datetime.now(UTC)
    )
    conn.execute(
        sa.update(host_slots)
        .where(host_slots.c.host == host, host_slots.c.slot == slot)
        .values(busy_until=now)
    )
    if sent:
        conn.execute(sa.update(host_turns).where(host_turns.c.host == host).values(last_sent=now))


def pause_host(db: Database, conn: Connection, host: str, seconds: float) -> None:
    """No worker starts a request to `host` for `seconds` (a longer pause already set stays)."""
    conn.execute(db.insert_ignoring_conflicts(host_turns, [{"host": host}], keys=["host"]))
    wait = timedelta(seconds=seconds)
    until: sa.ColumnElement[datetime]
    if db.dialect == "postgresql":
        until = sa.func.clock_timestamp() + wait
    else:
        until = sa.literal(datetime.now(UTC) + wait, type_=host_turns.c.paused_until.type)
    current = host_turns.c.paused_until
    conn.execute(
        sa.update(host_turns)
        .where(host_turns.c.host == host)
        .values(paused_until=sa.case((current > until, current), else_=until))
    )


def host_paused(db: Database, conn: Connection, host: str) -> float | None:
    """Seconds left of the host's Retry-After pause, or None when it may be asked."""
    now: sa.ColumnElement[datetime] = (
        sa.func.clock_timestamp()
        if db.dialect == "postgresql"
        else sa.literal(datetime.now(UTC), type_=host_turns.c.paused_until.type)
    )
    row = conn.execute(
        sa.select(host_turns.c.paused_until, now.label("now")).where(host_turns.c.host == host)
    ).first()
    if row is None or row.paused_until is None or row.paused_until <= row.now:
        return None
    return float((row.paused_until - row.now).total_seconds())


def confirm_send(
    db: Database, conn: Connection, host: str, *, delay: float, hold: float
) -> HostTurn:
    """Right before a request goes out: may it, `delay` after the fleet's last request?

    Starts are reserved apart, but the moment a request reaches the host is not the moment
    it was allowed: a worker that wakes late (a loaded machine, a slow thread hand-off, a
    connection still to be opened) would arrive close behind the next one. So the send is
    claimed as a whole: `last_sent` is held `hold` seconds ahead while the request is in
    flight, and end_turn(sent=True) sets it when the answer has come, when the host has
    certainly seen the request. The next send goes `delay` after that: the host's own log can
    never show two requests closer than the delay. `slot` 0 means go, None means wait `wait`
    seconds and ask again, or `paused`.
    """
    gap = timedelta(seconds=delay)
    kind = host_turns.c.last_sent.type
    now: sa.ColumnElement[datetime]
    if db.dialect == "postgresql":
        now = sa.func.clock_timestamp()
        since: sa.ColumnElement[datetime] = now - gap
        held: sa.ColumnElement[datetime] = now + timedelta(seconds=hold)
    else:  # SQLite stores times as text: no arithmetic in SQL
        moment = datetime.now(UTC)
        now, since = sa.literal(moment, type_=kind), sa.literal(moment - gap, type_=kind)
        held = sa.literal(moment + timedelta(seconds=hold), type_=kind)
    sent = host_turns.c.last_sent
    paused = host_turns.c.paused_until
    done = conn.execute(
        sa.update(host_turns)
        .where(
            host_turns.c.host == host,
            sa.or_(sent.is_(None), sent <= since),
            sa.or_(paused.is_(None), paused <= now),
        )
        .values(last_sent=held)
    )
    if done.rowcount:
        return HostTurn(slot=0)
    row = conn.execute(
        sa.select(sent, paused, now.label("now")).where(host_turns.c.host == host)
    ).first()
    if row is None:  # no turn was ever taken here (cannot happen after take_turn): go
        return HostTurn(slot=0)
    if row.paused_until is not None and row.paused_until > row.now:
        return HostTurn(slot=None, paused=(row.paused_until - row.now).total_seconds())
    if row.last_sent is not None and row.last_sent > row.now:
        wait = delay  # another request is in flight: at least the delay after its answer
    else:
        wait = (row.last_sent + gap - row.now).total_seconds() if row.last_sent else 0.0
    return HostTurn(slot=None, wait=min(max(wait, 0.001), _RETRY_SOON[1]))
