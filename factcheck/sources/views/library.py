"""The reference library pages: a newsroom's documents with the upload form and a search box
(``/library/``, ``?newsroom=<slug>`` for a member of several newsrooms), one document with its
passages (``/library/<pk>/``; anchors ``#p<index>`` are where evidence links), and archiving one.

Members read and search; editors and admins (LOAD_DRAFT) upload and archive. Naming a newsroom
the user does not belong to, or another newsroom's document, is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from factcheck.htmx import htmx_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import Capability, newsrooms_with_role, role_can
from factcheck.newsrooms.models import Newsroom
from factcheck.sources.access import get_document_for_user
from factcheck.sources.backends.library import find_passages
from factcheck.sources.library import (
    MAX_BYTES,
    SUPPORTED_EXTENSIONS,
    LibraryInputError,
    document_archive,
    document_upload,
    document_url,
    upload_check_size,
)
from factcheck.sources.models import ReferenceDocument
from factcheck.sources.textsearch import highlight_spans, terms
from factcheck.uploads import (
    UploadRefused,
    before_body,
    csrf_after_limits,
    reading,
    refuse_unread,
    upload_limit,
)

if TYPE_CHECKING:
    pass

TEMPLATE = "sources/library.html"
DOCUMENT_TEMPLATE = "sources/document.html"
SEARCH_RESULTS = 10
QUERY_MAX = 300


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty to use the document's own title or its first line.",
    )
    file = forms.FileField(
        label="File",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
        help_text=f"{', '.join(SUPPORTED_EXTENSIONS)}; up to {MAX_BYTES // (1024 * 1024)} MB.",
    )


@login_required
@csrf_after_limits  # checked by _upload, after the role and the size
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def library(request: AuthedHttpRequest) -> HttpResponse:
    held = newsrooms_with_role(request.user)
    newsrooms = [newsroom for newsroom, _ in held]
    # On a POST too, the newsroom comes from the address: its role is checked before the body.
    with before_body(request):
        chosen = _chosen(held, request.GET.get("newsroom"))
        if request.method == "POST":
            chosen = _may_upload(chosen)
    if request.method == "POST" and chosen is not None:
        try:
            cap = upload_limit(request, max_bytes=MAX_BYTES, what="a library document")
            with reading(cap):
                return _upload(request, newsrooms, chosen)
        except UploadRefused as exc:
            form = DocumentUploadForm()
            refuse_unread(form, "file", str(exc))
            context = _context(newsrooms, chosen, form=form)
            return _refused(request, context, status=exc.status)
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    context = _context(newsrooms, chosen, query=query)
    if request.htmx and request.htmx.target == "library-results":
        return render(request, f"{TEMPLATE}#results", context)
    return render(request, TEMPLATE, context)


def _may_upload(chosen: tuple[Newsroom, str] | None) -> tuple[Newsroom, str]:
    if chosen is None:
        raise Http404("No such newsroom.")
    if not role_can(chosen[1], Capability.LOAD_DRAFT):
        raise PermissionDenied("Your role in this newsroom does not allow adding documents.")
    return chosen


@csrf_protect
def _upload(
    request: AuthedHttpRequest, newsrooms: list[Newsroom], chosen: tuple[Newsroom, str]
) -> HttpResponse:
    newsroom, _ = chosen
    # A form that names its newsroom in the body too (an older page) must name the same one.
    named = request.POST.get("newsroom")
    if named and named != newsroom.slug:
        raise Http404("No such newsroom.")
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            upload_check_size(upload.name, upload.size)  # before reading it into memory
            document = document_upload(
                newsroom=newsroom,
                by=request.user,
                name=upload.name,
                data=upload.read(),
                title=form.cleaned_data["title"],
            )
        except LibraryInputError as exc:
            form.add_error("file", str(exc))
        else:
            notice = _upload_notice(document)
            return htmx_answer(
                request,
                redirect_to=document_url(document),
                parts=lambda: [
                    (
                        f"{TEMPLATE}#upload-done",
                        _context(newsrooms, chosen, notice=notice, oob=True),
                    )
                ],
                notice=notice,
                events=["library-changed"],
            )
    return _refused(request, _context(newsrooms, chosen, form=form))


def _upload_notice(document: ReferenceDocument) -> str:
    if document.status == ReferenceDocument.Status.PROCESSING:
        return f"“{document}” is being read: it will be searchable in a moment."
    count = document.passages.count()
    plural = "" if count == 1 else "s"
    return f"“{document}” is in the library: {count} passage{plural}."


def _refused(
    request: AuthedHttpRequest, context: dict[str, Any], *, status: int | None = None
) -> HttpResponse:
    """The upload form with its errors: the fragment for htmx (422, or ``status``), else the
    page (400, or ``status``). base.html's htmx-config swaps 413 and 422, not 400: a body
    refused as incomplete (400) answers htmx with 422."""
    if request.htmx:
        htmx_status = 413 if status == 413 else 422
        return render(request, f"{TEMPLATE}#upload", context, status=htmx_status)
    return render(request, TEMPLATE, context, status=status or 400)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def document_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The document and its passages. A PDF being read shows so, and with htmx its status line
    asks again every few seconds: the same status line while it is read, then a full reload."""
    document, role = get_document_for_user(request.user, pk)
    if request.htmx and request.htmx.target == "document-reading":
        if document.status == ReferenceDocument.Status.PROCESSING:
            return render(request, f"{DOCUMENT_TEMPLATE}#reading", {"document": document})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    query_terms = terms(query)
    passages = [
        (passage, highlight_spans(passage.text, query_terms) if query_terms else [])
        for passage in document.passages.all()
    ]
    context = {
        "document": document,
        "passages": passages,
        "query": query,
        "can_archive": role_can(role, Capability.LOAD_DRAFT),
        "library_url": library_url(document.newsroom),
    }
    return render(request, DOCUMENT_TEMPLATE, context)


@login_required
@require_POST
def document_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    document, _ = get_document_for_user(request.user, pk, Capability.LOAD_DRAFT)
    user = request.user
    already = document.archived_at is not None
    archived = document_archive(document=document, by=user)
    notice = (
        f"“{archived.title}” was already archived."
        if already
        else f"Archived “{archived.title}”: lookups and searches no longer find it."
    )
    context = {"document": archived, "can_archive": True, "notice": notice}
    return htmx_answer(
        request,
        redirect_to=library_url(document.newsroom),
        parts=lambda: [(f"{DOCUMENT_TEMPLATE}#status", context)],
        notice=notice,
        events=["library-changed"],
    )


def library_url(newsroom: Newsroom) -> str:
    return reverse("sources:library") + "?" + urlencode({"newsroom": newsroom.slug})


def _chosen(held: list[tuple[Newsroom, str]], slug: str | None) -> tuple[Newsroom, str] | None:
    """The newsroom named by ``slug`` and the user's role there (404 unless the user belongs to
    it), else the first."""
    if slug:
        for newsroom, role in held:
            if newsroom.slug == slug:
                return newsroom, role
        raise Http404("No such newsroom.")
    return held[0] if held else None


def _context(
    newsrooms: list[Newsroom],
    chosen: tuple[Newsroom, str] | None,
    *,
    query: str = "",
    form: DocumentUploadForm | None = None,
    notice: str = "",
    oob: bool = False,
) -> dict[str, Any]:
    newsroom, role = chosen if chosen is not None else (None, None)
    documents = (
        ReferenceDocument.objects.filter(newsroom=newsroom, archived_at__isnull=True)
        .select_related("uploaded_by")
        .defer("text", "pending")
        .annotate(passage_count=Count("passages"))
        .order_by("-created_at", "-id")  # Meta.ordering does not apply to a GROUP BY query
        if newsroom is not None
        else ReferenceDocument.objects.none()
    )
    results = (
        find_passages(newsroom_id=newsroom.pk, query=query, limit=SEARCH_RESULTS, min_score=0)
        if newsroom is not None and query
        else []
    )
    can_upload = role_can(role, Capability.LOAD_DRAFT)
    return {
        "newsrooms": newsrooms,
        "newsroom": newsroom,
        "documents": documents,
        "query": query,
        "results": results,
        "can_upload": can_upload,
        "form": form or DocumentUploadForm(),
        "notice": notice,
        "oob": oob,
    }
