"""What each event tells a webhook: plain JSON data of the one object it is about.

Each function takes the objects the event carries and returns the ``data`` of the payload, fixed
when the event happens (a re-send sends the same). Only the event's own draft and its newsroom's
people are named; text is passed as it is (JSON is not HTML: a receiver that puts it in a page
escapes it there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from factcheck.claims.models import Claim
    from factcheck.drafts.models import Draft, Revision
    from factcheck.insights.models import Finding
    from factcheck.reviews.models import Task


def draft_clearance(draft: Draft, *, by: User | None, why: str) -> dict[str, Any]:
    data = {"draft": _draft(draft), "cleared_at": _time(draft.cleared_at), "by": _user(by)}
    if why:
        data["reason"] = why
    return data


def claim_approved(claim: Claim, *, by: User | None) -> dict[str, Any]:
    return {
        "draft": _draft(claim.draft),
        "claim": {
            "id": claim.pk,
            "text": claim.text,
            "verdict": claim.verdict or None,
            "verdict_label": claim.get_verdict_display() if claim.verdict else None,
            "rationale": claim.rationale,
            **_link(claim.get_absolute_url()),
        },
        "by": _user(by),
    }


def task_assigned(task: Task, *, by: User | None) -> dict[str, Any]:
    return {
        "draft": _draft(task.draft),
        "task": {
            "id": task.pk,
            "title": task.title,
            "status": task.status,
            "assignee": _user(task.assignee),
            "due_at": _time(task.due_at),
            **_link(task.get_absolute_url()),
        },
        "by": _user(by),
    }


def revision_loaded(revision: Revision) -> dict[str, Any]:
    return {
        "draft": _draft(revision.draft),
        "revision": {
            "number": revision.number,
            "source": revision.source,
            "loaded_by": _user(revision.created_by),
        },
    }


def finding_opened(finding: Finding, draft: Draft) -> dict[str, Any]:
    return {
        "draft": _draft(draft),
        "finding": {
            "id": finding.pk,
            "kind": finding.kind,
            "summary": finding.summary,
            "revision": finding.revision.number,
            **_link(finding.get_absolute_url()),
        },
    }


def _draft(draft: Draft) -> dict[str, Any]:
    return {"id": draft.pk, "title": draft.title, **_link(draft.get_absolute_url())}


def _link(path: str) -> dict[str, str]:
    """The page's path on the desk, and its full address (``SITE_URL``)."""
    return {"path": path, "url": settings.SITE_URL.rstrip("/") + path}


def _user(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
