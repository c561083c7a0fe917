"""A newsroom's own pages: the newsroom itself, for its members, and its two settings pages, for
its admins (MANAGE_MEMBERS).

- ``newsroom_detail``: the name, the members with their roles, the user's own role and, for the
  newsroom's admins, the links to the settings pages. Outsiders get 404, like every object.
- ``newsroom_sources``: the source settings: which sources lookups use, Wikipedia's language,
  the Fact Check Tools API key (write-only: the page says whether one is set, never what it is)
  and whether newly marked claims are looked up automatically.
- ``newsroom_suggestions``: the suggestion threshold, a form on the same settings page.

On the settings pages other members get 403, outsiders 404. With htmx a form answers with itself
and the flash out of band; refusals 422. Without JavaScript: a redirect after saving, the page
again with the errors (422) or, when someone saved in between, 409 with the user's input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from factcheck.analysis import checkworthiness
from factcheck.errors import ConflictError, FactcheckError
from factcheck.history.selectors import settings_history
from factcheck.htmx import Part, htmx_answer, render_parts
from factcheck.http import AuthedHttpRequest
from factcheck.insights.forms import ThresholdForm
from factcheck.insights.services import newsroom_set_threshold
from factcheck.newsrooms.access import (
    Capability,
    get_newsroom_for_admin,
    get_newsroom_for_member,
    role_can,
)
from factcheck.newsrooms.models import Membership, Newsroom, Role
from factcheck.sources.forms import SourceSettingsForm
from factcheck.sources.models import Source, SourceSettings
from factcheck.sources.services import settings_stamp, source_settings_for, source_settings_save
from factcheck.text import first_error

PAGE = "newsrooms/settings.html"


@login_required
@require_GET
def newsroom_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, role = get_newsroom_for_member(request.user, slug)
    members = (
        Membership.objects.filter(newsroom=newsroom)
        .select_related("user")
        .order_by("user__username")
    )
    context = {
        "newsroom": newsroom,
        "members": members,
        "role": role,
        "role_label": Role(role).label,
        "can_manage": role_can(role, Capability.MANAGE_MEMBERS),
    }
    return render(request, "newsrooms/detail.html", context)


# --- Source settings ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def newsroom_sources(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    current = source_settings_for(newsroom)
    if request.method == "GET":
        return _render(request, newsroom, SourceSettingsForm(instance=current))
    form = SourceSettingsForm(request.POST, instance=current)
    if not form.is_valid():
        return _render(request, newsroom, form, error="Check the settings below.", status=422)
    try:
        source_settings_save(
            newsroom=newsroom,
            by=request.user,
            values=form.setting_values(),
            seen=form.cleaned_data["seen"],
        )
    except ConflictError as exc:
        saved = exc.current
        # The user's input again, stamped with the settings as saved now: saving it is then a
        # deliberate overwrite of the change they have just been shown. (Its own copy of the
        # row: validating a bound form writes the input onto its instance.)
        data = request.POST.copy()
        data["seen"] = settings_stamp(saved)
        kept = SourceSettingsForm(data, instance=source_settings_for(newsroom))
        kept.is_valid()
        status = 422 if request.htmx else 409
        return _render(request, newsroom, kept, error=str(exc), status=status, saved=saved)
    notice = "Source settings saved."

    def parts() -> list[Part]:
        fresh = SourceSettingsForm(instance=source_settings_for(newsroom))
        return _parts(_context(newsroom, fresh, notice=notice))

    return htmx_answer(
        request,
        redirect_to=request.path,
        parts=parts,
        notice=notice,
        events=["source-settings-changed"],
    )


def _render(
    request: AuthedHttpRequest,
    newsroom: Newsroom,
    form: SourceSettingsForm,
    *,
    error: str = "",
    status: int = 200,
    saved: SourceSettings | None = None,
) -> HttpResponse:
    """The page, or with htmx its parts (422 when ``status`` is an error)."""
    context = _context(newsroom, form, error=error, saved=saved)
    if not request.htmx:
        return render(request, PAGE, context, status=status)
    return HttpResponse(
        render_parts(request, _parts(context)), status=422 if status >= 400 else 200
    )


def _parts(context: dict[str, Any]) -> list[Part]:
    context = {**context, "oob": True}
    return [
        (f"{PAGE}#{name}", context)
        for name in ("settings-form", "settings-flash", "settings-history")
    ]


def _context(
    newsroom: Newsroom,
    form: SourceSettingsForm,
    *,
    notice: str = "",
    error: str = "",
    saved: SourceSettings | None = None,
) -> dict[str, Any]:
    return {
        "newsroom": newsroom,
        "form": form,
        "notice": notice,
        "error": error,
        "saved": saved,  # set after a conflict: the settings as someone else saved them
        "saved_sources": [Source(s).label for s in saved.enabled()] if saved else [],
        # The suggestions form (posted to newsrooms:suggestions).
        "threshold_form": ThresholdForm(
            initial={"threshold": newsroom.suggestion_threshold},
            model_threshold=checkworthiness.load().threshold,
        ),
        "model_threshold": checkworthiness.load().threshold,
        "history": settings_history(newsroom.pk),
    }


# --- The suggestion threshold ------------------------------------------------------------------


@login_required
@require_POST
def newsroom_suggestions(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The suggestions form of the newsroom settings page (its admins only)."""
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    form = ThresholdForm(request.POST, model_threshold=_model_threshold())
    error = notice = ""
    if form.is_valid():
        try:
            newsroom_set_threshold(
                newsroom=newsroom,
                by=request.user,
                threshold=form.cleaned_data["threshold"],
            )
        except FactcheckError as exc:
            error = str(exc)
        else:
            notice = "Suggestion threshold saved."
            form = ThresholdForm(
                initial={"threshold": newsroom.suggestion_threshold},
                model_threshold=_model_threshold(),
            )
    else:
        error = first_error(form)

    def parts() -> list[Part]:
        context = {
            "newsroom": newsroom,
            "threshold_form": form,
            "model_threshold": _model_threshold(),
            "threshold_notice": notice,
            "threshold_error": error,
            "history": settings_history(newsroom.pk),
            "oob": True,  # the history comes along out of band
        }
        names = ("suggestions-form", "settings-history")
        return [(f"{PAGE}#{name}", context) for name in names]

    return htmx_answer(
        request,
        redirect_to=reverse("newsrooms:sources", kwargs={"slug": slug}) + "#suggestions",
        parts=parts,
        notice=notice,
        error=error,
    )


def _model_threshold() -> float:
    return checkworthiness.load().threshold
