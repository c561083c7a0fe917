"""Webhook URLs are checked like any outbound fetch: no private, loopback, link-local or
metadata address, when the hook is saved and again before every attempt (DNS may change). The
DNS is replaced by patching ``factcheck.fetch.resolve``, never the network."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from factcheck import fetch
from factcheck.errors import FactcheckError
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook
from factcheck.webhooks.services import deliveries_create, webhook_create
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db

PRIVATE = "points to a private network address"
PUBLIC = "93.184.215.14"  # an address on the public internet; nothing here connects to it


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names to addresses; a test changes the table to move a name elsewhere."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[Any]:
        if host not in table:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(a) for a in table[host]]

    monkeypatch.setattr(fetch, "resolve", resolve)
    return table


def refused(newsroom: Any, by: Any, url: str) -> str:
    with pytest.raises(FactcheckError) as excinfo:
        webhook_create(newsroom=newsroom, url=url, events=[Event.DRAFT_CLEARED], by=by)
    assert not Webhook.objects.exists()
    return str(excinfo.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(
    newsroom: Any, newsadmin: Any, settings: Any, dns: dict[str, list[str]], url: str
) -> None:
    settings.WEBHOOK_ALLOW_NETWORKS = []
    assert PRIVATE in refused(newsroom, newsadmin, url)


def test_a_name_that_resolves_to_loopback_is_refused_with_a_clear_message(
    newsroom: Any, newsadmin: Any, settings: Any, dns: dict[str, list[str]]
) -> None:
    settings.WEBHOOK_ALLOW_NETWORKS = []
    dns["cms.example.org"] = ["127.0.0.1"]
    assert refused(newsroom, newsadmin, "https://cms.example.org/hook") == (
        "The webhook URL's host cms.example.org points to a private network address (private, "
        "loopback, link-local or cloud metadata); webhooks are only sent to public addresses."
    )
    # One private address among public ones is enough: the resolver may hand that one out.
    dns["mixed.example.org"] = [PUBLIC, "10.0.0.7"]
    assert PRIVATE in refused(newsroom, newsadmin, "https://mixed.example.org/hook")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://cms.example.org/hook", "The webhook URL must start with https://."),
        ("ftp://cms.example.org/hook", "The webhook URL must start with https://."),
        ("https://cms.example.org:8443/hook", "uses port 8443"),
        ("https://user:pw@cms.example.org/hook", "user name or password"),
        ("https://nowhere.example.org/hook", "The host nowhere.example.org could not be found."),
        ("not a url at all", "https://"),
    ],
)
def test_other_rules_of_outbound_fetches(
    newsroom: Any, newsadmin: Any, dns: dict[str, list[str]], url: str, message: str
) -> None:
    dns["cms.example.org"] = [PUBLIC]
    assert message in refused(newsroom, newsadmin, url)


def test_a_public_https_target_is_accepted_without_connecting(
    newsroom: Any, newsadmin: Any, dns: dict[str, list[str]]
) -> None:
    dns["cms.example.org"] = [PUBLIC]
    hook = webhook_create(
        newsroom=newsroom,
        url="https://cms.example.org/hooks/factcheck",
        events=[Event.DRAFT_CLEARED],
        by=newsadmin,
    )
    assert hook.url == "https://cms.example.org/hooks/factcheck"


def test_the_allow_setting_exempts_only_the_listed_addresses(
    newsroom: Any, newsadmin: Any, dns: dict[str, list[str]]
) -> None:
    # WEBHOOK_ALLOW_NETWORKS is ["127.0.0.1"] in these tests: the stub receiver, nothing else.
    assert PRIVATE in refused(newsroom, newsadmin, "http://127.0.0.2:8080/hook")
    webhook_create(
        newsroom=newsroom, url="http://127.0.0.1:8080/hook", events=["draft.cleared"], by=newsadmin
    )


def test_the_target_is_checked_again_at_delivery(
    newsroom: Any, newsadmin: Any, receiver: Receiver, settings: Any, dns: dict[str, list[str]],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    """A name that was public when the hook was saved and points to loopback now (DNS
    rebinding) is refused at once, and the receiver listening there hears nothing."""
    dns["cms.example.org"] = [PUBLIC]
    hook = webhook_create(
        newsroom=newsroom,
        url="https://cms.example.org/hook",
        events=[Event.DRAFT_CLEARED],
        by=newsadmin,
    )
    dns["cms.example.org"] = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_create(hooks=[hook], event=Event.DRAFT_CLEARED, data=[{"x": 1}])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1  # no retry: a refused target is not mended by waiting
    assert delivery.last_error.startswith("Not sent: The webhook URL's host cms.example.org")
    assert DeliveryAttempt.objects.get().outcome == DeliveryAttempt.Outcome.FAILED
    assert receiver.received == []


def test_a_hook_saved_with_the_allow_setting_is_refused_at_delivery_without_it(
    newsroom: Any, newsadmin: Any, receiver: Receiver, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    hook = webhook_create(
        newsroom=newsroom, url=receiver.url, events=[Event.DRAFT_CLEARED], by=newsadmin
    )
    settings.WEBHOOK_ALLOW_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_create(hooks=[hook], event=Event.DRAFT_CLEARED, data=[{"x": 1}])
    assert PRIVATE in Delivery.objects.get().last_error
    assert receiver.received == []
