"""The API's publishing endpoints: a CMS marks the story published (or withdraws it) and reads
its ClaimReview, as an editor does on the publication page (``publishing.views``).

``/api/v1/drafts/<id>/publication/``: GET the story's publication; POST ``url`` and
``published_at`` (and, to change a publication, the ``version`` read) to mark it published: its
approved verdicts join the newsroom's public feed. ``…/publication/withdraw/``: take them out.
``/api/v1/drafts/<id>/claimreview/``: the draft's ClaimReview JSON-LD, every approved verdict.
The access rule first (``api.selectors.api_draft``: an outsider gets 404), then the same services
as the page (``publishing.services``), whose refusals the error handler shapes (a stale version
409 ``conflict``, a refused address 400 ``invalid``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from factcheck.api.authentication import request_token
from factcheck.api.selectors import api_draft
from factcheck.api.views import ERRORS, READ_ERRORS
from factcheck.newsrooms.access import Capability
from factcheck.publishing.models import Publication
from factcheck.publishing.selectors import draft_claimreviews
from factcheck.publishing.services import publication_record, publication_withdraw


class PublicationSerializer(serializers.Serializer[Any]):
    published = serializers.BooleanField(help_text="Live in the newsroom's public feed.")
    url = serializers.CharField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text="Send it back to change it.")


class PublishSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=2000, help_text="The story's public address.")
    published_at = serializers.DateTimeField(help_text="When it went out, with its time zone.")
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="The publication's version, to change one."
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False, min_value=0)


def _shown(publication: Publication | None) -> dict[str, Any]:
    if publication is None:
        empty = {"url": None, "published_at": None, "withdrawn_at": None, "version": None}
        return {"published": False, **empty}
    return {
        "published": publication.withdrawn_at is None,
        "url": publication.url,
        "published_at": publication.published_at,
        "withdrawn_at": publication.withdrawn_at,
        "version": publication.version,
    }


@extend_schema(
    methods=["GET"],
    operation_id="publication_retrieve",
    summary="The story's publication (its public address), if it is marked published",
    responses={200: PublicationSerializer, **READ_ERRORS},
)
@extend_schema(
    methods=["POST"],
    operation_id="publication_record",
    summary="Mark the story published at its public address (editors, admins): its approved "
    "verdicts join the newsroom's ClaimReview feed",
    request=PublishSerializer,
    responses={200: PublicationSerializer, **ERRORS},
)
@api_view(["GET", "POST"])
def publication(request: Request, pk: int) -> Response:
    token = request_token(request)
    if request.method == "GET":
        found, _ = api_draft(request.user, token, pk)
        return Response(PublicationSerializer(_shown(_publication_of(found.pk))).data)
    found, _ = api_draft(request.user, token, pk, Capability.CLEAR)
    form = PublishSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    done = publication_record(
        draft=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        url=form.validated_data["url"],
        published_at=form.validated_data["published_at"],
        expected_version=form.validated_data.get("version"),
    )
    return Response(PublicationSerializer(_shown(done.obj)).data)


@extend_schema(
    operation_id="publication_withdraw",
    summary="Withdraw the story's publication (editors, admins): its verdicts leave the feed",
    request=WithdrawSerializer,
    responses={200: PublicationSerializer, **ERRORS},
)
@api_view(["POST"])
def publication_withdraw_view(request: Request, pk: int) -> Response:
    found, _ = api_draft(request.user, request_token(request), pk, Capability.CLEAR)
    form = WithdrawSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    publication_withdraw(
        draft=found,
        by=request.user,  # type: ignore[arg-type]  # authenticated: a User
        expected_version=form.validated_data.get("version"),
    )
    return Response(PublicationSerializer(_shown(_publication_of(found.pk))).data)


@extend_schema(
    operation_id="claimreview_list",
    summary="The draft's ClaimReview JSON-LD (schema.org): one review for every approved verdict",
    responses={200: {"type": "array", "items": {"type": "object"}}, **READ_ERRORS},
)
@api_view(["GET"])
def claimreview(request: Request, pk: int) -> Response:
    found, _ = api_draft(request.user, request_token(request), pk)
    return Response(draft_claimreviews(found))


def _publication_of(draft_pk: int) -> Publication | None:
    return Publication.objects.filter(draft_id=draft_pk).first()
