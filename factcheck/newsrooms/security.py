"""A newsroom's security page (``/newsrooms/<slug>/security/``), for its admins: "require 2FA
for members", and how many members have no authenticator yet. Other members 403, outsiders 404.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from factcheck.accounts.services import newsroom_require_2fa_set
from factcheck.accounts.twofactor import has_totp
from factcheck.errors import FactcheckError
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import get_newsroom_for_admin
from factcheck.newsrooms.models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def newsroom_security(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    error = ""
    if request.method == "POST":
        required = request.POST.get("require_2fa") == "on"
        try:
            newsroom_require_2fa_set(newsroom=newsroom, by=request.user, required=required)
        except FactcheckError as exc:
            error = str(exc)
        else:
            messages.success(request, "Security settings saved.")
            return HttpResponseRedirect(request.path)
    totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
    without = Membership.objects.filter(newsroom=newsroom).exclude(Exists(totp)).count()
    context = {
        "newsroom": newsroom,
        "error": error,
        "members_without_2fa": without,
        "own_2fa": has_totp(request.user),
    }
    return render(request, "newsrooms/security.html", context, status=422 if error else 200)
