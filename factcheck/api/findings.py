"""The API's findings (``/api/v1/drafts/<id>/findings/``, ``/api/v1/findings/<id>/…``): a
draft's findings, one finding, and what the finding page does with one: dismiss, reopen, turn
into a task. Reads through ``insights.access``, writes through ``insights.services``; acting on
a finding needs ASSIGN (editors, admins), as on the page."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.finding_serializers import (
    FindingActionSerializer,
    FindingSerializer,
    FindingTaskSerializer,
)
from factcheck.api.pagination import Pagination
from factcheck.api.params import choice, number
from factcheck.api.selectors import api_draft
from factcheck.api.serializers import ErrorSerializer
from factcheck.api.task_serializers import TaskDetailSerializer
from factcheck.api.task_views import assignee_from
from factcheck.api.views import ERRORS, PAGE_PARAMETERS, READ_ERRORS
from factcheck.api.work_selectors import api_get, draft_findings_api, finding_fresh, task_fresh
from factcheck.insights.access import get_finding_for_user
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss, finding_reopen, finding_task_create
from factcheck.newsrooms.access import Capability
from factcheck.outcome import Done
from factcheck.reviews.task_selectors import task_moves

CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer, description="Changed since the version you sent (`current_version`)."
    )
}
ACTION_RESPONSES = {200: FindingSerializer, **CONFLICT, **ERRORS}


@extend_schema(
    operation_id="findings_list",
    summary="A draft's findings, the latest revision's first",
    parameters=[
        OpenApiParameter("status", str, enum=Finding.Status.values, description="Only these."),
        OpenApiParameter("revision", int, description="Only this revision's (its number)."),
        *PAGE_PARAMETERS,
    ],
    responses={200: FindingSerializer(many=True), **READ_ERRORS},
)
@api_view(["GET"])
def draft_findings(request: Request, pk: int) -> Response:
    draft, _ = api_draft(request.user, request_token(request), pk)
    query = request.query_params
    findings = draft_findings_api(
        draft,
        status=choice(query.get("status"), Finding.Status.values, "status"),
        revision=number(query.get("revision"), "revision"),
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(findings, request)
    return paginator.get_paginated_response(FindingSerializer(page, many=True).data)


@extend_schema(
    operation_id="findings_retrieve",
    summary="A finding, with both sentences",
    responses={200: FindingSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def finding(request: Request, pk: int) -> Response:
    found, _ = api_get(get_finding_for_user, request.user, request_token(request), pk)
    return Response(FindingSerializer(finding_fresh(found)).data)


@extend_schema(
    operation_id="findings_dismiss",
    summary="Dismiss the finding: it no longer blocks clearance (editors and admins)",
    request=FindingActionSerializer,
    responses=ACTION_RESPONSES,
)
@api_view(["POST"])
def finding_dismiss_view(request: Request, pk: int) -> Response:
    return _move(request, pk, finding_dismiss)


@extend_schema(
    operation_id="findings_reopen",
    summary="Reopen a dismissed finding: it blocks clearance again (editors and admins)",
    request=FindingActionSerializer,
    responses=ACTION_RESPONSES,
)
@api_view(["POST"])
def finding_reopen_view(request: Request, pk: int) -> Response:
    return _move(request, pk, finding_reopen)


@extend_schema(
    operation_id="findings_task",
    summary="Turn the finding into a task titled after it, linked to both sentences' claims",
    description="201 with the new task; 200 with its task when the finding is one already.",
    request=FindingTaskSerializer,
    responses={
        200: TaskDetailSerializer,
        201: TaskDetailSerializer,
        **CONFLICT,
        **ERRORS,
    },
)
@api_view(["POST"])
def finding_task_view(request: Request, pk: int) -> Response:
    token = request_token(request)
    # The task's role is the finding's: both are the draft's.
    found, role = api_get(get_finding_for_user, request.user, token, pk, Capability.ASSIGN)
    form = FindingTaskSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    task, changed = finding_task_create(
        finding=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        assignee=assignee_from(found.draft.newsroom_id, data["assignee"]),
        expected_version=data["version"],
    )
    fresh = task_fresh(task.pk)
    body = TaskDetailSerializer(fresh, context={"moves": task_moves(fresh, request.user, role)})
    headers = {"Location": request.build_absolute_uri(reverse("api:task", args=[task.pk]))}
    code = status.HTTP_201_CREATED if changed else status.HTTP_200_OK
    return Response(body.data, status=code, headers=headers)


def _move(request: Request, pk: int, service: Callable[..., Done[Finding]]) -> Response:
    """Dismiss or reopen through ``service``; a repeated call (already so) changes nothing and
    is no conflict, whatever version it sends (the services' rule)."""
    found, _ = api_get(
        get_finding_for_user, request.user, request_token(request), pk, Capability.ASSIGN
    )
    form = FindingActionSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    service(
        finding=found,
        by=request.user,
        expected_version=form.validated_data["version"],
    )
    return Response(FindingSerializer(finding_fresh(found)).data)
