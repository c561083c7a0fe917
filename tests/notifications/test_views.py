"""The notification list, the bell and marking read: own notifications only, htmx or not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.newsrooms.models import Membership
from factcheck.notifications.models import Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = "/notifications/"
BELL = "/notifications/bell/"
READ = "/notifications/read/"


def make(user: Any, newsroom: Any, n: int = 1, *, actor: Any = None, read: bool = False) -> list:
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            newsroom=newsroom,
            kind=Notification.Kind.ASSIGNED,
            message=f"You were assigned task {i}",
            url=f"/tasks/{i}/",
            actor=actor,
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )
    return rows


def body(response: Any) -> str:
    return response.content.decode()


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_own_notifications_newest_first_unread_highlighted(
    checker_client: Client, checker: Any, editor: Any, newsroom: Any
) -> None:
    (old,) = make(checker, newsroom, actor=editor, read=True)
    new = Notification.objects.create(
        user=checker,
        newsroom=newsroom,
        kind=Notification.Kind.APPROVED,
        message="Your verdict was approved: Inaccurate",
        url="/claims/7/",
        actor=editor,
    )
    make(editor, newsroom)  # someone else's

    response = checker_client.get(LIST)

    assert response.status_code == 200
    html = body(response)
    assert html.index(f'id="n-{new.pk}"') < html.index(f'id="n-{old.pk}"')
    assert f'<li id="n-{new.pk}" class="notification is-unread">' in html
    assert f'<li id="n-{old.pk}" class="notification">' in html
    assert '<a href="/claims/7/">Your verdict was approved: Inaccurate</a>' in html
    assert "by editor" in html
    assert "1 unread" in html
    assert html.count('<li id="n-') == 2
    assert "Mark all read" in html


def test_list_hides_notifications_of_a_newsroom_the_user_has_left(
    checker_client: Client, checker: Any, newsroom: Any, other_newsroom: Any
) -> None:
    make(checker, newsroom)
    Membership.objects.create(user=checker, newsroom=other_newsroom)
    (elsewhere,) = make(checker, other_newsroom)
    assert f'id="n-{elsewhere.pk}"' in body(checker_client.get(LIST))

    Membership.objects.filter(user=checker, newsroom=other_newsroom).delete()

    html = body(checker_client.get(LIST))
    assert f'id="n-{elsewhere.pk}"' not in html
    assert "1 unread" in html


def test_list_is_empty_for_someone_with_nothing(outsider_client: Client) -> None:
    response = outsider_client.get(LIST)
    assert response.status_code == 200
    assert "No notifications." in body(response)
    assert "Mark all read" not in body(response)


def test_list_is_paginated(checker_client: Client, checker: Any, newsroom: Any) -> None:
    make(checker, newsroom, 30)
    first = body(checker_client.get(LIST))
    assert first.count('<li id="n-') == 25
    assert "Page 1 of 2" in first
    second = body(checker_client.get(LIST, {"page": 2}))
    assert second.count('<li id="n-') == 5
    assert 'href="?page=1"' in second and 'hx-push-url="true"' in second


def test_list_htmx_answers_with_the_fragment(
    checker_client: Client, checker: Any, newsroom: Any
) -> None:
    make(checker, newsroom)
    response = checker_client.get(LIST, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('<section id="notifications"')
    assert "<html" not in html


def test_list_query_count_is_the_same_for_few_and_many(
    checker_client: Client, checker: Any, editor: Any, newsroom: Any, django_assert_max_num_queries
) -> None:
    make(checker, newsroom, 3, actor=editor)
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as few:
        assert checker_client.get(LIST).status_code == 200
    make(checker, newsroom, 300, actor=editor)
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as many:
        assert checker_client.get(LIST, {"page": 3}).status_code == 200
    assert len(few) == len(many)


def test_list_needs_login(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/notifications/")


def test_list_refuses_post(checker_client: Client) -> None:
    assert checker_client.post(LIST).status_code == 405


# --- The bell ----------------------------------------------------------------------------------


def test_every_page_has_the_bell_polling_its_count(checker_client: Client) -> None:
    html = body(checker_client.get("/"))
    assert '<span id="bell"' in html
    assert f'hx-get="{BELL}"' in html
    assert 'hx-trigger="load, every 30s, notifications-read from:body"' in html
    assert '<a class="bell" href="/notifications/"' in html


def test_bell_shows_the_unread_count_in_one_query(
    checker_client: Client, checker: Any, newsroom: Any, django_assert_num_queries
) -> None:
    make(checker, newsroom, 3)
    make(checker, newsroom, 2, read=True)
    checker_client.get(BELL)  # the session is loaded and cached in the same way each time
    with django_assert_num_queries(3):  # the session, the user, the count
        response = checker_client.get(BELL, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('<a class="bell has-unread" href="/notifications/"')
    assert 'aria-label="Notifications: 3 unread"' in html
    assert '<span class="count" data-unread="3">3</span>' in html
    make(checker, newsroom, 500)
    with django_assert_num_queries(3):
        assert "503" in body(checker_client.get(BELL, **HTMX))


def test_bell_without_unread_shows_no_badge(outsider_client: Client) -> None:
    html = body(outsider_client.get(BELL, **HTMX))
    assert 'aria-label="Notifications: 0 unread"' in html
    assert "count" not in html


def test_bell_does_not_count_a_left_newsroom(
    checker_client: Client, checker: Any, newsroom: Any, other_newsroom: Any
) -> None:
    make(checker, other_newsroom, 4)  # never a member there (any more)
    make(checker, newsroom, 1)
    assert 'data-unread="1"' in body(checker_client.get(BELL))


def test_bell_for_a_logged_out_htmx_poll_stops_polling(client: Client) -> None:
    response = client.get(BELL, **HTMX)
    assert response.status_code == 286  # htmx: stop polling, and no login page in the top bar
    assert "<html" not in body(response)
    assert 'href="/notifications/"' in body(response)


def test_bell_without_htmx_needs_login(client: Client) -> None:
    response = client.get(BELL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_bell_refuses_post(checker_client: Client) -> None:
    assert checker_client.post(BELL).status_code == 405


# --- Marking read ------------------------------------------------------------------------------


def test_mark_one_read_redirects_back_to_the_list(
    checker_client: Client, checker: Any, newsroom: Any
) -> None:
    first, second = make(checker, newsroom, 2)
    response = checker_client.post(READ, {"id": first.pk})
    assert response.status_code == 302
    assert response["Location"] == LIST
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    again = checker_client.post(READ, {"id": first.pk})  # a repeat is harmless
    assert again.status_code == 302
    assert "1 unread" in body(checker_client.get(LIST))


def test_mark_one_read_with_htmx_swaps_the_item_in_place(
    checker_client: Client, checker: Any, newsroom: Any
) -> None:
    first, _ = make(checker, newsroom, 2)
    response = checker_client.post(READ, {"id": first.pk}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith(f'<li id="n-{first.pk}" class="notification">')
    assert "Mark read</button>" not in html
    assert '<div id="flash"' in html and 'hx-swap-oob="true"' in html
    assert '<span id="unread-count" class="meta" hx-swap-oob="true">1 unread</span>' in html
    assert "notifications-read" in response["HX-Trigger"]


def test_mark_all_read(checker_client: Client, checker: Any, editor: Any, newsroom: Any) -> None:
    make(checker, newsroom, 3)
    (theirs,) = make(editor, newsroom)
    response = checker_client.post(READ)
    assert response.status_code == 302
    assert not Notification.objects.filter(user=checker, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Marked 3 notifications read." in body(checker_client.get(LIST))
    assert checker_client.post(READ).status_code == 302  # nothing left: harmless


def test_mark_all_read_with_htmx_answers_with_the_list(
    checker_client: Client, checker: Any, newsroom: Any
) -> None:
    make(checker, newsroom, 2)
    response = checker_client.post(READ, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('<section id="notifications"')
    assert "is-unread" not in html
    assert "0 unread" in html
    assert "Marked 2 notifications read." in html
    assert "notifications-read" in response["HX-Trigger"]


def test_someone_elses_notification_is_not_found(
    checker_client: Client, editor: Any, newsroom: Any
) -> None:
    (theirs,) = make(editor, newsroom)
    assert checker_client.post(READ, {"id": theirs.pk}).status_code == 404
    assert checker_client.post(READ, {"id": theirs.pk}, **HTMX).status_code == 404
    assert checker_client.post(READ, {"id": "nonsense"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_refuses_get(checker_client: Client) -> None:
    assert checker_client.get(READ).status_code == 405


def test_mark_read_needs_login(client: Client, checker: Any, newsroom: Any) -> None:
    (mine,) = make(checker, newsroom)
    response = client.post(READ, {"id": mine.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    mine.refresh_from_db()
    assert mine.read_at is None


def test_notifications_from_the_workflow_reach_the_list(
    newsroom: Any, editor: Any, checker: Any, draft: Any
) -> None:
    from factcheck.reviews.services import task_create

    task_create(draft=draft, by=editor, title="S-92 vs S-76 discrepancy", assignee=checker)
    html = body(client_for(checker).get(LIST))
    assert "You were assigned “S-92 vs S-76 discrepancy”" in html
