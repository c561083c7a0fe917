"""The reference library pages: the list with its search box and upload form, a document with
its passages, archiving; who may do what; htmx paths; query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.newsrooms.models import Role
from factcheck.sources import library as library_module
from factcheck.sources.library import document_archive, document_upload
from factcheck.sources.models import ReferenceDocument
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.sources.test_library import RELEASE, SITREP_PAGES, encrypted, make_pdf

pytestmark = pytest.mark.django_db

# Session, user, the user's newsrooms with their roles, the documents with their passage counts;
# a search adds one (the passages with their documents).
LIST_QUERIES = 4


@pytest.fixture
def document(newsroom: Any, editor: Any) -> ReferenceDocument:
    return document_upload(newsroom=newsroom, by=editor, name="release.txt", data=RELEASE.encode())


@pytest.fixture
def other_document(other_newsroom: Any, outsider: Any) -> ReferenceDocument:
    text = "Outsider secret dossier\n\nThe helicopter secret of the other newsroom.\n"
    return document_upload(
        newsroom=other_newsroom, by=outsider, name="secret.txt", data=text.encode()
    )


def library_url(**params: str) -> str:
    url = reverse("sources:library")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def doc_url(document: ReferenceDocument) -> str:
    return reverse("sources:document", kwargs={"pk": document.pk})


def archive_url(document: ReferenceDocument) -> str:
    return reverse("sources:document_archive", kwargs={"pk": document.pk})


def upload_file(name: str = "sitrep.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(SITREP_PAGES) if data is None else data)


# --- Who may come in ----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client: Client, document: ReferenceDocument) -> None:
    for url in (library_url(), doc_url(document)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(archive_url(document))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert ReferenceDocument.objects.get(pk=document.pk).archived_at is None


def test_wrong_methods_are_refused(editor_client: Client, document: ReferenceDocument) -> None:
    assert editor_client.put(library_url()).status_code == 405
    assert editor_client.post(doc_url(document)).status_code == 405
    assert editor_client.get(archive_url(document)).status_code == 405


def test_outsider_never_sees_the_newsrooms_library(
    outsider_client: Client, document: ReferenceDocument, other_document: ReferenceDocument
) -> None:
    response = outsider_client.get(library_url())
    assert response.status_code == 200
    assert "Outsider secret dossier" in response.content.decode()
    assert document.title not in response.content.decode()
    assert outsider_client.get(library_url(newsroom="demo")).status_code == 404
    assert outsider_client.get(library_url(newsroom="demo", q="helicopter")).status_code == 404
    assert outsider_client.get(doc_url(document)).status_code == 404
    assert outsider_client.post(archive_url(document)).status_code == 404
    response = outsider_client.post(library_url(newsroom="demo"), {"file": upload_file()})
    assert response.status_code == 404
    assert not ReferenceDocument.objects.filter(newsroom__slug="demo", kind="pdf").exists()


def test_a_missing_document_is_a_404(editor_client: Client) -> None:
    assert editor_client.get(reverse("sources:document", kwargs={"pk": 987654})).status_code == 404


def test_a_user_in_no_newsroom_sees_an_empty_page(client: Client) -> None:
    client.force_login(UserFactory(username="loner"))  # type: ignore[arg-type]
    response = client.get(library_url())
    assert response.status_code == 200
    assert "not a member of any newsroom" in response.content.decode()


# --- The list and the search box ----------------------------------------------------------------


def test_checker_reads_the_library_but_has_no_upload_form(
    checker_client: Client, document: ReferenceDocument, other_document: ReferenceDocument
) -> None:
    response = checker_client.get(library_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert document.title in body
    assert doc_url(document) in body
    assert "Outsider secret dossier" not in body
    assert "Add a document" not in body


def test_editor_sees_the_upload_form(editor_client: Client, document: ReferenceDocument) -> None:
    body = editor_client.get(library_url()).content.decode()
    assert "Add a document" in body
    assert 'enctype="multipart/form-data"' in body
    assert 'name="newsroom" value="demo"' in body


def test_a_member_of_several_newsrooms_picks_one(
    editor: Any, other_newsroom: Any, document: ReferenceDocument, other_document: ReferenceDocument
) -> None:
    MembershipFactory(user=editor, newsroom=other_newsroom, role=Role.CHECKER)
    client = client_for(editor)
    body = client.get(library_url()).content.decode()
    assert 'id="library-newsroom"' in body  # the picker
    assert document.title in body and "Outsider secret dossier" not in body
    body = client.get(library_url(newsroom="other")).content.decode()
    assert "Outsider secret dossier" in body and document.title not in body
    assert "Add a document" not in body  # a checker there


def test_search_shows_the_best_passages_marked_and_escaped(
    editor_client: Client, newsroom: Any, editor: Any, other_document: ReferenceDocument
) -> None:
    text = "Rescue log\n\n<script>alert('x')</script> The helicopter landed at Tallow Bridge.\n"
    document = document_upload(newsroom=newsroom, by=editor, name="log.txt", data=text.encode())
    response = editor_client.get(library_url(newsroom="demo", q="helicopter Tallow"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>helicopter</mark>" in body and "<mark>Tallow</mark>" in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert f"{doc_url(document)}?q=helicopter%20Tallow#p0" in body
    assert "other newsroom" not in body  # the outsider's passage says "helicopter" too


def test_search_with_htmx_answers_the_results_fragment(
    checker_client: Client, document: ReferenceDocument
) -> None:
    response = checker_client.get(
        library_url(q="helicopter"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="library-results"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<section id="library-results"')
    assert "<mark>helicopter</mark>" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_a_search_that_finds_nothing_says_so(
    checker_client: Client, document: ReferenceDocument
) -> None:
    body = checker_client.get(library_url(q="volcano")).content.decode()
    assert "No passage in this library holds the words of “volcano”" in body


def test_archived_documents_leave_the_list_and_the_search(
    checker_client: Client, document: ReferenceDocument
) -> None:
    document_archive(document=document, by=None)
    body = checker_client.get(library_url(q="helicopter")).content.decode()
    assert doc_url(document) not in body


def test_list_page_queries_do_not_grow_with_the_documents(
    editor_client: Client, newsroom: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(library_url()).status_code == 200
        return len(queries)

    document_upload(newsroom=newsroom, by=editor, name="d0.txt", data=b"Doc 0\n\nText.")
    small = count()
    for i in range(1, 25):
        document_upload(
            newsroom=newsroom, by=editor, name=f"d{i}.txt", data=f"Doc {i}\n\nText.".encode()
        )
    assert count() == small
    body = editor_client.get(library_url()).content.decode()
    assert body.index(">Doc 24<") < body.index(">Doc 1<") < body.index(">Doc 0<")  # newest first
    with django_assert_max_num_queries(LIST_QUERIES):
        body = editor_client.get(library_url()).content.decode()
    assert body.count("<tr>") == 26  # the header row and 25 documents


def test_search_page_queries_are_pinned(
    editor_client: Client, newsroom: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        document_upload(
            newsroom=newsroom,
            by=editor,
            name=f"r{i}.txt",
            data=RELEASE.replace("Tuesday", f"day {i}").encode(),
        )
    with django_assert_max_num_queries(LIST_QUERIES + 1):
        body = editor_client.get(library_url(q="helicopter Tallow Bridge")).content.decode()
    assert body.count('class="passage-snippet"') == 10


# --- Uploading ----------------------------------------------------------------------------------


def test_editor_uploads_a_pdf_and_lands_on_its_page(
    editor_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = editor_client.post(
            library_url(newsroom="demo"), {"title": "", "file": upload_file()}
        )
        document = ReferenceDocument.objects.get(kind="pdf")
        assert document.status == ReferenceDocument.Status.PROCESSING
        # Before the worker: the page says it is being read, and asks again with htmx.
        page = editor_client.get(doc_url(document)).content.decode()
        assert "is being read: it will be searchable in a moment." in page
        assert 'id="document-reading"' in page and 'hx-trigger="every 2s"' in page
        poll = editor_client.get(
            doc_url(document), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="document-reading"
        )
        assert poll.content.decode().startswith('<p id="document-reading"')
    assert len(callbacks) == 1  # the task, sent once the upload committed (run eagerly)
    assert response.status_code == 302
    assert response["Location"] == doc_url(document)
    document.refresh_from_db()
    assert document.status == ReferenceDocument.Status.READY
    assert document.title == "Civil Protection situation report No. 7"
    assert document.pending is None
    page = editor_client.get(response["Location"]).content.decode()
    assert 'id="p0"' in page and 'id="document-reading"' not in page
    poll = editor_client.get(
        doc_url(document), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="document-reading"
    )
    assert (poll.status_code, poll["HX-Refresh"]) == (204, "true")


def test_the_same_upload_twice_is_harmless(editor_client: Client) -> None:
    for _ in range(2):
        response = editor_client.post(library_url(newsroom="demo"), {"file": upload_file()})
        assert response.status_code == 302
    assert ReferenceDocument.objects.count() == 1


def test_upload_with_htmx_answers_the_form_and_the_list(editor_client: Client) -> None:
    response = editor_client.post(
        library_url(newsroom="demo"),
        {"title": "Sitrep 7", "file": upload_file()},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "library-changed" in json.loads(response["HX-Trigger"])
    assert "“Sitrep 7” is being read: it will be searchable in a moment." in body
    assert "Being read" in body.split('id="library-documents"')[1]
    assert '<div id="library-documents" hx-swap-oob="true">' in body
    assert "Sitrep 7" in body.split('id="library-documents"')[1]


def test_a_refused_file_shows_why_and_saves_nothing(editor_client: Client) -> None:
    fake = b"Not a PDF at all."
    response = editor_client.post(
        library_url(newsroom="demo"), {"file": upload_file("fake.pdf", fake)}
    )
    assert response.status_code == 400
    assert "“fake.pdf” is not a PDF document" in response.content.decode()
    response = editor_client.post(
        library_url(newsroom="demo"),
        {"file": upload_file("fake.pdf", fake)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert response.content.decode().startswith('<section id="library-upload"')
    assert "is not a PDF document" in response.content.decode()
    assert not ReferenceDocument.objects.exists()


def test_a_pdf_the_worker_cannot_read_shows_why_on_its_page(
    editor_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    locked = encrypted(make_pdf(SITREP_PAGES), user_password="secret")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            library_url(newsroom="demo"), {"file": upload_file("locked.pdf", locked)}
        )
    document = ReferenceDocument.objects.get()
    assert response["Location"] == doc_url(document)
    page = editor_client.get(doc_url(document)).content.decode()
    assert "“locked.pdf” is protected by a password" in page
    listing = editor_client.get(library_url(newsroom="demo")).content.decode()
    assert "Could not be read" in listing


def test_a_missing_file_is_a_form_error(editor_client: Client) -> None:
    response = editor_client.post(library_url(newsroom="demo"), {"title": "Nothing"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ReferenceDocument.objects.exists()


def test_a_file_over_the_limit_is_refused_before_reading(
    editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "MAX_BYTES", 1024)
    response = editor_client.post(
        library_url(newsroom="demo"), {"file": upload_file("big.txt", b"x" * 5000)}
    )
    assert response.status_code == 400
    assert "the limit is 1 KB" in response.content.decode()
    assert not ReferenceDocument.objects.exists()


def test_checker_may_not_upload(checker_client: Client) -> None:
    response = checker_client.post(library_url(newsroom="demo"), {"file": upload_file()})
    assert response.status_code == 403
    assert not ReferenceDocument.objects.exists()


def test_newsroom_admin_may_upload(newsadmin: Any) -> None:
    response = client_for(newsadmin).post(library_url(newsroom="demo"), {"file": upload_file()})
    assert response.status_code == 302
    assert ReferenceDocument.objects.get().uploaded_by == newsadmin


# --- A document ---------------------------------------------------------------------------------


def test_member_reads_a_document_with_anchored_passages(
    checker_client: Client, document: ReferenceDocument
) -> None:
    response = checker_client.get(doc_url(document))
    body = response.content.decode()
    assert response.status_code == 200
    for passage in document.passages.all():
        assert f'id="p{passage.index}"' in body
    assert "rescued 23 people" in body
    assert "Archive</button>" not in body  # a checker cannot archive


def test_document_page_queries_do_not_grow_with_its_passages(
    checker_client: Client, newsroom: Any, editor: Any, django_assert_max_num_queries: Any
) -> None:
    long_text = "\n\n".join(f"Paragraph {i}: " + "words " * 150 for i in range(60))
    document = document_upload(
        newsroom=newsroom, by=editor, name="long.txt", data=long_text.encode()
    )
    assert document.passages.count() >= 50
    # Session, user, the document with the user's role, its passages.
    with django_assert_max_num_queries(4):
        response = checker_client.get(doc_url(document))
    assert response.content.decode().count('class="passage"') == document.passages.count()


def test_a_document_marks_the_words_searched_for(
    checker_client: Client, document: ReferenceDocument
) -> None:
    body = checker_client.get(doc_url(document) + "?q=helicopter").content.decode()
    assert "<mark>helicopter</mark>" in body
    assert "The words of “helicopter” are marked." in body


def test_editor_archives_a_document(editor_client: Client, document: ReferenceDocument) -> None:
    assert "Archive</button>" in editor_client.get(doc_url(document)).content.decode()
    response = editor_client.post(archive_url(document))
    assert response.status_code == 302
    assert response["Location"] == library_url(newsroom="demo")
    archived_at = ReferenceDocument.objects.get(pk=document.pk).archived_at
    assert archived_at is not None
    # Again: harmless.
    assert editor_client.post(archive_url(document)).status_code == 302
    assert ReferenceDocument.objects.get(pk=document.pk).archived_at == archived_at
    # Still readable where evidence links to it.
    body = editor_client.get(doc_url(document)).content.decode()
    assert "Archived on" in body and "rescued 23 people" in body


def test_archive_with_htmx_answers_the_status_fragment(
    editor_client: Client, document: ReferenceDocument
) -> None:
    response = editor_client.post(archive_url(document), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "library-changed" in json.loads(response["HX-Trigger"])
    assert body.startswith('<div id="document-status"')
    assert "Archived on" in body and "lookups and searches no longer find it" in body


def test_checker_may_not_archive(checker_client: Client, document: ReferenceDocument) -> None:
    assert checker_client.post(archive_url(document)).status_code == 403
    assert ReferenceDocument.objects.get(pk=document.pk).archived_at is None
