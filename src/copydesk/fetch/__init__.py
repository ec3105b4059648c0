"""Fetch stage: polite, SSRF-guarded HTTP GETs that return records.Page."""

from __future__ import annotations

from copydesk.charset import decode_body
from copydesk.fetch.fetcher import Fetcher
from copydesk.fetch.guard import Resolver, check_url_allowed, is_public_address, system_resolver
from copydesk.fetch.politeness import SharedTurns
from copydesk.fetch.robots import RobotsCache, robots_url

__all__ = [
    "Fetcher",
    "Resolver",
    "RobotsCache",
    "SharedTurns",
    "check_url_allowed",
    "decode_body",
    "is_public_address",
    "robots_url",
    "system_resolver",
]
