"""The REST API's endpoints (``/api/v1/``): thin views that check input with a serializer, read
through ``factcheck.api.selectors`` (the pages' access rules) and write through the same
services as the pages. Errors take the one shape of ``factcheck.api.errors``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.errors import PayloadTooLarge
from factcheck.api.pagination import Pagination
from factcheck.api.params import flag
from factcheck.api.selectors import (
    api_draft,
    api_drafts,
    draft_detail,
    revision_of,
    revision_sentences,
)
from factcheck.api.serializers import (
    DiffSerializer,
    DraftCreateSerializer,
    DraftDetailSerializer,
    DraftListItemSerializer,
    DraftUpdateSerializer,
    ErrorSerializer,
    RevisionCreateSerializer,
    RevisionLoadedSerializer,
    RevisionRowSerializer,
    SentenceSerializer,
)
from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Revision
from factcheck.drafts.selectors import draft_revisions
from factcheck.drafts.services import (
    DraftInputError,
    Upload,
    draft_import,
    draft_update,
    upload_check_size,
)
from factcheck.insights.diff import draft_diff
from factcheck.newsrooms.access import (
    Capability,
    get_newsroom_for_member,
    newsrooms_where,
    role_can,
)
from factcheck.uploads import BodyIncomplete, BodyTooLarge, reading, upload_limit

ERRORS = {
    code: OpenApiResponse(ErrorSerializer, description=text)
    for code, text in {
        400: "Invalid input",
        401: "No valid token",
        403: "Your role does not allow this",
        404: "Not found, or not in your newsrooms",
        429: "Too many requests with this token",
    }.items()
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k != 400}
# limit and offset as the paginator reads them (1 to 500, and from 0: anything else is a 400).
PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": Pagination.max_limit},
        description=f"Items per page (default {Pagination.default_limit}, "
        f"at most {Pagination.max_limit}).",
    ),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0}, description="Items to skip."),
]


# --- Drafts -------------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    operation_id="drafts_list",
    summary="Your drafts, newest change first",
    parameters=[
        OpenApiParameter("newsroom", str, description="Only this newsroom's (its slug)."),
        OpenApiParameter("archived", bool, description="Archived drafts instead of live ones."),
        OpenApiParameter("cleared", bool, description="Only cleared (true) or uncleared ones."),
        *PAGE_PARAMETERS,
    ],
    responses={200: DraftListItemSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="drafts_create",
    summary="Load a draft from text, a file or a link",
    request={
        "application/json": DraftCreateSerializer,
        "multipart/form-data": DraftCreateSerializer,
    },
    responses={201: DraftDetailSerializer, 413: ERRORS[400], **ERRORS},
)
@api_view(["GET", "POST"])
def drafts(request: Request) -> Response:
    if request.method == "POST":
        return _draft_create(request)
    query = request.query_params
    found = api_drafts(
        request.user,
        request_token(request),
        newsroom=query.get("newsroom", ""),
        archived=flag(query.get("archived"), "archived") is True,
        cleared=flag(query.get("cleared"), "cleared"),
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(found, request)
    return paginator.get_paginated_response(DraftListItemSerializer(page, many=True).data)


def _draft_create(request: Request) -> Response:
    # The role before the body is read: the newsroom is in the body, so any newsroom (the
    # token's, if it is bound to one) where the user may load drafts; the exact one below.
    token = request_token(request)
    allowed = newsrooms_where(request.user, Capability.LOAD_DRAFT)
    if token is not None and token.newsroom_id is not None:
        allowed = allowed.filter(pk=token.newsroom_id)
    if not allowed.exists():
        raise exceptions.PermissionDenied(
            "Your role in your newsrooms does not allow loading drafts."
        )
    form = DraftCreateSerializer(data=_capped_data(request))
    form.is_valid(raise_exception=True)
    data = form.validated_data
    newsroom, role = get_newsroom_for_member(request.user, data["newsroom"])
    if token is not None and token.newsroom_id not in (None, newsroom.pk):
        raise Http404("No such newsroom.")
    if not role_can(role, Capability.LOAD_DRAFT):
        raise exceptions.PermissionDenied(f"Your role in {newsroom} does not allow loading drafts.")
    try:
        draft = draft_import(
            newsroom=newsroom,
            by=request.user,  # type: ignore[arg-type]  # authenticated: a User
            title=data.get("title", ""),
            deadline=data.get("deadline"),
            source=Revision.Source.API,
            **_input(data),
        )
    except DraftInputError as exc:
        raise _field_error(data, exc) from exc
    body = DraftDetailSerializer(draft_detail(draft, role)).data
    headers = {"Location": request.build_absolute_uri(reverse("api:draft", args=[draft.pk]))}
    return Response(body, status=status.HTTP_201_CREATED, headers=headers)


@extend_schema(
    methods=["GET"],
    operation_id="drafts_retrieve",
    summary="A draft with its claims and its clearance",
    responses={200: DraftDetailSerializer, **READ_ERRORS},
)
@extend_schema(
    methods=["PATCH"],
    operation_id="drafts_update",
    summary="Change a draft's title or deadline (give the version you read)",
    request=DraftUpdateSerializer,
    responses={
        200: DraftDetailSerializer,
        409: OpenApiResponse(ErrorSerializer, description="Changed since that version"),
        **ERRORS,
    },
)
@api_view(["GET", "PATCH"])
def draft(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "PATCH":
        found, role = api_draft(request.user, token, pk, Capability.EDIT_DRAFT)
        form = DraftUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            found = draft_update(
                draft=found,
                by=request.user,  # type: ignore[arg-type]  # authenticated: a User
                expected_version=data["version"],
                title=data.get("title", found.title),
                deadline=data.get("deadline", found.deadline),
            )
        except DraftInputError as exc:
            raise exceptions.ValidationError({"title": [str(exc)]}) from exc
    else:
        found, role = api_draft(request.user, token, pk)
    return Response(DraftDetailSerializer(draft_detail(found, role)).data)


# --- Revisions ----------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    operation_id="revisions_list",
    summary="The draft's revisions, newest first",
    parameters=PAGE_PARAMETERS,
    responses={200: RevisionRowSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="revisions_create",
    summary="Load a new version: its claims follow the text",
    request={
        "application/json": RevisionCreateSerializer,
        "multipart/form-data": RevisionCreateSerializer,
    },
    responses={201: RevisionLoadedSerializer, 413: ERRORS[400], **ERRORS},
)
@api_view(["GET", "POST"])
def revisions(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "GET":
        found, _ = api_draft(request.user, token, pk)
        paginator = Pagination()
        rows: Any = draft_revisions(found)  # a list: paginated as a queryset would be
        page = paginator.paginate_queryset(rows, request)
        return paginator.get_paginated_response(RevisionRowSerializer(page, many=True).data)
    found, _ = api_draft(request.user, token, pk, Capability.LOAD_DRAFT)
    form = RevisionCreateSerializer(data=_capped_data(request))
    form.is_valid(raise_exception=True)
    data = form.validated_data
    read = _input(data)
    try:
        loaded = revision_load(
            draft=found,
            by=request.user,  # type: ignore[arg-type]  # authenticated: a User
            text=read.get("text"),
            file=read.get("upload"),
            url=read.get("url"),
            source=Revision.Source.API,
        )
    except DraftInputError as exc:
        raise _field_error(data, exc) from exc
    return Response(RevisionLoadedSerializer(loaded).data, status=status.HTTP_201_CREATED)


@extend_schema(
    operation_id="revisions_diff",
    summary="What changed from one revision to another",
    parameters=[
        OpenApiParameter(
            "from", int, description="The revision compared with (default: the one before)."
        ),
        OpenApiParameter("show", str, enum=["all"], description="All rows, not only changes."),
    ],
    responses={200: DiffSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def revision_diff(request: Request, pk: int, number: int) -> Response:
    found, _ = api_draft(request.user, request_token(request), pk)
    try:
        diff = draft_diff(
            found,
            old_number=_number(request.query_params.get("from"), "from"),
            new_number=number,
            show_all=request.query_params.get("show") == "all",
        )
    except Revision.DoesNotExist as exc:
        raise Http404("No such revision of this draft.") from exc
    return Response(DiffSerializer(diff).data)


# --- Sentences ----------------------------------------------------------------------------------


@extend_schema(
    operation_id="sentences_list",
    summary="The units (sentences, headlines…) of a revision, in order",
    parameters=[
        OpenApiParameter("revision", int, description="Its number (default: the latest)."),
        *PAGE_PARAMETERS,
    ],
    responses={200: SentenceSerializer(many=True), **READ_ERRORS},
)
@api_view(["GET"])
def sentences(request: Request, pk: int) -> Response:
    found, _ = api_draft(request.user, request_token(request), pk)
    revision = revision_of(found, _number(request.query_params.get("revision"), "revision"))
    paginator = Pagination()
    page = paginator.paginate_queryset(revision_sentences(revision), request)
    return paginator.get_paginated_response(SentenceSerializer(page, many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(request: Request, rest: str = "") -> Response:
    """Any path under /api/ that names no endpoint: the API's 404, in its shape."""
    raise exceptions.NotFound("No such endpoint.")


# --- Helpers ------------------------------------------------------------------------------------


def _input(data: dict[str, Any]) -> dict[str, Any]:
    """The input as the services take it: ``text``, ``upload`` or ``url``."""
    if data.get("url"):
        return {"url": data["url"]}
    upload: UploadedFile | None = data.get("file")
    if upload is None:
        return {"text": data["text"]}
    upload_check_size(upload.name or "", upload.size or 0)  # before reading it into memory
    return {"upload": Upload(upload.name or "", upload.read())}


def _field_error(data: dict[str, Any], exc: DraftInputError) -> exceptions.ValidationError:
    field = "url" if data.get("url") else ("file" if data.get("file") else "text")
    return exceptions.ValidationError({field: [str(exc)]})


def _capped_data(request: Request) -> Any:
    """``request.data``, read only if its declared size is within the largest draft (with room
    for the form around it), and its files capped at that while they stream: 413 otherwise.
    Call after the role check (factcheck/uploads.py)."""
    try:
        cap = upload_limit(request._request, max_bytes=settings.DRAFT_MAX_BYTES, what="a draft")
    except BodyTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from exc
    try:
        with reading(cap):
            return request.data
    except RequestDataTooBig as exc:  # a JSON body, or the form's fields, over Django's limit
        raise PayloadTooLarge(cap.message) from exc
    except BodyIncomplete as exc:
        raise exceptions.ParseError(str(exc)) from exc
    except exceptions.ParseError as exc:
        # DRF turns the parser's error (ours among them) into a 400 "parse error".
        if cap.exceeded:
            raise PayloadTooLarge(cap.message) from exc
        raise


def _number(raw: str | None, name: str) -> int | None:
    """A revision number from the query string; None when absent."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise exceptions.ValidationError({name: ["A revision number (1, 2, …)."]})
    return int(raw)
