"""The API's claim and clearance endpoints (``/api/v1/drafts/<id>/claims/``,
``/api/v1/claims/<id>/…``, ``/api/v1/drafts/<id>/clearance/`` and ``…/report/``).

Thin views as in ``api.views``: the access rule first (``api.claim_selectors``,
``api.selectors``: an outsider gets 404 whatever the body), then the input, then the same
service the page calls (``claims.services``, ``reviews.services``). A stale ``version`` is 409
``conflict``; a move the object's state does not allow (approving an unchecked claim, clearing
a draft with blockers) is 409 ``invalid_state``; input the service refuses (a span outside the
text, boilerplate, an empty rationale) is 400 ``invalid``. The error handler makes those shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.claim_selectors import api_claim, claim_detail, draft_claims, with_links
from factcheck.api.claim_serializers import (
    ClaimDetailSerializer,
    ClaimMarkSerializer,
    ClaimRowSerializer,
    ClearanceStateSerializer,
    ProposeSerializer,
    ReportSerializer,
    SendBackSerializer,
    VersionInputSerializer,
)
from factcheck.api.errors import error_body
from factcheck.api.pagination import Pagination
from factcheck.api.selectors import api_draft
from factcheck.api.serializers import BlockerSerializer, ErrorSerializer
from factcheck.api.views import ERRORS, PAGE_PARAMETERS, READ_ERRORS
from factcheck.claims.models import Claim
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_mark,
    claim_mark_unit,
    claim_propose,
    claim_restore,
    claim_send_back,
)
from factcheck.drafts.models import Draft
from factcheck.drafts.selectors import latest_revision, latest_sentence
from factcheck.errors import FactcheckError
from factcheck.newsrooms.access import Capability
from factcheck.outcome import Done
from factcheck.reviews.panel import clearance_panel
from factcheck.reviews.reports import clearance_report
from factcheck.reviews.selectors import clearance_blockers
from factcheck.reviews.services import draft_clear

CONFLICTS = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="`conflict`: changed since the version you sent (with `current_version`); "
        "`invalid_state`: the claim's status does not allow this move",
    )
}
STATUSES = ", ".join(Claim.Status.values)


# --- Claims of a draft --------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    operation_id="claims_list",
    summary="The draft's claims: latest revision first, in text order",
    parameters=[
        OpenApiParameter(
            "status", str, description=f"Only these statuses, comma-separated: {STATUSES}."
        ),
        *PAGE_PARAMETERS,
    ],
    responses={200: ClaimRowSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="claims_mark",
    summary="Mark a claim: a whole unit (sentence) or a span (start, end) of the latest revision",
    request=ClaimMarkSerializer,
    responses={
        201: OpenApiResponse(ClaimDetailSerializer, description="A new claim"),
        200: OpenApiResponse(
            ClaimDetailSerializer,
            description="Already marked: that claim (restored if it had been dismissed)",
        ),
        **ERRORS,
    },
)
@api_view(["GET", "POST"])
def claims(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "POST":
        found, _ = api_draft(request.user, token, pk, Capability.MARK_CLAIMS)
        return _mark(request, found)
    found, _ = api_draft(request.user, token, pk)
    paginator = Pagination()
    rows = draft_claims(found, statuses=_statuses(request.query_params.get("status")))
    page = with_links(paginator.paginate_queryset(rows, request) or [])
    return paginator.get_paginated_response(ClaimRowSerializer(page, many=True).data)


def _mark(request: Request, draft: Draft) -> Response:
    """As the page's mark endpoint (``claims.views.claims_update``): a unit through
    ``claim_mark_unit``, a span through ``claim_mark``. Marking what is marked already answers
    that claim, restored if it had been dismissed (200); a new claim is 201."""
    form = ClaimMarkSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    began = timezone.now()
    if "sentence" in data:
        sentence = latest_sentence(draft, data["sentence"])
        if sentence is None:
            raise exceptions.ValidationError(
                {"sentence": [f"The latest revision has no unit {data['sentence']}."]}
            )
        claim = claim_mark_unit(sentence=sentence, by=request.user).claim  # type: ignore[arg-type]
    else:
        revision = latest_revision(draft)
        revision.draft = draft
        claim = claim_mark(
            revision=revision,
            start=data["start"],
            end=data["end"],
            by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        )
    body = ClaimDetailSerializer(claim_detail(claim.pk)).data
    if claim.created_at < began:  # made before this request: it was marked already
        return Response(body)
    headers = {"Location": request.build_absolute_uri(reverse("api:claim", args=[claim.pk]))}
    return Response(body, status=status.HTTP_201_CREATED, headers=headers)


# --- One claim and its workflow -----------------------------------------------------------------


@extend_schema(
    operation_id="claims_retrieve",
    summary="A claim: its words, place, status, verdict, rationale and evidence",
    responses={200: ClaimDetailSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def claim(request: Request, pk: int) -> Response:
    found, _ = api_claim(request.user, request_token(request), pk)
    return Response(ClaimDetailSerializer(claim_detail(found.pk)).data)


def _move_schema(operation: str, summary: str, request: Any) -> Callable[[Any], Any]:
    return extend_schema(
        operation_id=operation,
        summary=summary,
        request=request,
        responses={200: ClaimDetailSerializer, **CONFLICTS, **ERRORS},
    )


@_move_schema(
    "claims_dismiss",
    "Dismiss a claim (kept, restorable; one dismissed already is left as it is)",
    VersionInputSerializer,
)
@api_view(["POST"])
def claim_dismiss_view(request: Request, pk: int) -> Response:
    return _toggle(request, pk, claim_dismiss)


@_move_schema(
    "claims_restore",
    "Restore a dismissed claim as unchecked (one not dismissed is left as it is)",
    VersionInputSerializer,
)
@api_view(["POST"])
def claim_restore_view(request: Request, pk: int) -> Response:
    return _toggle(request, pk, claim_restore)


def _toggle(request: Request, pk: int, service: Callable[..., Done[Claim]]) -> Response:
    found, _ = api_claim(request.user, request_token(request), pk, Capability.MARK_CLAIMS)
    version = _version(request)
    service(claim=found, by=request.user, expected_version=version)
    return _claim_answer(found.pk)


@_move_schema(
    "claims_propose",
    "Propose a verdict with its rationale and evidence links; an editor reviews it",
    ProposeSerializer,
)
@api_view(["POST"])
def claim_propose_view(request: Request, pk: int) -> Response:
    found, _ = api_claim(request.user, request_token(request), pk, Capability.PROPOSE_VERDICT)
    form = ProposeSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    claim_propose(
        claim=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        verdict=data["verdict"],
        rationale=data["rationale"],
        links=[(link["url"], link.get("note", "")) for link in data.get("links", [])],
        expected_version=data["version"],
    )
    return _claim_answer(found.pk)


@_move_schema(
    "claims_approve", "Approve the proposed verdict (editors, admins)", VersionInputSerializer
)
@api_view(["POST"])
def claim_approve_view(request: Request, pk: int) -> Response:
    found, _ = api_claim(request.user, request_token(request), pk, Capability.APPROVE)
    version = _version(request)
    claim_approve(claim=found, by=request.user, expected_version=version)  # type: ignore[arg-type]
    return _claim_answer(found.pk)


@_move_schema(
    "claims_send_back",
    "Send the proposed verdict back for more checking, with a note (editors, admins)",
    SendBackSerializer,
)
@api_view(["POST"])
def claim_send_back_view(request: Request, pk: int) -> Response:
    found, _ = api_claim(request.user, request_token(request), pk, Capability.APPROVE)
    form = SendBackSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    claim_send_back(
        claim=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        note=form.validated_data.get("note", ""),
        expected_version=form.validated_data["version"],
    )
    return _claim_answer(found.pk)


# --- Clearance ----------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    operation_id="clearance_retrieve",
    summary="Whether the draft is cleared for publication, and what blocks it",
    responses={200: ClearanceStateSerializer, **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="clearance_clear",
    summary="Clear the draft for publication (editors, admins); refused while anything blocks",
    request=None,
    responses={
        200: ClearanceStateSerializer,
        409: OpenApiResponse(
            ErrorSerializer,
            description="`invalid_state`: something blocks it; the error lists the `blockers`",
        ),
        **ERRORS,
    },
)
@api_view(["GET", "POST"])
def clearance(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "GET":
        found, role = api_draft(request.user, token, pk)
        return Response(ClearanceStateSerializer(clearance_panel(draft=found, role=role)).data)
    found, role = api_draft(request.user, token, pk, Capability.CLEAR)
    try:
        cleared = draft_clear(draft=found, by=request.user)  # type: ignore[arg-type]
    except FactcheckError as exc:  # blockers remain (checked under the draft's lock)
        body = error_body("invalid_state", str(exc))
        body["error"]["blockers"] = BlockerSerializer(clearance_blockers(found), many=True).data
        return Response(body, status=status.HTTP_409_CONFLICT)
    return Response(ClearanceStateSerializer(clearance_panel(draft=cleared, role=role)).data)


@extend_schema(
    operation_id="clearance_report",
    summary="The clearance report: every claim with its verdict, who proposed and approved it, "
    "its evidence; the tasks; the blockers",
    responses={200: ReportSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def report(request: Request, pk: int) -> Response:
    found, _ = api_draft(request.user, request_token(request), pk)
    return Response(ReportSerializer(clearance_report(found)).data)


# --- Helpers ------------------------------------------------------------------------------------


def _claim_answer(pk: int) -> Response:
    return Response(ClaimDetailSerializer(claim_detail(pk)).data)


def _version(request: Request) -> int:
    form = VersionInputSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    version: int = form.validated_data["version"]
    return version


def _statuses(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    wanted = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in Claim.Status.values]
    if unknown:
        raise exceptions.ValidationError({"status": [f"No status {unknown[0]!r}: use {STATUSES}."]})
    return wanted
