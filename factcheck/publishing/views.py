"""Publishing's pages and files.

- ``newsroom_settings`` (``/publishing/newsrooms/<slug>/``): how the newsroom's verdicts are
  published as ratings; its admins edit, other members read; outsiders 404.
- ``draft_publication`` (``/publishing/drafts/<id>/``): whether the draft's story is published,
  where and when; editors mark it published or change it, and ``draft_withdraw`` takes it back
  (the draft access rule: outsiders 404, checkers read).
- ``draft_claimreview`` (``/publishing/drafts/<id>/claimreview.json``): the draft's
  ClaimReviews, for its members.
- ``newsroom_feed`` (``/newsrooms/<slug>/claimreview.json``): the newsroom's public feed, for
  anyone: the published stories' approved verdicts, nothing else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft
from factcheck.errors import ConflictError, FactcheckError
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import (
    Capability,
    get_newsroom_for_member,
    role_can,
)
from factcheck.newsrooms.models import Newsroom
from factcheck.publishing.claimreview import dumps
from factcheck.publishing.forms import PublicationForm, PublishingSettingsForm
from factcheck.publishing.models import Publication
from factcheck.publishing.selectors import (
    draft_claimreviews,
    newsroom_feed,
    publishing_settings_for,
    settings_changes,
)
from factcheck.publishing.services import (
    publication_record,
    publication_withdraw,
    publishing_settings_save,
    settings_stamp,
)

JSON_LD = "application/ld+json; charset=utf-8"
# How long a browser or a proxy may keep the public feed: a withdrawn story leaves it within
# this time (a publication is rarely withdrawn; a feed read on every page view is often).
FEED_MAX_AGE = 300


# --- The newsroom's settings ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def newsroom_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, role = get_newsroom_for_member(request.user, slug)
    if request.method == "POST" and not role_can(role, Capability.MANAGE_MEMBERS):
        raise PermissionDenied("Only the newsroom's admins change how its verdicts are published.")
    settings = publishing_settings_for(newsroom)
    if request.method == "GET":
        form = PublishingSettingsForm(settings=settings)
        return _settings_page(request, newsroom, role, form)
    form = PublishingSettingsForm(request.POST, settings=settings)
    if not form.is_valid():
        return _settings_page(request, newsroom, role, form, status=422)
    try:
        publishing_settings_save(
            newsroom=newsroom,
            by=request.user,
            values=form.setting_values(),
            seen=form.cleaned_data["seen"] or None,
        )
    except ConflictError as exc:
        # The user's input again, stamped with the settings as saved now: sending it is then a
        # deliberate save over the change the page shows.
        data = request.POST.copy()
        data["seen"] = settings_stamp(exc.current)
        kept = PublishingSettingsForm(data, settings=exc.current)
        kept.is_valid()
        return _settings_page(request, newsroom, role, kept, error=str(exc), status=409)
    except FactcheckError as exc:
        return _settings_page(request, newsroom, role, form, error=str(exc), status=422)
    messages.success(request, "ClaimReview settings saved.")
    return redirect(reverse("publishing:settings", kwargs={"slug": newsroom.slug}))


def _settings_page(
    request: AuthedHttpRequest,
    newsroom: Newsroom,
    role: str,
    form: PublishingSettingsForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "newsroom": newsroom,
        "form": form,
        "can_edit": role_can(role, Capability.MANAGE_MEMBERS),
        "error": error,
        "history": settings_changes(newsroom),
    }
    return render(request, "publishing/settings.html", context, status=status)


# --- A draft's publication -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def draft_publication(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    capability = Capability.CLEAR if request.method == "POST" else Capability.VIEW
    draft, role = get_draft_for_user(request.user, pk, capability)
    publication = Publication.objects.filter(draft=draft).first()
    if request.method == "GET":
        return _publication_page(request, draft, role, publication, _form_for(publication))
    form = PublicationForm(request.POST)
    if not form.is_valid():
        return _publication_page(request, draft, role, publication, form, status=422)
    try:
        done = publication_record(
            draft=draft,
            by=request.user,
            url=form.cleaned_data["url"],
            published_at=form.cleaned_data["published_at"],
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        kept = PublicationForm(data)
        kept.is_valid()
        return _publication_page(
            request, draft, role, exc.current, kept, error=str(exc), status=409
        )
    except FactcheckError as exc:
        return _publication_page(
            request, draft, role, publication, form, error=str(exc), status=422
        )
    if done.changed:
        messages.success(request, "Marked published: its approved verdicts are in the feed.")
    return redirect(reverse("publishing:draft", kwargs={"pk": draft.pk}))


@login_required
@require_POST
def draft_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk, Capability.CLEAR)
    version = request.POST.get("version", "")
    try:
        done = publication_withdraw(
            draft=draft, by=request.user, expected_version=int(version) if version else None
        )
    except (ConflictError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, ConflictError) else "Try again.")
    else:
        if done.changed:
            messages.success(request, "Withdrawn: its verdicts have left the public feed.")
    return redirect(reverse("publishing:draft", kwargs={"pk": draft.pk}))


def _form_for(publication: Publication | None) -> PublicationForm:
    if publication is None:
        return PublicationForm(initial={"published_at": _now_minute()})
    return PublicationForm(
        initial={
            "url": publication.url,
            "published_at": publication.published_at,
            "version": publication.version,
        }
    )


def _now_minute() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _publication_page(
    request: AuthedHttpRequest,
    draft: Draft,
    role: str,
    publication: Publication | None,
    form: PublicationForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    reviews = draft_claimreviews(draft)
    context = {
        "draft": draft,
        "publication": publication,
        "form": form,
        "can_publish": role_can(role, Capability.CLEAR),
        "error": error,
        "review_count": len(reviews),
        "feed_url": reverse("publishing:feed", kwargs={"slug": draft.newsroom.slug}),
    }
    return render(request, "publishing/draft.html", context, status=status)


# --- The files ---------------------------------------------------------------------------------


@login_required
@require_GET
def draft_claimreview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk)
    response = HttpResponse(dumps(draft_claimreviews(draft)), content_type=JSON_LD)
    response["Content-Disposition"] = f'attachment; filename="claimreview-draft-{draft.pk}.json"'
    # A draft's file is confidential until published: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def newsroom_feed_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The public feed: no login, the same answer for everyone (no cookie read, none set)."""
    newsroom = get_object_or_404(Newsroom, slug=slug)
    body = dumps(newsroom_feed(newsroom))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=JSON_LD)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    # A website on another domain may read it from a browser: public data, no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    return response
