"""Query-string parsing shared by pages, feeds and the API; bad input is a 400, never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request

from copydesk.records import ChangeCursor

KINDS = ("substantive", "minor", "new", "all", "gone", "moved", "restored", "events")
EVENT_KINDS = {"gone": ("gone",), "moved": ("moved",), "restored": ("restored",), "events": None}
MAX_QUERY = 500
MAX_ID = 2**63 - 1  # the database's integer range
_MAX_MICROS = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z, in microseconds


def ascii_digits(raw: str, *, max_digits: int = 18) -> bool:
    """Only 0-9, and not too many: str.isdigit also takes ², ٣ and ３ (int() reads ٣ as 3)."""
    return 0 < len(raw) <= max_digits and raw.isascii() and raw.isdigit()


# Every cursor this pattern matches is accepted (encode_cursor writes them so); OpenAPI says so.
CURSOR_PATTERN = r"^[0-9]{1,17}\.[0-9]{1,18}$"
MAX_INT_QUERY = 999_999_999_999  # int_query takes up to 12 digits


def encode_cursor(cursor: ChangeCursor | None) -> str | None:
    """`<microseconds since epoch>.<version id>`: opaque to readers, stable in URLs."""
    if cursor is None:
        return None
    micros = round(cursor.captured_at.timestamp() * 1_000_000)
    return f"{micros}.{cursor.version_id}"


def decode_cursor(raw: str | None) -> ChangeCursor | None:
    if not raw:
        return None
    micros, _, version_id = raw.partition(".")
    if not (ascii_digits(micros) and ascii_digits(version_id)):
        raise HTTPException(400, "bad 'before' cursor")
    if int(micros) > _MAX_MICROS or int(version_id) > MAX_ID:
        raise HTTPException(400, "bad 'before' cursor")
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
    return ChangeCursor(captured_at=moment, version_id=int(version_id))


def text_param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_QUERY:
        raise HTTPException(400, f"'{name}' is too long")
    return value or None


def kind_param(request: Request) -> str | None:
    kind = text_param(request, "kind")
    if kind is not None and kind not in KINDS:
        raise HTTPException(400, f"'kind' must be one of {', '.join(KINDS)}")
    return kind


def int_query(request: Request, name: str) -> int | None:
    raw = text_param(request, name)
    if raw is None:
        return None
    if not ascii_digits(raw, max_digits=12):
        raise HTTPException(400, f"'{name}' must be a positive integer")
    return int(raw)


def date_param(request: Request, name: str) -> date | None:
    raw = text_param(request, name)
    if raw is None:
        return None
    try:
        if not raw.isascii():  # fromisoformat reads some non-ASCII digits
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise HTTPException(400, f"'{name}' must be a date like 2026-01-31") from exc


def day_start(day: date | None, *, after: bool = False) -> datetime | None:
    """Midnight UTC at the start of `day`, or of the next day when `after` (an inclusive end)."""
    if day is None:
        return None
    if after and day == date.max:
        return None  # "until 9999-12-31" has no end to speak of
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1 if after else 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchQuery:
    q: str
    source: str | None
    since: date | None
    until: date | None
    before: int | None


def search_query(request: Request) -> SearchQuery:
    return SearchQuery(
        q=text_param(request, "q") or "",
        source=text_param(request, "source"),
        since=date_param(request, "since"),
        until=date_param(request, "until"),
        before=int_query(request, "before"),
    )
