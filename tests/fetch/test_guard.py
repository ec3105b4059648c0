from __future__ import annotations

import re
import socket

import pytest

from copydesk.errors import BlockedURLError, ConnectError
from copydesk.fetch.guard import check_url_allowed, is_public_address, system_resolver
from tests.support.fetching import stub_resolver


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),  # mapped public stays public
        ("2002:808:808::1", True),  # 6to4 around a public address
        ("127.0.0.1", False),
        ("127.255.255.254", False),
        ("::1", False),
        ("10.0.0.1", False),
        ("172.16.0.1", False),
        ("172.31.255.255", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("fe80::1", False),
        ("fe80::1%eth0", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("100.64.0.1", False),
        ("100.127.255.254", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("::127.0.0.1", False),  # IPv4-compatible
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
        ("2002:a00:1::1", False),  # 6to4 around 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo, client 192.0.2.45
        ("255.255.255.255", False),
        ("240.0.0.1", False),  # reserved
        ("192.0.2.1", False),  # documentation
        ("2001:db8::1", False),
        ("not-an-ip", False),
        ("", False),
    ],
)
def test_is_public_address(ip, public):
    assert is_public_address(ip) is public


def _never_called():
    async def resolve(host, port):
        raise AssertionError(f"resolver must not be asked about {host}")

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f000001/",
        "http://0X7F.0.0.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://127.0.1/",
        "http://0/",
        "http://3232235777/",  # 192.168.1.1
        "http://0xa9fea9fe/latest/meta-data/",  # 169.254.169.254
        "http://127.0.0.1./",
        "http://%31%32%37.0.0.1/",
        "http://\uff11\uff12\uff17.0.0.1/",  # full-width digits fold to 127.0.0.1
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://[0:0:0:0:0:ffff:7f00:1]/",
        "http://[fe80::1%25eth0]/",
    ],
)
async def test_non_public_spellings_are_refused_without_dns(url):
    with pytest.raises(BlockedURLError):
        await check_url_allowed(url, allow_hosts=(), resolver=_never_called())


@pytest.mark.parametrize(
    "url", ["http://1.2.3.4.5/", "http://256.0.0.1/", "http://08.0.0.1/", "http://1.2.0x1g.4/"]
)
async def test_invalid_numeric_hosts_are_refused(url):
    with pytest.raises(BlockedURLError, match="invalid numeric host"):
        await check_url_allowed(url, allow_hosts=(), resolver=_never_called())


@pytest.mark.parametrize("url", ["http://134744072/", "https://0x08080808/", "http://8.8.8.8/"])
async def test_public_numeric_hosts_pass_without_dns(url):
    await check_url_allowed(url, allow_hosts=(), resolver=_never_called())


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example/file",
        "file:///etc/passwd",
        "gopher://news.example/",
        "javascript:alert(1)",
        "news.example/no-scheme",
        "http:///no-host",
        "http://news.example:99999/",
    ],
)
async def test_bad_schemes_and_hosts_are_refused(url):
    with pytest.raises(BlockedURLError):
        await check_url_allowed(url, allow_hosts=(), resolver=stub_resolver())


@pytest.mark.parametrize(
    "url", ["http://intranet.example/", "https://mixed.example/a", "http://metadata.example/"]
)
async def test_names_resolving_to_non_public_addresses_are_refused(url):
    with pytest.raises(BlockedURLError, match="resolves to non-public"):
        await check_url_allowed(url, allow_hosts=(), resolver=stub_resolver())


async def test_public_name_passes_and_resolver_gets_host_and_port():
    asked = []

    async def resolve(host, port):
        asked.append((host, port))
        return ["93.184.216.34", "2606:2800:220:1::1"]

    await check_url_allowed("HTTPS://News.Example/story", allow_hosts=(), resolver=resolve)
    await check_url_allowed("http://news.example:8080/", allow_hosts=(), resolver=resolve)
    assert asked == [("news.example", 443), ("news.example", 8080)]


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://localhost:8000/", ["localhost"]),
        ("http://LOCALHOST/", ["LocalHost"]),
        ("http://127.0.0.1:8000/", ["127.0.0.1"]),
        ("http://[::1]/", ["[::1]"]),
        ("http://[0::1]/", ["::1"]),
        ("http://intranet.example/", ["intranet.example"]),
    ],
)
async def test_allow_hosts_exempts_a_host(url, allow):
    await check_url_allowed(url, allow_hosts=allow, resolver=_never_called())


@pytest.mark.parametrize(
    "host",
    ["0177.0.0.1", "0x7f000001", "2130706433", "127.1", "0x7f.0.0.1", "0177.0.0.01", "127.0.0.1."],
)
async def test_other_spellings_of_an_allowed_address_are_refused(host):
    """allow_hosts exempts the address as written; 0177.0.0.1 is how a redirect sneaks past."""
    with pytest.raises(BlockedURLError):
        await check_url_allowed(
            f"http://{host}:8000/admin", allow_hosts=["127.0.0.1"], resolver=_never_called()
        )


# Numeric hosts as the system resolver reads them: socket.inet_aton is libc's own parser (a
# pure function, no network), and the guard must judge the very address it yields.
INET_ATON_SPELLINGS = [
    "2130706433",
    "017700000001",
    "0x7f000001",
    "0X7F.0.0.1",
    "0x7f.0x0.0x0.0x1",
    "0177.0.0.1",
    "0177.1",
    "0177.0.1",
    "127.1",
    "127.0.1",
    "127.0.0.01",
    "127.0.0.010",  # octal 10: 127.0.0.8
    "0",
    "00",
    "4294967295",
    "037777777777",
    "0xa9fea9fe",  # 169.254.169.254
    "0251.0376.0251.0376",
    "3232235777",  # 192.168.1.1
    "10.0x10203",  # 10.1.2.3
    "134744072",  # 8.8.8.8, public
    "0x08080808",
    "010.010.010.010",
    "8.0x80808",
    "1.16777215",  # 1.255.255.255, public
]
INVALID_NUMERIC = [
    "0x",
    "0x.1",
    "00x7f.1",
    "1.0x",
    "0x7fffffff.1",
    "256.0.0.1",
    "08.0.0.1",
    "1.2.3.4.5",
]


@pytest.mark.parametrize("host", INET_ATON_SPELLINGS)
async def test_numeric_hosts_are_judged_as_inet_aton_reads_them(host):
    address = socket.inet_ntoa(socket.inet_aton(host))
    url = f"http://{host}/latest"
    if is_public_address(address):
        await check_url_allowed(url, allow_hosts=(), resolver=_never_called())
    else:
        with pytest.raises(BlockedURLError, match=f"non-public address {re.escape(address)} "):
            await check_url_allowed(url, allow_hosts=(), resolver=_never_called())


@pytest.mark.parametrize("host", INVALID_NUMERIC)
async def test_numeric_hosts_inet_aton_refuses_are_refused(host):
    with pytest.raises(OSError, match="illegal IP address"):
        socket.inet_aton(host)
    with pytest.raises(BlockedURLError, match="invalid numeric host"):
        await check_url_allowed(f"http://{host}/", allow_hosts=(), resolver=_never_called())


async def test_allow_hosts_does_not_exempt_other_hosts():
    with pytest.raises(BlockedURLError):
        await check_url_allowed(
            "http://127.0.0.2/", allow_hosts=["127.0.0.1"], resolver=_never_called()
        )


async def test_dns_failure_is_a_connect_error():
    with pytest.raises(ConnectError, match="DNS lookup failed"):
        await check_url_allowed(
            "http://nxdomain.example/", allow_hosts=(), resolver=stub_resolver()
        )


async def test_empty_dns_answer_is_a_connect_error():
    with pytest.raises(ConnectError, match="no addresses"):
        await check_url_allowed(
            "http://empty.example/", allow_hosts=(), resolver=stub_resolver({"empty.example": []})
        )


async def test_system_resolver_resolves_localhost_to_loopback():
    addresses = await system_resolver("localhost", 80)
    assert addresses
    assert all(not is_public_address(a) for a in addresses)


@pytest.mark.parametrize(
    "host", ["1" * 5000, "1." + "2" * 5000, "1.2.3." + "9" * 4400, "0x" + "f" * 5000]
)
async def test_numeric_hosts_of_thousands_of_digits_are_refused_not_crashed(host):
    """int() raises ValueError past 4,300 decimal digits: such a host is blocked (#11)."""
    with pytest.raises(BlockedURLError):
        await check_url_allowed(f"http://{host}/", allow_hosts=(), resolver=stub_resolver())
