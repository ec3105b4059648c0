from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from copydesk.errors import HTTPStatusError, RobotsDisallowedError
from copydesk.fetch import robots_url
from copydesk.fetch.robots import RobotsCache
from tests.support.fetching import quick_settings

ROBOTS = b"""\
User-agent: *
Disallow: /private/

User-agent: copydesk
Disallow: /no-copydesk/
Allow: /
"""


def _site(counter: Counter, robots_status: int = 200, robots_body: bytes = ROBOTS):
    def handler(request):
        counter[(request.url.host, request.url.path)] += 1
        if request.url.path == "/robots.txt":
            return httpx.Response(robots_status, content=robots_body)
        return httpx.Response(200, content=b"article")

    return handler


def test_robots_url():
    assert (
        robots_url("https://News.Example:8443/a/b?c=d#e") == "https://news.example:8443/robots.txt"
    )


async def test_disallowed_url_is_refused_before_the_request(make_fetcher):
    counter = Counter()
    fetcher = make_fetcher(_site(counter), quick_settings(respect_robots=True))
    with pytest.raises(RobotsDisallowedError):
        await fetcher.fetch("https://news.example/no-copydesk/story")
    assert counter[("news.example", "/no-copydesk/story")] == 0
    # the copydesk group replaces the * group, so /private/ is allowed for us
    page = await fetcher.fetch("https://news.example/private/story")
    assert page.text == "article"


async def test_robots_fetched_once_for_two_urls(make_fetcher):
    counter = Counter()
    fetcher = make_fetcher(_site(counter), quick_settings(respect_robots=True))
    await fetcher.fetch("https://news.example/one")
    await fetcher.fetch("https://news.example/two")
    assert counter[("news.example", "/robots.txt")] == 1
    assert counter[("news.example", "/one")] == counter[("news.example", "/two")] == 1


async def test_robots_fetched_once_under_concurrency(make_fetcher):
    counter = Counter()
    fetcher = make_fetcher(_site(counter), quick_settings(respect_robots=True))
    urls = [f"https://news.example/{i}" for i in range(8)]
    await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert counter[("news.example", "/robots.txt")] == 1


async def test_robots_is_per_origin(make_fetcher):
    counter = Counter()
    fetcher = make_fetcher(_site(counter), quick_settings(respect_robots=True))
    await fetcher.fetch("https://news.example/a")
    await fetcher.fetch("http://news.example/a")
    await fetcher.fetch("https://other.example/a")
    assert counter[("news.example", "/robots.txt")] == 2
    assert counter[("other.example", "/robots.txt")] == 1


@pytest.mark.parametrize("status", [404, 403, 410, 500, 503])
async def test_robots_error_status_allows(make_fetcher, status):
    counter = Counter()
    fetcher = make_fetcher(
        _site(counter, robots_status=status), quick_settings(respect_robots=True)
    )
    page = await fetcher.fetch("https://news.example/no-copydesk/story")
    assert page.text == "article"
    assert counter[("news.example", "/robots.txt")] == 1


async def test_unreachable_robots_allows(make_fetcher):
    def handler(request):
        if request.url.path == "/robots.txt":
            raise httpx.ConnectError("connection reset")
        return httpx.Response(200, content=b"article")

    fetcher = make_fetcher(handler, quick_settings(respect_robots=True))
    assert (await fetcher.fetch("https://news.example/x")).text == "article"


async def test_robots_ignored_when_disabled(make_fetcher):
    counter = Counter()
    fetcher = make_fetcher(_site(counter), quick_settings(respect_robots=False))
    page = await fetcher.fetch("https://news.example/no-copydesk/story")
    assert page.text == "article"
    assert counter[("news.example", "/robots.txt")] == 0


async def test_robots_checked_on_redirect_hops(make_fetcher):
    def handler(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(200, content=ROBOTS)
        return httpx.Response(302, headers={"Location": "/no-copydesk/target"})

    fetcher = make_fetcher(handler, quick_settings(respect_robots=True))
    with pytest.raises(RobotsDisallowedError):
        await fetcher.fetch("https://news.example/start")


async def test_robots_sends_our_user_agent(make_fetcher):
    agents = []

    def handler(request):
        agents.append(request.headers["user-agent"])
        return httpx.Response(404)

    settings = quick_settings(respect_robots=True)
    with pytest.raises(HTTPStatusError):  # the page itself is a 404 too
        await make_fetcher(handler, settings).fetch("https://news.example/x")
    assert agents == [settings.user_agent, settings.user_agent]


async def test_cache_expires_after_a_day(clock):
    loads = []

    async def download(url):
        loads.append(url)
        return "User-agent: *\nDisallow: /x"

    cache = RobotsCache(clock=clock)
    assert not await cache.can_fetch("https://news.example/x", download)
    clock.advance(23 * 3600)
    assert await cache.can_fetch("https://news.example/y", download)
    assert len(loads) == 1
    clock.advance(2 * 3600)
    await cache.can_fetch("https://news.example/y", download)
    assert len(loads) == 2
