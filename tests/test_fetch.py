"""The link fetcher (factcheck/fetch.py) against real HTTP servers on loopback addresses: the stub
on 127.0.0.1, which the tests allow, and the canary on 127.0.0.2, which nothing may reach."""

from __future__ import annotations

import gzip
import ipaddress
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from factcheck import fetch as fetch_module
from factcheck.fetch import Fetched, FetchError, Limits, allow_networks, fetch, is_public
from tests.fetch_stub import Site, stream

PRIVATE = "This link points to a private network address and was not fetched."
REDIRECTED_PRIVATE = "This link redirects to a private network address, which was not fetched."


def limits(**changes: Any) -> Limits:
    values: dict[str, Any] = {
        "max_bytes": 64 * 1024,
        "connect_seconds": 1.0,
        "total_seconds": 1.0,
        "user_agent": "factcheck/0.1 (tests; contact: factcheck@localhost)",
        "allow": allow_networks(["127.0.0.1"]),
    }
    return Limits(**(values | changes))


@pytest.fixture
def site() -> Iterator[Site]:
    with Site("127.0.0.1") as site:
        yield site


@pytest.fixture
def canary() -> Iterator[Site]:
    """Must never be hit: every test that uses it asserts so."""
    with Site("127.0.0.2") as canary:
        canary.page("*", b"the canary was reached", content_type="text/plain")
        yield canary


def refused(url: str, **changes: Any) -> str:
    with pytest.raises(FetchError) as excinfo:
        fetch(url, limits(**changes))
    return str(excinfo.value)


def resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> Any:
    """A stand-in for the DNS: names to addresses (the network itself is real)."""

    def resolve(host: str, port: int) -> list[Any]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


# ---------------------------------------------------------------------------------------------
# The happy path


def test_a_page_is_fetched_with_its_type_charset_and_a_descriptive_user_agent(site: Site) -> None:
    site.page("/story", b"<p>Hi</p>", content_type="Text/HTML; Charset=windows-1251")
    fetched = fetch(site.url + "/story", limits())
    assert fetched == Fetched(site.url + "/story", "text/html", "windows-1251", b"<p>Hi</p>")
    assert fetched.name == "story"
    [hit] = site.hits
    assert hit.headers["user-agent"].startswith("factcheck/")
    assert hit.headers["host"] == f"127.0.0.1:{site.port}"


def test_redirects_are_followed_and_the_final_link_is_kept(site: Site) -> None:
    site.redirect("/a", "/b", status=301)
    site.redirect("/b", f"{site.url}/c?x=1", status=307)
    site.page("/c?x=1", b"done", content_type="text/plain")
    fetched = fetch(site.url + "/a", limits())
    assert (fetched.url, fetched.data) == (site.url + "/c?x=1", b"done")
    assert site.paths() == ["/a", "/b", "/c?x=1"]


def test_more_than_five_redirects_are_not_followed(site: Site) -> None:
    for n in range(10):
        site.redirect(f"/r{n}", f"/r{n + 1}")
    message = refused(site.url + "/r0")
    assert message == "The link redirects more than 5 times, so it was not followed to the end."
    assert len(site.hits) == 6


def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    site: Site, canary: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the first answer is the allowed stub, every later one the canary.
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[Any]:
        calls.append(host)
        return [ipaddress.ip_address("127.0.0.1" if len(calls) == 1 else "127.0.0.2")]

    monkeypatch.setattr(fetch_module, "resolve", rebinding)
    site.page("/story", b"from the stub", content_type="text/plain")
    fetched = fetch(f"http://news.test:{site.port}/story", limits())
    assert fetched.data == b"from the stub"
    assert fetched.url == f"http://news.test:{site.port}/story"
    assert calls == ["news.test"]
    assert site.hits[0].headers["host"] == f"news.test:{site.port}"
    assert canary.hits == []


def test_gzip_and_deflate_pages_are_inflated(site: Site) -> None:
    page = b"<p>" + b"Storm closes the harbour road. " * 500 + b"</p>"
    site.page("/gz", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.page("/raw", raw.compress(page) + raw.flush(), headers={"Content-Encoding": "deflate"})
    site.page("/zlib", zlib.compress(page), headers={"Content-Encoding": "deflate"})
    for path in ("/gz", "/raw", "/zlib"):
        assert fetch(site.url + path, limits()).data == page


# ---------------------------------------------------------------------------------------------
# Addresses: private ones are refused, after resolution and on every redirect


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "100.100.100.200", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",  # noqa: S104
        "255.255.255.255", "192.0.0.192", "198.18.0.1", "192.0.2.1", "::1", "::",
        "fd00:ec2::254", "fc00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001:0:4136:e378::1",
        "2001:db8::1", "::127.0.0.1",
    ],
)  # fmt: skip
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.2",
        "2130706434",  # 127.0.0.2 in decimal
        "0x7f000002",  # in hex
        "0x7f.0.0.2",
        "0177.0.0.2",  # in octal
        "127.2",
        "[::ffff:127.0.0.2]",
        "[::ffff:7f00:2]",
    ],
)
def test_a_link_to_the_canary_in_any_spelling_is_refused(canary: Site, host: str) -> None:
    # httpx itself refuses some spellings (octal) as invalid: refused either way.
    message = refused(f"http://{host}:{canary.port}/")
    assert message in (PRIVATE, "The link is not a valid web address.")
    assert canary.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://100.100.100.200/",
        "https://10.0.0.1/",
    ],
)
def test_metadata_and_private_addresses_are_refused(url: str) -> None:
    assert refused(url) == PRIVATE


def test_a_name_resolving_to_a_private_address_is_refused(
    canary: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "resolve", resolver({"intranet.test": ["127.0.0.2"]}))
    assert refused(f"http://intranet.test:{canary.port}/") == PRIVATE
    assert canary.hits == []


def test_one_private_address_among_public_ones_is_enough_to_refuse(
    canary: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {"mixed.test": ["93.184.215.14", "127.0.0.2"]}
    monkeypatch.setattr(fetch_module, "resolve", resolver(table))
    assert refused(f"http://mixed.test:{canary.port}/") == PRIVATE
    assert canary.hits == []


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{port}/",
        "http://2130706434:{port}/",
        "http://[::ffff:127.0.0.2]:{port}/",
        "http://intranet.test:{port}/",
        "//intranet.test:{port}/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused_before_it_is_followed(
    site: Site, canary: Site, monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    monkeypatch.setattr(fetch_module, "resolve", resolver({"intranet.test": ["127.0.0.2"]}))
    site.redirect("/go", location.format(port=canary.port))
    assert refused(site.url + "/go") == REDIRECTED_PRIVATE
    assert site.paths() == ["/go"]
    assert canary.hits == []


def test_without_the_allow_setting_the_stub_itself_is_refused(site: Site) -> None:
    site.page("/story", b"x")
    assert refused(site.url + "/story", allow=()) == PRIVATE
    assert site.hits == []


def test_allow_networks_refuses_a_bad_value() -> None:
    assert allow_networks([" 127.0.0.1 ", "10.0.0.0/8"]) == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    )
    with pytest.raises(ValueError):
        allow_networks(["localhost"])


# ---------------------------------------------------------------------------------------------
# What is refused before any connection


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/story.txt", "is a ftp address; only http:// and https:// links"),
        ("file:///etc/passwd", "is a file address; only http:// and https:// links"),
        ("javascript:alert(1)", "only http:// and https:// links are fetched"),
        ("http://user:secret@example.com/", "has a user name or password in it"),
        ("http:///story", "has no host name"),
        ("https://example.com/" + "x" * 2000, "is longer than 2,000 characters"),
    ],
)
def test_links_that_are_not_plain_web_links_are_refused(url: str, message: str) -> None:
    assert message in refused(url)


def test_a_public_host_on_another_port_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The resolver answers a public address: the port rule refuses before any connection.
    monkeypatch.setattr(fetch_module, "resolve", resolver({"news.test": ["93.184.215.14"]}))
    message = refused("http://news.test:6379/")
    assert message == (
        "The link uses port 6379; only links on the standard web ports (80 and 443) are fetched."
    )


def test_a_name_that_does_not_resolve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "resolve", resolver({}))
    assert refused("https://no-such-site.test/") == (
        "The site no-such-site.test could not be found; check the link."
    )


def test_a_resolver_that_hangs_is_given_up_within_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hanging(host: str, port: int) -> list[Any]:
        time.sleep(5)
        return []

    monkeypatch.setattr(fetch_module, "resolve", hanging)
    started = time.monotonic()
    message = refused("https://slow-dns.test/", total_seconds=0.5)
    assert "could not be looked up in time" in message
    assert time.monotonic() - started < 1.5


# ---------------------------------------------------------------------------------------------
# Size and time


def test_a_declared_length_over_the_limit_is_refused_before_reading(site: Site) -> None:
    site.page("/big", b"x" * 70_000, content_type="text/plain")
    assert refused(site.url + "/big") == (
        f"The page at “127.0.0.1/big” is larger than {64 * 1024:,} bytes, the limit for a draft."
    )


def test_a_body_without_a_length_is_cut_off_at_the_limit(site: Site) -> None:
    sent: list[int] = []

    def endless(handler: BaseHTTPRequestHandler) -> None:
        def chunks() -> Iterator[bytes]:
            while len(sent) < 10_000:  # 80 MB if nobody stopped reading
                sent.append(1)
                yield b"y" * 8192

        stream(handler, chunks(), {"Content-Type": "text/plain"})

    site.handle("/endless", endless)
    assert "is larger than" in refused(site.url + "/endless")
    assert len(sent) < 1000


def test_a_chunked_body_is_counted_as_it_arrives(site: Site) -> None:
    sent: list[int] = []

    def chunked(handler: BaseHTTPRequestHandler) -> None:
        def chunks() -> Iterator[bytes]:
            while len(sent) < 10_000:
                sent.append(1)
                yield b"2000\r\n" + b"c" * 0x2000 + b"\r\n"

        stream(handler, chunks(), {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})

    site.handle("/chunked", chunked)
    assert "is larger than" in refused(site.url + "/chunked")
    assert len(sent) < 1000


def test_a_compression_bomb_is_refused_without_inflating_it(site: Site) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 30_000
    site.page("/bomb", bomb, content_type="text/plain", headers={"Content-Encoding": "gzip"})
    assert "is larger than" in refused(site.url + "/bomb", max_bytes=5 * 1024 * 1024)


def test_an_unsupported_compression_is_refused(site: Site) -> None:
    site.page("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})
    assert refused(site.url + "/br") == (
        "The site 127.0.0.1 sent the page compressed as br, which is not supported."
    )


def test_a_damaged_compressed_page_is_refused(site: Site) -> None:
    site.page("/broken", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    assert "damaged compressed page" in refused(site.url + "/broken")


def test_a_server_that_does_not_answer_in_time_is_given_up(site: Site) -> None:
    site.handle("/slow", lambda handler: site.stopping.wait(5))
    started = time.monotonic()
    message = refused(site.url + "/slow", total_seconds=0.5)
    assert message == "The site 127.0.0.1 did not answer within 0.5 seconds; try again later."
    assert time.monotonic() - started < 1.5


def test_a_server_that_trickles_is_cut_off_near_the_time_limit(site: Site) -> None:
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        stream(
            handler,
            iter([b"<p>a</p>"] * 1000),
            {"Content-Type": "text/html"},
            pause=0.1,
            stopping=site.stopping,
        )

    site.handle("/trickle", trickle)
    started = time.monotonic()
    assert "did not answer within 0.5 seconds" in refused(site.url + "/trickle", total_seconds=0.5)
    assert time.monotonic() - started < 1.5


# ---------------------------------------------------------------------------------------------
# Answers that are not the page


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "The site 127.0.0.1 has no such page (404 Not Found); check the link."),
        (410, "The site 127.0.0.1 has no such page (410 Gone); check the link."),
        (
            403,
            "The site 127.0.0.1 refused to send the page (403 Forbidden): it may need a login "
            "or turn away automated readers.",
        ),
        (
            503,
            "The site 127.0.0.1 could not send the page just now (503 Service Unavailable); "
            "try again later.",
        ),
        (302, "The site 127.0.0.1 answered 302 Found without saying where to go."),
        (204, "The site 127.0.0.1 answered 204 No Content instead of the page."),
    ],
)
def test_http_errors_are_named(site: Site, status: int, message: str) -> None:
    site.page("/x", b"", status=status)
    assert refused(site.url + "/x") == message


def test_a_closed_port_is_a_connection_failure(site: Site) -> None:
    with Site("127.0.0.1") as gone:
        port = gone.port
    assert refused(f"http://127.0.0.1:{port}/") == (
        "Could not connect to 127.0.0.1; check the link or try again later."
    )
