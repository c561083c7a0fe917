"""Where a webhook may POST: the outbound rules of :mod:`factcheck.fetch`, applied to a target.

A webhook URL is checked when an admin saves it and again before every attempt (a name may
resolve elsewhere by then):

* ``https`` only, on the standard port 443, with no user name or password in it;
* the host is resolved (:func:`factcheck.fetch.resolve`) and *every* address must be public
  (:func:`factcheck.fetch.is_public`: not private, loopback, link-local, the cloud metadata
  address, carrier-grade NAT, reserved, nor an IPv6 form of them); an IP literal counts as one;
* the POST goes to the address that was checked (the URL's host replaced by it, the ``Host``
  header and TLS SNI set to the name, the certificate verified for the name), without any proxy
  from the environment and without following redirects.

``allow`` (the setting ``WEBHOOK_ALLOW_NETWORKS``, empty by default) exempts listed networks from
the address, scheme and port rules, for tests against a stub receiver on 127.0.0.1.

Plain Python (httpx and the standard library): the services pass the settings in.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from dataclasses import dataclass

import httpx

from factcheck import fetch
from factcheck.fetch import IPAddress, IPNetwork

MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The URL breaks a rule; ``str(exc)`` is a sentence for the newsroom's admin. Permanent."""


class TargetUnreachable(Exception):
    """The host's name could not be looked up (now): worth another try later."""


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    address: IPAddress


def check_target(url: str, *, allow: tuple[IPNetwork, ...], resolve_seconds: float) -> Target:
    """The URL and the address to POST to, after every rule; raises :class:`TargetRefused` or
    :class:`TargetUnreachable`."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        raise TargetRefused("The webhook URL is not a valid web address.") from None
    if parsed.scheme not in ("http", "https"):
        raise TargetRefused("The webhook URL must start with https://.")
    if parsed.userinfo:
        raise TargetRefused(
            "The webhook URL has a user name or password in it: leave them out (every delivery "
            "is signed with the webhook's secret instead)."
        )
    if not parsed.host:
        raise TargetRefused("The webhook URL has no host name.")
    if len(str(parsed)) > MAX_URL_LENGTH:
        raise TargetRefused(f"The webhook URL is longer than {MAX_URL_LENGTH:,} characters.")
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = _addresses(host, port, resolve_seconds)
    allowed = [any(a.version == n.version and a in n for n in allow) for a in addresses]
    if not all(ok or fetch.is_public(a) for ok, a in zip(allowed, addresses, strict=True)):
        # One private address is enough: the resolver may hand out that one next time.
        raise TargetRefused(
            f"The webhook URL's host {parsed.host} points to a private network address "
            "(private, loopback, link-local or cloud metadata); webhooks are only sent to "
            "public addresses."
        )
    if not all(allowed):
        if parsed.scheme != "https":
            raise TargetRefused("The webhook URL must start with https://.")
        if port != 443:
            raise TargetRefused(
                f"The webhook URL uses port {port}; webhooks are only sent to the standard "
                "HTTPS port 443."
            )
    return Target(parsed, addresses[0])


def _addresses(host: str, port: int, seconds: float) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass  # a name (or an odd spelling of an address, which the resolver reads as one)
    found: list[list[IPAddress]] = []

    def run() -> None:
        # A failure is reported below, as "not found".
        with contextlib.suppress(Exception):
            found.append(fetch.resolve(host, port))

    thread = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(seconds)  # a resolver that hangs must not hold the request
    if thread.is_alive():
        raise TargetUnreachable(f"The name {host} could not be looked up in time.")
    if not found or not found[0]:
        raise TargetUnreachable(f"The host {host} could not be found.")
    return found[0]


def post(
    target: Target,
    *,
    body: bytes,
    headers: dict[str, str],
    connect_seconds: float,
    timeout_seconds: float,
) -> int:
    """POST ``body`` to the checked address; the status code (redirects are not followed).
    Raises ``httpx.HTTPError`` (``TimeoutException``, ``ConnectError``…) when there is none."""
    url = target.url
    host = url.raw_host.decode("ascii")
    extensions = {}
    if url.scheme == "https" and not _is_literal(host):
        extensions["sni_hostname"] = host
    timeout = httpx.Timeout(timeout_seconds, connect=connect_seconds)
    with httpx.Client(
        verify=httpx.create_ssl_context(), trust_env=False, follow_redirects=False, timeout=timeout
    ) as client:
        request_headers = {"Host": url.netloc.decode("ascii"), **headers}
        target_url = url.copy_with(host=str(target.address))
        with client.stream(
            "POST", target_url, content=body, headers=request_headers, extensions=extensions
        ) as response:
            return response.status_code  # the body is not read: only the status counts


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
