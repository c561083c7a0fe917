"""The API token pages: a person's own tokens (``/api-tokens/``) and, for a newsroom's admins,
the newsroom's (``/api-tokens/newsrooms/<slug>/``): the list (name, prefix, created, last used,
expiry, status), a form to make one, whose secret the answer shows once, and revoking.

With htmx, the form and the revoke buttons answer with the tokens section alone; without
JavaScript, making one renders the page with the secret, revoking redirects back. Someone else's
token, or a newsroom the user does not belong to, is 404; a member who is not an admin gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from factcheck.api.forms import TokenForm
from factcheck.api.models import ApiToken
from factcheck.api.services import (
    NEWSROOM_TOKEN_ROLE,
    CreatedToken,
    TokenInputError,
    api_token_create,
    api_token_revoke,
)
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import get_newsroom_for_admin
from factcheck.newsrooms.models import Newsroom, Role

PAGE = "api/tokens.html"


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def personal_tokens(request: AuthedHttpRequest) -> HttpResponse:
    return _tokens_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def newsroom_tokens(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    return _tokens_page(request, newsroom)


@login_required
@require_POST
def personal_token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, newsroom__isnull=True)
    return _revoke(request, token, None)


@login_required
@require_POST
def newsroom_token_revoke(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    token = get_object_or_404(ApiToken, pk=pk, newsroom=newsroom)
    return _revoke(request, token, newsroom)


def _tokens_page(request: AuthedHttpRequest, newsroom: Newsroom | None) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created: CreatedToken | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = api_token_create(
                by=request.user,
                name=form.cleaned_data["name"],
                newsroom=newsroom,
                expires_at=form.expires_at(),
            )
        except TokenInputError as exc:
            form.add_error("name", str(exc))
        else:
            form = TokenForm()
    status = 422 if form.errors else 200
    response = _render(request, newsroom, form, created, status)
    if created is not None:
        response["Cache-Control"] = "no-store"  # the secret: shown once, never cached
    return response


def _revoke(request: AuthedHttpRequest, token: ApiToken, newsroom: Newsroom | None) -> HttpResponse:
    done = api_token_revoke(token=token, by=request.user)
    notice = f"Revoked “{token.name}”." if done.changed else f"“{token.name}” was revoked already."
    if request.htmx:
        return _render(request, newsroom, TokenForm(), None, 200, notice=notice)
    messages.success(request, notice)
    return redirect(_url(newsroom))


def _render(
    request: AuthedHttpRequest,
    newsroom: Newsroom | None,
    form: TokenForm,
    created: CreatedToken | None,
    status: int,
    *,
    notice: str = "",
) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {
        "newsroom": newsroom,
        "form": form,
        "created": created,
        "notice": notice,
        "tokens": [(token, token.status_at(now)) for token in _tokens(request, newsroom)],
        "action": _url(newsroom),
        "role_label": Role(NEWSROOM_TOKEN_ROLE).label,
    }
    template = f"{PAGE}#tokens" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _tokens(request: AuthedHttpRequest, newsroom: Newsroom | None) -> QuerySet[ApiToken]:
    if newsroom is None:
        tokens = ApiToken.objects.filter(user=request.user, newsroom__isnull=True)
    else:
        tokens = ApiToken.objects.filter(newsroom=newsroom).select_related("created_by")
    return tokens.order_by("-created_at", "-pk")


def _url(newsroom: Newsroom | None) -> str:
    if newsroom is None:
        return reverse("api_tokens:personal")
    return reverse("api_tokens:newsroom", args=[newsroom.slug])
