"""The API's source lookups and evidence (``/api/v1/claims/<id>/lookups/`` and ``evidence/``,
``/api/v1/lookups/<id>/``, ``/api/v1/evidence/<id>/…``): start lookups of a claim (queued
through ``sources.services.lookups_start``, run by Celery workers after the commit: 202), follow
them, read what they found, attach it to the verdict or dismiss it, as the claim page's lookups
panel does. Any member reads; starting, attaching and dismissing need PROPOSE_VERDICT
(checkers, editors, admins)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.lookup_serializers import (
    EvidenceSerializer,
    LookupSerializer,
    LookupsStartedSerializer,
    LookupStartSerializer,
)
from factcheck.api.pagination import Pagination
from factcheck.api.params import choice
from factcheck.api.views import ERRORS, PAGE_PARAMETERS, READ_ERRORS
from factcheck.api.work_selectors import api_get, claim_evidence, claim_lookups
from factcheck.claims.access import get_claim_for_user
from factcheck.claims.models import Claim
from factcheck.newsrooms.access import Capability
from factcheck.outcome import Done
from factcheck.sources.access import get_evidence_for_user, get_lookup_for_user
from factcheck.sources.models import Evidence, Source
from factcheck.sources.services import (
    evidence_attach,
    evidence_dismiss,
    lookups_start,
    query_for,
    source_settings_for,
)

NO_SOURCE = "No source is enabled for this newsroom; a newsroom admin can turn sources on."


@extend_schema(
    methods=["GET"],
    operation_id="lookups_list",
    summary="A claim's lookups, source by source",
    parameters=PAGE_PARAMETERS,
    responses={200: LookupSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="lookups_create",
    summary="Look the claim up in one source or every enabled one (queued: poll the lookups)",
    description="202: the lookups are queued for the workers. A lookup that finished is "
    "queued again (a retry); one still queued or running is left alone.",
    request=LookupStartSerializer,
    responses={202: LookupsStartedSerializer, **ERRORS},
)
@api_view(["GET", "POST"])
def claim_lookups_view(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "POST":
        claim, _ = api_get(get_claim_for_user, request.user, token, pk, Capability.PROPOSE_VERDICT)
        return _start(request, claim)
    claim, _ = api_get(get_claim_for_user, request.user, token, pk)
    paginator = Pagination()
    page = paginator.paginate_queryset(claim_lookups(claim), request)
    context = {"query": query_for(claim)}
    return paginator.get_paginated_response(LookupSerializer(page, many=True, context=context).data)


def _start(request: Request, claim: Claim) -> Response:
    form = LookupStartSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    source = form.validated_data["source"]
    if claim.status == Claim.Status.DISMISSED:
        raise exceptions.ValidationError("This claim is dismissed: restore it to look it up.")
    enabled = source_settings_for(claim.draft.newsroom_id).enabled()
    if not enabled:
        raise exceptions.ValidationError(NO_SOURCE)
    started = lookups_start(
        claims=[claim],
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        sources=[source] if source else None,
    )
    query = query_for(claim)
    wanted = [source] if source else enabled
    lookups = claim_lookups(claim).filter(source__in=wanted, query=query)
    body = {
        "started": [lookup.pk for lookup in started],
        "lookups": LookupSerializer(lookups, many=True, context={"query": query}).data,
    }
    url = reverse("api:claim_lookups", args=[claim.pk])
    headers = {"Location": request.build_absolute_uri(url)}
    return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


@extend_schema(
    operation_id="lookups_retrieve",
    summary="One lookup: its status, attempts, why it failed",
    responses={200: LookupSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def lookup(request: Request, pk: int) -> Response:
    found, _ = api_get(get_lookup_for_user, request.user, request_token(request), pk)
    row = claim_lookups(found.claim).get(pk=found.pk)
    return Response(LookupSerializer(row, context={"query": query_for(found.claim)}).data)


@extend_schema(
    operation_id="evidence_list",
    summary="What the claim's lookups found, best first",
    parameters=[
        OpenApiParameter("status", str, enum=Evidence.Status.values, description="Only these."),
        OpenApiParameter("source", str, enum=Source.values, description="Only this source's."),
        *PAGE_PARAMETERS,
    ],
    responses={200: EvidenceSerializer(many=True), **READ_ERRORS},
)
@api_view(["GET"])
def claim_evidence_view(request: Request, pk: int) -> Response:
    claim, _ = api_get(get_claim_for_user, request.user, request_token(request), pk)
    query = request.query_params
    evidence = claim_evidence(
        claim,
        status=choice(query.get("status"), Evidence.Status.values, "status"),
        source=choice(query.get("source"), Source.values, "source"),
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(evidence, request)
    return paginator.get_paginated_response(EvidenceSerializer(page, many=True).data)


@extend_schema(
    operation_id="evidence_attach",
    summary="Attach the evidence to the claim's verdict (one of its evidence links)",
    request=None,
    responses={200: EvidenceSerializer, **ERRORS},
)
@api_view(["POST"])
def evidence_attach_view(request: Request, pk: int) -> Response:
    return _evidence(request, pk, attach=True)


@extend_schema(
    operation_id="evidence_dismiss",
    summary="Dismiss the evidence (kept: it can be attached later)",
    request=None,
    responses={200: EvidenceSerializer, **ERRORS},
)
@api_view(["POST"])
def evidence_dismiss_view(request: Request, pk: int) -> Response:
    return _evidence(request, pk, attach=False)


def _evidence(request: Request, pk: int, *, attach: bool) -> Response:
    """A repeated call (already so) changes nothing (the services' rule)."""
    found, _ = api_get(
        get_evidence_for_user,
        request.user,
        request_token(request),
        pk,
        Capability.PROPOSE_VERDICT,
    )
    service = evidence_attach if attach else evidence_dismiss
    done: Done[Evidence] = service(
        evidence=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
    )
    return Response(EvidenceSerializer(done.obj).data)
