"""A newsroom's source settings page (newsroom admins only; the API key write-only), what the
settings change elsewhere (the panel's sources, lookups on marking), and the sources' pages in
the Django admin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import (
    Evidence,
    Lookup,
    Passage,
    ReferenceDocument,
    Source,
    SourceSettings,
)
from factcheck.sources.services import (
    lookup_begin,
    lookup_store,
    lookups_start,
    source_settings_for,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET = "AIzaSy-secret-key-0123456789"


@pytest.fixture
def admin_client(newsadmin: Any) -> Client:
    return client_for(newsadmin)


def page(newsroom: Any) -> str:
    return reverse("newsrooms:sources", kwargs={"slug": newsroom.slug})


def body(response: HttpResponse) -> str:
    return response.content.decode()


def saved(newsroom: Any) -> SourceSettings:
    return SourceSettings.objects.get(newsroom=newsroom)


def form_data(newsroom: Any, **changes: Any) -> dict[str, Any]:
    """The form as the page shows it now, with ``changes``: checkboxes present when on."""
    current = source_settings_for(newsroom)
    data: dict[str, Any] = {
        "wikipedia_language": current.wikipedia_language,
        "factcheck_language": current.factcheck_language,
        "factcheck_max_age_days": current.factcheck_max_age_days or "",
        "new_api_key": "",
        "seen": current.updated_at.isoformat(),
    }
    for flag in (
        "archive_enabled",
        "library_enabled",
        "wikipedia_enabled",
        "factcheck_enabled",
        "lookup_on_mark",
    ):
        if getattr(current, flag):
            data[flag] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not False}


# --- Who may see and change them ---------------------------------------------------------------


def test_a_newsroom_admin_sees_the_settings_with_the_defaults(
    admin_client: Client, newsroom: Any
) -> None:
    response = admin_client.get(page(newsroom))
    html = body(response)
    assert response.status_code == 200
    assert "<h1>Source settings</h1>" in html
    assert 'name="archive_enabled" id="id_archive_enabled" checked' in html
    assert 'name="factcheck_enabled" id="id_factcheck_enabled"' in html
    assert 'name="factcheck_enabled" id="id_factcheck_enabled" checked' not in html
    assert 'value="en"' in html
    assert "API key: <strong>not set</strong>" in html
    assert 'type="password" name="new_api_key"' in html
    assert "clear_api_key" not in html  # nothing to remove
    assert '<label for="id_wikipedia_language">Wikipedia language</label>' in html


@pytest.mark.parametrize(("role", "status"), [("checker", 403), ("editor", 403), ("outsider", 404)])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_only_newsroom_admins_may_see_or_change_them(
    role: str, status: int, method: str, request: pytest.FixtureRequest, newsroom: Any
) -> None:
    client = client_for(request.getfixturevalue(role))
    data = form_data(newsroom, wikipedia_language="de")
    response = client.get(page(newsroom)) if method == "GET" else client.post(page(newsroom), data)
    assert response.status_code == status
    assert saved(newsroom).wikipedia_language == "en"
    assert "Source settings" not in body(response)


def test_an_outsider_cannot_tell_a_newsroom_from_one_that_does_not_exist(
    outsider_client: Client, newsadmin: Any
) -> None:
    missing = outsider_client.get("/newsrooms/no-such-newsroom/sources/")
    assert missing.status_code == 404
    assert outsider_client.get("/newsrooms/demo/sources/").status_code == 404
    assert client_for(newsadmin).get("/newsrooms/no-such-newsroom/sources/").status_code == 404


def test_an_admin_of_another_newsroom_only_manages_their_own(
    other_newsroom: Any, newsroom: Any
) -> None:
    from tests.factories import MembershipFactory

    other_admin = UserFactory(username="otheradmin")
    MembershipFactory(user=other_admin, newsroom=other_newsroom, role="admin")
    client = client_for(other_admin)
    assert client.get(page(other_newsroom)).status_code == 200
    assert client.get(page(newsroom)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client: Client, newsroom: Any) -> None:
    for response in (client.get(page(newsroom)), client.post(page(newsroom), {})):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={page(newsroom)}"


def test_the_wrong_method_is_refused(admin_client: Client, newsroom: Any) -> None:
    assert admin_client.put(page(newsroom)).status_code == 405
    assert admin_client.delete(page(newsroom)).status_code == 405


# --- Saving ------------------------------------------------------------------------------------


def test_saving_changes_the_settings_and_comes_back_with_a_message(
    admin_client: Client, newsroom: Any
) -> None:
    data = form_data(
        newsroom,
        archive_enabled=False,
        wikipedia_language="DE",
        lookup_on_mark="on",
        factcheck_enabled="on",
        new_api_key=SECRET,
        factcheck_language="pt-BR",
        factcheck_max_age_days="365",
    )
    response = admin_client.post(page(newsroom), data)
    assert response.status_code == 302
    assert response["Location"] == page(newsroom)
    settings = saved(newsroom)
    assert settings.enabled() == [Source.LIBRARY, Source.WIKIPEDIA, Source.FACTCHECK]
    assert settings.wikipedia_language == "de"
    assert (settings.factcheck_language, settings.factcheck_max_age_days) == ("pt-BR", 365)
    assert settings.factcheck_api_key == SECRET
    assert settings.lookup_on_mark is True
    html = body(admin_client.get(response["Location"]))
    assert "Source settings saved." in html
    assert "API key: <strong>set</strong>" in html
    assert SECRET not in html


def test_the_api_key_is_kept_when_left_empty_and_removed_only_when_asked(
    admin_client: Client, newsroom: Any
) -> None:
    admin_client.post(page(newsroom), form_data(newsroom, new_api_key=SECRET))
    admin_client.post(page(newsroom), form_data(newsroom, wikipedia_language="fr"))
    assert saved(newsroom).factcheck_api_key == SECRET
    assert saved(newsroom).wikipedia_language == "fr"
    html = body(admin_client.get(page(newsroom)))
    assert SECRET not in html
    assert '<label for="id_clear_api_key">Remove the saved API key</label>' in html

    admin_client.post(page(newsroom), form_data(newsroom, clear_api_key="on"))
    assert saved(newsroom).factcheck_api_key == ""
    assert "API key: <strong>not set</strong>" in body(admin_client.get(page(newsroom)))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"wikipedia_language": "en.evil.example/x#"}, "wikipedia_language", "language code"),
        ({"wikipedia_language": ""}, "wikipedia_language", "This field is required."),
        ({"factcheck_language": "english please"}, "factcheck_language", "language code"),
        ({"factcheck_max_age_days": "0"}, "factcheck_max_age_days", "greater than or equal to 1"),
        ({"factcheck_enabled": "on"}, "new_api_key", "needs an API key: enter one to enable it"),
    ],
)
def test_refused_input_is_shown_with_422_and_nothing_is_saved(
    admin_client: Client, newsroom: Any, changes: dict[str, str], field: str, message: str
) -> None:
    before = saved(newsroom) if SourceSettings.objects.exists() else source_settings_for(newsroom)
    response = admin_client.post(page(newsroom), form_data(newsroom, **changes))
    assert response.status_code == 422
    html = body(response)
    assert message in html
    assert "Check the settings below." in html
    after = saved(newsroom)
    assert (after.updated_at, after.wikipedia_language) == (
        before.updated_at,
        before.wikipedia_language,
    )


def test_a_refused_form_never_echoes_the_api_key(admin_client: Client, newsroom: Any) -> None:
    admin_client.post(page(newsroom), form_data(newsroom, new_api_key=SECRET))
    other = "AIzaSy-the-new-key"
    response = admin_client.post(
        page(newsroom), form_data(newsroom, new_api_key=other, wikipedia_language="!!")
    )
    assert response.status_code == 422
    assert SECRET not in body(response) and other not in body(response)
    response = admin_client.post(
        page(newsroom), form_data(newsroom, new_api_key=other, clear_api_key="on")
    )
    assert response.status_code == 422
    assert "Either enter a new API key or remove the saved one." in body(response)
    assert saved(newsroom).factcheck_api_key == SECRET


def test_saving_with_htmx_answers_with_the_form_and_the_flash(
    admin_client: Client, newsroom: Any
) -> None:
    response = admin_client.post(page(newsroom), form_data(newsroom, library_enabled=False), **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"source-settings-changed": {}}
    assert html.startswith('<section id="settings-form"')
    assert (
        '<div id="settings-flash" class="flash" role="status" aria-live="polite" '
        'hx-swap-oob="innerHTML"><p>Source settings saved.</p></div>'
    ) in html
    assert "<html" not in html
    assert saved(newsroom).library_enabled is False

    refused = admin_client.post(
        page(newsroom), form_data(newsroom, wikipedia_language="??"), **HTMX
    )
    assert refused.status_code == 422
    assert '<p class="flash-error">Check the settings below.</p>' in body(refused)


def test_sending_the_same_form_twice_is_harmless(admin_client: Client, newsroom: Any) -> None:
    data = form_data(newsroom, wikipedia_language="nl")
    assert admin_client.post(page(newsroom), data).status_code == 302
    # The second copy carries the stamp the first one replaced, but changes nothing more.
    assert admin_client.post(page(newsroom), data).status_code == 302
    assert saved(newsroom).wikipedia_language == "nl"


def test_a_change_saved_meanwhile_is_not_undone_and_the_users_input_is_kept(
    admin_client: Client, newsroom: Any
) -> None:
    seen = form_data(newsroom)  # the page as the admin loaded it
    SourceSettings.objects.filter(pk=saved(newsroom).pk).update(wikipedia_enabled=False)
    settings = saved(newsroom)
    settings.save()  # someone else's save: a new stamp

    response = admin_client.post(page(newsroom), {**seen, "wikipedia_language": "sv"})

    html = body(response)
    assert response.status_code == 409
    assert "Someone saved these settings while you were editing them." in html
    assert "<h3>Saved meanwhile</h3>" in html
    assert "<dt>Sources on</dt><dd>Newsroom archive, Reference library</dd>" in html
    assert 'value="sv"' in html  # the admin's input, kept
    assert saved(newsroom).wikipedia_language == "en"
    assert saved(newsroom).wikipedia_enabled is False
    # The kept form carries the new stamp: sending it again is a deliberate overwrite.
    stamp = saved(newsroom).updated_at.isoformat()
    assert f'name="seen" value="{stamp}"' in html
    again = admin_client.post(page(newsroom), {**seen, "wikipedia_language": "sv", "seen": stamp})
    assert again.status_code == 302
    assert saved(newsroom).wikipedia_language == "sv"

    settings.save()
    conflict = admin_client.post(page(newsroom), {**seen, "wikipedia_language": "fi"}, **HTMX)
    assert conflict.status_code == 422
    assert "Someone saved these settings" in body(conflict)


# --- What the settings change ------------------------------------------------------------------


def test_the_panel_offers_the_sources_the_admin_enabled(
    admin_client: Client, checker_client: Client, newsroom: Any, draft: Draft, editor: Any
) -> None:
    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=1), by=editor)
    admin_client.post(
        page(newsroom),
        form_data(newsroom, wikipedia_enabled=False, factcheck_enabled="on", new_api_key=SECRET),
    )
    html = body(checker_client.get(f"/sources/claims/{claim.pk}/lookups/", **HTMX))
    assert "All enabled sources (Newsroom archive, Reference library, Google Fact Check Tools)" in (
        html
    )
    assert '<option value="wikipedia">' not in html
    assert SECRET not in html


def test_with_lookup_on_mark_marking_a_claim_starts_its_lookups(
    admin_client: Client,
    editor_client: Client,
    newsroom: Any,
    draft: Draft,
    django_capture_on_commit_callbacks: Any,
) -> None:
    editor_client.post(f"/claims/drafts/{draft.pk}/mark/", {"mark": 1})
    assert not Lookup.objects.exists()  # off by default
    admin_client.post(page(newsroom), form_data(newsroom, lookup_on_mark="on"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        editor_client.post(f"/claims/drafts/{draft.pk}/mark/", {"mark": 2})

    claim = draft.claims.get(sentence__index=2)
    assert sorted(Lookup.objects.filter(claim=claim).values_list("source", flat=True)) == [
        Source.ARCHIVE,
        Source.LIBRARY,
        Source.WIKIPEDIA,
    ]
    assert callbacks  # sent to the workers after the commit


# --- The Django admin --------------------------------------------------------------------------


def test_the_admin_keeps_the_api_key_write_only_too(
    root_client: Client, newsroom: Any, admin_client: Client
) -> None:
    admin_client.post(page(newsroom), form_data(newsroom, new_api_key=SECRET))
    settings = saved(newsroom)
    url = f"/admin/sources/sourcesettings/{settings.pk}/change/"
    html = body(root_client.get(url))
    assert SECRET not in html
    assert 'name="new_api_key"' in html
    listing = body(root_client.get("/admin/sources/sourcesettings/", {"q": newsroom.name}))
    assert newsroom.name in listing and SECRET not in listing

    response = root_client.post(
        url,
        {
            "archive_enabled": "on",
            "wikipedia_enabled": "on",
            "wikipedia_language": "it",
            "factcheck_language": "en",
            "new_api_key": "",
        },
    )
    assert response.status_code == 302
    assert (saved(newsroom).wikipedia_language, saved(newsroom).factcheck_api_key) == ("it", SECRET)
    refused = root_client.post(url, {"wikipedia_language": "it.evil/", "factcheck_language": ""})
    assert refused.status_code == 200
    assert saved(newsroom).wikipedia_language == "it"


def test_the_admin_lists_lookups_evidence_and_documents_and_queues_lookups_again(
    root_client: Client, newsroom: Any, draft: Draft, editor: Any, newsadmin: Any
) -> None:
    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=1), by=editor)
    lookup = lookups_start(claims=[claim], by=None, sources=[Source.WIKIPEDIA])[0]
    begun = lookup_begin(lookup_id=lookup.pk)
    assert begun is not None
    lookup_store(lookup=begun, hits=[Hit(url="https://example.org/a", title="Harbour report")])
    evidence = Evidence.objects.get()
    document = ReferenceDocument.objects.create(
        newsroom=newsroom,
        title="Council notice",
        kind="txt",
        text="The road closed.",
        uploaded_by=newsadmin,
    )
    Passage.objects.create(document=document, index=0, start=0, end=16, text="The road closed.")

    for url in (
        "/admin/sources/lookup/?status__exact=done&source__exact=wikipedia",
        f"/admin/sources/lookup/{lookup.pk}/change/",
        "/admin/sources/evidence/?q=Harbour",
        f"/admin/sources/evidence/{evidence.pk}/change/",
        "/admin/sources/referencedocument/?q=Council",
        f"/admin/sources/referencedocument/{document.pk}/change/",
    ):
        response = root_client.get(url)
        assert response.status_code == 200, url
    assert "Harbour report" in body(root_client.get("/admin/sources/evidence/"))
    assert "The road closed." in body(
        root_client.get(f"/admin/sources/referencedocument/{document.pk}/change/")
    )
    for model, pk in (("evidence", evidence.pk), ("referencedocument", document.pk)):
        assert (
            root_client.post(f"/admin/sources/{model}/{pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    assert Evidence.objects.exists() and ReferenceDocument.objects.exists()

    response = root_client.post(
        "/admin/sources/lookup/", {"action": "queue_again", "_selected_action": [lookup.pk]}
    )
    assert response.status_code == 302
    assert Lookup.objects.get().status == Lookup.Status.QUEUED
