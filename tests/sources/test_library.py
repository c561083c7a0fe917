"""The reference library: reading uploads (.txt/.md/.html/.docx through the loaders, .pdf through
pypdf with its safety checks), cutting text into passages with exact offsets, the upload and
archive services, and the library source searching passages (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, Value

from factcheck.history.models import AuditEntry
from factcheck.sources import library
from factcheck.sources.backends import library as library_source
from factcheck.sources.library import (
    LibraryInputError,
    document_archive,
    document_upload,
    read_document,
    split_passages,
)
from factcheck.sources.models import Evidence, Lookup, Passage, ReferenceDocument, Source
from factcheck.sources.services import lookups_start
from factcheck.sources.textsearch import (
    AnyWords,
    EnglishVector,
    Matches,
    headline_spans,
    window,
)
from tests.conftest import require_postgresql
from tests.factories import make_docx

pytestmark = pytest.mark.django_db

DEMO_REFERENCE = Path(library.__file__).resolve().parents[1] / "newsrooms" / "demo" / "reference"


# --- Files made here: PDFs written by hand (no extra dependency), encrypted ones with pypdf ----


def make_pdf(pages: list[list[str]], *, title: str = "") -> bytes:
    """A valid PDF whose page ``i`` shows the lines ``pages[i]`` in Helvetica (ASCII only)."""

    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects: dict[int, str] = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] "
        f"/Count {len(pages)} >>",
        3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for page_id, lines in zip(page_ids, pages, strict=True):
        shown = " ".join(f"{literal(line)} Tj T*" for line in lines)
        content = f"BT /F1 11 Tf 14 TL 72 740 Td {shown} ET"
        objects[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        )
        objects[page_id + 1] = f"<< /Length {len(content)} >>\nstream\n{content}\nendstream"
    info = ""
    if title:
        info_id = 4 + 2 * len(pages)
        objects[info_id] = f"<< /Title {literal(title)} >>"
        info = f" /Info {info_id} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1")
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypted(pdf: bytes, *, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


SITREP_PAGES = [
    [
        "Civil Protection situation report No. 7",
        "The confirmed death toll stands at 41, including six children.",
    ],
    ["4,310 people have been evacuated since Wednesday."],
]


# --- Reading ------------------------------------------------------------------------------------


def test_pdf_text_is_read_page_by_page() -> None:
    read = read_document("sitrep.pdf", make_pdf(SITREP_PAGES))
    assert read.kind == "pdf"
    assert "death toll stands at 41" in read.text
    assert "4,310 people have been evacuated" in read.text
    assert read.text.index("41") < read.text.index("4,310")
    assert "\n\n" in read.text  # pages are paragraphs apart


def test_pdf_title_comes_from_its_metadata() -> None:
    read = read_document("r.pdf", make_pdf(SITREP_PAGES, title="Situation report 7"))
    assert read.title_hint == "Situation report 7"


def test_pdf_without_text_is_refused() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(library.LoadError, match=r"“scan.pdf” has no text layer"):
        read_document("scan.pdf", buffer.getvalue())


def test_password_protected_pdf_is_refused_with_a_clear_message() -> None:
    data = encrypted(make_pdf(SITREP_PAGES), user_password="secret")
    with pytest.raises(library.LoadError, match=r"“locked.pdf” is protected by a password"):
        read_document("locked.pdf", data)


def test_pdf_encryption_that_cannot_be_opened_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def needs_cryptography(self: Any, password: str) -> Any:
        raise pypdf.errors.DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", needs_cryptography)
    data = encrypted(make_pdf(SITREP_PAGES), user_password="")
    with pytest.raises(
        library.LoadError,
        match=r"“aes.pdf” is encrypted in a way that cannot be opened here \(cryptography",
    ):
        read_document("aes.pdf", data)


def test_pdf_encrypted_only_against_copying_opens_and_is_read() -> None:
    """Encrypted with an empty user password (restrictions only): every reader opens it."""
    data = encrypted(make_pdf(SITREP_PAGES), user_password="")
    assert pypdf.PdfReader(io.BytesIO(data)).is_encrypted
    assert "death toll stands at 41" in read_document("restricted.pdf", data).text


def test_damaged_pdf_is_refused() -> None:
    good = make_pdf(SITREP_PAGES)
    with pytest.raises(library.LoadError, match=r"“broken.pdf” could not be read: it is damaged"):
        read_document("broken.pdf", good[:9] + b"\x00garbage" * 20)


def test_a_file_that_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(library.LoadError, match=r"“notes.pdf” is not a PDF document"):
        read_document("notes.pdf", b"Just some text pretending to be a PDF.")


def test_pdf_with_too_many_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library, "MAX_PDF_PAGES", 2)
    data = make_pdf([["one"], ["two"], ["three"]])
    with pytest.raises(library.LoadError, match=r"“long.pdf” has 3 pages; the limit is 2"):
        read_document("long.pdf", data)


def test_page_text_that_cannot_be_extracted_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: Any, *args: Any, **kwargs: Any) -> str:
        raise KeyError("/Font")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", explode)
    with pytest.raises(
        library.LoadError, match=r"The text of page 1 of “bad.pdf” could not be read \(/Font\)"
    ):
        read_document("bad.pdf", make_pdf(SITREP_PAGES))


def test_control_characters_of_pdf_text_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda self, *a, **k: "Toll\x00 41\x07")
    assert read_document("nul.pdf", make_pdf([["x"]])).text == "Toll 41"


def test_files_over_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library, "MAX_BYTES", 1024)
    with pytest.raises(library.LoadError, match=r"“big.pdf” is [\d.]+ KB; the limit is 1 KB"):
        read_document("big.pdf", b"%PDF-1.4\n" + b"x" * 1100)
    with pytest.raises(library.LoadError, match=r"“big.txt” is [\d.]+ KB; the limit is 1 KB"):
        read_document("big.txt", b"x" * 1100)


@pytest.mark.parametrize(
    ("name", "data", "kind", "title", "words"),
    [
        ("wire.txt", b"Wire copy\n\nThe toll rose to 41.\n", "txt", "", "toll rose to 41"),
        ("notes.md", b"# Briefing notes\n\nThe toll rose to 41.\n", "md", "Briefing notes", "41"),
        (
            "release.html",
            b"<html><head><title>Release</title></head><body><p>Toll: 41 &amp; rising"
            b"</p><script>alert(1)</script></body></html>",
            "html",
            "Release",
            "Toll: 41 & rising",
        ),
        ("memo.docx", make_docx(["The toll rose to 41."], heading="Memo"), "docx", "", "41"),
    ],
)
def test_text_formats_are_read_through_the_loaders(
    name: str, data: bytes, kind: str, title: str, words: str
) -> None:
    read = read_document(name, data)
    assert read.kind == kind
    assert words in read.text
    assert "alert(1)" not in read.text
    if title:
        assert read.title_hint == title


def test_unsupported_files_are_refused_with_the_loaders_message() -> None:
    with pytest.raises(library.LoadError, match=r"“old.doc” is a .doc file"):
        read_document("old.doc", b"\xd0\xcf\x11\xe0 whatever")


def test_text_is_normalised() -> None:
    read = read_document("crlf.txt", "Cafe\u0301 report\r\n\r\nLine two\r\n".encode())
    assert read.text == "Café report\n\nLine two\n"


# --- Passages -----------------------------------------------------------------------------------


def assert_exact(text: str, spans: list[tuple[int, int]], max_chars: int = 1000) -> None:
    """Every passage is text[start:end], trimmed, in order, within the limit; together they hold
    every non-space character of the text."""
    previous_end = 0
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip()
        assert start >= previous_end
        assert end - start <= max_chars
        previous_end = end
    kept = "".join(text[s:e] for s, e in spans)
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", text)


def test_short_paragraphs_are_grouped_by_up_to_three() -> None:
    paragraphs = [f"Paragraph {i} says something short." for i in range(7)]
    text = "\n\n".join(paragraphs) + "\n"
    spans = split_passages(text)
    assert_exact(text, spans)
    assert [text[s:e].count("Paragraph") for s, e in spans] == [3, 3, 1]
    assert text[spans[0][0] : spans[0][1]].startswith("Paragraph 0")


def test_paragraphs_are_not_grouped_beyond_the_size_limit() -> None:
    paragraphs = ["A" * 600, "B" * 600, "C" * 300]
    text = "\n\n".join(paragraphs)
    spans = split_passages(text)
    assert_exact(text, spans)
    assert [text[s:e][0] for s, e in spans] == ["A", "B"]
    assert text[spans[1][0] : spans[1][1]].endswith("C" * 300)


def test_a_long_paragraph_is_cut_at_sentence_ends() -> None:
    sentence = "The river rose by two metres overnight at the Tallow Bridge gauge. "
    text = "Title\n\n" + sentence * 40 + "\n\nLast paragraph."
    spans = split_passages(text)
    assert_exact(text, spans)
    for start, end in spans[1:-1]:
        assert text[start:end].endswith("gauge.")
    assert len(spans) >= 3


def test_pdf_like_text_is_cut_at_line_breaks() -> None:
    lines = [
        f"Line {i} of a page of a report without blank lines between paragraphs" for i in range(60)
    ]
    text = "\n".join(lines)
    spans = split_passages(text)
    assert_exact(text, spans)
    assert all(text[s:e].startswith("Line ") for s, e in spans)


def test_text_without_spaces_is_cut_hard() -> None:
    text = "x" * 2500
    spans = split_passages(text)
    assert_exact(text, spans)
    assert spans == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_white_space_only_gives_no_passages() -> None:
    assert split_passages(" \n\n \t\n") == []


# --- Services -----------------------------------------------------------------------------------


def test_editor_uploads_a_document_with_its_passages(newsroom: Any, editor: Any) -> None:
    data = DEMO_REFERENCE.joinpath("civil-protection-situation-report-7.txt").read_bytes()
    document = document_upload(
        newsroom=newsroom, by=editor, name="civil-protection-situation-report-7.txt", data=data
    )
    assert (
        document.title == "Civil Protection Agency of Lendria: Meralt floods situation report No. 7"
    )
    assert (document.kind, document.filename) == ("txt", "civil-protection-situation-report-7.txt")
    assert document.uploaded_by == editor
    passages = list(document.passages.all())
    assert [p.index for p in passages] == list(range(len(passages)))
    assert len(passages) > 1
    for passage in passages:
        assert document.text[passage.start : passage.end] == passage.text
    entry = AuditEntry.objects.get(object_type="referencedocument", object_id=document.pk)
    assert (entry.action, entry.actor, entry.draft_id) == ("created", editor, None)


def test_an_explicit_title_wins(newsroom: Any, editor: Any) -> None:
    document = document_upload(
        newsroom=newsroom, by=editor, name="n.md", data=b"# Heading\n\nText.", title="  My  title "
    )
    assert document.title == "My title"


def test_the_files_own_title_comes_before_its_first_line(
    newsroom: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads it (eagerly)
        document = document_upload(
            newsroom=newsroom,
            by=editor,
            name="r.pdf",
            data=make_pdf(SITREP_PAGES, title="Sitrep 7"),
        )
    document.refresh_from_db()
    assert (document.title, document.kind, document.status) == ("Sitrep 7", "pdf", "ready")
    assert "death toll stands at 41" in document.passages.first().text  # type: ignore[union-attr]


def test_checker_and_outsider_cannot_upload(newsroom: Any, checker: Any, outsider: Any) -> None:
    for user in (checker, outsider):
        with pytest.raises(PermissionDenied):
            document_upload(newsroom=newsroom, by=user, name="a.txt", data=b"Some text.")
    assert not ReferenceDocument.objects.exists()


def test_the_command_line_uploads_without_a_user(newsroom: Any) -> None:
    document = document_upload(newsroom=newsroom, by=None, name="a.txt", data=b"Some text.")
    assert document.uploaded_by is None


def test_a_refused_file_saves_nothing(newsroom: Any, editor: Any) -> None:
    with pytest.raises(LibraryInputError, match="is empty"):
        document_upload(newsroom=newsroom, by=editor, name="blank.txt", data=b" \n\n ")
    with pytest.raises(LibraryInputError, match="is not a PDF document"):
        document_upload(newsroom=newsroom, by=editor, name="fake.pdf", data=b"Plain words.")
    assert not ReferenceDocument.objects.exists()
    assert not AuditEntry.objects.filter(object_type="referencedocument").exists()


def test_a_pdf_that_cannot_be_read_stays_recorded_as_failed_with_why(
    newsroom: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = encrypted(make_pdf(SITREP_PAGES), user_password="secret")
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(newsroom=newsroom, by=editor, name="locked.pdf", data=data)
        assert document.status == ReferenceDocument.Status.PROCESSING
    document.refresh_from_db()
    assert document.status == ReferenceDocument.Status.FAILED
    assert "“locked.pdf” is protected by a password" in document.error
    assert document.pending is None and not document.passages.exists()
    actions = AuditEntry.objects.filter(object_type="referencedocument").order_by("id")
    assert [a.action for a in actions] == ["created", "failed"]


def test_the_same_file_twice_is_one_document(newsroom: Any, editor: Any) -> None:
    first = document_upload(newsroom=newsroom, by=editor, name="a.txt", data=b"Some text.")
    again = document_upload(newsroom=newsroom, by=editor, name="a.txt", data=b"Some text.")
    assert again == first
    changed = document_upload(newsroom=newsroom, by=editor, name="a.txt", data=b"Other text.")
    assert changed != first
    assert ReferenceDocument.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="referencedocument").count() == 2


def test_upload_is_atomic(newsroom: Any, editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Passage.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        document_upload(newsroom=newsroom, by=editor, name="a.txt", data=b"Some text.")
    assert not ReferenceDocument.objects.exists()


def test_archiving_keeps_the_document_and_is_harmless_twice(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    document = document_upload(newsroom=newsroom, by=editor, name="a.txt", data=b"Some text.")
    with pytest.raises(PermissionDenied):
        document_archive(document=document, by=checker)
    archived = document_archive(document=document, by=editor)
    assert archived.archived_at is not None
    again = document_archive(document=document, by=editor)
    assert again.archived_at == archived.archived_at
    assert ReferenceDocument.objects.filter(pk=document.pk).exists()
    actions = AuditEntry.objects.filter(object_type="referencedocument", object_id=document.pk)
    assert sorted(actions.values_list("action", flat=True)) == ["archived", "created"]


# --- The library source -------------------------------------------------------------------------

RELEASE = (
    "Coast guard helicopter lifts 23 from school roof\n\n"
    "A coast guard S-92 helicopter rescued 23 people from the roof of the primary school in "
    "Tallow Bridge early on Tuesday morning, the Regional Government of Lendria said.\n\n"
    "The Lendrian Coast Guard flies four Sikorsky S-92 helicopters, all based at Port Averin.\n"
)
CLAIM = (
    "On Tuesday morning, a coast guard S-76 helicopter rescued 23 people from a school roof in "
    "Tallow Bridge, officials said."
)


def upload(newsroom: Any, name: str, text: str, by: Any = None) -> ReferenceDocument:
    return document_upload(newsroom=newsroom, by=by, name=name, data=text.encode())


def test_finds_the_best_passage_with_the_words_highlighted(newsroom: Any) -> None:
    document = upload(newsroom, "release.txt", RELEASE)
    hits = library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0)
    assert hits, "the rescue passage should be found"
    best = hits[0]
    passage = document.passages.get(text__contains="rescued 23 people")
    assert best.url == f"/sources/library/{document.pk}/#p{passage.index}"
    assert best.title == "Coast guard helicopter lifts 23 from school roof"
    assert best.snippet == passage.text
    marked = {best.snippet[s:e].lower() for s, e in best.highlights}
    assert {"helicopter", "tallow", "bridge", "school", "roof"} <= marked
    assert 0 < best.score <= 1
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_never_finds_another_newsrooms_documents(newsroom: Any, other_newsroom: Any) -> None:
    upload(other_newsroom, "release.txt", RELEASE)
    assert library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0) == []
    assert library_source.search(CLAIM, newsroom_id=other_newsroom.pk, claim_id=0)


def test_archived_documents_are_not_searched(newsroom: Any) -> None:
    document = upload(newsroom, "release.txt", RELEASE)
    document_archive(document=document, by=None)
    assert library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0) == []


def test_passages_holding_few_of_the_words_are_left_out(newsroom: Any) -> None:
    upload(newsroom, "weather.txt", "Rain bulletin\n\nRain fell on Tuesday in the hills.\n")
    assert library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0) == []


def test_at_most_five_passages_in_one_query(newsroom: Any, django_assert_num_queries: Any) -> None:
    for i in range(7):
        upload(newsroom, f"copy{i}.txt", RELEASE.replace("Tuesday", f"day {i}"))
    with django_assert_num_queries(1):
        hits = library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0)
    assert len(hits) == 5
    assert len({h.url for h in hits}) == 5


def test_a_query_of_stop_words_finds_nothing(newsroom: Any) -> None:
    upload(newsroom, "release.txt", RELEASE)
    assert library_source.search("and the of it", newsroom_id=newsroom.pk, claim_id=0) == []


def test_a_long_passage_is_trimmed_around_the_match(newsroom: Any) -> None:
    filler = "Officials reviewed the dikes along the lower valley in detail. " * 7
    text = "Report\n\n" + filler + "The helicopter lifted 23 people in Tallow Bridge. " + filler
    upload(newsroom, "long.txt", text)
    [hit] = library_source.search(
        "helicopter lifted 23 people Tallow Bridge", newsroom_id=newsroom.pk, claim_id=0
    )
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 402
    assert "The helicopter lifted 23 people in Tallow Bridge." in hit.snippet
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert {"helicopter", "lifted", "23", "people", "Tallow", "Bridge"} <= set(marked)


def test_the_python_scorer_works_on_every_database(newsroom: Any, other_newsroom: Any) -> None:
    upload(newsroom, "release.txt", RELEASE)
    upload(other_newsroom, "release.txt", RELEASE)
    candidates = Passage.objects.filter(document__newsroom=newsroom).select_related("document")
    matches = library_source.find_python(candidates, CLAIM, 5, library_source.MIN_SCORE)
    assert matches and all(m.passage.document.newsroom_id == newsroom.pk for m in matches)
    assert "rescued 23 people" in matches[0].snippet
    # Without stemming, "rescued" only matches "rescued".
    assert library_source.find_python(candidates, "rescues", 5, 0) == []


def test_demo_documents_answer_the_demo_claims(newsroom: Any) -> None:
    """The demo newsroom's reference documents find something for each demo claim offline."""
    for path_ in sorted(DEMO_REFERENCE.glob("*.txt")):
        document_upload(newsroom=newsroom, by=None, name=path_.name, data=path_.read_bytes())
    expected = {
        "A coast guard S-92 helicopter lifted 23 people from the roof of a school in Tallow "
        "Bridge early on Tuesday, according to the regional government.": "Coast guard",
        "Officials said the confirmed death toll had risen to 41, including six children, with "
        "dozens still missing.": "situation report",
        "The national weather service said 212 millimetres of rain fell on the upper valley in "
        "48 hours, more than the usual total for the whole of October.": "rainfall bulletin",
        "Nearly 30 people have died since the river first rose last week, and more than 4,000 "
        "have been evacuated.": "situation report",
    }
    for claim, title_part in expected.items():
        hits = library_source.search(claim, newsroom_id=newsroom.pk, claim_id=0)
        assert hits, claim
        assert title_part in hits[0].title, (claim, hits[0].title)


def test_a_lookup_stores_the_best_passages_as_evidence(
    newsroom: Any, editor: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from factcheck.claims.services import claim_mark_sentence
    from factcheck.drafts.services import draft_import

    document = upload(newsroom, "release.txt", RELEASE)
    draft = draft_import(newsroom=newsroom, by=editor, text=f"Helicopter story\n\n{CLAIM}\n")
    sentence = draft.revisions.get().sentences.get(index=1)
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        [lookup] = lookups_start(claims=[claim], by=checker, sources=[Source.LIBRARY])
    lookup.refresh_from_db()
    assert lookup.status == Lookup.Status.DONE
    assert lookup.result_count >= 1
    best = Evidence.objects.filter(claim=claim).order_by("-score").first()
    assert best is not None
    assert best.url.startswith(f"/sources/library/{document.pk}/#p")
    assert best.title == document.title
    assert "rescued 23 people" in best.snippet
    marked = {best.snippet[s:e] for s, e in best.highlights}
    assert {"helicopter", "Tallow", "Bridge"} <= marked


def test_snippet_windows() -> None:
    text = "alpha " * 100 + "needle " + "omega " * 100
    start = text.index("needle")
    snippet, spans = window(text, [(start, start + 6)])
    assert snippet.startswith("…alpha") and snippet.endswith("omega…")
    assert len(snippet) <= 402
    assert [snippet[s:e] for s, e in spans] == ["needle"]
    # Nothing to centre on: the beginning.
    snippet, spans = window(text, [])
    assert snippet.startswith("alpha") and snippet.endswith("…") and spans == []
    # Short text is left whole.
    assert window("short", [(0, 5)]) == ("short", [(0, 5)])


def test_headline_marks_are_read_back_or_refused() -> None:
    assert headline_spans("kill the kill", "\x02kill\x03 the \x02kill\x03") == [(0, 4), (9, 13)]
    assert headline_spans("e-mail", "\x02e\x03-\x02mail\x03") == [(0, 6)]
    # An answer that is not the text with marks, or text holding a mark: highlight in Python.
    assert headline_spans("kill", "\x02killed\x03") is None
    assert headline_spans("odd \x02 text", "odd \x02 text") is None
    assert headline_spans("kill", None) is None


# --- PostgreSQL: full-text search through the index ---------------------------------------------


def test_postgresql_matches_stemmed_words(newsroom: Any) -> None:
    require_postgresql()
    upload(newsroom, "toll.txt", "Toll\n\nThe floods kill dozens of residents every decade.\n")
    [hit] = library_source.search("Floods killed residents", newsroom_id=newsroom.pk, claim_id=0)
    assert hit.score == 1.0  # flood, kill, resid: all three lexemes
    marked = {hit.snippet[s:e] for s, e in hit.highlights}
    assert marked == {"floods", "kill", "residents"}


def test_postgresql_uses_the_full_text_index(newsroom: Any) -> None:
    require_postgresql()
    upload(newsroom, "release.txt", RELEASE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'sources_passage_text_fts'"
        )
        [(definition,)] = cursor.fetchall()
        assert "to_tsvector('english'::regconfig, text)" in definition
        # Only a bitmap scan is left to the planner (no sequential scan, no plain index scan of
        # another index, no join for the default order): it is the GIN index's, or none, so the
        # plan names that index exactly when the expression matched on is the indexed one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        queryset = Passage.objects.filter(
            Matches(EnglishVector(F("text")), AnyWords(Value(CLAIM)))
        ).order_by()
        plan = queryset.explain()
    assert "sources_passage_text_fts" in plan


def test_the_database_decides_the_path(newsroom: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL searches in SQL; any other database through the Python scorer."""
    upload(newsroom, "release.txt", RELEASE)
    calls: list[str] = []
    for name in ("find_python", "_find_postgresql"):
        real = getattr(library_source, name)
        monkeypatch.setattr(library_source, name, spy(name, real, calls))
    assert library_source.search(CLAIM, newsroom_id=newsroom.pk, claim_id=0)
    expected = "_find_postgresql" if connection.vendor == "postgresql" else "find_python"
    assert calls == [expected]


def spy(name: str, real: Any, calls: list[str]) -> Any:
    """``real``, noting ``name`` in ``calls`` each time it is called."""

    def called(*args: Any) -> Any:
        calls.append(name)
        return real(*args)

    return called
