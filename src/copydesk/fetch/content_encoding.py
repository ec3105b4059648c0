"""Content-Encoding decoders that never inflate more than a small piece at a time.

httpx's own decoders inflate each network chunk in one call, so a 64 KB gzip chunk can
become ~64 MB and a few KB of brotli can become gigabytes before any size cap is checked.
These decoders take a `limit` per output piece, so the caller's cap stops a bomb early.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli

PIECE_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class DecodingError(ValueError):
    """The body does not match its Content-Encoding, or uses one copydesk cannot read."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield decoded pieces of at most PIECE_BYTES for one raw chunk."""
        ...

    def flush(self) -> Iterator[bytes]:
        """Yield whatever is left once the raw stream has ended."""
        ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), PIECE_BYTES):
            yield data[start : start + PIECE_BYTES]

    def flush(self) -> Iterator[bytes]:
        yield from ()


class _Zlib:
    """gzip (all members) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            if self._gzip or self._started:
                raise DecodingError(f"bad compressed body: {exc}") from exc
            # deflate without the zlib header: what httpx and browsers also accept
            self._wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(self._wbits)
            yield from self.feed(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while data:
            piece = self._inflater.decompress(data, PIECE_BYTES)
            self._started = self._started or bool(piece)
            if piece:
                yield piece
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                data = self._inflater.unused_data  # also still in unconsumed_tail
                if not self._gzip or not data.lstrip(b"\0"):
                    return  # trailing garbage after a deflate stream, or gzip padding
                self._inflater = zlib.decompressobj(self._wbits)  # next gzip member

    def flush(self) -> Iterator[bytes]:
        piece = self._inflater.flush(PIECE_BYTES)
        if piece:
            yield piece


class _Brotli:
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        # brotli keeps input buffered and hands out at most ~limit bytes per call, so keep
        # asking with empty input until it stops producing (or says it wants more input).
        try:
            piece: bytes = self._inflater.process(data, output_buffer_limit=PIECE_BYTES)
            while piece or not self._inflater.can_accept_more_data():
                if piece:
                    yield piece
                if self._inflater.is_finished():
                    return
                piece = self._inflater.process(b"", output_buffer_limit=PIECE_BYTES)
        except brotli.error as exc:
            raise DecodingError(f"bad brotli body: {exc}") from exc

    def flush(self) -> Iterator[bytes]:
        yield from ()


class _Chain:
    """Several encodings: the outermost (last applied, last in the header) decodes first."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._pipe(0, self._decoders[0].feed(data))

    def flush(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._pipe(index, decoder.flush())

    def _pipe(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        """Pass what decoder `index` produced through the decoders after it, piece by piece."""
        if index + 1 == len(self._decoders):
            yield from pieces
            return
        following = self._decoders[index + 1]
        for piece in pieces:
            yield from self._pipe(index + 1, following.feed(piece))


def _make(token: str) -> Decoder | None:
    if token in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if token == "deflate":
        return _Zlib(gzip=False)
    if token == "br":
        return _Brotli()
    if token in ("zstd", "compress", "x-compress"):  # never asked for in Accept-Encoding
        raise DecodingError(f"unsupported Content-Encoding: {token}")
    return None


def decoder_for(content_encoding: str | None) -> Decoder:
    """A decoder for a Content-Encoding header value; unknown tokens are ignored, as in httpx.

    Raises:
        DecodingError: for a compression copydesk did not ask for and cannot bound.
    """
    tokens = [t.strip().lower() for t in (content_encoding or "").split(",") if t.strip()]
    decoders = [d for d in (_make(t) for t in reversed(tokens)) if d is not None]
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)
