"""429 and Retry-After: the wait is read (seconds or HTTP date), capped, and honoured per host."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from copydesk.clock import FixedClock
from copydesk.errors import (
    BodyTooLargeError,
    HTTPStatusError,
    RateLimitedError,
    RobotsDisallowedError,
)
from copydesk.fetch.ratelimit import HostPauses, parse_retry_after
from tests.support.fetching import quick_settings

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("value", "wait"),
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Thu, 01 Jan 2026 12:02:30 GMT", timedelta(seconds=150)),  # IMF-fixdate
        ("Thursday, 01-Jan-26 12:00:05 GMT", timedelta(seconds=5)),  # obsolete RFC 850
        ("Thu Jan  1 12:00:07 2026", timedelta(seconds=7)),  # obsolete asctime, no zone
        ("Wed, 31 Dec 2025 23:00:00 GMT", timedelta(0)),  # in the past: no wait
        ("86400", HOUR),  # capped
        ("9" * 40, HOUR),  # absurdly large, still capped (no overflow)
        ("Fri, 01 Jan 2027 00:00:00 GMT", HOUR),
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("١٢", None),  # non-ASCII digits are not delay-seconds
    ],
)
def test_parse_retry_after(value, wait):
    assert parse_retry_after(value, now=NOW, cap=HOUR) == wait


def test_host_pauses_expire_and_keep_the_longer_wait():
    clock = FixedClock()
    pauses = HostPauses(clock=clock)
    pauses.pause("news.example", timedelta(seconds=10))
    pauses.pause("news.example", timedelta(seconds=3))  # a shorter later ask does not shorten it
    assert pauses.left("news.example") == timedelta(seconds=10)
    assert pauses.left("other.example") is None
    with pytest.raises(RateLimitedError, match=r"news\.example asked to wait .* 10s left"):
        pauses.check("news.example", "https://news.example/a")
    clock.advance(9.5)
    assert pauses.left("news.example") == timedelta(seconds=0.5)
    clock.advance(0.5)
    assert pauses.left("news.example") is None
    pauses.check("news.example", "https://news.example/a")


def _counting(response: httpx.Response):
    seen: list[str] = []

    def handler(request):
        seen.append(str(request.url))
        return response

    return seen, handler


async def test_429_is_rate_limited_with_the_wait_and_pauses_its_host(make_fetcher, clock):
    seen, handler = _counting(httpx.Response(429, headers={"Retry-After": "120"}))
    fetcher = make_fetcher(handler)
    with pytest.raises(RateLimitedError) as first:
        await fetcher.fetch("https://news.example/a")
    assert first.value.reason == "rate-limited"
    assert first.value.status == 429
    assert first.value.retry_after == timedelta(seconds=120)
    assert "wait 120s" in str(first.value)
    # While the wait runs nothing is sent to that host, for any path.
    clock.advance(100)
    with pytest.raises(RateLimitedError, match="not sent") as held:
        await fetcher.fetch("https://news.example/b")
    assert held.value.retry_after == timedelta(seconds=20)
    assert seen == ["https://news.example/a"]
    clock.advance(20)
    with pytest.raises(RateLimitedError):
        await fetcher.fetch("https://news.example/b")
    assert seen == ["https://news.example/a", "https://news.example/b"]


async def test_an_http_date_retry_after_is_read_against_the_clock(make_fetcher, clock):
    when = clock.now() + timedelta(minutes=10)
    header = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    _seen, handler = _counting(httpx.Response(429, headers={"Retry-After": header}))
    with pytest.raises(RateLimitedError) as caught:
        await make_fetcher(handler).fetch("https://news.example/a")
    assert caught.value.retry_after == timedelta(minutes=10)
    assert "wait 600s" in str(caught.value)


async def test_retry_after_is_capped_by_the_setting(make_fetcher):
    _seen, handler = _counting(httpx.Response(429, headers={"Retry-After": "999999"}))
    fetcher = make_fetcher(handler, quick_settings(max_retry_after=timedelta(minutes=5)))
    with pytest.raises(RateLimitedError) as caught:
        await fetcher.fetch("https://news.example/a")
    assert caught.value.retry_after == timedelta(minutes=5)


async def test_a_429_without_retry_after_is_rate_limited_but_pauses_nothing(make_fetcher):
    seen, handler = _counting(httpx.Response(429))
    fetcher = make_fetcher(handler)
    for _ in range(2):
        with pytest.raises(RateLimitedError, match="no Retry-After") as caught:
            await fetcher.fetch("https://news.example/a")
        assert caught.value.retry_after is None
    assert len(seen) == 2


async def test_a_503_retry_after_is_carried_without_pausing_the_host(make_fetcher):
    """A 503 asking to wait is recorded as rate-limited with its status (#11), host not paused."""
    seen, handler = _counting(httpx.Response(503, headers={"Retry-After": "30"}))
    fetcher = make_fetcher(handler)
    for _ in range(2):
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.fetch("https://news.example/a")
        assert (caught.value.reason, caught.value.status, caught.value.retry_after) == (
            "rate-limited",
            503,
            timedelta(seconds=30),
        )
    assert len(seen) == 2


async def test_a_paused_host_does_not_hold_back_other_hosts(make_fetcher):
    def handler(request):
        if request.url.host == "news.example":
            return httpx.Response(429, headers={"Retry-After": "60"})
        return httpx.Response(200, content=b"<p>fine</p>")

    fetcher = make_fetcher(handler)
    with pytest.raises(RateLimitedError):
        await fetcher.fetch("https://news.example/a")
    page = await fetcher.fetch("https://other.example/a")
    assert page.status == 200


async def test_a_rate_limited_robots_txt_is_asked_again_not_taken_as_allow_all(make_fetcher, clock):
    asked: list[str] = []

    def handler(request):
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            if asked.count("/robots.txt") == 1:
                return httpx.Response(429, headers={"Retry-After": "5"})
            return httpx.Response(200, content=b"User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, content=b"<p>secret</p>")

    fetcher = make_fetcher(handler, quick_settings(respect_robots=True))
    with pytest.raises(RateLimitedError):  # the host asked us to wait: the page is not asked
        await fetcher.fetch("https://news.example/private/a")
    clock.advance(601)  # past the short expiry of an unavailable robots.txt (not a whole day)
    with pytest.raises(RobotsDisallowedError):
        await fetcher.fetch("https://news.example/private/a")
    assert asked == ["/robots.txt", "/robots.txt"]


async def test_a_redirect_chain_under_way_runs_to_its_end_through_a_pause(make_fetcher):
    """The pause holds back new fetches; it does not cut a fetch already following redirects."""
    limited = asyncio.Event()

    async def handler(request):
        if request.url.path == "/a":
            await limited.wait()  # another fetch of the host meets a 429 meanwhile
            return httpx.Response(302, headers={"Location": "/b"})
        if request.url.path == "/busy":
            return httpx.Response(429, headers={"Retry-After": "60"})
        return httpx.Response(200, content=b"<p>the end of the chain</p>")

    fetcher = make_fetcher(handler)
    chain = asyncio.ensure_future(fetcher.fetch("https://news.example/a"))
    await asyncio.sleep(0.01)
    with pytest.raises(RateLimitedError):
        await fetcher.fetch("https://news.example/busy")
    limited.set()
    page = await chain
    assert page.final_url == "https://news.example/b"
    with pytest.raises(RateLimitedError, match="not sent"):
        await fetcher.fetch("https://news.example/c")


HUGE = "9" * 5000  # #11: int() raised ValueError past Python's 4,300-digit limit
CAP = timedelta(minutes=7)


@pytest.mark.parametrize("status", [429, 503])
async def test_fetcher_reads_a_huge_retry_after_as_rate_limited(make_fetcher, status):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Retry-After": HUGE})

    fetcher = make_fetcher(handler, quick_settings(max_retry_after=CAP))
    with pytest.raises(RateLimitedError) as caught:
        await fetcher.fetch("https://news.example/a")
    assert caught.value.retry_after == CAP
    assert caught.value.status == status
    assert "too long" in str(caught.value)
    assert "fetch.max_retry_after" in str(caught.value)


async def test_a_content_length_of_thousands_of_digits_is_too_large(make_fetcher):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": HUGE}, content=b"<p>x</p>")

    with pytest.raises(BodyTooLargeError):
        await make_fetcher(handler).fetch("https://news.example/a")
