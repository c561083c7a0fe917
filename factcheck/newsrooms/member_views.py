"""A newsroom's members page, for its admins (other members 403, outsiders 404), and the page of
an invitation link, for the person invited.

- ``members``: the members with their roles (a form each to change it, a button to remove),
  the accounts of the newsroom's API tokens (managed with their tokens), the open invitations
  (resend, revoke), the form to invite someone, and the latest changes.
- ``member_invite``, ``member_role``, ``member_remove``, ``invitation_resend``,
  ``invitation_revoke``: the actions. With htmx each answers with the page's blocks out of band
  (422 and the message on a refusal); without JavaScript, a redirect with the message, or the
  page again with the error (422). An admin who stepped down is sent to the newsroom's page, one
  who left to their dashboard.
- ``join``: ``/newsrooms/<slug>/join/<secret>/``, the link of the invitation's email; behind
  the login (``settings.LOGIN_URL``, then back here). Only the invited address's account sees the
  invitation; anyone else, and an unknown or replaced link, gets 404 with what to do. Someone
  not signed in who follows a pending invitation's link may also create an account: the link
  opens signup for their session, with the invited address taken as verified (they read its
  mail), and brings them back here.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from factcheck.accounts.adapter import INVITATION_SESSION_KEY
from factcheck.errors import FactcheckError
from factcheck.htmx import page_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import (
    get_invitation_for_admin,
    get_invitation_for_invitee,
    get_invitation_to_sign_up,
    get_membership_for_admin,
    get_newsroom_for_admin,
    role_in,
)
from factcheck.newsrooms.forms import InviteForm, RoleForm
from factcheck.newsrooms.models import Invitation, Newsroom, Role
from factcheck.newsrooms.selectors import live_tokens_made_by, members_page
from factcheck.newsrooms.services import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_refusal,
    invitation_resend,
    invitation_revoke,
    member_name,
    membership_remove,
    membership_set_role,
)
from factcheck.text import first_error

PAGE = "newsrooms/members.html"
BLOCKS = ("members-flash", "members-list", "invite-form", "invitations", "members-history")
JOIN = "newsrooms/join.html"


@login_required
@require_GET
def members(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    return render(request, PAGE, _context(newsroom, InviteForm()))


def _context(
    newsroom: Newsroom, form: InviteForm, *, notice: str = "", error: str = ""
) -> dict[str, Any]:
    return {
        "newsroom": newsroom,
        "page": members_page(newsroom),
        "form": form,
        "roles": Role.choices,
        "admin_role": Role.ADMIN,
        "notice": notice,
        "error": error,
    }


def _answer(
    request: AuthedHttpRequest,
    newsroom: Newsroom,
    *,
    notice: str = "",
    error: str = "",
    form: InviteForm | None = None,
) -> HttpResponse:
    """The members page's answer to an action (``factcheck.htmx.page_answer``)."""
    shown = form or InviteForm()
    return page_answer(
        request,
        template=PAGE,
        blocks=BLOCKS,
        context=lambda: _context(newsroom, shown, notice=notice, error=error),
        redirect_to=reverse("newsrooms:members", kwargs={"slug": newsroom.slug}),
        notice=notice,
        error=error,
        events=["members-changed"],
    )


@login_required
@require_POST
def member_invite(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _answer(request, newsroom, error=first_error(form), form=form)
    try:
        invitation = invitation_create(
            newsroom=newsroom,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except FactcheckError as exc:
        return _answer(request, newsroom, error=str(exc), form=form)
    return _answer(
        request,
        newsroom,
        notice=f"Invitation sent to {invitation.email} ({invitation.get_role_display()}).",
    )


@login_required
@require_POST
def member_role(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, _ = get_membership_for_admin(request.user, slug, pk)
    newsroom = membership.newsroom
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _answer(request, newsroom, error=first_error(form))
    try:
        done = membership_set_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except FactcheckError as exc:
        return _answer(request, newsroom, error=str(exc))
    name = member_name(membership.user)
    notice = (
        f"{name} is now {done.obj.get_role_display()}."
        if done.changed
        else f"{name} was already {done.obj.get_role_display()}."
    )
    if done.obj.user_id == request.user.pk and done.obj.role != Role.ADMIN:  # stepped down
        return _leave(request, reverse("newsrooms:detail", kwargs={"slug": slug}), notice)
    return _answer(request, newsroom, notice=notice)


@login_required
@require_POST
def member_remove(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, _ = get_membership_for_admin(request.user, slug, pk)
    newsroom = membership.newsroom
    try:
        membership_remove(membership=membership, by=request.user)
    except FactcheckError as exc:
        return _answer(request, newsroom, error=str(exc))
    if membership.user_id == request.user.pk:
        return _leave(request, reverse("dashboard"), f"You left {newsroom}.")
    name = member_name(membership.user)
    notice = f"{name} removed from {newsroom}."
    tokens = live_tokens_made_by(newsroom, membership.user_id)
    if tokens:
        notice += (
            f" {name} made {tokens} of the newsroom's API tokens that still work: revoke them "
            "on the API tokens page if they may have kept the secrets."
        )
    return _answer(request, newsroom, notice=notice)


def _leave(request: AuthedHttpRequest, to: str, notice: str) -> HttpResponse:
    """The members page is no longer the user's: on to ``to``, with the message."""
    messages.success(request, notice)
    return HttpResponseClientRedirect(to) if request.htmx else redirect(to)


@login_required
@require_POST
def invitation_resend_view(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation, _ = get_invitation_for_admin(request.user, slug, pk)
    try:
        invitation_resend(invitation=invitation, by=request.user)
    except FactcheckError as exc:
        return _answer(request, invitation.newsroom, error=str(exc))
    notice = f"Invitation sent again to {invitation.email}; the earlier link no longer works."
    return _answer(request, invitation.newsroom, notice=notice)


@login_required
@require_POST
def invitation_revoke_view(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation, _ = get_invitation_for_admin(request.user, slug, pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except FactcheckError as exc:
        return _answer(request, invitation.newsroom, error=str(exc))
    return _answer(
        request, invitation.newsroom, notice=f"Invitation of {invitation.email} revoked."
    )


# --- The link of the invitation's email ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _join_signed_out(request, slug, token)
    return _join(cast(AuthedHttpRequest, request), slug, token)


def _join_signed_out(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """To the login page and back; a pending invitation's link also opens signup for this
    session, for the invited address (``factcheck.accounts.adapter``)."""
    invitation = get_invitation_to_sign_up(slug, token)
    if invitation is not None:
        request.session[INVITATION_SESSION_KEY] = invitation.pk
        request.session["account_verified_email"] = invitation.email  # allauth's own key
    return redirect_to_login(request.get_full_path())


def _join(request: AuthedHttpRequest, slug: str, token: str) -> HttpResponse:
    invitation, reason = get_invitation_for_invitee(request.user, slug, token)
    if invitation is None:
        return render(request, JOIN, {"problem": reason}, status=404)
    if request.method == "GET":
        refusal = invitation_refusal(invitation, request.user, now=timezone.now())
        return _join_page(request, invitation, refusal)
    try:
        done = invitation_accept(invitation=invitation, by=request.user)
    except InvitationRefused as exc:
        return _join_page(request, invitation, str(exc))
    newsroom = invitation.newsroom
    if done.changed:
        messages.success(
            request, f"Welcome to {newsroom}: you are {done.obj.get_role_display()} here."
        )
    return redirect(reverse("newsrooms:detail", kwargs={"slug": newsroom.slug}))


def _join_page(request: AuthedHttpRequest, invitation: Invitation, problem: str) -> HttpResponse:
    """The invitation and its Accept button, or why it cannot be accepted (410: the link is
    spent; 200 for one's own accepted invitation, with the way to the newsroom)."""
    mine = invitation.accepted_by_id == request.user.pk
    member = mine and role_in(request.user, invitation.newsroom_id) is not None
    context = {"invitation": invitation, "problem": problem, "member": member}
    return render(request, JOIN, context, status=410 if problem and not member else 200)
