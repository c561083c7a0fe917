"""The API's review queue (``/api/v1/queue/``): what waits on the caller in the newsrooms where
they approve (proposed verdicts, tasks in review or overdue, open findings), with the queue
page's filters and sorts, paginated. Its query count does not grow with the queue: the page's
one UNION (``reviews.queue``) counted and sliced in the database, then one fetch per kind."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.pagination import Pagination
from factcheck.api.params import choice, number
from factcheck.api.queue_serializers import QueueRowSerializer
from factcheck.api.views import PAGE_PARAMETERS, READ_ERRORS
from factcheck.api.work_selectors import queue_fetch, queue_member_id, queue_newsrooms
from factcheck.prepared import fresh_plans
from factcheck.reviews.queue import DUE, NONE, SHOW, SORTS, QueueFilters, QueueScope, queue_rows


@extend_schema(
    operation_id="queue_list",
    summary="Your review queue: what waits on you as an editor",
    description="Proposed verdicts, tasks in review or overdue and open findings of the "
    "newsrooms where you approve (a newsroom token: its newsroom). Checkers have no queue: 403.",
    parameters=[
        OpenApiParameter("draft", int, description="Only this draft's (its id)."),
        OpenApiParameter(
            "who", str, description="Only those proposed by / assigned to this username; `none`."
        ),
        OpenApiParameter("show", str, enum=[k for k in SHOW if k], description="One kind."),
        OpenApiParameter("due", str, enum=[k for k in DUE if k], description="Due when."),
        OpenApiParameter("sort", str, enum=list(SORTS), description="Default: due."),
        *PAGE_PARAMETERS,
    ],
    responses={200: QueueRowSerializer(many=True), **READ_ERRORS},
)
@api_view(["GET"])
def queue(request: Request) -> Response:
    newsroom_ids = queue_newsrooms(request.user, request_token(request))
    if not newsroom_ids:
        raise PermissionDenied("The review queue is for editors: nothing waits on your approval.")
    filters = _filters(request.query_params, newsroom_ids)
    now = timezone.now()
    paginator = Pagination()
    rows = queue_rows(QueueScope.of(newsroom_ids), filters, now)
    # The count and the slice are planned for their own values (see reviews.queue).
    with fresh_plans():
        page = paginator.paginate_queryset(rows, request) or []
    found = queue_fetch(page, now)
    return paginator.get_paginated_response(QueueRowSerializer(found, many=True).data)


def _filters(query: Any, newsroom_ids: list[int]) -> QueueFilters:
    who: int | str | None = None
    name = query.get("who", "")
    if name == NONE:
        who = NONE
    elif name:
        who = queue_member_id(newsroom_ids, name)
        if who is None:
            raise exceptions.ValidationError({"who": ["No member of your newsrooms has it."]})
    return QueueFilters(
        draft=number(query.get("draft"), "draft"),
        who=who,
        show=choice(query.get("show"), SHOW, "show"),
        due=choice(query.get("due"), DUE, "due"),
        sort=choice(query.get("sort"), SORTS, "sort") or "due",
    )
