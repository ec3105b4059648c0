from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from copydesk.errors import (
    BlockedURLError,
    ConnectError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooManyRedirectsError,
)
from copydesk.fetch import Fetcher
from tests.support.fetching import RawStream, quick_settings

HTML = b"<html><head><title>Story</title></head><body><p>Words.</p></body></html>"


def _redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


async def test_page_fields_and_request_headers(make_fetcher, clock):
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(
            200,
            content=HTML,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "ETag": '"v1"',
                "Last-Modified": "Wed, 31 Dec 2025 10:00:00 GMT",
            },
        )

    settings = quick_settings(user_agent_contact="https://copydesk.example/about")
    page = await make_fetcher(handler, settings).fetch("https://news.example/story#comments")
    assert page.url == "https://news.example/story#comments"
    assert page.final_url == "https://news.example/story"
    assert (page.status, page.body, page.encoding) == (200, HTML, "utf-8")
    assert "<p>Words.</p>" in page.text
    assert page.content_type == "text/html; charset=utf-8"
    assert (page.etag, page.last_modified) == ('"v1"', "Wed, 31 Dec 2025 10:00:00 GMT")
    assert page.fetched_at == clock.now()
    assert page.not_modified is False
    headers = seen[0].headers
    assert headers["user-agent"] == settings.user_agent
    assert "copydesk.example/about" in headers["user-agent"]
    assert headers["accept-encoding"] == "gzip, deflate, br"
    assert "if-none-match" not in headers
    assert "if-modified-since" not in headers


async def test_conditional_get_sends_validators_and_maps_304(make_fetcher):
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(304, headers={"ETag": '"v1"'})

    page = await make_fetcher(handler).fetch(
        "https://news.example/story", etag='"v1"', last_modified="Wed, 31 Dec 2025 10:00:00 GMT"
    )
    assert seen[0].headers["if-none-match"] == '"v1"'
    assert seen[0].headers["if-modified-since"] == "Wed, 31 Dec 2025 10:00:00 GMT"
    assert page.not_modified is True
    assert page.status == 304
    assert (page.body, page.text) == (b"", "")
    assert page.etag == '"v1"'
    assert page.last_modified == "Wed, 31 Dec 2025 10:00:00 GMT"  # kept from the request


@pytest.mark.parametrize("status", [403, 404, 410, 429, 500, 503])
async def test_error_status_raises_with_status(make_fetcher, status):
    fetcher = make_fetcher(lambda request: httpx.Response(status, content=b"nope"))
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch("https://news.example/story")
    assert info.value.status == status


async def test_relative_redirect_is_followed(make_fetcher):
    def handler(request):
        if request.url.path == "/a/old":
            return _redirect("../new/story?x=1", 301)
        return httpx.Response(200, content=b"moved here")

    page = await make_fetcher(handler).fetch("https://news.example/a/old")
    assert page.final_url == "https://news.example/new/story?x=1"
    assert page.url == "https://news.example/a/old"
    assert page.text == "moved here"


async def test_redirect_to_loopback_is_refused_before_any_request(make_fetcher):
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return _redirect("http://127.0.0.1:8080/admin")

    fetcher = make_fetcher(handler, quick_settings(allow_hosts=("news.example",)))
    with pytest.raises(BlockedURLError):
        await fetcher.fetch("https://news.example/story")
    assert seen == ["https://news.example/story"]


@pytest.mark.parametrize(
    "location", ["http://intranet.example/", "http://0x7f000001/", "file:///etc/passwd"]
)
async def test_redirect_to_private_name_or_bad_scheme_is_refused(make_fetcher, location):
    seen = []

    def handler(request):
        seen.append(request.url.host)
        return _redirect(location)

    with pytest.raises(BlockedURLError):
        await make_fetcher(handler).fetch("https://news.example/story")
    assert seen == ["news.example"]


async def test_first_url_to_private_host_never_reaches_transport(make_fetcher):
    seen = []
    fetcher = make_fetcher(lambda request: seen.append(request) or httpx.Response(200))
    for url in ("http://127.0.0.1/", "http://intranet.example/", "http://2130706433/"):
        with pytest.raises(BlockedURLError):
            await fetcher.fetch(url)
    assert seen == []


async def test_redirect_loop_is_refused(make_fetcher):
    def handler(request):
        return _redirect("/b" if request.url.path == "/a" else "/a")

    with pytest.raises(TooManyRedirectsError, match="loop"):
        await make_fetcher(handler).fetch("https://news.example/a")


def _chain_handler(hops: int):
    def handler(request):
        step = int(request.url.path.strip("/") or 0)
        if step < hops:
            return _redirect(f"/{step + 1}")
        return httpx.Response(200, content=f"arrived after {step}".encode())

    return handler


async def test_five_redirects_are_followed(make_fetcher):
    page = await make_fetcher(_chain_handler(5)).fetch("https://news.example/0")
    assert page.text == "arrived after 5"
    assert page.final_url == "https://news.example/5"


async def test_six_redirects_are_refused(make_fetcher):
    with pytest.raises(TooManyRedirectsError, match="more than 5"):
        await make_fetcher(_chain_handler(6)).fetch("https://news.example/0")


async def test_redirect_limit_comes_from_settings(make_fetcher):
    fetcher = make_fetcher(_chain_handler(2), quick_settings(max_redirects=1))
    with pytest.raises(TooManyRedirectsError):
        await fetcher.fetch("https://news.example/0")


async def test_slow_server_times_out(make_fetcher):
    async def handler(request):
        await asyncio.sleep(5)
        return httpx.Response(200)

    fetcher = make_fetcher(handler, quick_settings(total_timeout=timedelta(milliseconds=100)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(FetchTimeoutError):
        await fetcher.fetch("https://news.example/slow")
    assert loop.time() - started < 2


async def test_total_timeout_covers_the_body(make_fetcher):
    class SlowBody(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"<html>"
            await asyncio.sleep(5)
            yield b"</html>"

    fetcher = make_fetcher(
        lambda request: httpx.Response(200, stream=SlowBody()),
        quick_settings(total_timeout=timedelta(milliseconds=100)),
    )
    with pytest.raises(FetchTimeoutError):
        await fetcher.fetch("https://news.example/slow-body")


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ConnectError("refused"), ConnectError),
        (httpx.ReadError("reset by peer"), ConnectError),
        (httpx.RemoteProtocolError("bad frame"), ConnectError),
        (httpx.ConnectTimeout("connect timed out"), FetchTimeoutError),
        (httpx.ReadTimeout("read timed out"), FetchTimeoutError),
    ],
)
async def test_httpx_errors_are_mapped(make_fetcher, raised, expected):
    def handler(request):
        raise raised

    with pytest.raises(expected) as info:
        await make_fetcher(handler).fetch("https://news.example/story")
    assert isinstance(info.value.__cause__, httpx.HTTPError)


async def test_dns_failure_is_a_connect_error(make_fetcher):
    fetcher = make_fetcher(lambda request: httpx.Response(200))
    with pytest.raises(ConnectError, match="DNS"):
        await fetcher.fetch("https://no-such-host.example/")


async def test_unrequested_compression_is_refused(make_fetcher):
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200, stream=RawStream(b"\x28\xb5\x2f\xfd"), headers={"Content-Encoding": "zstd"}
        )
    )
    with pytest.raises(FetchError, match="zstd"):
        await fetcher.fetch("https://news.example/story")


async def test_broken_gzip_body_is_a_connect_error(make_fetcher):
    fetcher = make_fetcher(
        lambda request: httpx.Response(
            200, stream=RawStream(b"definitely not gzip"), headers={"Content-Encoding": "gzip"}
        )
    )
    with pytest.raises(ConnectError, match="undecodable"):
        await fetcher.fetch("https://news.example/story")


async def test_async_context_manager_closes_the_client(clock):
    async with Fetcher(
        quick_settings(),
        clock=clock,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=b"ok")),
        resolver=None,
    ) as fetcher:
        assert isinstance(fetcher, Fetcher)
    assert fetcher._client.is_closed


@pytest.mark.parametrize("location", ["http://[::1", "http://news.example:notaport/"])
async def test_malformed_location_is_refused_before_connecting(make_fetcher, location):
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return _redirect(location)

    with pytest.raises(BlockedURLError, match="not a valid URL"):
        await make_fetcher(handler).fetch("https://news.example/story")
    assert seen == ["https://news.example/story"]


async def test_malformed_url_is_refused(make_fetcher):
    fetcher = make_fetcher(lambda request: httpx.Response(200))
    with pytest.raises(BlockedURLError):
        await fetcher.fetch("http://[::1/story")
