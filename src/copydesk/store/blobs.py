"""Content-addressed blobs: zstd-compressed bytes keyed by the sha256 of the original."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
import zstandard
from sqlalchemy.engine import Connection

from copydesk.errors import StoreError
from copydesk.records import content_hash as content_hash  # one definition, in the kernel
from copydesk.store.database import Database
from copydesk.store.schema import blobs

LEVEL = 10  # article text and HTML compress ~5-10x here; higher levels buy little more


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=LEVEL).compress(data)


def decompress(data: bytes) -> bytes:
    try:
        return zstandard.ZstdDecompressor().decompress(data)
    except zstandard.ZstdError as exc:
        raise StoreError(f"corrupt blob: {exc}") from exc


def _canonical_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def encode_paragraphs(paragraphs: Sequence[str]) -> bytes:
    return _canonical_json({"paragraphs": list(paragraphs)})


def decode_paragraphs(payload: bytes) -> tuple[str, ...]:
    try:
        value = json.loads(decompress(payload))
        return tuple(str(p) for p in value["paragraphs"])
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"corrupt content blob: {exc}") from exc


def put_blob(db: Database, conn: Connection, data: bytes) -> str:
    """Store `data` once whatever how often it is put; returns its hash."""
    digest = sha256_hex(data)
    exists = conn.execute(sa.select(blobs.c.hash).where(blobs.c.hash == digest)).first()
    if exists is None:
        # ON CONFLICT: another worker may store the same bytes between our SELECT and INSERT.
        row = {"hash": digest, "data": compress(data), "size": len(data)}
        conn.execute(db.insert_ignoring_conflicts(blobs, [row], keys=["hash"]))
    return digest


def get_blob(conn: Connection, digest: str) -> bytes | None:
    data = conn.execute(sa.select(blobs.c.data).where(blobs.c.hash == digest)).scalar()
    return None if data is None else decompress(data)
