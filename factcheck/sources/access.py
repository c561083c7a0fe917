"""The access rules for lookups, evidence and reference documents: the user must belong to the
newsroom they hang off (404 otherwise, so an outsider cannot learn they exist) and hold the
capability asked for (403). Each getter returns the object and the user's role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck.newsrooms.access import Capability, get_for_member
from factcheck.sources.models import Evidence, Lookup, ReferenceDocument

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def get_lookup_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[Lookup, str]:
    return get_for_member(
        Lookup.objects.all(), pk, user, capability, newsroom_path="claim__draft__newsroom"
    )


def get_evidence_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[Evidence, str]:
    """The evidence with its claim and draft."""
    return get_for_member(
        Evidence.objects.select_related("claim__draft"),
        pk,
        user,
        capability,
        newsroom_path="claim__draft__newsroom",
    )


def get_document_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[ReferenceDocument, str]:
    """The document with its newsroom and uploader (without a PDF waiting to be read)."""
    return get_for_member(
        ReferenceDocument.objects.select_related("newsroom", "uploaded_by").defer("pending"),
        pk,
        user,
        capability,
        newsroom_path="newsroom",
    )
