"""Signed deliveries, checked by a receiver on 127.0.0.1 as a CMS checks them."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from factcheck.drafts.services import draft_import
from factcheck.webhooks import signing
from factcheck.webhooks.models import Delivery, Webhook
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db

TEXT = "Harbour <b>Road</b> Reopens\n\nThe road reopened on Monday, the council said.\n"


def test_a_delivery_carries_its_headers_and_a_signature_the_receiver_verifies(
    newsroom: Any,
    editor: Any,
    hook: Webhook,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_import(newsroom=newsroom, by=editor, text=TEXT)
    [got] = receiver.received
    delivery = Delivery.objects.get(webhook=hook)
    assert got.signature_ok  # the receiver's own HMAC of f"{timestamp}.{body}"
    assert got.path == "/hooks/factcheck"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("factcheck-webhooks/")
    assert got.headers["x-factcheck-event"] == "revision.loaded"
    assert got.headers["x-factcheck-delivery"] == str(delivery.pk)
    assert abs(int(got.headers["x-factcheck-timestamp"]) - got.at) < 5
    assert signing.verify(
        hook.secret,
        header=got.headers["x-factcheck-signature"],
        timestamp=got.headers["x-factcheck-timestamp"],
        body=got.body,
        now=got.at,
    )
    body = json.loads(got.body)
    assert body["event"] == "revision.loaded"
    assert body["delivery"] == delivery.pk
    assert str(body["timestamp"]) == got.headers["x-factcheck-timestamp"]
    assert body["newsroom"] == "demo"
    assert body["data"]["draft"]["id"] == draft.pk
    assert body["data"]["draft"]["path"] == f"/drafts/{draft.pk}/"
    # HTML in the text stays text: neither escaped nor dropped.
    assert body["data"]["draft"]["title"] == "Harbour <b>Road</b> Reopens"
    assert body["data"]["revision"]["number"] == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.last_status_code == 204


def test_verify_refuses_another_secret_a_changed_body_and_an_old_timestamp() -> None:
    body = b'{"event":"draft.cleared"}'
    now = time.time()
    stamp = int(now)
    header = signing.signature("whsec_a", stamp, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    ok = {"header": header, "timestamp": str(stamp), "body": body, "now": now}
    assert signing.verify("whsec_a", **ok)
    assert not signing.verify("whsec_b", **ok)
    assert not signing.verify("whsec_a", **(ok | {"body": body + b" "}))
    # The same request replayed six minutes later, or its timestamp moved on: refused.
    assert not signing.verify("whsec_a", **(ok | {"now": now + 360}))
    assert not signing.verify("whsec_a", **(ok | {"timestamp": str(stamp + 360), "now": now + 360}))
    assert not signing.verify("whsec_a", **(ok | {"timestamp": "soon"}))


def test_each_hook_signs_with_its_own_secret(newsadmin: Any, newsroom: Any, hook: Webhook) -> None:
    from tests.webhooks.conftest import make_hook

    other = make_hook(newsroom, newsadmin, "http://127.0.0.1:9/other")
    assert other.secret != hook.secret
    assert other.secret.startswith("whsec_") and len(other.secret) > 40
