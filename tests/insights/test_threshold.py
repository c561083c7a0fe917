"""The newsroom's suggestion threshold: the service and the form on the settings page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from factcheck.analysis import checkworthiness
from factcheck.drafts.models import Draft
from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.insights.services import newsroom_set_threshold
from factcheck.newsrooms.models import Newsroom
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/newsrooms/demo/suggestions/"
SETTINGS = "/newsrooms/demo/sources/"


def threshold(newsroom: Newsroom) -> float | None:
    return Newsroom.objects.get(pk=newsroom.pk).suggestion_threshold


def test_service_sets_and_clears_the_threshold_with_an_audit_entry(
    newsroom: Newsroom, newsadmin: Any
) -> None:
    newsroom_set_threshold(newsroom=newsroom, by=newsadmin, threshold=0.8)
    assert threshold(newsroom) == 0.8
    entry = AuditEntry.objects.get(action="suggestion_threshold_set")
    assert entry.actor == newsadmin and entry.changes == {"suggestion_threshold": [None, 0.8]}

    newsroom_set_threshold(newsroom=newsroom, by=newsadmin, threshold=0.8)  # no change
    assert AuditEntry.objects.filter(action="suggestion_threshold_set").count() == 1
    newsroom_set_threshold(newsroom=newsroom, by=newsadmin, threshold=None)
    assert threshold(newsroom) is None
    assert "the model's default" in AuditEntry.objects.latest("pk").summary


@pytest.mark.parametrize("value", [-0.1, 1.01, float("nan")])
def test_service_refuses_a_value_outside_0_to_1(
    newsroom: Newsroom, newsadmin: Any, value: float
) -> None:
    with pytest.raises(FactcheckError):
        newsroom_set_threshold(newsroom=newsroom, by=newsadmin, threshold=value)
    assert threshold(newsroom) is None


def test_service_refuses_an_editor(newsroom: Newsroom, editor: Any) -> None:
    with pytest.raises(PermissionDenied):
        newsroom_set_threshold(newsroom=newsroom, by=editor, threshold=0.5)
    assert threshold(newsroom) is None


def test_settings_page_shows_the_form_with_the_models_value(newsadmin: Any) -> None:
    html = client_for(newsadmin).get(SETTINGS).content.decode()
    model = checkworthiness.load().threshold
    assert 'id="suggestions"' in html and f'action="{URL}"' in html
    assert f'<strong class="model-threshold">{model:.2f}</strong>' in html


def test_admin_saves_a_threshold_and_the_draft_page_follows_it(
    newsroom: Newsroom, newsadmin: Any, draft: Draft
) -> None:
    client = client_for(newsadmin)
    response = client.post(URL, {"threshold": "0.93"})
    assert response.status_code == 302 and response["Location"] == SETTINGS + "#suggestions"
    assert threshold(newsroom) == 0.93
    page = client.get(f"/drafts/{draft.pk}/").context["page"]
    # 0.95 and 0.94 stay suggested; the mayor's quote (0.92) does not.
    assert [s.index for s in page.suggestions] == [1, 2]

    assert client.post(URL, {"threshold": ""}).status_code == 302  # blank: the model's again
    assert threshold(newsroom) is None


def test_a_bad_value_is_refused_with_a_message(newsroom: Newsroom, newsadmin: Any) -> None:
    client = client_for(newsadmin)
    response = client.post(URL, {"threshold": "1.5"}, **HTMX)
    assert response.status_code == 422
    assert "less than or equal to 1" in response.content.decode()
    plain = client.post(URL, {"threshold": "lots"}, follow=True)
    assert "Enter a number." in plain.content.decode()
    assert threshold(newsroom) is None


def test_htmx_save_answers_with_the_form(newsroom: Newsroom, newsadmin: Any) -> None:
    response = client_for(newsadmin).post(URL, {"threshold": "0.7"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="suggestions"')
    assert "Suggestion threshold saved." in html and 'value="0.7"' in html


def test_repeating_the_save_is_harmless(newsroom: Newsroom, newsadmin: Any) -> None:
    client = client_for(newsadmin)
    for _ in range(2):
        assert client.post(URL, {"threshold": "0.7"}).status_code == 302
    assert AuditEntry.objects.filter(action="suggestion_threshold_set").count() == 1


def test_only_the_newsrooms_admins_set_it(
    newsroom: Newsroom, editor_client: Client, checker_client: Client, outsider_client: Client
) -> None:
    assert editor_client.post(URL, {"threshold": "0.7"}).status_code == 403
    assert checker_client.post(URL, {"threshold": "0.7"}).status_code == 403
    assert outsider_client.post(URL, {"threshold": "0.7"}).status_code == 404
    assert editor_client.get(URL).status_code == 405
    assert threshold(newsroom) is None
