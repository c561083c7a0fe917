"""Fetching the one page an editor linked to, without letting the link reach inside the network.

:func:`fetch` makes one GET (following up to five redirects itself) and returns the bytes, the
media type and the charset the server declared; the loaders read them as they read an upload.
Every refusal is a :class:`FetchError` whose ``str()`` is a sentence for the editor.

The rules (server-side request forgery: a link must not make the desk fetch what only the desk
can reach):

* only ``http`` and ``https``, on the standard ports 80 and 443 (other ports on public hosts are
  mostly services and admin consoles, not news pages), and no user name or password in the link;
* the host is resolved once per hop, and *every* address it resolves to must be public: not
  private, loopback, link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT
  (100.64.0.0/10), multicast, reserved, unspecified, documentation or benchmarking ranges, nor
  an IPv6 form of any of them (unique local fc00::/7 with fd00:ec2::254, IPv4-mapped
  ``::ffff:10.0.0.1``, NAT64, 6to4, Teredo). IP literals count too, in the spellings
  ``inet_aton`` accepts (``2130706433``, ``0x7f.1``, ``0177.0.0.1``);
* the connection goes to the address that was checked (the URL's host replaced by it, the
  ``Host`` header and TLS SNI set to the name, the certificate verified for the name), so DNS
  cannot answer differently between the check and the connection; no proxy from the environment;
* every redirect is checked the same way before it is followed;
* time: a connect limit, and a total limit for the whole fetch (name lookups included) checked
  between reads (a server that trickles bytes is cut off within one read's wait of it);
* size: the body is counted as it arrives, after decompression (gzip and deflate, inflated a
  bounded piece at a time, so a compression bomb never fills memory), and refused past the
  limit whatever ``Content-Length`` said.

``allow`` (the setting ``DRAFT_FETCH_ALLOW_ADDRESSES``) exempts listed addresses from the address
and port rules, for tests against a stub server on 127.0.0.1; it is empty by default.

Plain Python (httpx and the standard library): the drafts service passes the settings in.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

WEB_PORTS = frozenset({80, 443})

# Not on the public internet (IANA's special-purpose registries), beyond what ``is_global`` says
# in every Python version: checked explicitly so an older ``ipaddress`` cannot let one through.
_BLOCKED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/96", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
# NAT64 (RFC 6052): the last 32 bits are an IPv4 address, which must be public itself.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_URL_LENGTH = 2000  # Revision.source_url's length


class FetchError(Exception):
    """A link we did not fetch, or could not; ``str(exc)`` is a sentence for the editor."""


@dataclass(frozen=True)
class Fetched:
    """What the server sent: ``url`` is where it came from after redirects; ``media_type`` the
    Content-Type without parameters, lower-case (``""`` when none was sent); ``charset`` the
    Content-Type's charset parameter, or ``""``."""

    url: str
    media_type: str
    charset: str
    data: bytes

    @property
    def name(self) -> str:
        """The last segment of the link's path (``story.html``), for its extension."""
        return unquote(httpx.URL(self.url).path.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Limits:
    """How a fetch is bounded; ``allow``: networks exempt from the address and port rules (for
    tests only)."""

    max_bytes: int
    connect_seconds: float
    total_seconds: float
    user_agent: str
    max_redirects: int = 5
    allow: tuple[IPNetwork, ...] = field(default=())


def allow_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse the allow setting; a value that is not an address or network is a ValueError."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to (tests replace this function, never the network)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is on the public internet (the module's list of what is not)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if any(address.version == net.version and address in net for net in _BLOCKED):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def display_link(url: str) -> str:
    """The link as messages name it: ``“example.com/news/story”``, printable and bounded."""
    try:
        parsed = httpx.URL(url)
        shown = parsed.host + (parsed.path if parsed.path != "/" else "")
    except (httpx.InvalidURL, TypeError):
        shown = url
    shown = "".join(ch for ch in shown if ch.isprintable()).strip() or "the link"
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return f"“{shown}”"


def fetch(url: str, limits: Limits) -> Fetched:
    """GET ``url`` under the module's rules and ``limits``; raises :class:`FetchError`."""
    deadline = time.monotonic() + limits.total_seconds
    current = _parse(url)
    context = httpx.create_ssl_context()  # certifi's roots, as every other client here
    for hop in range(limits.max_redirects + 1):
        address = _checked_address(current, limits, deadline, redirected=hop > 0)
        with _client(context, limits, deadline) as client:
            try:
                location = _request(client, current, address, limits, deadline)
            except httpx.TimeoutException:
                raise FetchError(_timeout_message(current, limits)) from None
            except httpx.HTTPError as exc:
                raise FetchError(_transport_message(current, exc)) from None
        if isinstance(location, Fetched):
            return location
        current = location
    raise FetchError(
        f"The link redirects more than {limits.max_redirects} times, so it was not followed "
        "to the end."
    )


def _parse(url: str, *, base: httpx.URL | None = None) -> httpx.URL:
    """The link, checked for everything that can be told before looking its host up."""
    redirected = base is not None
    try:
        parsed = base.join(url) if base is not None else httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        raise FetchError(_said(redirected, "is not a valid web address") + ".") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(
            _said(redirected, f"is a {parsed.scheme or 'schemeless'} address")
            + "; only http:// and https:// links are fetched."
        )
    if parsed.userinfo:
        raise FetchError(
            _said(redirected, "has a user name or password in it")
            + "; links with credentials are not fetched."
        )
    if not parsed.host:
        raise FetchError(_said(redirected, "has no host name") + ".")
    if len(str(parsed)) > MAX_URL_LENGTH:
        raise FetchError(
            _said(redirected, f"is longer than {MAX_URL_LENGTH:,} characters") + "; shorten it."
        )
    return parsed


def _said(redirected: bool, what: str) -> str:
    return f"The link {'redirects to an address that ' if redirected else ''}{what}"


def _checked_address(
    url: httpx.URL, limits: Limits, deadline: float, *, redirected: bool
) -> IPAddress:
    """The address to connect to for ``url``, after every rule on addresses and ports."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    literal = _literal_address(host)
    addresses = [literal] if literal is not None else _resolve_within(url, host, port, deadline)
    allowed = [any(a.version == n.version and a in n for n in limits.allow) for a in addresses]
    if not all(ok or is_public(a) for ok, a in zip(allowed, addresses, strict=True)):
        # One private address is enough: the resolver may hand out the other one next time.
        where = "redirects to" if redirected else "points to"
        verb = ", which was" if redirected else " and was"
        raise FetchError(f"This link {where} a private network address{verb} not fetched.")
    if port not in WEB_PORTS and not all(allowed):
        raise FetchError(
            f"{_said(redirected, f'uses port {port}')}; only links on the standard web ports "
            "(80 and 443) are fetched."
        )
    return addresses[0]


_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.I)


def _literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address, in any spelling a resolver would accept, or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # 2130706433, 0x7f.1, 0177.0.0.1: the resolver reads these as 127.0.0.1.
    if _NUMERIC_HOST.match(host) and re.search(r"[0-9]$|^0x", host.rsplit(".", 1)[-1], re.I):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise FetchError("The link's host is not a valid address.") from None
    return None


def _resolve_within(url: httpx.URL, host: str, port: int, deadline: float) -> list[IPAddress]:
    """``resolve`` with the time left: a resolver that hangs must not hold the request."""
    found: list[list[IPAddress]] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(resolve(host, port))
        except Exception as exc:  # reported below, in the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise FetchError(f"The name {url.host} could not be looked up in time; try again later.")
    if failed or not found or not found[0]:
        raise FetchError(f"The site {url.host} could not be found; check the link.")
    return found[0]


def _client(context: ssl.SSLContext, limits: Limits, deadline: float) -> httpx.Client:
    # A client per hop: a connection kept alive for one name is never reused for another.
    left = max(0.01, deadline - time.monotonic())
    timeout = httpx.Timeout(left, connect=min(limits.connect_seconds, left))
    return httpx.Client(verify=context, trust_env=False, follow_redirects=False, timeout=timeout)


def _request(
    client: httpx.Client,
    url: httpx.URL,
    address: IPAddress,
    limits: Limits,
    deadline: float,
) -> Fetched | httpx.URL:
    """One GET of ``url`` at ``address``: what it sent, or where it redirects to."""
    headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": limits.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    extensions = {}
    if url.scheme == "https" and _literal_address(url.raw_host.decode("ascii")) is None:
        extensions["sni_hostname"] = url.raw_host.decode("ascii")
    target = url.copy_with(host=str(address))
    with client.stream("GET", target, headers=headers, extensions=extensions) as response:
        if response.status_code in _REDIRECTS and "location" in response.headers:
            return _parse(response.headers["location"], base=url)
        if not 200 <= response.status_code < 300 or response.status_code in (204, 205):
            raise FetchError(_status_message(url, response))
        size = response.headers.get("content-length", "")
        if size.isdigit() and int(size) > limits.max_bytes:
            raise FetchError(_too_large_message(url, limits))
        data = _read_body(response, url, limits, deadline)
        media_type, _, parameters = response.headers.get("content-type", "").partition(";")
        return Fetched(
            url=str(url),
            media_type=media_type.strip().lower(),
            charset=_charset(parameters),
            data=data,
        )


def _read_body(response: httpx.Response, url: httpx.URL, limits: Limits, deadline: float) -> bytes:
    inflate = _inflater(response, url)
    body = bytearray()
    # Each piece as it arrives (a chunk size would wait to fill it, past the deadline).
    for chunk in response.iter_raw():
        body += inflate(chunk, limits.max_bytes - len(body)) if inflate else chunk
        if len(body) > limits.max_bytes:
            raise FetchError(_too_large_message(url, limits))
        if time.monotonic() > deadline:
            raise FetchError(_timeout_message(url, limits))
    if inflate:
        body += inflate(b"", limits.max_bytes - len(body))
        if len(body) > limits.max_bytes:
            raise FetchError(_too_large_message(url, limits))
    return bytes(body)


def _inflater(response: httpx.Response, url: httpx.URL) -> _Inflate | None:
    codings = [
        c.strip().lower()
        for c in response.headers.get("content-encoding", "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        shown = "".join(ch for ch in ", ".join(codings) if ch.isprintable())[:40]
        raise FetchError(
            f"The site {url.host} sent the page compressed as {shown}, which is not supported."
        )
    return _Inflate(url, gzip=codings[0] != "deflate")


class _Inflate:
    """Decompresses a body a bounded piece at a time: each call returns at most ``room + 1``
    more bytes, so the caller sees the limit passed without the rest ever being inflated."""

    def __init__(self, url: httpx.URL, *, gzip: bool) -> None:
        self._url = url
        self._gzip = gzip
        # "deflate" is meant to be zlib-wrapped; some servers send it raw.
        self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._started = False

    def __call__(self, chunk: bytes, room: int) -> bytes:
        out = bytearray()
        try:
            pending = chunk
            if not chunk:
                return self._decompressor.flush()[: room + 1]
            while pending and len(out) <= room:
                try:
                    out += self._decompressor.decompress(pending, room + 1 - len(out))
                except zlib.error:
                    if self._gzip or self._started:
                        raise
                    self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    out += self._decompressor.decompress(pending, room + 1 - len(out))
                self._started = True
                pending = self._decompressor.unconsumed_tail
        except zlib.error:
            raise FetchError(
                f"The site {self._url.host} sent a damaged compressed page; try again later."
            ) from None
        return bytes(out)


def _charset(parameters: str) -> str:
    match = re.search(r"""charset\s*=\s*["']?([^"';\s]+)""", parameters, re.I)
    return match.group(1) if match else ""


def _status_message(url: httpx.URL, response: httpx.Response) -> str:
    code = response.status_code
    status = f"{code} {response.reason_phrase}".strip()
    status = "".join(ch for ch in status if ch.isprintable())[:60]
    if code in (401, 403, 407):
        return (
            f"The site {url.host} refused to send the page ({status}): it may need a login or "
            "turn away automated readers."
        )
    if code in (404, 410):
        return f"The site {url.host} has no such page ({status}); check the link."
    if code == 429 or code >= 500:
        return f"The site {url.host} could not send the page just now ({status}); try again later."
    if 300 <= code < 400:
        return f"The site {url.host} answered {status} without saying where to go."
    return f"The site {url.host} answered {status} instead of the page."


def _too_large_message(url: httpx.URL, limits: Limits) -> str:
    size = limits.max_bytes / (1024 * 1024)
    shown = f"{size:g} MB" if size >= 1 else f"{limits.max_bytes:,} bytes"
    return f"The page at {display_link(str(url))} is larger than {shown}, the limit for a draft."


def _timeout_message(url: httpx.URL, limits: Limits) -> str:
    return (
        f"The site {url.host} did not answer within {limits.total_seconds:g} seconds; "
        "try again later."
    )


def _transport_message(url: httpx.URL, exc: httpx.HTTPError) -> str:
    reason = exc.__context__ if exc.__context__ is not None else exc
    if isinstance(reason, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY" in str(exc):
        return (
            f"The site {url.host}'s security certificate could not be verified, so the page was "
            "not fetched."
        )
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect to {url.host}; check the link or try again later."
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return f"The site {url.host} sent an answer that is not valid HTTP."
    return f"The page at {display_link(str(url))} could not be fetched; try again later."
