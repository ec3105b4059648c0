"""The Wayback CDX protocol, without I/O: query URLs in, capture lists and memento URLs out.

Two servers speak it with different JSON: the Internet Archive answers `output=json` with an
array of arrays (a header row first, and with `showResumeKey` an empty row then the resume
key); pywb answers with one JSON object per line. Both are read here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from copydesk.errors import ArchiveError

_TIMESTAMP = re.compile(r"^\d{4,14}$")
_MEMENTO = re.compile(r"/web/(\d{14})(?:id_)?/(.+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class CdxCapture:
    """One line of a CDX answer."""

    timestamp: str  # 14 digits, UTC
    url: str  # the original URL
    status: str
    mime: str
    digest: str

    @property
    def captured_at(self) -> datetime:
        padded = (self.timestamp + "0" * 14)[:14]
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CdxPage:
    captures: tuple[CdxCapture, ...]
    resume_key: str | None  # more to ask for (Internet Archive pagination)


def cdx_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def cdx_query_url(
    endpoint: str,
    url: str,
    *,
    prefix: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    resume_key: str | None = None,
) -> str:
    """The CDX query for the captures of `url` (or every URL under it), one page at a time."""
    params: list[tuple[str, str]] = [("url", url), ("output", "json"), ("limit", str(limit))]
    params.append(("showResumeKey", "true"))
    if prefix:
        params.append(("matchType", "prefix"))
    if since is not None:
        params.append(("from", cdx_timestamp(since)))
    if until is not None:
        params.append(("to", cdx_timestamp(until)))
    if resume_key:
        params.append(("resumeKey", resume_key))
    joiner = "&" if "?" in endpoint else "?"
    return endpoint + joiner + urlencode(params)


def _row(fields: dict[str, str]) -> CdxCapture | None:
    timestamp = fields.get("timestamp", "")
    url = fields.get("original") or fields.get("url") or ""
    if not _TIMESTAMP.match(timestamp) or not url:
        return None
    return CdxCapture(
        timestamp=timestamp,
        url=url,
        status=fields.get("statuscode") or fields.get("status") or "-",
        mime=fields.get("mimetype") or fields.get("mime") or "",
        digest=fields.get("digest", ""),
    )


def _arrays(rows: list[object]) -> CdxPage:
    if not rows:
        return CdxPage((), None)
    header = [str(name) for name in rows[0]] if isinstance(rows[0], list) else []
    captures: list[CdxCapture] = []
    resume: str | None = None
    ended = False
    for row in rows[1:]:
        if not isinstance(row, list):
            continue
        if not row:
            ended = True  # an empty row: the resume key follows
            continue
        if ended:
            resume = str(row[0])
            continue
        found = _row(dict(zip(header, (str(v) for v in row), strict=False)))
        if found is not None:
            captures.append(found)
    return CdxPage(tuple(captures), resume)


def parse_cdx(body: str) -> CdxPage:
    """Read a CDX answer in either JSON shape.

    Raises:
        ArchiveError: the answer is not CDX JSON.
    """
    text = body.strip()
    if not text:
        return CdxPage((), None)
    try:
        if text.startswith("["):
            rows = json.loads(text)
            if not isinstance(rows, list):
                raise ArchiveError("CDX answer is not a list")
            return _arrays(rows)
        captures = []
        for line in text.splitlines():
            if line.strip():
                item = json.loads(line)
                if isinstance(item, dict):
                    found = _row({str(k): str(v) for k, v in item.items()})
                    if found is not None:
                        captures.append(found)
        return CdxPage(tuple(captures), None)
    except ValueError as exc:
        raise ArchiveError(f"not a CDX JSON answer: {exc}") from exc


def replay_url(base: str, capture: CdxCapture) -> str:
    """The capture's original bytes: `BASE/TIMESTAMPid_/URL`."""
    return f"{base}{capture.timestamp}id_/{capture.url}"


def memento_url(base: str, capture: CdxCapture) -> str:
    """The capture as people view it in the Wayback Machine."""
    return f"{base}{capture.timestamp}/{capture.url}"


def memento_of_save(final_url: str, headers: tuple[tuple[str, str], ...], base: str) -> str | None:
    """The memento a Save Page Now answer points to (final URL, Content-Location or Link).

    Only an http(s) URL in the Wayback Machine's form is taken: it is linked from pages.
    """
    found = _memento_in(final_url, headers, base)
    if found is None or not found.startswith(("http://", "https://")):
        return None
    return found if _MEMENTO.search(found) else None


def _memento_in(final_url: str, headers: tuple[tuple[str, str], ...], base: str) -> str | None:
    if _MEMENTO.search(final_url):
        return final_url
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-location" and _MEMENTO.search(value):
            return _absolute(value, base)
        if lowered == "link":
            for part in value.split(","):
                if 'rel="memento"' in part or "rel=memento" in part:
                    start, end = part.find("<"), part.find(">")
                    if 0 <= start < end:
                        return _absolute(part[start + 1 : end], base)
    return None


def _absolute(value: str, base: str) -> str:
    if value.startswith(("http://", "https://")):
        return value
    origin = re.match(r"^(https?://[^/]+)", base)
    return (origin.group(1) if origin else "") + "/" + value.lstrip("/")
