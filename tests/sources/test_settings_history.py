"""Changes to a newsroom's source settings go through one service: newsroom admins only, no
lost updates, and every change in the newsroom's history under its author's name, the API key
never written there. The settings page shows the latest changes."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.test import Client

from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry
from factcheck.insights.services import newsroom_set_threshold
from factcheck.sources.models import SourceSettings
from factcheck.sources.services import settings_stamp, source_settings_for, source_settings_save
from tests.conftest import client_for, require_postgresql
from tests.sources.test_settings_views import HTMX, SECRET, body, form_data, page, saved

pytestmark = pytest.mark.django_db


def entries(newsroom: Any) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(newsroom=newsroom, object_type="sourcesettings").order_by("id")
    )


def values(newsroom: Any, **changes: Any) -> dict[str, Any]:
    """Every setting as saved now, with ``changes``."""
    current = source_settings_for(newsroom)
    return {
        "archive_enabled": current.archive_enabled,
        "library_enabled": current.library_enabled,
        "wikipedia_enabled": current.wikipedia_enabled,
        "wikipedia_language": current.wikipedia_language,
        "factcheck_enabled": current.factcheck_enabled,
        "factcheck_api_key": current.factcheck_api_key,
        "factcheck_language": current.factcheck_language,
        "factcheck_max_age_days": current.factcheck_max_age_days,
        "lookup_on_mark": current.lookup_on_mark,
        **changes,
    }


def test_a_change_on_the_page_is_recorded_under_the_admins_name_and_listed(
    newsroom: Any, newsadmin: Any
) -> None:
    client = client_for(newsadmin)
    response = client.post(
        page(newsroom), form_data(newsroom, wikipedia_language="de", wikipedia_enabled=False)
    )
    assert response.status_code == 302

    [entry] = entries(newsroom)
    assert entry.actor == newsadmin
    assert entry.action == "source_settings_changed"
    assert entry.draft_id is None
    assert entry.summary == (
        "Changed the source settings: Wikipedia on → off; Wikipedia language en → de"
    )
    assert entry.changes == {"wikipedia_enabled": [True, False], "wikipedia_language": ["en", "de"]}
    html = body(client.get(page(newsroom)))
    history = html[html.index('id="settings-history"') :]
    assert "Wikipedia on → off; Wikipedia language en → de" in history
    assert f'<span class="who">{newsadmin.get_username()}</span>' in history


def test_saving_with_htmx_brings_the_history_along_out_of_band(
    newsroom: Any, newsadmin: Any
) -> None:
    client = client_for(newsadmin)
    response = client.post(page(newsroom), form_data(newsroom, wikipedia_language="fr"), **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert 'id="settings-history" class="settings-history"' in html
    assert 'hx-swap-oob="outerHTML"' in html
    assert "Wikipedia language en → fr" in html


def test_the_threshold_is_listed_with_the_source_settings(newsroom: Any, newsadmin: Any) -> None:
    newsroom_set_threshold(newsroom=newsroom, by=newsadmin, threshold=0.7)
    html = body(client_for(newsadmin).get(page(newsroom)))
    assert "Set the suggestion threshold to 0.7" in html[html.index('id="settings-history"') :]


def test_an_unchanged_form_records_nothing(newsroom: Any, newsadmin: Any) -> None:
    client = client_for(newsadmin)
    assert client.post(page(newsroom), form_data(newsroom)).status_code == 302
    assert entries(newsroom) == []
    html = body(client.get(page(newsroom)))
    assert "No changes since the newsroom was set up." in html


def test_the_api_key_never_reaches_the_history(newsroom: Any, newsadmin: Any) -> None:
    client = client_for(newsadmin)
    client.post(page(newsroom), form_data(newsroom, new_api_key=SECRET, factcheck_enabled="on"))
    client.post(page(newsroom), form_data(newsroom, new_api_key=SECRET + "-2"))
    client.post(page(newsroom), form_data(newsroom, factcheck_enabled=False, clear_api_key="on"))
    assert saved(newsroom).factcheck_api_key == ""

    summaries = [e.summary for e in entries(newsroom)]
    assert summaries == [
        "Changed the source settings: Fact Check Tools off → on; API key set",
        "Changed the source settings: API key replaced",
        "Changed the source settings: Fact Check Tools on → off; API key removed",
    ]
    assert [e.changes.get("factcheck_api_key") for e in entries(newsroom)] == [
        ["not set", "set"],
        ["set", "replaced"],
        ["set", "removed"],
    ]
    stored = json.dumps([[e.summary, e.changes] for e in AuditEntry.objects.all()])
    assert SECRET not in stored
    assert SECRET not in body(client.get(page(newsroom)))


def test_only_newsroom_admins_and_site_admins_may_save(
    newsroom: Any, editor: Any, checker: Any, outsider: Any, newsadmin: Any
) -> None:
    for user in (editor, checker, outsider):
        with pytest.raises(PermissionDenied):
            source_settings_save(
                newsroom=newsroom, by=user, values=values(newsroom, wikipedia_language="pl")
            )
    assert saved(newsroom).wikipedia_language == "en"
    assert entries(newsroom) == []
    # An admin of another newsroom is an outsider here.
    with pytest.raises(PermissionDenied):
        source_settings_save(
            newsroom=newsroom, by=outsider, values=values(newsroom, lookup_on_mark=True)
        )
    source_settings_save(
        newsroom=newsroom, by=newsadmin, values=values(newsroom, lookup_on_mark=True)
    )
    assert saved(newsroom).lookup_on_mark is True


def test_unknown_fields_are_a_programming_error(newsroom: Any, newsadmin: Any) -> None:
    with pytest.raises(ValueError, match="newsroom"):
        source_settings_save(newsroom=newsroom, by=newsadmin, values={"newsroom": 1})


def test_a_stale_save_is_refused_only_when_it_would_undo_something(
    newsroom: Any, newsadmin: Any
) -> None:
    seen = settings_stamp(source_settings_for(newsroom))
    source_settings_save(
        newsroom=newsroom, by=newsadmin, values=values(newsroom, wikipedia_language="nl")
    )
    # The same change sent again with the old stamp undoes nothing: no conflict, no entry.
    source_settings_save(
        newsroom=newsroom, by=newsadmin, values=values(newsroom, wikipedia_language="nl"), seen=seen
    )
    with pytest.raises(ConflictError) as refused:
        source_settings_save(
            newsroom=newsroom,
            by=newsadmin,
            values=values(newsroom, wikipedia_language="sv"),
            seen=seen,
        )
    assert refused.value.current.wikipedia_language == "nl"
    assert "Someone saved these settings" in str(refused.value)
    assert saved(newsroom).wikipedia_language == "nl"
    assert len(entries(newsroom)) == 1


def test_the_django_admin_records_the_site_admin_by_name(
    root_client: Client, newsroom: Any
) -> None:
    settings = source_settings_for(newsroom)
    response = root_client.post(
        f"/admin/sources/sourcesettings/{settings.pk}/change/",
        {
            "archive_enabled": "on",
            "wikipedia_enabled": "on",
            "wikipedia_language": "it",
            "factcheck_language": "en",
            "new_api_key": SECRET,
        },
    )
    assert response.status_code == 302
    assert (saved(newsroom).wikipedia_language, saved(newsroom).factcheck_api_key) == ("it", SECRET)
    [entry] = entries(newsroom)
    assert entry.actor is not None and entry.actor.is_superuser
    assert "Reference library on → off" in entry.summary
    assert "API key set" in entry.summary
    assert SECRET not in json.dumps(entry.changes)


def test_the_django_admin_adds_settings_through_the_service(
    root_client: Client, newsroom: Any
) -> None:
    assert not SourceSettings.objects.filter(newsroom=newsroom).exists()
    response = root_client.post(
        "/admin/sources/sourcesettings/add/",
        {
            "newsroom": newsroom.pk,
            "wikipedia_enabled": "on",
            "wikipedia_language": "es",
            "factcheck_language": "",
            "new_api_key": "",
        },
    )
    assert response.status_code == 302
    assert saved(newsroom).wikipedia_language == "es"
    assert saved(newsroom).archive_enabled is False
    [entry] = entries(newsroom)
    assert "Wikipedia language en → es" in entry.summary


@pytest.mark.django_db(transaction=True)
def test_racing_admins_each_see_the_other_change_or_win_cleanly(
    newsroom: Any, newsadmin: Any
) -> None:
    require_postgresql()
    seen = settings_stamp(source_settings_for(newsroom))
    languages = ["de", "fr", "it", "es", "pt", "nl"]
    barrier = threading.Barrier(len(languages))
    saved_as: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def save(language: str) -> None:
        try:
            barrier.wait()
            source_settings_save(
                newsroom=newsroom,
                by=newsadmin,
                values=values(newsroom, wikipedia_language=language),
                seen=seen,
            )
            saved_as.append(language)
        except ConflictError:
            refused.append(language)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(language,)) for language in languages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # All loaded the same page: one save wins, every other one is told, none is lost silently.
    assert len(saved_as) == 1
    assert sorted(saved_as + refused) == sorted(languages)
    assert saved(newsroom).wikipedia_language == saved_as[0]
    assert len(entries(newsroom)) == 1


def test_the_history_lists_only_this_newsrooms_changes(
    newsroom: Any, other_newsroom: Any, newsadmin: Any
) -> None:
    source_settings_save(
        newsroom=other_newsroom, by=None, values=values(other_newsroom, wikipedia_language="fi")
    )
    newsroom_set_threshold(newsroom=other_newsroom, by=None, threshold=0.9)
    html = body(client_for(newsadmin).get(page(newsroom)))
    history = html[html.index('id="settings-history"') :]
    assert "No changes since the newsroom was set up." in history
    assert "en → fi" not in history and "0.9" not in history
