"""The API's verification tasks (``/api/v1/drafts/<id>/tasks/``, ``/api/v1/tasks/<id>/…``): list
and create a draft's tasks, read one, assign it, move it along the task state machine, and its
comments. Reads through ``reviews.access`` (the task page's rule), writes through
``reviews.services`` (the page's services), with the page's roles: editors and admins create
and assign, a checker moves only the tasks assigned to them, every member comments.

(Named ``task_views``, not ``tasks``: Celery imports every app's ``tasks`` module.)
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.pagination import Pagination
from factcheck.api.params import choice, flag
from factcheck.api.selectors import api_draft
from factcheck.api.serializers import ErrorSerializer
from factcheck.api.task_serializers import (
    PRIORITIES,
    CommentCreateSerializer,
    CommentSerializer,
    TaskAssignSerializer,
    TaskCreateSerializer,
    TaskDetailSerializer,
    TaskMoveSerializer,
    TaskSerializer,
)
from factcheck.api.views import ERRORS, PAGE_PARAMETERS, READ_ERRORS
from factcheck.api.work_selectors import (
    api_get,
    draft_tasks_api,
    live_claims,
    member_named,
    task_comments,
    task_fresh,
)
from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability
from factcheck.reviews.access import get_task_for_user
from factcheck.reviews.models import Task
from factcheck.reviews.services import comment_add, task_assign, task_create, task_move
from factcheck.reviews.task_selectors import task_moves

CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="`conflict`: changed since the version you sent (with `current_version`); "
        "`invalid_state`: the state machine does not allow that move from the task's status.",
    )
}


@extend_schema(
    methods=["GET"],
    operation_id="tasks_list",
    summary="A draft's tasks, soonest due first",
    parameters=[
        OpenApiParameter("status", str, enum=Task.Status.values, description="Only this status."),
        OpenApiParameter("archived", bool, description="Archived tasks instead of live ones."),
        *PAGE_PARAMETERS,
    ],
    responses={200: TaskSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="tasks_create",
    summary="Create a verification task on the draft (the page's task form)",
    request=TaskCreateSerializer,
    responses={201: TaskDetailSerializer, **ERRORS},
)
@api_view(["GET", "POST"])
def draft_tasks(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "POST":
        draft, role = api_draft(request.user, token, pk, Capability.ASSIGN)
        return _task_create(request, draft, role)
    draft, _ = api_draft(request.user, token, pk)
    query = request.query_params
    tasks = draft_tasks_api(
        draft,
        status=choice(query.get("status"), Task.Status.values, "status"),
        archived=flag(query.get("archived"), "archived") is True,
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(tasks, request)
    return paginator.get_paginated_response(TaskSerializer(page, many=True).data)


def _task_create(request: Request, draft: Draft, role: str) -> Response:
    form = TaskCreateSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    claims = live_claims(draft, data["claims"])
    if claims is None:
        raise exceptions.ValidationError(
            {"claims": ["Only live claims of this draft can be linked."]}
        )
    task = task_create(
        draft=draft,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        title=data["title"],
        description=data["description"],
        claims=claims,
        assignee=assignee_from(draft.newsroom_id, data["assignee"]),
        due_at=data["due_at"],
        priority=PRIORITIES[data["priority"]],
    )
    headers = {"Location": request.build_absolute_uri(reverse("api:task", args=[task.pk]))}
    return Response(
        _detail(request, task.pk, role), status=status.HTTP_201_CREATED, headers=headers
    )


@extend_schema(
    operation_id="tasks_retrieve",
    summary="A task, with the moves you may make",
    responses={200: TaskDetailSerializer, **READ_ERRORS},
)
@api_view(["GET"])
def task(request: Request, pk: int) -> Response:
    found, role = api_get(get_task_for_user, request.user, request_token(request), pk)
    return Response(_detail(request, found.pk, role))


@extend_schema(
    operation_id="tasks_assign",
    summary="Give the task to a member, or to nobody (editors and admins)",
    request=TaskAssignSerializer,
    responses={200: TaskDetailSerializer, **CONFLICT, **ERRORS},
)
@api_view(["POST"])
def task_assign_view(request: Request, pk: int) -> Response:
    found, role = api_get(
        get_task_for_user, request.user, request_token(request), pk, Capability.ASSIGN
    )
    form = TaskAssignSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    task_assign(
        task=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        assignee=assignee_from(found.draft.newsroom_id, data["assignee"]),
        expected_version=data.get("version"),
    )
    return Response(_detail(request, found.pk, role))


@extend_schema(
    operation_id="tasks_move",
    summary="Move the task: start, submit for review, mark done, send back, reopen",
    request=TaskMoveSerializer,
    responses={200: TaskDetailSerializer, **CONFLICT, **ERRORS},
)
@api_view(["POST"])
def task_move_view(request: Request, pk: int) -> Response:
    # Who may make which move is the service's rule (reviews.states): 403 when refused.
    found, role = api_get(get_task_for_user, request.user, request_token(request), pk)
    form = TaskMoveSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    task_move(
        task=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        to=data["status"],
        expected_version=data["version"],
        note=data["note"].strip(),
    )
    return Response(_detail(request, found.pk, role))


@extend_schema(
    methods=["GET"],
    operation_id="task_comments_list",
    summary="The task's comments, oldest first",
    parameters=PAGE_PARAMETERS,
    responses={200: CommentSerializer(many=True), **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="task_comments_create",
    summary="Comment on the task; @username of a member notifies them",
    request=CommentCreateSerializer,
    responses={201: CommentSerializer, **ERRORS},
)
@api_view(["GET", "POST"])
def task_comments_view(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "POST":
        found, _ = api_get(get_task_for_user, request.user, token, pk, Capability.COMMENT)
        form = CommentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        comment = comment_add(
            by=request.user,  # type: ignore[arg-type]  # authenticated: a User
            body=form.validated_data["body"],
            task=found,
        )
        created = task_comments(found).get(pk=comment.pk)
        return Response(CommentSerializer(created).data, status=status.HTTP_201_CREATED)
    found, _ = api_get(get_task_for_user, request.user, token, pk)
    paginator = Pagination()
    page = paginator.paginate_queryset(task_comments(found), request)
    return paginator.get_paginated_response(CommentSerializer(page, many=True).data)


# --- Helpers ------------------------------------------------------------------------------------


def assignee_from(newsroom_id: int, username: str | None) -> Any:
    """The assignee named, or None for nobody; 400 on ``assignee`` for anyone else."""
    if not username:
        return None
    member = member_named(newsroom_id, username)
    if member is None:
        raise exceptions.ValidationError({"assignee": ["Choose a member of this newsroom."]})
    return member


def _detail(request: Request, pk: int, role: str) -> dict[str, Any]:
    """The task as it is now, with the moves the caller (of ``role``) may make: the task page's
    buttons."""
    fresh = task_fresh(pk)
    moves = task_moves(fresh, request.user, role)
    data: dict[str, Any] = TaskDetailSerializer(fresh, context={"moves": moves}).data
    return data
