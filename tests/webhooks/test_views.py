"""The webhook pages: a newsroom's admins list, create, edit and delete hooks, read the delivery
log and re-send; other members get 403, outsiders and anonymous users nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from factcheck.history.models import AuditEntry
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook
from factcheck.webhooks.services import deliveries_create
from tests.conftest import client_for
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(newsadmin: Any) -> Client:
    return client_for(newsadmin)


def urls(hook: Webhook, delivery: Delivery | None = None) -> dict[str, tuple[str, str]]:
    """Every webhook URL, with the method that does something."""
    slug = hook.newsroom.slug
    found = {
        "list": ("GET", reverse("webhooks:list", kwargs={"slug": slug})),
        "create": ("POST", reverse("webhooks:create", kwargs={"slug": slug})),
        "detail": ("GET", reverse("webhooks:detail", kwargs={"pk": hook.pk})),
        "edit": ("POST", reverse("webhooks:detail", kwargs={"pk": hook.pk})),
        "delete": ("POST", reverse("webhooks:delete", kwargs={"pk": hook.pk})),
        "deliveries": ("GET", reverse("webhooks:deliveries", kwargs={"pk": hook.pk})),
    }
    if delivery is not None:
        found["resend"] = ("POST", reverse("webhooks:resend", kwargs={"pk": delivery.pk}))
    return found


def failed_delivery(hook: Webhook) -> Delivery:
    delivery = Delivery.objects.create(
        webhook=hook,
        event=Event.DRAFT_CLEARED,
        payload={"draft": {"id": 1, "title": "Secret scoop"}},
        occurred_at="2025-01-01T00:00Z",
        status=Delivery.Status.FAILED,
        attempts=1,
        attempt_limit=3,
        last_status_code=400,
        last_error="The receiver answered 400.",
    )
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=1,
        outcome="failed",
        status_code=400,
        error="The receiver answered 400.",
    )
    return delivery


def test_an_admin_creates_a_hook_sees_its_secret_and_the_history_records_it(
    admin_client: Client, newsroom: Any, receiver: Receiver
) -> None:
    url = reverse("webhooks:create", kwargs={"slug": newsroom.slug})
    response = admin_client.post(
        url, {"url": receiver.url, "events": ["draft.cleared", "claim.approved"]}
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{hook.pk}/"
    assert hook.events == ["draft.cleared", "claim.approved"]
    page = admin_client.get(response["Location"]).content.decode()
    assert hook.secret in page
    assert "Copy its secret into your receiver" in page
    entry = AuditEntry.objects.get(object_type="webhook", action="created")
    assert entry.newsroom_id == newsroom.pk and entry.actor is not None
    listing = admin_client.get(reverse("webhooks:list", kwargs={"slug": newsroom.slug}))
    assert receiver.url in listing.content.decode()
    assert hook.secret not in listing.content.decode()


def test_a_refused_url_answers_422_with_the_reason_and_creates_nothing(
    admin_client: Client, newsroom: Any, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_NETWORKS = []
    url = reverse("webhooks:create", kwargs={"slug": newsroom.slug})
    response = admin_client.post(
        url, {"url": "https://169.254.169.254/x", "events": ["task.assigned"]}
    )
    assert response.status_code == 422
    assert "points to a private network address" in response.content.decode()
    assert "https://169.254.169.254/x" in response.content.decode()  # the input is kept
    no_events = admin_client.post(url, {"url": "https://cms.example.org/", "events": []})
    assert no_events.status_code == 422
    assert "Choose at least one event." in no_events.content.decode()
    assert not Webhook.objects.exists()
    assert not AuditEntry.objects.filter(object_type="webhook").exists()


def test_an_admin_edits_events_and_pauses_a_hook(admin_client: Client, hook: Webhook) -> None:
    url = reverse("webhooks:detail", kwargs={"pk": hook.pk})
    response = admin_client.post(url, {"events": ["task.assigned"]})  # "active" unticked
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.events == ["task.assigned"] and not hook.active
    entry = AuditEntry.objects.get(object_type="webhook", action="edited")
    assert "paused" in entry.summary and "task.assigned" in entry.summary
    # The same again changes nothing and records nothing.
    admin_client.post(url, {"events": ["task.assigned"]})
    assert AuditEntry.objects.filter(object_type="webhook", action="edited").count() == 1
    assert admin_client.post(url, {"events": ["no.such"]}).status_code == 422


def test_an_admin_deletes_a_hook_and_a_second_click_is_harmless(
    admin_client: Client, hook: Webhook
) -> None:
    url = reverse("webhooks:delete", kwargs={"pk": hook.pk})
    response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/webhooks/newsrooms/demo/"
    assert not Webhook.objects.exists()
    assert AuditEntry.objects.filter(object_type="webhook", action="deleted").count() == 1
    assert admin_client.post(url).status_code == 404  # gone
    assert admin_client.get(url).status_code == 405


def test_the_delivery_log_shows_each_attempt(
    admin_client: Client, newsroom: Any, newsadmin: Any, closed_port_url: str,
    django_capture_on_commit_callbacks: Any, eager_retries: None,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    hook = make_hook(newsroom, newsadmin, closed_port_url)
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_create(hooks=[hook], event=Event.TASK_ASSIGNED, data=[{"x": 1}, {"x": 2}])
    with django_assert_max_num_queries(8):  # session, user, hook, page count, rows, attempts…
        response = admin_client.get(reverse("webhooks:deliveries", kwargs={"pk": hook.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="attempt attempt-retry"') == 4
    assert html.count('class="attempt attempt-failed"') == 2
    assert "Could not connect to 127.0.0.1." in html
    assert "gave up after 3 attempts" in html
    assert html.count(">Re-send</button>") == 2


def test_re_send_makes_a_new_attempt_of_the_same_delivery(
    admin_client: Client, newsadmin: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    delivery = failed_delivery(hook)
    url = reverse("webhooks:resend", kwargs={"pk": delivery.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{hook.pk}/deliveries/#d-{delivery.pk}"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    assert delivery.resent_by == newsadmin
    assert [a.outcome for a in delivery.attempt_log.order_by("number")] == ["failed", "succeeded"]
    [got] = receiver.received
    assert got.headers["x-factcheck-delivery"] == str(delivery.pk)
    assert got.signature_ok
    # It succeeded: a re-send sends it once more, on purpose (the button is the admin's).
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)
    assert len(receiver.received) == 2


def test_re_send_of_a_queued_delivery_or_a_paused_hook_is_refused_with_a_reason(
    admin_client: Client, hook: Webhook, receiver: Receiver
) -> None:
    delivery = failed_delivery(hook)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.RETRYING)
    url = reverse("webhooks:resend", kwargs={"pk": delivery.pk})
    page = admin_client.post(url, follow=True).content.decode()
    assert "This delivery is still queued" in page
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    Webhook.objects.filter(pk=hook.pk).update(active=False)
    page = admin_client.post(url, follow=True).content.decode()
    assert "This webhook is paused" in page
    assert receiver.received == []
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


@pytest.mark.parametrize("role", ["editor", "checker"])
def test_other_members_get_403_everywhere(
    request: pytest.FixtureRequest, hook: Webhook, role: str
) -> None:
    delivery = failed_delivery(hook)
    client = client_for(request.getfixturevalue(role))
    for name, (method, url) in urls(hook, delivery).items():
        body = {"url": "https://cms.example.org/", "events": ["draft.cleared"], "active": "on"}
        response = client.get(url) if method == "GET" else client.post(url, body)
        assert response.status_code == 403, name
    assert Webhook.objects.count() == 1
    assert Webhook.objects.get().events == list(Event.values)
    assert Delivery.objects.get().attempts == 1


def test_outsiders_get_404_and_anonymous_users_the_login(
    outsider: Any, hook: Webhook, receiver: Receiver
) -> None:
    from factcheck.newsrooms.models import Membership, Role

    # Even an admin of another newsroom: its rights stop at its own newsroom.
    Membership.objects.filter(user=outsider).update(role=Role.ADMIN)
    delivery = failed_delivery(hook)
    outsider_client = client_for(outsider)
    for name, (method, url) in urls(hook, delivery).items():
        body = {"url": receiver.url, "events": ["draft.cleared"]}
        response = outsider_client.get(url) if method == "GET" else outsider_client.post(url, body)
        assert response.status_code == 404, name
        assert hook.secret not in response.content.decode()
        assert "Secret scoop" not in response.content.decode()
        anonymous = Client().get(url) if method == "GET" else Client().post(url, body)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert Webhook.objects.count() == 1 and Delivery.objects.get().attempts == 1
    assert receiver.received == []


def test_wrong_methods_answer_405(admin_client: Client, hook: Webhook) -> None:
    delivery = failed_delivery(hook)
    slug = hook.newsroom.slug
    assert admin_client.post(reverse("webhooks:list", kwargs={"slug": slug})).status_code == 405
    assert admin_client.get(reverse("webhooks:create", kwargs={"slug": slug})).status_code == 405
    assert (
        admin_client.get(reverse("webhooks:resend", kwargs={"pk": delivery.pk})).status_code == 405
    )
    assert (
        admin_client.post(reverse("webhooks:deliveries", kwargs={"pk": hook.pk})).status_code == 405
    )


def test_the_newsroom_page_links_admins_to_the_webhooks(
    admin_client: Client, editor: Any, newsroom: Any
) -> None:
    link = reverse("webhooks:list", kwargs={"slug": newsroom.slug})
    page = reverse("newsrooms:detail", kwargs={"slug": newsroom.slug})
    assert link in admin_client.get(page).content.decode()
    assert link not in client_for(editor).get(page).content.decode()
