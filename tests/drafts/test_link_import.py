"""Importing a draft, or a new version of one, from a link: the form, the new-version form and
``import_draft URL``, against a stub site on 127.0.0.1 (allowed by the test-only setting) and a
canary on 127.0.0.2 that must never be reached."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.test import Client
from django.utils.html import escape

from factcheck import settings as settings_module
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import DraftInputError, draft_import, fetch_limits
from tests.claims.test_revisions import V2, Story, make_story
from tests.fetch_stub import Site
from tests.test_commands import run

pytestmark = pytest.mark.django_db

NEW_URL = "/drafts/new/"
PRIVATE = "This link points to a private network address and was not fetched."

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour Road Reopens</title>"
    "</head><body><h1>Harbour Road Reopens</h1>"
    "<p>The harbour road reopened at 9 a.m. on Wednesday, the council said.</p>"
    "<p>“We are glad,” said Mayor Ines Holt.</p></body></html>"
).encode()
RUSSIAN = "Министр финансов заявил во вторник, что бюджет страны вырос на пять процентов."
ARABIC = "قال وزير المالية يوم الثلاثاء إن ميزانية البلاد ارتفعت بنسبة خمسة في المئة."


@pytest.fixture
def site(settings: Any) -> Iterator[Site]:
    settings.DRAFT_FETCH_ALLOW_ADDRESSES = ["127.0.0.1"]
    settings.DRAFT_FETCH_TIMEOUT_SECONDS = 2
    with Site("127.0.0.1") as site:
        site.page("/harbour", PAGE)
        yield site


@pytest.fixture
def canary() -> Iterator[Site]:
    with Site("127.0.0.2") as canary:
        canary.page("*", b"the canary was reached", content_type="text/plain")
        yield canary


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    return make_story(newsroom, editor, checker)


def row_counts() -> tuple[int, int, int]:
    return Draft.objects.count(), Revision.objects.count(), Sentence.objects.count()


def post_link(client: Client, newsroom: Any, url: str, **extra: Any) -> Any:
    return client.post(NEW_URL, {"newsroom": newsroom.pk, "text": "", "url": url, **extra})


# --- The new-draft form --------------------------------------------------------------------------


def test_the_form_offers_a_link_beside_paste_and_upload(
    editor_client: Client, newsroom: Any
) -> None:
    html = editor_client.get(NEW_URL).content.decode()
    assert 'name="text"' in html and 'name="file"' in html
    assert 'type="url" name="url"' in html
    assert "…or import from a link" in html


def test_importing_a_link_makes_a_draft_of_the_page(
    editor_client: Client, newsroom: Any, site: Site
) -> None:
    response = post_link(editor_client, newsroom, site.url + "/harbour")
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/"
    assert draft.title == "Harbour Road Reopens"
    revision = draft.revisions.get()
    assert (revision.source, revision.source_url) == (Revision.Source.URL, site.url + "/harbour")
    assert "“We are glad,” said Mayor Ines Holt." in revision.text
    [hit] = site.hits
    assert hit.headers["user-agent"].startswith("factcheck/")


def test_a_link_that_redirects_keeps_where_the_page_came_from(
    editor_client: Client, newsroom: Any, site: Site
) -> None:
    site.redirect("/short", "/harbour", status=301)
    assert post_link(editor_client, newsroom, site.url + "/short").status_code == 302
    assert Revision.objects.get().source_url == site.url + "/harbour"


def test_a_windows_1251_page_imports_in_the_charset_its_server_declares(
    editor_client: Client, newsroom: Any, site: Site
) -> None:
    html = f"<html><head><title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>"
    site.page("/ru", html.encode("cp1251"), content_type="text/html; charset=windows-1251")
    assert post_link(editor_client, newsroom, site.url + "/ru").status_code == 302
    draft = Draft.objects.get()
    assert (draft.title, draft.revisions.get().text) == ("Новости", RUSSIAN)


def test_an_iso_8859_6_page_imports_in_the_charset_its_meta_declares(
    newsroom: Any, editor: Any, site: Site
) -> None:
    html = f'<meta charset="iso-8859-6"><title>أخبار</title><p>{ARABIC}</p>'
    site.page("/ar", html.encode("iso-8859-6"), content_type="text/html")
    draft = draft_import(newsroom=newsroom, by=editor, url=site.url + "/ar")
    assert (draft.title, draft.revisions.get().text) == ("أخبار", ARABIC)


def test_a_text_file_by_link_is_read_as_text(newsroom: Any, editor: Any, site: Site) -> None:
    site.page("/notes.txt", b"Storm Closes Road\n\nThe road closed.", content_type="text/plain")
    draft = draft_import(newsroom=newsroom, by=editor, url=site.url + "/notes.txt")
    assert draft.revisions.get().text == "Storm Closes Road\n\nThe road closed."


def test_a_newsroom_admin_may_import_a_link(
    newsadmin: Any, newsroom: Any, site: Site, client: Client
) -> None:
    client.force_login(newsadmin)
    assert post_link(client, newsroom, site.url + "/harbour").status_code == 302
    assert Revision.objects.get().created_by == newsadmin


def test_posting_a_link_twice_makes_two_drafts(
    editor_client: Client, newsroom: Any, site: Site
) -> None:
    for _ in range(2):
        assert post_link(editor_client, newsroom, site.url + "/harbour").status_code == 302
    assert Draft.objects.count() == 2
    assert len(site.hits) == 2


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_form_refuses_other_methods_and_fetches_nothing(
    editor_client: Client, site: Site, method: str
) -> None:
    response = getattr(editor_client, method)(NEW_URL, {"url": site.url + "/harbour"})
    assert response.status_code == 405
    assert site.hits == []


def test_a_checker_posting_a_link_fetches_nothing(
    checker_client: Client, editor: Any, newsroom: Any, site: Site
) -> None:
    response = post_link(checker_client, newsroom, site.url + "/harbour")
    assert response.status_code == 403  # a checker loads drafts nowhere: refused on the role
    assert site.hits == []
    assert row_counts() == (0, 0, 0)


def test_an_outsider_posting_a_link_to_the_demo_newsroom_fetches_nothing(
    outsider_client: Client, editor: Any, newsroom: Any, site: Site
) -> None:
    response = post_link(outsider_client, newsroom, site.url + "/harbour")
    assert response.status_code == 400
    assert site.hits == []
    assert row_counts() == (0, 0, 0)


def test_a_link_to_a_private_address_is_refused_under_the_link(
    editor_client: Client, newsroom: Any, site: Site, canary: Site
) -> None:
    response = post_link(editor_client, newsroom, canary.url + "/admin")
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [PRIVATE]
    assert escape(PRIVATE) in response.content.decode()
    assert canary.hits == []
    assert row_counts() == (0, 0, 0)


def test_a_redirect_to_a_private_address_is_refused(
    editor_client: Client, newsroom: Any, site: Site, canary: Site
) -> None:
    site.redirect("/go", canary.url + "/latest/meta-data/")
    response = post_link(editor_client, newsroom, site.url + "/go")
    assert response.context["form"].errors["url"] == [
        "This link redirects to a private network address, which was not fetched."
    ]
    assert canary.hits == []
    assert row_counts() == (0, 0, 0)


def test_without_the_test_only_setting_the_stub_is_a_private_address(
    editor_client: Client, newsroom: Any, site: Site, settings: Any
) -> None:
    settings.DRAFT_FETCH_ALLOW_ADDRESSES = []
    response = post_link(editor_client, newsroom, site.url + "/harbour")
    assert response.context["form"].errors["url"] == [PRIVATE]
    assert site.hits == []


@pytest.mark.parametrize(
    ("path", "content_type", "body", "message"),
    [
        (
            "/report.pdf",
            "application/pdf",
            b"%PDF-1.7",
            "is a PDF document (application/pdf), not a web page or text.",
        ),
        ("/photo", "image/jpeg", b"\xff\xd8\xff", "is an image (image/jpeg), not a web page"),
        ("/empty", "text/html", b"", "is empty."),
    ],
)
def test_a_link_to_something_that_is_not_a_page_says_what_it_is(
    editor_client: Client,
    newsroom: Any,
    site: Site,
    path: str,
    content_type: str,
    body: bytes,
    message: str,
) -> None:
    site.page(path, body, content_type=content_type)
    response = post_link(editor_client, newsroom, site.url + path)
    [error] = response.context["form"].errors["url"]
    assert error.startswith(f"“127.0.0.1{path}” ")
    assert message in error
    assert row_counts() == (0, 0, 0)


def test_a_missing_page_is_refused_with_its_status(
    editor_client: Client, newsroom: Any, site: Site
) -> None:
    response = post_link(editor_client, newsroom, site.url + "/gone")
    assert response.context["form"].errors["url"] == [
        "The site 127.0.0.1 has no such page (404 Not Found); check the link."
    ]


def test_a_page_over_the_draft_limit_is_refused(
    editor_client: Client, newsroom: Any, site: Site, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 1024
    site.page("/long", b"<p>" + b"word " * 1000 + b"</p>")
    response = post_link(editor_client, newsroom, site.url + "/long")
    assert response.context["form"].errors["url"] == [
        "The page at “127.0.0.1/long” is larger than 1,024 bytes, the limit for a draft."
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"text": "Pasted too."}, "Give a link, or paste text or upload a file"),
        ({"url": "ftp://example.com/a.txt"}, "Give a web link: http:// or https://."),
    ],
)
def test_a_link_with_other_input_or_not_a_web_link_is_refused(
    editor_client: Client, newsroom: Any, site: Site, extra: dict[str, str], message: str
) -> None:
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "text": "", "url": site.url + "/harbour", **extra}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert site.hits == []


# --- A new version from a link -------------------------------------------------------------------


def revision_url(story: Story) -> str:
    return f"/drafts/{story.draft.pk}/revisions/new/"


def test_a_new_version_from_a_link_reanchors_the_claims(
    editor_client: Client, story: Story, site: Site
) -> None:
    site.page("/v2.txt", V2.encode(), content_type="text/plain; charset=utf-8")
    response = editor_client.post(revision_url(story), {"url": site.url + "/v2.txt"}, follow=True)
    assert "Revision 2 loaded: 3 kept, 1 changed, 1 removed, 1 orphaned." in (
        response.content.decode()
    )
    revision = story.draft.revisions.get(number=2)
    assert (revision.source, revision.source_url) == (Revision.Source.URL, site.url + "/v2.txt")


def test_a_new_version_from_a_private_link_loads_nothing(
    editor_client: Client, story: Story, site: Site, canary: Site
) -> None:
    response = editor_client.post(revision_url(story), {"url": canary.url + "/"})
    assert response.status_code == 400
    assert response.context["form"].errors["url"] == [PRIVATE]
    assert story.draft.revisions.count() == 1
    assert canary.hits == []


def test_a_new_version_from_a_link_is_refused_to_a_checker_an_outsider_and_a_put(
    editor_client: Client,
    checker_client: Client,
    outsider_client: Client,
    story: Story,
    site: Site,
) -> None:
    data = {"url": site.url + "/harbour"}
    assert checker_client.post(revision_url(story), data).status_code == 403
    assert outsider_client.post(revision_url(story), data).status_code == 404
    assert editor_client.put(revision_url(story), data).status_code == 405
    assert site.hits == []
    assert story.draft.revisions.count() == 1


# --- The command line --------------------------------------------------------------------------


def test_import_draft_fetches_a_link(newsroom: Any, site: Site) -> None:
    output = run("import_draft", site.url + "/harbour", "--newsroom", "demo")
    draft = Draft.objects.get()
    assert output.startswith(f"Imported draft {draft.pk} “Harbour Road Reopens”")
    revision = draft.revisions.get()
    assert (revision.source, revision.source_url) == (Revision.Source.URL, site.url + "/harbour")


def test_import_draft_loads_a_new_version_from_a_link(story: Story, site: Site) -> None:
    site.page("/v2.txt", V2.encode(), content_type="text/plain")
    run("import_draft", site.url + "/v2.txt", "--draft", str(story.draft.pk))
    revision = story.draft.revisions.get(number=2)
    assert (revision.source, revision.source_url) == (Revision.Source.URL, site.url + "/v2.txt")


def test_import_draft_refuses_a_private_link_and_saves_nothing(
    newsroom: Any, site: Site, canary: Site
) -> None:
    with pytest.raises(CommandError, match=f"^{PRIVATE}$"):
        run("import_draft", f"http://2130706434:{canary.port}/", "--newsroom", "demo")
    assert canary.hits == []
    assert row_counts() == (0, 0, 0)


# --- The test-only setting -----------------------------------------------------------------------


def test_the_allow_setting_is_off_by_default() -> None:
    assert django_settings.DRAFT_FETCH_ALLOW_ADDRESSES == []
    assert fetch_limits().allow == ()


def test_a_bad_allow_value_fails_loudly(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DRAFT_FETCH_ALLOW_ADDRESSES = ["localhost"]
    with pytest.raises(ImproperlyConfigured, match="DRAFT_FETCH_ALLOW_ADDRESSES"):
        fetch_limits()
    monkeypatch.setenv("DRAFT_FETCH_ALLOW_ADDRESSES", "127.0.0.1, not-an-address")
    with pytest.raises(ImproperlyConfigured, match="not-an-address"):
        settings_module.env_networks("DRAFT_FETCH_ALLOW_ADDRESSES")
    monkeypatch.setenv("DRAFT_FETCH_ALLOW_ADDRESSES", "127.0.0.1, 10.0.0.0/8")
    assert settings_module.env_networks("DRAFT_FETCH_ALLOW_ADDRESSES") == [
        "127.0.0.1",
        "10.0.0.0/8",
    ]
    monkeypatch.setenv("DRAFT_FETCH_TIMEOUT_SECONDS", "0")
    with pytest.raises(ImproperlyConfigured, match="above 0"):
        settings_module.env_seconds("DRAFT_FETCH_TIMEOUT_SECONDS", 10)


def test_the_service_refuses_two_inputs_at_once(newsroom: Any, editor: Any, site: Site) -> None:
    with pytest.raises(DraftInputError, match="one of the three"):
        draft_import(newsroom=newsroom, by=editor, text="Text.", url=site.url + "/harbour")
    assert site.hits == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DRAFT_FETCH_ALLOW_ADDRESSES": "127.0.0.1", "ALLOWED_HOSTS": "news.example.com"},
            "is for tests only",
        ),
        ({"DRAFT_FETCH_ALLOW_ADDRESSES": "localhost"}, "must list IP addresses or networks"),
        ({"DRAFT_FETCH_TIMEOUT_SECONDS": "-1"}, "must be a number of seconds above 0"),
    ],
)
def test_the_settings_refuse_to_start_with_a_bad_fetch_value(
    env: dict[str, str], message: str, tmp_path: Any
) -> None:
    environment = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "FACTCHECK_VAR_DIR": str(tmp_path),
        **env,
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import factcheck.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
