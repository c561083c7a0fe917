"""The dashboard, the load-a-draft form, the draft page and the JSON export."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark, claim_mark_sentence, claim_unmark
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Role
from tests.conftest import SAMPLE_TEXT, client_for
from tests.docx_package import note as docx_note
from tests.docx_package import p as docx_p
from tests.docx_package import package as docx_package
from tests.docx_package import ref as docx_ref
from tests.factories import MembershipFactory, make_docx

pytestmark = pytest.mark.django_db

NEW_URL = "/drafts/new/"


def detail_url(draft: Draft) -> str:
    return f"/drafts/{draft.pk}/"


def export_url(draft: Draft) -> str:
    return f"/drafts/{draft.pk}/export.json"


def login_redirect(url: str) -> str:
    return f"/accounts/login/?next={url}"


def row_counts() -> tuple[int, int, int]:
    return Draft.objects.count(), Revision.objects.count(), Sentence.objects.count()


def article(sentences: int, title: str = "Valley Soup Kitchens") -> str:
    lines = [
        f"Kitchen {i} in Tallow Bridge served hot soup to {100 + i} people on Tuesday."
        for i in range(sentences)
    ]
    paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def rewrite_docx(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- Dashboard ---------------------------------------------------------------------------------


def test_dashboard_lists_the_drafts_of_the_users_newsrooms(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.get("/")
    assert response.status_code == 200
    assert list(response.context["drafts"]) == [draft]
    assert "Storm Closes Harbour Road" in response.content.decode()
    assert response.context["can_load"] is True


def test_dashboard_of_an_outsider_does_not_show_the_demo_draft(
    outsider_client: Client, outsider: Any, other_newsroom: Any, draft: Draft
) -> None:
    own = draft_import(newsroom=other_newsroom, by=outsider, text="Their Own Story\n\nBody.")
    response = outsider_client.get("/")
    assert response.status_code == 200
    assert list(response.context["drafts"]) == [own]
    body = response.content.decode()
    assert "Their Own Story" in body
    assert draft.title not in body
    assert detail_url(draft) not in body


def test_dashboard_of_a_member_of_two_newsrooms_lists_each_draft_once(
    editor: Any, newsadmin: Any, other_newsroom: Any, outsider: Any, draft: Draft
) -> None:
    MembershipFactory(user=editor, newsroom=other_newsroom, role=Role.CHECKER)
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text="Their Own Story\n\nBody.")
    response = client_for(editor).get("/")
    assert sorted(d.pk for d in response.context["drafts"]) == sorted([draft.pk, theirs.pk])
    assert response.context["can_load"] is True


def test_dashboard_counts_live_claims_and_shows_the_revision_number(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    revision = draft.revisions.get()
    sentences = list(revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE))
    claim_mark_sentence(sentence=sentences[1], by=editor)
    claim_mark_sentence(sentence=sentences[2], by=editor)
    dismissed = claim_mark_sentence(sentence=sentences[3], by=editor)
    claim_unmark(claim=dismissed, by=editor)
    response = editor_client.get("/")
    (row,) = response.context["drafts"]
    assert row.claim_count == 2
    assert row.revision_number == 1


def test_dashboard_of_a_checker_offers_no_load_button(
    checker_client: Client, editor: Any, draft: Draft
) -> None:
    response = checker_client.get("/")
    assert response.status_code == 200
    assert list(response.context["drafts"]) == [draft]
    assert response.context["can_load"] is False


def test_dashboard_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == login_redirect("/")


def test_dashboard_refuses_post(editor_client: Client) -> None:
    assert editor_client.post("/").status_code == 405


# session, user, "may this user load drafts?", the drafts with their counts, the newsrooms the
# user administers
DASHBOARD_MAX_QUERIES = 5
# session, user, the reader's highlights, draft with role, revision, sentences, claims, findings
# (+ the panels' reads)
DRAFT_PAGE_MAX_QUERIES = 12


def _dashboard_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_number_of_drafts(
    editor_client: Client,
    editor: Any,
    newsroom: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def add_drafts(count: int) -> None:
        for i in range(count):
            draft = draft_import(
                newsroom=newsroom, by=editor, text=f"Story {i}\n\nThe road closed."
            )
            sentence = draft.revisions.get().sentences.last()
            claim_mark_sentence(sentence=sentence, by=editor)

    add_drafts(3)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = editor_client.get("/")
    assert len(response.context["drafts"]) == 3
    few = _dashboard_queries(editor_client)
    add_drafts(27)
    many = _dashboard_queries(editor_client)
    assert few == many
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = editor_client.get("/")
    assert len(response.context["drafts"]) == 30
    assert all(row.claim_count == 1 for row in response.context["drafts"])


def test_dashboard_links_newsroom_admins_to_their_newsrooms_settings(
    editor_client: Client, newsadmin: Any, newsroom: Any, other_newsroom: Any
) -> None:
    html = client_for(newsadmin).get("/").content.decode()
    settings_url = f"/newsrooms/{newsroom.slug}/sources/"
    assert f'<a href="{settings_url}">{newsroom.name}: sources and suggestions</a>' in html
    assert f"/newsrooms/{other_newsroom.slug}/sources/" not in html
    assert "Newsroom settings" not in editor_client.get("/").content.decode()


# --- Load a draft: the form --------------------------------------------------------------------


def test_new_draft_form_shows_for_an_editor(editor_client: Client, newsroom: Any) -> None:
    response = editor_client.get(NEW_URL)
    assert response.status_code == 200
    assert list(response.context["form"].fields["newsroom"].queryset) == [newsroom]
    assert 'name="text"' in response.content.decode()


def test_new_draft_form_lists_the_newsroom_once_when_it_has_an_editor_and_an_admin(
    editor_client: Client, newsadmin: Any, newsroom: Any
) -> None:
    response = editor_client.get(NEW_URL)
    assert list(response.context["form"].fields["newsroom"].queryset) == [newsroom]
    assert response.content.decode().count(f'<option value="{newsroom.pk}"') == 1


def test_new_draft_form_sends_anonymous_users_to_login(client: Client) -> None:
    response = client.get(NEW_URL)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(NEW_URL)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_new_draft_form_refuses_other_methods(editor_client: Client, method: str) -> None:
    assert getattr(editor_client, method)(NEW_URL).status_code == 405


def test_checker_sees_the_form_without_newsroom_choices(
    checker_client: Client, editor: Any, newsroom: Any
) -> None:
    response = checker_client.get(NEW_URL)
    assert response.status_code == 200
    assert list(response.context["form"].fields["newsroom"].queryset) == []
    assert "Your role does not allow loading drafts" in response.content.decode()


def test_checker_posting_a_draft_is_refused_before_the_body_is_read_and_nothing_saved(
    checker_client: Client, editor: Any, newsroom: Any
) -> None:
    # A checker may load drafts in none of their newsrooms: refused on the role alone.
    response = checker_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": SAMPLE_TEXT})
    assert response.status_code == 403
    assert row_counts() == (0, 0, 0)


def test_outsider_cannot_create_a_draft_in_the_demo_newsroom_by_posting_its_id(
    outsider_client: Client, editor: Any, newsroom: Any
) -> None:
    response = outsider_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": SAMPLE_TEXT})
    assert response.status_code == 400
    assert "newsroom" in response.context["form"].errors
    assert row_counts() == (0, 0, 0)


def test_pasting_a_draft_redirects_to_its_page(editor_client: Client, newsroom: Any) -> None:
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "title": "", "deadline": "", "text": SAMPLE_TEXT}
    )
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(draft)
    assert draft.title == "Storm Closes Harbour Road"
    revision = draft.revisions.get()
    assert revision.source == Revision.Source.PASTE
    assert revision.sentences.count() == 6
    page = editor_client.get(response["Location"])
    assert "Loaded “Storm Closes Harbour Road”." in page.content.decode()


def test_pasting_with_a_title_and_deadline_keeps_them(editor_client: Client, newsroom: Any) -> None:
    response = editor_client.post(
        NEW_URL,
        {
            "newsroom": newsroom.pk,
            "title": "  Harbour   road  ",
            "deadline": "2030-05-01T18:30",
            "text": SAMPLE_TEXT,
        },
    )
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.title == "Harbour road"
    assert draft.deadline is not None
    assert (draft.deadline.year, draft.deadline.month, draft.deadline.day) == (2030, 5, 1)


def test_newsroom_admin_can_load_a_draft(editor: Any, newsadmin: Any, newsroom: Any) -> None:
    response = client_for(newsadmin).post(NEW_URL, {"newsroom": newsroom.pk, "text": SAMPLE_TEXT})
    assert response.status_code == 302
    assert Draft.objects.get().created_by == newsadmin


def test_editor_can_load_a_draft_when_the_newsroom_also_has_an_admin(
    editor_client: Client, editor: Any, newsadmin: Any, newsroom: Any
) -> None:
    response = editor_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": SAMPLE_TEXT})
    assert response.status_code == 302
    assert Draft.objects.get().created_by == editor


DOCX = make_docx(["The road closed at dawn. It reopened at noon."], heading="Storm Closes Road")
UPLOADS = {
    "storm.txt": SAMPLE_TEXT.encode("utf-8"),
    "storm.md": b"# Storm Closes Road\n\nThe road closed at dawn. It reopened at noon.\n",
    "storm.html": (
        b"<html><head><title>Storm Closes Road</title></head><body>"
        b"<h1>Storm Closes Road</h1>"
        b"<p>The road closed at dawn. It reopened at noon.</p></body></html>"
    ),
    "storm.docx": DOCX,
}


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_uploading_each_supported_type_loads_the_draft(
    editor_client: Client, newsroom: Any, name: str
) -> None:
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "text": "", "file": upload(name, UPLOADS[name])}
    )
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(draft)
    revision = draft.revisions.get()
    assert revision.source == Revision.Source.UPLOAD
    assert revision.filename == name
    texts = [revision.text[s.start : s.end] for s in revision.sentences.all()]
    assert texts[0] == (
        "Storm Closes Harbour Road" if name.endswith(".txt") else "Storm Closes Road"
    )
    assert draft.title == texts[0]


def _bad_docx_with_entities() -> bytes:
    document_xml = zipfile.ZipFile(io.BytesIO(DOCX)).read("word/document.xml")
    forged = document_xml.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY e "boom">]>', 1)
    return rewrite_docx(DOCX, replace={"word/document.xml": forged})


BAD_UPLOADS = {
    "wrong extension": ("report.pdf", b"%PDF-1.4 a report", "“report.pdf” is a .pdf file"),
    "undetectable encoding": ("storm.txt", b"caf\xe9 au lait\n", "too little text to tell"),
    "truncated docx": ("storm.docx", DOCX[: len(DOCX) // 2], "damaged or truncated"),
    "zip bomb docx": (
        "storm.docx",
        rewrite_docx(DOCX, add={"word/media/padding.bin": b"\0" * (3 * 1024 * 1024)}),
        "may be a zip bomb",
    ),
    "entity docx": ("storm.docx", _bad_docx_with_entities(), "XML entity declarations"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_upload_is_answered_400_with_its_message_and_nothing_saved(
    editor_client: Client, newsroom: Any, case: str
) -> None:
    name, data, message = BAD_UPLOADS[case]
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "text": "", "file": upload(name, data)}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert escape(errors[0]) in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_too_big_upload_is_answered_400_with_the_limit(
    editor_client: Client, newsroom: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 200
    response = editor_client.post(
        NEW_URL,
        {"newsroom": newsroom.pk, "text": "", "file": upload("big.txt", b"The road closed. " * 30)},
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors["file"]
    assert "“big.txt”" in error
    assert "the limit is" in error
    assert escape(error) in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_too_big_upload_message_never_reads_as_within_the_limit(
    editor_client: Client, newsroom: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 1024 * 1024
    data = b"The road closed. " * (1024 * 1024 // 17 + 100)  # 1 MB and 1.7 KB
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "text": "", "file": upload("big.txt", data)}
    )
    assert response.status_code == 400
    (error,) = response.context["form"].errors["file"]
    sizes = re.search(r"is ([\d.]+) MB; the limit is ([\d.]+) MB", error)
    assert sizes, error
    assert float(sizes.group(1)) > float(sizes.group(2)), error
    assert row_counts() == (0, 0, 0)


def test_too_big_paste_is_answered_400_and_the_text_is_kept_in_the_textarea(
    editor_client: Client, newsroom: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 200
    text = "The road closed <at> dawn & “reopened”. " * 10
    response = editor_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": text})
    assert response.status_code == 400
    (error,) = response.context["form"].errors["text"]
    assert "the limit is" in error
    body = response.content.decode()
    assert escape(error) in body
    assert escape(text) in body
    assert row_counts() == (0, 0, 0)


def test_text_and_file_together_are_refused_and_the_text_is_kept(
    editor_client: Client, newsroom: Any
) -> None:
    response = editor_client.post(
        NEW_URL,
        {"newsroom": newsroom.pk, "text": SAMPLE_TEXT, "file": upload("a.txt", b"Other text.")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Paste text or upload a file, not both." in body
    assert escape(SAMPLE_TEXT) in body
    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize("text", ["", "  \n\t  "])
def test_neither_text_nor_file_is_refused(editor_client: Client, newsroom: Any, text: str) -> None:
    response = editor_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": text})
    assert response.status_code == 400
    message = "Paste the draft's text, choose a file to upload or give a link."
    assert escape(message) in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_pasting_a_one_megabyte_draft_works(editor_client: Client, newsroom: Any) -> None:
    text = article(14_500)
    assert len(text.encode("utf-8")) > 1_000_000
    response = editor_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": text})
    assert response.status_code == 302
    revision = Draft.objects.get().revisions.get()
    assert revision.text == text
    assert revision.sentences.count() == 14_501
    page = editor_client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["page"].unit_count == 14_501
    assert "Kitchen 14499 in Tallow Bridge served hot soup" in page.content.decode()


def test_markup_in_a_title_is_escaped_everywhere_it_is_shown(
    editor_client: Client, newsroom: Any
) -> None:
    title = "<img src=x onerror=alert(1)>"
    response = editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "title": title, "text": SAMPLE_TEXT}, follow=True
    )
    assert response.status_code == 200
    for page in (response, editor_client.get("/")):
        html = page.content.decode()
        assert title not in html
        assert escape(title) in html
    assert f"Loaded “{escape(title)}”." in response.content.decode()


def test_posting_twice_makes_two_drafts_without_error(editor_client: Client, newsroom: Any) -> None:
    for _ in range(2):
        response = editor_client.post(NEW_URL, {"newsroom": newsroom.pk, "text": SAMPLE_TEXT})
        assert response.status_code == 302
    assert Draft.objects.count() == 2


# --- The draft page ----------------------------------------------------------------------------


def test_draft_page_shows_the_text_and_mark_buttons_to_an_editor(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.get(detail_url(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "About 300 homes lost power." in body
    assert "“We expect the road to reopen on Wednesday,” said Mayor Ines Holt." in body
    assert '<a href="?at=2#u-2">' in body  # each sentence's own way to its actions
    assert 'data-act="mark"' in body  # the one toolbar
    assert 'id="selection-bar"' in body


def test_draft_page_shows_no_mark_buttons_to_a_checker(
    checker_client: Client, editor: Any, draft: Draft
) -> None:
    sentence = draft.revisions.get().sentences.get(index=2)
    claim_mark_sentence(sentence=sentence, by=editor)
    response = checker_client.get(detail_url(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "About 300 homes lost power." in body
    assert 'class="mark"' not in body
    assert 'name="unmark_claim"' not in body
    assert 'id="selection-bar"' not in body
    assert 'data-can-mark="0"' in body
    assert response.context["claims"][0].text == "About 300 homes lost power."


def test_draft_page_is_not_found_for_an_outsider(outsider_client: Client, draft: Draft) -> None:
    response = outsider_client.get(detail_url(draft))
    assert response.status_code == 404
    assert draft.title not in response.content.decode()


def test_draft_page_of_a_missing_draft_is_not_found(editor_client: Client, draft: Draft) -> None:
    assert editor_client.get(f"/drafts/{draft.pk + 1000}/").status_code == 404


def test_draft_page_sends_anonymous_users_to_login(client: Client, draft: Draft) -> None:
    response = client.get(detail_url(draft))
    assert response.status_code == 302
    assert response["Location"] == login_redirect(detail_url(draft))


def test_draft_page_refuses_post(editor_client: Client, draft: Draft) -> None:
    assert editor_client.post(detail_url(draft)).status_code == 405


def test_markup_in_the_draft_text_is_escaped(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text="Script Test\n\nThe page said <script>alert(1)</script> and <b>bold</b> things.",
    )
    body = editor_client.get(detail_url(draft)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>bold</b>" not in body


def test_markup_in_claims_and_findings_is_escaped_in_the_side_panels(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    from factcheck.insights.models import Finding

    long_tail = " and then " * 20
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text=(
            "Panel Test\n\nThe council said <b>300</b> homes lost power on Monday.\n\n"
            f"Officials said <i>the</i> road reopened{long_tail}at noon.\n"
        ),
    )
    revision = draft.revisions.get()
    sentences = list(revision.sentences.filter(kind=Sentence.Kind.SENTENCE))
    claims = [claim_mark_sentence(sentence=s, by=editor) for s in sentences]
    Finding.objects.create(
        draft=draft,
        revision=revision,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=sentences[0],
        sentence_b=sentences[1],
        summary="<script>x()</script> vs 301",
        what="<u>homes</u>",
    )
    html = editor_client.get(detail_url(draft)).content.decode()
    for raw in ("<b>300</b>", "<i>the</i>", "<script>x()</script>", "<u>homes</u>"):
        assert raw not in html
    short = f'<a id="claim-{claims[0].pk}" href="/claims/{claims[0].pk}/">'
    assert short + "The council said &lt;b&gt;300&lt;/b&gt; homes lost power on Monday.</a>" in html
    cut = claims[1].text[:99]  # |truncatechars:100: 99 characters and "…"
    assert len(claims[1].text) > 100
    assert f'href="/claims/{claims[1].pk}/">{escape(cut)}…</a>' in html
    assert f'aria-labelledby="pick-label claim-{claims[1].pk}"' in html
    assert "&lt;script&gt;x()&lt;/script&gt; vs 301</a>" in html
    assert '<span class="meta">&lt;u&gt;homes&lt;/u&gt;</span>' in html


def _unit_tag(body: str, index: int) -> str:
    return body[body.index(f'<span id="u-{index}"') :].split(">", 1)[0]


def _unit_span(body: str, index: int) -> tuple[str, str]:
    match = re.search(rf'<span id="u-{index}" class="([^"]*)"[^>]*>(.*?)</span>', body, re.S)
    assert match, f"unit {index} not rendered"
    return match.group(1), match.group(2)


def test_boilerplate_units_are_greyed_and_have_no_mark_button(
    editor_client: Client, draft: Draft
) -> None:
    body = editor_client.get(detail_url(draft)).content.decode()
    sentences = draft.revisions.get().sentences.all()
    boilerplate = [s.index for s in sentences if s.kind == Sentence.Kind.BOILERPLATE]
    assert boilerplate, "the sample draft has furniture"
    for sentence in sentences:
        classes, inner = _unit_span(body, sentence.index)
        if sentence.index in boilerplate:
            assert "u-boilerplate" in classes.split()
            assert "<a " not in inner and "data-score" not in _unit_tag(body, sentence.index)
        else:
            assert "u-boilerplate" not in classes.split()
            # Its own link to its actions: confirm a suggestion, else mark it.
            assert f'<a href="?at={sentence.index}#u-{sentence.index}">' in inner


def test_a_word_files_notes_and_running_header_read_as_the_reader_sees_them(
    editor_client: Client, newsroom: Any
) -> None:
    own_mark = "<w:r><w:footnoteRef/></w:r>"
    data = docx_package(
        docx_p("Flood Waters Recede", props='<w:pStyle w:val="Heading1"/>')
        + docx_p("The river fell by 40 cm overnight.", docx_ref("footnote", "1"))
        + '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>',
        parts={
            "footnotes.xml": ("footnotes", docx_note("footnote", "1", docx_p(own_mark, " Gauge."))),
            "header1.xml": ("header", docx_p("The Valley Courier")),
            "styles.xml": (
                "styles",
                '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
                "</w:style>",
            ),
        },
        rel_ids={"header1.xml": "rIdH"},
        core="<dc:creator>Ana Reporter</dc:creator>",
    )
    editor_client.post(
        NEW_URL, {"newsroom": newsroom.pk, "text": "", "file": upload("flood.docx", data)}
    )
    draft = Draft.objects.get()
    revision = draft.revisions.get()
    assert revision.byline == "Ana Reporter"
    assert draft.title == "Flood Waters Recede"
    kinds = [(revision.text[s.start : s.end], s.kind) for s in revision.sentences.all()]
    assert kinds == [
        ("The Valley Courier", Sentence.Kind.BOILERPLATE),
        ("Flood Waters Recede", Sentence.Kind.HEADLINE),
        ("The river fell by 40 cm overnight.[1]", Sentence.Kind.SENTENCE),
        ("[1] Gauge.", Sentence.Kind.NOTE),
    ]

    body = editor_client.get(detail_url(draft)).content.decode()
    assert body.count('<h2 class="notes-heading">Notes</h2>') == 1
    assert body.index("notes-heading") < body.index('<p class="block b-note">')
    classes, inner = _unit_span(body, 3)
    assert classes.split() == ["u", "u-note"]
    assert '<a href="?at=3#u-3">' in inner  # a note is checked like a sentence
    reading = editor_client.get(detail_url(draft) + "?view=read").content.decode()
    assert reading.count("Notes</h2>") == 1


def _draft_with_claims(newsroom: Any, editor: Any, sentences: int) -> Draft:
    draft = draft_import(newsroom=newsroom, by=editor, text=article(sentences))
    revision = draft.revisions.get()
    for sentence in revision.sentences.filter(kind=Sentence.Kind.SENTENCE)[::5]:
        claim_mark_sentence(sentence=sentence, by=editor)
    for sentence in revision.sentences.filter(kind=Sentence.Kind.SENTENCE)[1::7]:
        claim_mark(revision=revision, start=sentence.start, end=sentence.start + 6, by=editor)
    return draft


def test_draft_page_query_count_does_not_grow_with_sentences_or_claims(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    small = _draft_with_claims(newsroom, editor, 60)
    large = _draft_with_claims(newsroom, editor, 600)
    assert large.claims.count() > 100

    counts = []
    for draft in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(detail_url(draft))
        assert response.status_code == 200
        assert response.context["page"].unit_count == draft.revisions.get().sentences.count()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= DRAFT_PAGE_MAX_QUERIES, counts


# --- The JSON export ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "checker"])
def test_export_json_is_an_attachment_with_the_documented_shape(
    who: str, editor: Any, checker: Any, draft: Draft
) -> None:
    revision = draft.revisions.get()
    sentence = revision.sentences.get(index=2)
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    user = {"editor": editor, "checker": checker}[who]

    response = client_for(user).get(export_url(draft))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="draft-{draft.pk}.json"'
    data = json.loads(response.content.decode("utf-8"))
    assert {"draft", "revision", "sentences", "claims"} <= set(data)
    assert data["draft"]["id"] == draft.pk
    assert data["revision"]["number"] == 1
    assert data["revision"]["text"] == revision.text
    assert len(data["sentences"]) == revision.sentences.count()
    for item in data["sentences"]:
        assert {"index", "start", "end", "text", "kind"} <= set(item)
        assert item["text"] == revision.text[item["start"] : item["end"]]
    assert [s["index"] for s in data["sentences"]] == list(range(len(data["sentences"])))
    assert len(data["claims"]) == 1
    # Later issues add fields to a claim; none of these may go.
    assert (
        data["claims"][0]
        | {
            "id": claim.pk,
            "start": sentence.start,
            "end": sentence.end,
            "text": "About 300 homes lost power.",
            "status": Claim.Status.UNCHECKED,
            "sentence": 2,
        }
        == data["claims"][0]
    )


def test_export_json_is_not_found_for_an_outsider(outsider_client: Client, draft: Draft) -> None:
    response = outsider_client.get(export_url(draft))
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_export_json_sends_anonymous_users_to_login(client: Client, draft: Draft) -> None:
    response = client.get(export_url(draft))
    assert response.status_code == 302
    assert response["Location"] == login_redirect(export_url(draft))


def test_export_json_refuses_post(editor_client: Client, draft: Draft) -> None:
    assert editor_client.post(export_url(draft)).status_code == 405


def test_a_paste_larger_than_the_request_limit_gets_a_clear_page_and_saves_nothing(
    editor_client: Client, newsroom: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = Draft.objects.count()
    response = editor_client.post(
        "/drafts/new/", {"newsroom": newsroom.pk, "text": "The dam held. " * 2_000}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert Draft.objects.count() == before
