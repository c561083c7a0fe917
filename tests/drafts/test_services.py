"""draft_import: pasted text and uploads become a draft, revision 1 and exact units."""

from __future__ import annotations

import io
import time
import unicodedata
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import segment
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import DraftInputError, Upload, draft_import
from tests.conftest import SAMPLE_TEXT
from tests.factories import make_docx, make_story

pytestmark = pytest.mark.django_db


def row_counts() -> tuple[int, int, int]:
    return Draft.objects.count(), Revision.objects.count(), Sentence.objects.count()


def unit_texts(draft: Draft) -> list[str]:
    revision = draft.revisions.get()
    return [revision.text[s.start : s.end] for s in revision.sentences.order_by("index")]


# --- Pasted text -------------------------------------------------------------------------------


def test_pasted_text_creates_draft_revision_one_and_units_with_exact_offsets(
    newsroom: Any, editor: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)

    revision = draft.revisions.get()
    assert revision.number == 1
    assert revision.source == Revision.Source.PASTE
    assert revision.created_by == editor
    assert draft.newsroom == newsroom
    assert draft.created_by == editor
    assert revision.text == normalise_text(SAMPLE_TEXT)
    expected = segment(revision.text)
    sentences = list(revision.sentences.order_by("index"))
    assert [(s.index, s.start, s.end, s.kind, s.block) for s in sentences] == [
        (u.index, u.start, u.end, u.kind, u.block) for u in expected
    ]
    texts = unit_texts(draft)
    assert texts[:3] == [
        "Storm Closes Harbour Road",
        "The harbour road closed at 6 a.m. on Monday after waves breached the sea wall, "
        "the council said.",
        "About 300 homes lost power.",
    ]
    assert "Leave a Reply" in texts
    kinds = {revision.text[s.start : s.end]: s.kind for s in sentences}
    assert kinds["Storm Closes Harbour Road"] == Sentence.Kind.HEADLINE
    assert kinds["Leave a Reply"] == Sentence.Kind.BOILERPLATE
    assert kinds["About 300 homes lost power."] == Sentence.Kind.SENTENCE


def test_title_is_taken_from_the_first_line_when_left_blank(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text="\n\n  Storm Closes Road  \n\nBody.")
    assert draft.title == "Storm Closes Road"


def test_title_from_the_field_wins_with_its_white_space_collapsed(
    newsroom: Any, editor: Any
) -> None:
    draft = draft_import(
        newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title="  Harbour \t road\n  closed  "
    )
    assert draft.title == "Harbour road closed"


def test_white_space_only_title_falls_back_to_the_first_line(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title=" \n\t ")
    assert draft.title == "Storm Closes Harbour Road"


def test_long_title_from_the_field_is_clipped_to_300_characters(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title="word " * 100)
    draft.refresh_from_db()
    assert len(draft.title) == 300
    assert draft.title.endswith("…")
    assert draft.title.startswith("word word")


def test_long_first_line_title_is_clipped_to_300_characters(newsroom: Any, editor: Any) -> None:
    first_line = "Headline " + "x" * 400
    draft = draft_import(newsroom=newsroom, by=editor, text=first_line + "\n\nBody text here.")
    draft.refresh_from_db()
    assert len(draft.title) == 300
    assert draft.title.endswith("…")
    assert draft.title.startswith("Headline xxx")


def test_crlf_and_lone_cr_line_endings_become_newlines(newsroom: Any, editor: Any) -> None:
    text = "Storm Closes Road\r\n\r\nThe road closed.\rIt reopened on Tuesday.\r\n"
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    revision = draft.revisions.get()
    assert "\r" not in revision.text
    assert revision.text == "Storm Closes Road\n\nThe road closed.\nIt reopened on Tuesday.\n"
    for sentence in revision.sentences.all():
        assert "\r" not in revision.text[sentence.start : sentence.end]


def test_decomposed_accents_are_composed_to_nfc(newsroom: Any, editor: Any) -> None:
    decomposed = "Cafe\u0301 Ame\u0301lie reopened on Tuesday.\n"
    draft = draft_import(newsroom=newsroom, by=editor, text=decomposed)
    revision = draft.revisions.get()
    assert revision.text == "Caf\u00e9 Am\u00e9lie reopened on Tuesday.\n"
    assert unicodedata.is_normalized("NFC", revision.text)
    assert unit_texts(draft) == ["Caf\u00e9 Am\u00e9lie reopened on Tuesday."]


def test_curly_quotes_dashes_and_ellipses_are_kept_byte_for_byte(
    newsroom: Any, editor: Any
) -> None:
    text = (
        "Mayor’s “Plan” — Explained\n\n"
        "“We expect the road to reopen on Wednesday,” said Mayor Ines Holt – the council’s "
        "spokeswoman… ‘Not before.’ Prices rose 5–10\u2009% within 5\u00a0km.\n"
    )
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    revision = draft.revisions.get()
    assert revision.text.encode("utf-8") == text.encode("utf-8")
    joined = "".join(unit_texts(draft))
    for character in "’“”—–…‘\u00a0\u2009":
        assert character in joined


def test_leading_bom_is_dropped(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text="\ufeffStorm Closes Road\n\nBody.")
    assert draft.revisions.get().text == "Storm Closes Road\n\nBody."
    assert draft.title == "Storm Closes Road"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \r\n", "\ufeff  \u2029 ", b"", b"  \n"])
def test_empty_or_white_space_text_is_refused_and_nothing_is_saved(
    newsroom: Any, editor: Any, text: str | bytes
) -> None:
    with pytest.raises(DraftInputError, match="empty"):
        draft_import(newsroom=newsroom, by=editor, text=text)
    assert row_counts() == (0, 0, 0)


def test_neither_text_nor_upload_is_refused(newsroom: Any, editor: Any) -> None:
    with pytest.raises(DraftInputError, match="one of the three"):
        draft_import(newsroom=newsroom, by=editor)
    assert row_counts() == (0, 0, 0)


def test_both_text_and_upload_are_refused(newsroom: Any, editor: Any) -> None:
    with pytest.raises(DraftInputError, match="one of the three"):
        draft_import(
            newsroom=newsroom, by=editor, text="Body.", upload=Upload("a.txt", b"Body text.")
        )
    assert row_counts() == (0, 0, 0)


def test_text_over_the_byte_limit_is_refused_and_nothing_is_saved(
    newsroom: Any, editor: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 100
    with pytest.raises(DraftInputError, match="the limit is"):
        draft_import(newsroom=newsroom, by=editor, text="Word. " * 20)  # 120 bytes
    assert row_counts() == (0, 0, 0)


def test_the_limit_counts_utf8_bytes_not_characters(
    newsroom: Any, editor: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 100
    text = "é" * 60  # 60 characters, 120 bytes
    with pytest.raises(DraftInputError, match="the limit is"):
        draft_import(newsroom=newsroom, by=editor, text=text)
    assert row_counts() == (0, 0, 0)


def test_text_exactly_at_the_byte_limit_is_accepted(
    newsroom: Any, editor: Any, settings: Any
) -> None:
    text = "The road closed at dawn. " * 4  # 100 bytes
    settings.DRAFT_MAX_BYTES = len(text.encode("utf-8"))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    assert draft.revisions.get().text == text


def test_upload_over_the_byte_limit_is_refused_and_nothing_is_saved(
    newsroom: Any, editor: Any, settings: Any
) -> None:
    settings.DRAFT_MAX_BYTES = 100
    with pytest.raises(DraftInputError, match="the limit is"):
        draft_import(newsroom=newsroom, by=editor, upload=Upload("big.txt", b"Word. " * 20))
    assert row_counts() == (0, 0, 0)


def test_undetectable_legacy_bytes_are_refused_with_the_offset(newsroom: Any, editor: Any) -> None:
    with pytest.raises(DraftInputError, match=r"not UTF-8 text: byte 0xE9 at offset 3"):
        draft_import(newsroom=newsroom, by=editor, text=b"caf\xe9 au lait\n")
    assert row_counts() == (0, 0, 0)


def test_legacy_bytes_from_the_command_line_are_detected(newsroom: Any, editor: Any) -> None:
    story = "Министр финансов заявил во вторник, что бюджет вырос на пять процентов."
    draft = draft_import(newsroom=newsroom, by=editor, text=story.encode("cp1251"))
    assert draft.revisions.get().text == story


def test_pasted_text_is_never_detected(newsroom: Any, editor: Any) -> None:
    # Text from a form is Unicode already: a lone surrogate in it is refused, not "detected".
    with pytest.raises(DraftInputError, match=r"not UTF-8 text: byte 0xED at offset 14"):
        draft_import(newsroom=newsroom, by=editor, text="Café “x” \ud800 and more")
    assert row_counts() == (0, 0, 0)


def test_utf8_bytes_with_bom_are_decoded(newsroom: Any, editor: Any) -> None:
    data = "\ufeffCafé reopened on Tuesday.".encode()
    draft = draft_import(newsroom=newsroom, by=editor, text=data)
    assert draft.revisions.get().text == "Café reopened on Tuesday."


# --- Uploads -----------------------------------------------------------------------------------


def test_txt_upload_records_its_file_name(newsroom: Any, editor: Any) -> None:
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        upload=Upload("storm.txt", SAMPLE_TEXT.encode("utf-8")),
        source=Revision.Source.UPLOAD,
    )
    revision = draft.revisions.get()
    assert revision.source == Revision.Source.UPLOAD
    assert revision.filename == "storm.txt"
    assert revision.text == normalise_text(SAMPLE_TEXT)
    assert draft.title == "Storm Closes Harbour Road"


def test_md_upload_takes_its_title_from_the_first_heading(newsroom: Any, editor: Any) -> None:
    data = b"Intro line without a mark\n\n# Storm Closes Road\n\nThe road closed.\n"
    draft = draft_import(newsroom=newsroom, by=editor, upload=Upload("storm.md", data))
    assert draft.title == "Storm Closes Road"
    assert "The road closed." in unit_texts(draft)


def test_md_upload_with_front_matter_takes_its_title_and_byline_from_it(
    newsroom: Any, editor: Any
) -> None:
    data = (
        b"---\nlayout: post\ntitle: 'Storm Closes Road'\nauthor: Ana Ruiz\n"
        b"excerpt: The road closed.\n---\n\n# A heading further down\n\nThe road closed.\n"
    )
    draft = draft_import(newsroom=newsroom, by=editor, upload=Upload("storm.md", data))
    assert draft.title == "Storm Closes Road"
    revision = draft.revisions.get()
    assert revision.byline == "Ana Ruiz"
    assert revision.text == "# A heading further down\n\nThe road closed.\n"
    assert unit_texts(draft) == ["A heading further down", "The road closed."]


def test_html_upload_is_reduced_to_its_text(newsroom: Any, editor: Any) -> None:
    data = (
        b"<!doctype html><html><head><title>Storm Closes Road</title>"
        b"<script>alert(1)</script></head><body><h1>Storm Closes Road</h1>"
        b"<p>The road closed at 6 a.m.   on Monday.</p><p>About 300 homes lost power.</p>"
        b"<p>Markup in text: &lt;b&gt; stays literal.</p></body></html>"
    )
    draft = draft_import(newsroom=newsroom, by=editor, upload=Upload("storm.html", data))
    revision = draft.revisions.get()
    assert draft.title == "Storm Closes Road"
    assert "alert" not in revision.text
    assert "The road closed at 6 a.m. on Monday." in unit_texts(draft)
    assert "Markup in text: <b> stays literal." in unit_texts(draft)


def test_docx_upload_is_read_paragraph_by_paragraph(newsroom: Any, editor: Any) -> None:
    data = make_docx(
        ["The road closed at dawn. It reopened at noon.", "Café “Holt” – said Mayor Ines Holt."],
        heading="Storm Closes Road",
    )
    draft = draft_import(newsroom=newsroom, by=editor, upload=Upload("storm.docx", data))
    revision = draft.revisions.get()
    assert revision.filename == "storm.docx"
    assert draft.title == "Storm Closes Road"
    assert unit_texts(draft) == [
        "Storm Closes Road",
        "The road closed at dawn.",
        "It reopened at noon.",
        "Café “Holt” – said Mayor Ines Holt.",
    ]


def test_broken_docx_is_refused_and_nothing_is_saved(newsroom: Any, editor: Any) -> None:
    data = make_docx(["The road closed at dawn."])
    with pytest.raises(DraftInputError, match="damaged or truncated"):
        draft_import(
            newsroom=newsroom, by=editor, upload=Upload("storm.docx", data[: len(data) // 2])
        )
    assert row_counts() == (0, 0, 0)


def test_docx_with_entity_declarations_is_refused_and_nothing_is_saved(
    newsroom: Any, editor: Any
) -> None:
    source = zipfile.ZipFile(io.BytesIO(make_docx(["The road closed at dawn."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"?>", b'?><!DOCTYPE w:document [<!ENTITY boom "boom">]>', 1
                )
            target.writestr(info.filename, content)
    with pytest.raises(DraftInputError, match="entity declarations"):
        draft_import(newsroom=newsroom, by=editor, upload=Upload("storm.docx", out.getvalue()))
    assert row_counts() == (0, 0, 0)


def test_unsupported_extension_is_refused(newsroom: Any, editor: Any) -> None:
    with pytest.raises(DraftInputError, match=r"“report.pdf” is a .pdf file"):
        draft_import(newsroom=newsroom, by=editor, upload=Upload("report.pdf", b"%PDF-1.4"))
    assert row_counts() == (0, 0, 0)


# --- Who may load ------------------------------------------------------------------------------


def test_checker_cannot_load_a_draft(newsroom: Any, editor: Any, checker: Any) -> None:
    with pytest.raises(PermissionDenied):
        draft_import(newsroom=newsroom, by=checker, text=SAMPLE_TEXT)
    assert row_counts() == (0, 0, 0)


def test_outsider_cannot_load_a_draft_into_another_newsroom(
    newsroom: Any, editor: Any, outsider: Any
) -> None:
    with pytest.raises(PermissionDenied):
        draft_import(newsroom=newsroom, by=outsider, text=SAMPLE_TEXT)
    assert row_counts() == (0, 0, 0)


def test_newsroom_admin_can_load_a_draft(newsroom: Any, newsadmin: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=newsadmin, text=SAMPLE_TEXT)
    assert draft.created_by == newsadmin


def test_inactive_editor_cannot_load_a_draft(newsroom: Any, editor: Any) -> None:
    editor.is_active = False
    editor.save()
    with pytest.raises(PermissionDenied):
        draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    assert row_counts() == (0, 0, 0)


def test_command_line_may_load_without_a_user(newsroom: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=None, text=SAMPLE_TEXT, source=Revision.Source.CLI)
    revision = draft.revisions.get()
    assert draft.created_by is None
    assert revision.created_by is None
    assert revision.source == Revision.Source.CLI


# --- A 1 MB draft ------------------------------------------------------------------------------


def test_one_megabyte_draft_imports_with_exact_offsets_for_every_unit(
    newsroom: Any, editor: Any
) -> None:
    sentences = [
        f"Café Nº {i} in Tallow Bridge served “hot soup” to {100 + i % 900} people – "
        f"a record – on Tuesday night."
        for i in range(10_000)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    text = "Soup Kitchens Across the Valley\n\n" + "\n\n".join(paragraphs) + "\n"
    assert len(text.encode("utf-8")) > 1_000_000

    started = time.perf_counter()
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    elapsed = time.perf_counter() - started

    revision = draft.revisions.get()
    assert revision.text == text
    rows = list(revision.sentences.order_by("index").values_list("index", "start", "end", "kind"))
    assert len(rows) == 10_001
    assert [index for index, *_ in rows] == list(range(10_001))
    assert revision.text[rows[0][1] : rows[0][2]] == "Soup Kitchens Across the Valley"
    assert [revision.text[start:end] for _, start, end, _ in rows[1:]] == sentences
    assert {kind for *_, kind in rows[1:]} == {Sentence.Kind.SENTENCE}
    assert elapsed < 30, f"importing 1 MB took {elapsed:.1f} s"


# --- A large draft: stored and segmented in the request, analysed after ------------------------

# Reading the role, the savepoint and its release, the draft, the revision, every unit in one
# INSERT (on SQLite one prepared statement that executemany runs for each unit, in C), the
# history entry, the revision's analysis state, and the newsroom's webhooks for revision.loaded:
# not one more for more units.
DRAFT_IMPORT_MAX_QUERIES = 9


def test_importing_a_large_draft_takes_as_few_queries_as_a_small_one(
    newsroom: Any, editor: Any, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.ANALYSIS_INLINE_MAX_UNITS = 60
    with django_assert_max_num_queries(DRAFT_IMPORT_MAX_QUERIES) as small:
        draft_import(newsroom=newsroom, by=editor, text=make_story(100))
    with django_assert_max_num_queries(DRAFT_IMPORT_MAX_QUERIES) as large:
        draft = draft_import(newsroom=newsroom, by=editor, text=make_story(5_000))
    assert len(large) == len(small), [q["sql"][:60] for q in large.captured_queries]
    assert draft.revisions.get().sentences.count() == 5_000


def test_units_are_stored_exactly_and_unanalysed_when_the_analysis_comes_after(
    newsroom: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ANALYSIS_INLINE_MAX_UNITS = 60
    text = make_story(1_000)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft = draft_import(newsroom=newsroom, by=editor, text=text)
    revision = draft.revisions.get()
    assert revision.analysis == Revision.Analysis.PENDING
    assert len(callbacks) == 1  # the analysis task, sent once the import commits
    sentences = revision.sentences.order_by("index")
    assert list(sentences.values_list("index", "start", "end", "kind", "block")) == [
        (u.index, u.start, u.end, u.kind, u.block) for u in segment(text)
    ]
    # What a unit holds before it is analysed: the model's defaults, as bulk_create writes them.
    fields = ("score", "types", "spans", "speaker", "suggestion_dismissed")
    assert list(sentences.values_list(*fields)) == [(None, [], [], "", False)] * 1_000
