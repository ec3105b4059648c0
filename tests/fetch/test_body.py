"""Body size cap and content decoding: a compression bomb is cut off early."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import brotli
import httpx
import pytest

from copydesk.errors import BodyTooLargeError
from copydesk.fetch.content_encoding import PIECE_BYTES, DecodingError, decoder_for
from tests.support.fetching import RawStream, quick_settings

MB = 1024 * 1024


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """200 MB of zeros, gzipped as it streams (about 200 KB), never held inflated."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MB)
    parts = [compressor.compress(block) for _ in range(200)]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.mark.parametrize("chunk", [None, 64 * 1024], ids=["one-chunk", "64k-chunks"])
async def test_gzip_bomb_is_cut_off_with_little_memory(make_fetcher, gzip_bomb, chunk):
    assert len(gzip_bomb) < 1 * MB
    chunks = (
        [gzip_bomb]
        if chunk is None
        else [gzip_bomb[i : i + chunk] for i in range(0, len(gzip_bomb), chunk)]
    )
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, stream=RawStream(*chunks), headers={"Content-Encoding": "gzip"})

    fetcher = make_fetcher(handler)  # default cap: 10 MB
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLargeError):
            await fetcher.fetch("https://news.example/bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(seen) == 1
    assert peak < 50 * MB


async def test_brotli_bomb_is_cut_off(make_fetcher):
    bomb = brotli.compress(bytes(20 * MB), quality=1)
    assert len(bomb) < 100 * 1024
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200, stream=RawStream(bomb), headers={"Content-Encoding": "br"}
        ),
        quick_settings(max_body_bytes=MB),
    )
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLargeError):
            await fetcher.fetch("https://news.example/bomb.br")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * MB


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, no zlib header
        ("br", brotli.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
        ("x-unknown", lambda data: data),  # ignored, as httpx does
    ],
)
async def test_encoded_bodies_are_decoded(make_fetcher, encoding, compress):
    html = ("<p>Paragraph with ünïcode.</p>\n" * 5000).encode()
    encoded = compress(html)
    chunks = [encoded[i : i + 1000] for i in range(0, len(encoded), 1000)]
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200,
            stream=RawStream(*chunks),
            headers={"Content-Encoding": encoding, "Content-Type": "text/html; charset=utf-8"},
        )
    )
    page = await fetcher.fetch("https://news.example/story")
    assert page.body == html
    assert page.text == html.decode()


async def test_cap_is_inclusive(make_fetcher):
    def handler(request):
        size = int(request.url.path.strip("/"))
        return httpx.Response(200, stream=RawStream(b"a" * size))

    fetcher = make_fetcher(handler, quick_settings(max_body_bytes=1000))
    assert len((await fetcher.fetch("https://news.example/1000")).body) == 1000
    with pytest.raises(BodyTooLargeError):
        await fetcher.fetch("https://news.example/1001")


async def test_cap_applies_to_in_memory_responses(make_fetcher):
    fetcher = make_fetcher(
        lambda request: httpx.Response(200, content=b"x" * 2000),
        quick_settings(max_body_bytes=1000),
    )
    with pytest.raises(BodyTooLargeError):
        await fetcher.fetch("https://news.example/big")


def test_decoder_pieces_stay_small():
    decoder = decoder_for("gzip")
    pieces = list(decoder.feed(gzip.compress(bytes(5 * MB))))
    assert sum(len(p) for p in pieces) == 5 * MB
    assert max(len(p) for p in pieces) <= PIECE_BYTES


def test_multi_member_gzip_is_read_whole():
    decoder = decoder_for("gzip")
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert b"".join([*decoder.feed(data), *decoder.flush()]) == b"first second"


@pytest.mark.parametrize("encoding", ["zstd", "compress", "gzip, zstd"])
def test_unbounded_encodings_are_refused(encoding):
    with pytest.raises(DecodingError):
        decoder_for(encoding)


class _NeverRead(httpx.AsyncByteStream):
    async def __aiter__(self):
        raise AssertionError("the body of a page declared over the cap must not be read")
        yield b""  # pragma: no cover


async def test_a_declared_length_over_the_cap_is_refused_at_the_headers(make_fetcher):
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200,
            stream=_NeverRead(),
            headers={"Content-Type": "text/html", "Content-Length": str(50 * MB)},
        )
    )
    with pytest.raises(BodyTooLargeError, match=f"declares {50 * MB} bytes"):
        await fetcher.fetch("https://news.example/huge")


async def test_a_compressed_body_is_judged_by_what_it_inflates_to(make_fetcher):
    page = b"<p>" + b"x" * 2 * MB + b"</p>"
    packed = gzip.compress(page)
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200,
            stream=RawStream(packed),
            headers={"Content-Encoding": "gzip", "Content-Length": str(len(packed))},
        ),
        quick_settings(max_body_bytes=3 * MB),
    )
    assert (await fetcher.fetch("https://news.example/packed")).body == page
