"""The newsroom's ClaimReview settings: defaults, edits by its admins only, read-only for its
other members, nothing for outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from factcheck.claims.models import Claim
from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry
from factcheck.publishing.models import PublishingSettings
from factcheck.publishing.selectors import draft_claimreviews, publishing_settings_for
from factcheck.publishing.services import (
    PublishingError,
    publishing_settings_save,
    settings_stamp,
)
from tests.conftest import client_for
from tests.publishing.conftest import Checked, publish

pytestmark = pytest.mark.django_db


def url(newsroom: Any) -> str:
    return reverse("publishing:settings", kwargs={"slug": newsroom.slug})


def form_data(newsroom: Any, **changes: Any) -> dict[str, Any]:
    """The form as the page shows it, with ``changes``."""
    current = publishing_settings_for(newsroom)
    data: dict[str, Any] = {
        "organization_url": current.organization_url,
        "worst_rating": current.worst_rating,
        "best_rating": current.best_rating,
        "seen": settings_stamp(current),
    }
    for verdict in Claim.Verdict.values:
        name, value = current.rating_for(verdict)
        data[f"name_{verdict}"] = name
        data[f"value_{verdict}"] = "" if value is None else value
    return {**data, **changes}


def test_the_defaults_are_a_one_to_five_scale(newsroom: Any) -> None:
    settings = publishing_settings_for(newsroom)

    assert (settings.worst_rating, settings.best_rating) == (1, 5)
    assert settings.rating_for("accurate") == ("True", 5)
    assert settings.rating_for("misleading") == ("Misleading", 3)
    assert settings.rating_for("inaccurate") == ("False", 1)
    assert settings.rating_for("unverifiable") == ("Unproven", None)
    assert settings.rating_for("not_checkable") == ("Opinion", None)
    assert PublishingSettings.objects.filter(newsroom=newsroom).count() == 1


def test_an_admin_edits_the_mapping_and_the_reviews_follow(
    checked: Checked, editor: Any, newsadmin: Any
) -> None:
    newsroom = checked.draft.newsroom
    publish(checked.draft, editor)
    client = client_for(newsadmin)
    page = client.get(url(newsroom))
    assert page.status_code == 200
    assert b"Save settings" in page.content

    response = client.post(
        url(newsroom),
        form_data(
            newsroom,
            worst_rating=0,
            best_rating=10,
            name_inaccurate="Wrong",
            value_inaccurate=0,
            name_accurate="Correct",
            value_accurate=10,
            organization_url="https://news.example.org",
        ),
    )

    assert response.status_code == 302
    ratings = [r["reviewRating"] for r in draft_claimreviews(checked.draft)]
    assert ratings == [
        {
            "@type": "Rating",
            "alternateName": "Wrong",
            "ratingValue": 0,
            "bestRating": 10,
            "worstRating": 0,
        },
        {
            "@type": "Rating",
            "alternateName": "Correct",
            "ratingValue": 10,
            "bestRating": 10,
            "worstRating": 0,
        },
    ]
    entry = AuditEntry.objects.get(object_type="publishingsettings")
    assert entry.actor == newsadmin and entry.draft_id is None
    assert "Inaccurate → Wrong (0)" in entry.summary
    assert "Wrong (0)" in client.get(url(newsroom)).content.decode()
    # The same form again changes nothing and records nothing.
    client.post(url(newsroom), form_data(newsroom))
    assert AuditEntry.objects.filter(object_type="publishingsettings").count() == 1


@pytest.mark.parametrize("role", ["editor", "checker"])
def test_other_members_read_the_settings_and_cannot_change_them(
    role: str, request: pytest.FixtureRequest, newsroom: Any
) -> None:
    client = client_for(request.getfixturevalue(role))

    page = client.get(url(newsroom))
    refused = client.post(url(newsroom), form_data(newsroom, name_accurate="Yes"))

    assert page.status_code == 200
    assert b"Save settings" not in page.content
    assert b'name="name_accurate"' not in page.content
    assert "Only the newsroom" in page.content.decode()
    assert "True (5)" in page.content.decode()
    assert refused.status_code == 403
    assert publishing_settings_for(newsroom).rating_for("accurate") == ("True", 5)


def test_outsiders_and_anonymous_get_nothing(newsroom: Any, outsider: Any, client: Any) -> None:
    for who in (client_for(outsider), client):
        got = who.get(url(newsroom))
        posted = who.post(url(newsroom), {"name_accurate": "Yes"})
        if who is client:
            assert got.status_code == posted.status_code == 302  # to the login page
        else:
            assert got.status_code == posted.status_code == 404
    assert not AuditEntry.objects.filter(object_type="publishingsettings").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"best_rating": 1, "worst_rating": 5}, "The best rating must be higher than the worst."),
        ({"value_accurate": 9}, "Off the scale 1–5."),
        ({"name_misleading": ""}, "This field is required."),
        ({"organization_url": "javascript:alert(1)"}, "must start with http:// or https://"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_save_nothing(
    newsadmin: Any, newsroom: Any, changes: dict[str, Any], message: str
) -> None:
    response = client_for(newsadmin).post(url(newsroom), form_data(newsroom, **changes))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert publishing_settings_for(newsroom).best_rating == 5
    assert not AuditEntry.objects.filter(object_type="publishingsettings").exists()


def test_the_service_refuses_other_roles_and_bad_values(
    newsroom: Any, editor: Any, newsadmin: Any
) -> None:
    with pytest.raises(PermissionDenied):
        publishing_settings_save(newsroom=newsroom, by=editor, values={"best_rating": 10})
    with pytest.raises(PublishingError, match="off the scale"):
        publishing_settings_save(
            newsroom=newsroom,
            by=newsadmin,
            values={"ratings": {"accurate": {"name": "True", "value": 7}}},
        )
    with pytest.raises(PublishingError, match="no verdict"):
        publishing_settings_save(
            newsroom=newsroom,
            by=newsadmin,
            values={"ratings": {"pants_on_fire": {"name": "Liar", "value": 1}}},
        )


def test_a_save_over_someone_elses_is_a_conflict_that_keeps_the_input(
    newsroom: Any, newsadmin: Any
) -> None:
    client = client_for(newsadmin)
    stale = form_data(newsroom, name_accurate="Correct")
    publishing_settings_save(newsroom=newsroom, by=None, values={"best_rating": 7})

    response = client.post(url(newsroom), stale)

    assert response.status_code == 409
    assert "Someone saved these settings" in response.content.decode()
    assert 'value="Correct"' in response.content.decode()
    assert publishing_settings_for(newsroom).rating_for("accurate") == ("True", 5)
    with pytest.raises(ConflictError):
        publishing_settings_save(
            newsroom=newsroom, by=newsadmin, values={"best_rating": 8}, seen="2000-01-01"
        )
