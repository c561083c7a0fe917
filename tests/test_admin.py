"""The Django admin: every model registered, its list, search and change pages load."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.newsrooms.models import Membership, Newsroom
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [Newsroom, Membership, Draft, Revision, Sentence, Claim]


@pytest.fixture
def site_admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_model_is_registered_with_list_columns_and_search() -> None:
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert len(model_admin.list_display) > 1, model


def test_admin_pages_load_for_every_model(
    site_admin_client: Client, draft: Any, editor: Any
) -> None:
    sentence = draft.revisions.get().sentences.exclude(kind="boilerplate").first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    objects = {
        Newsroom: draft.newsroom,
        Membership: Membership.objects.first(),
        Draft: draft,
        Revision: draft.revisions.get(),
        Sentence: sentence,
        Claim: claim,
    }
    for model, obj in objects.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        listing = site_admin_client.get(base, {"q": "a"})
        assert listing.status_code == 200, base
        change = site_admin_client.get(f"{base}{obj.pk}/change/")
        assert change.status_code == 200, base
    excerpt = draft.revisions.get().text[sentence.start : sentence.end][:40]
    assert excerpt in site_admin_client.get("/admin/drafts/sentence/").content.decode()


def test_newsroom_members_cannot_reach_the_admin(editor: Any) -> None:
    client = Client()
    client.force_login(editor)
    response = client.get("/admin/drafts/draft/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
