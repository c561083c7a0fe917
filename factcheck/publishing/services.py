"""Writes for publishing: a newsroom's ClaimReview settings (its admins), and marking a draft's
story published, changing where or when, or withdrawing it (editors: those who clear drafts).

Each write locks its row, refuses a stale save (``ConflictError``, nothing lost), writes its
history entry in the same transaction, and does nothing at all when asked for what already is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.errors import ConflictError, FactcheckError
from factcheck.history.services import audit_record, changed_fields, refuse_stale
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom
from factcheck.outcome import Done
from factcheck.publishing.models import Publication, PublishingSettings
from factcheck.publishing.selectors import publishing_settings_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SETTINGS_FIELDS = ("organization_url", "best_rating", "worst_rating", "ratings")
SETTINGS_CONFLICT = (
    "Someone saved these settings while you were editing them. Your changes are kept below: "
    "check them against theirs and save again."
)
MAX_NAME = 100


class PublishingError(FactcheckError):
    """Settings or a publication we refuse, with the reason."""


# --- The newsroom's settings -------------------------------------------------------------------


@transaction.atomic
def publishing_settings_save(
    *, newsroom: Newsroom, by: User | None, values: Mapping[str, Any], seen: str | None = None
) -> PublishingSettings:
    """Save the newsroom's ClaimReview settings from ``values`` (of SETTINGS_FIELDS; ``ratings``
    maps every verdict to ``{"name": str, "value": int | None}``) and record what changed.
    Newsroom admins and site admins only. ``seen`` is the settings' stamp as the user loaded
    them (:func:`settings_stamp`): a save over someone else's is a ConflictError."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not publishing settings: {sorted(unknown)}")
    require(
        by=by,
        newsroom_id=newsroom.pk,
        capability=Capability.MANAGE_MEMBERS,
        message="Only the newsroom's admins change how its verdicts are published.",
    )
    publishing_settings_for(newsroom)  # the row exists: there is something to lock
    current = PublishingSettings.objects.select_for_update().get(newsroom=newsroom)
    values = {**values}
    if "ratings" in values:
        values["ratings"] = _clean_ratings(values["ratings"])
    _check_scale({name: values.get(name, getattr(current, name)) for name in SETTINGS_FIELDS})
    changes = changed_fields(current, values)
    if not changes:
        return current
    if seen is not None and seen != settings_stamp(current):
        raise ConflictError(SETTINGS_CONFLICT, current=current)
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    audit_record(
        obj=current,
        action="publishing_settings_changed",
        actor=by,
        summary=f"Changed the ClaimReview settings: {_settings_summary(changes)}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes=changes,
    )
    return current


def settings_stamp(settings: PublishingSettings) -> str:
    """The settings' version as the page shows it: when they were last saved."""
    return settings.updated_at.isoformat() if settings.updated_at else ""


def _clean_ratings(ratings: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    known = set(Claim.Verdict.values)
    cleaned = {}
    for verdict, rating in ratings.items():
        if verdict not in known:
            raise PublishingError(f"There is no verdict “{verdict}”.")
        name = " ".join(str(rating.get("name", "")).split())
        label = Claim.Verdict(verdict).label
        if not name:
            raise PublishingError(f"Give the rating shown for “{label}”.")
        if len(name) > MAX_NAME:
            raise PublishingError(f"The rating for “{label}” is over {MAX_NAME} characters.")
        value = rating.get("value")
        cleaned[verdict] = {"name": name, "value": None if value is None else int(value)}
    return cleaned


def _check_scale(values: Mapping[str, Any]) -> None:
    best, worst = int(values["best_rating"]), int(values["worst_rating"])
    if best <= worst:
        raise PublishingError("The best rating must be higher than the worst.")
    for verdict, rating in (values["ratings"] or {}).items():
        value = rating.get("value")
        if value is not None and not worst <= value <= best:
            label = Claim.Verdict(verdict).label
            raise PublishingError(
                f"The value for “{label}” ({value}) is off the scale {worst}–{best}."
            )


def _settings_summary(changes: Mapping[str, tuple[Any, Any]]) -> str:
    parts = []
    for name, (before, after) in changes.items():
        if name == "ratings":
            for verdict in Claim.Verdict.values:
                old, new = (before or {}).get(verdict), (after or {}).get(verdict)
                if old != new and new is not None:
                    shown = new["name"] + (f" ({new['value']})" if new["value"] is not None else "")
                    parts.append(f"{Claim.Verdict(verdict).label} → {shown}")
        elif name == "organization_url":
            parts.append(f"website {before or 'none'} → {after or 'none'}")
        else:
            parts.append(f"{name.replace('_', ' ')} {before} → {after}")
    return "; ".join(parts)


# --- Publications -------------------------------------------------------------------------------


def check_public_url(url: str) -> str:
    """``url`` if it is an http(s) address with a host; else PublishingError. A story's public
    address is what search engines and readers follow: no other scheme (``javascript:``,
    ``data:``, ``file:``) and no user name or password in it."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise PublishingError("That is not a web address.") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PublishingError("The story's address must start with http:// or https://.")
    if parts.username or parts.password:
        raise PublishingError("The story's address must not hold a user name or password.")
    if len(url) > 2000:
        raise PublishingError("The story's address is over 2000 characters.")
    return url


@transaction.atomic
def publication_record(
    *,
    draft: Draft,
    by: User | None,
    url: str,
    published_at: datetime,
    expected_version: int | None = None,
) -> Done[Publication]:
    """Mark the draft's story published at ``url`` on ``published_at``, or change either, or
    publish it again after a withdrawal. Editors and admins (those who clear drafts). A stale
    ``expected_version`` (the publication moved on since the user saw it) is a ConflictError;
    the same address and date again change nothing."""
    url = check_public_url(url)
    if timezone.is_naive(published_at):
        raise PublishingError("Give the publication time with its time zone.")
    current = _locked(draft, by)
    values = {"url": url, "published_at": published_at, "withdrawn_at": None}
    if current is None:
        publication = Publication.objects.create(draft=draft, by=by, **values)
        _record(draft, publication, by, "published", f"Marked published at {url}")
        return Done(publication, True)
    changes = changed_fields(current, values)
    if not changes:
        return Done(current, False)
    refuse_stale(current, expected_version, _now)
    withdrawn = current.withdrawn_at is not None
    for name, value in values.items():
        setattr(current, name, value)
    current.by = by
    current.version += 1
    current.save()
    if withdrawn:
        _record(draft, current, by, "published", f"Marked published again at {url}", changes)
    else:
        _record(
            draft, current, by, "publication_changed", f"Changed the publication: {url}", changes
        )
    return Done(current, True)


@transaction.atomic
def publication_withdraw(
    *, draft: Draft, by: User | None, expected_version: int | None = None
) -> Done[Publication | None]:
    """Withdraw the draft's publication: its verdicts leave the public feed at once. The row
    stays (when and where it was public is history). Withdrawing what is not published
    changes nothing."""
    current = _locked(draft, by)
    if current is None or current.withdrawn_at is not None:
        return Done(current, False)
    refuse_stale(current, expected_version, _now)
    now = timezone.now()
    changes = {"withdrawn_at": (None, now)}
    current.withdrawn_at = now
    current.by = by
    current.version += 1
    current.save()
    _record(draft, current, by, "publication_withdrawn", "Withdrew the publication", changes)
    return Done(current, True)


def _locked(draft: Draft, by: User | None) -> Publication | None:
    """The draft's publication locked (the draft's row first, so that two first publications
    of one draft queue up), after the role check."""
    require(
        by=by,
        newsroom_id=draft.newsroom_id,
        capability=Capability.CLEAR,
        message="Only editors mark a story published.",
    )
    Draft.objects.select_for_update().filter(pk=draft.pk).values_list("pk").get()
    return Publication.objects.select_for_update().filter(draft=draft).first()


def _now(publication: Publication) -> str:
    state = "withdrawn" if publication.withdrawn_at else "published"
    return f"{state} at {publication.url} on {publication.published_at:%d %b %Y %H:%M}"


def _record(
    draft: Draft,
    publication: Publication,
    by: User | None,
    action: str,
    summary: str,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> None:
    audit_record(
        obj=publication,
        action=action,
        actor=by,
        summary=summary,
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
        changes=changes,
    )
