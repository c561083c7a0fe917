"""Who may do what in a newsroom: the one table of roles and capabilities.

Every view, export, command and task asks through here (or through the per-object getters built
on it, such as ``factcheck.drafts.access``). Non-members are told nothing: callers turn "not a
member" into 404, and "a member without the capability" into 403.

A newsroom that requires 2FA (``Newsroom.require_2fa``) refuses its members without an
authenticator app (``factcheck.accounts.twofactor.TwoFactorRequired``, which the middleware turns
into a redirect to the set-up page), and its work is left out of their lists. The flag is read
in the getters' one query, so a newsroom without the rule costs no query more.
"""

from __future__ import annotations

import enum
import hashlib
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from factcheck.accounts.twofactor import ensure_two_factor, newsroom_allowed_q
from factcheck.newsrooms.models import Invitation, Membership, Newsroom, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


M = TypeVar("M", bound=Model)


class Capability(enum.StrEnum):
    VIEW = "view"  # read drafts, claims, tasks, comments, history
    COMMENT = "comment"  # comment on tasks and claims
    WORK_TASKS = "work_tasks"  # move one's own assigned tasks: start, submit for review
    PROPOSE_VERDICT = "propose_verdict"  # propose a verdict with rationale and evidence links
    LOAD_DRAFT = "load_draft"  # create drafts and revisions
    EDIT_DRAFT = "edit_draft"  # change a draft's title and deadline, archive and restore it
    MARK_CLAIMS = "mark_claims"  # mark, dismiss and restore claims, edit their wording
    ASSIGN = "assign"  # create, assign, edit, archive tasks; move anyone's task
    APPROVE = "approve"  # approve or send back verdicts and tasks in review, reopen tasks
    CLEAR = "clear"  # clear a draft for publication
    MANAGE_MEMBERS = "manage_members"


_CHECKER = frozenset(
    {Capability.VIEW, Capability.COMMENT, Capability.WORK_TASKS, Capability.PROPOSE_VERDICT}
)
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CHECKER: _CHECKER,
    Role.EDITOR: _CHECKER
    | {
        Capability.LOAD_DRAFT,
        Capability.EDIT_DRAFT,
        Capability.MARK_CLAIMS,
        Capability.ASSIGN,
        Capability.APPROVE,
        Capability.CLEAR,
    },
    Role.ADMIN: frozenset(Capability),
}


# --- The invitation behind a link -------------------------------------------------------------

NO_SUCH_LINK = (
    "This invitation link is not valid: it was mistyped, or a newer email replaced it. "
    "Use the link of the latest invitation, or ask the newsroom's admin to send it again."
)
NOT_YOUR_LINK = (
    "This invitation was sent to another email address than your account's ({email}). Sign in "
    "with the account of the invited address, or ask the newsroom's admin to invite this one."
)


def invitation_hash(secret: str) -> str:
    """sha256 of an invitation link's secret, hex: what is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def email_matches(user: User, email: str) -> bool:
    """Whether ``user``'s address is the invited ``email`` (lower case), case aside."""
    return bool(user.email) and user.email.strip().lower() == email


def _by_link(slug: str, secret: str) -> QuerySet[Invitation]:
    """The invitation whose link is ``/newsrooms/<slug>/join/<secret>/``, by its secret's hash
    (none for a spent link, whose hash is emptied)."""
    return (
        Invitation.objects.filter(newsroom__slug=slug, token_hash=invitation_hash(secret))
        # An empty hash: a spent link, no password (bandit B106).
        .exclude(token_hash="")  # nosec B106
    )


def get_invitation_for_invitee(user: User, slug: str, secret: str) -> tuple[Invitation | None, str]:
    """The invitation behind the link ``/newsrooms/<slug>/join/<secret>/`` when ``user`` is the
    one it was sent to (their email is the invited address), in one query; else None and what
    to tell them (the page answers 404: the link shows nothing of the newsroom to anyone
    else). Whether it may still be accepted is the service's business."""
    invitation = _by_link(slug, secret).select_related("newsroom", "invited_by").first()
    if invitation is None:
        return None, NO_SUCH_LINK
    if not email_matches(user, invitation.email):
        return None, NOT_YOUR_LINK.format(email=user.email or "none")
    return invitation, ""


def get_invitation_to_sign_up(slug: str, secret: str) -> Invitation | None:
    """The pending invitation behind the link ``/newsrooms/<slug>/join/<secret>/``, for someone
    not signed in: the link is the proof that they read the invited address's mail, so it may
    open signup for them (``factcheck.accounts.adapter.INVITATION_SESSION_KEY``). None for an
    unknown, replaced, used, revoked or expired link. It shows nothing: the page they are sent
    to is the login page."""
    invitation = _by_link(slug, secret).first()
    if invitation is None or invitation.status_at(timezone.now()) != Invitation.Status.PENDING:
        return None
    return invitation


# --- The newsroom getters --------------------------------------------------------------------


def get_newsroom_for_admin(user: User | AnonymousUser, slug: str) -> tuple[Newsroom, str]:
    """The newsroom and the user's role: 404 unless the user belongs to it, 403 unless their
    role may manage it (MANAGE_MEMBERS: its members and settings pages)."""
    newsroom = get_object_or_404(_member_of(user), slug=slug)
    if newsroom.require_2fa:
        ensure_two_factor(user)
    role = role_in(user, newsroom.pk)
    if role is None or not role_can(role, Capability.MANAGE_MEMBERS):
        raise PermissionDenied("Only the newsroom's admins manage its members and settings.")
    return newsroom, role


def get_membership_for_admin(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Membership, str]:
    """A membership of the newsroom ``slug`` with its user, and the caller's role there: 404
    unless the caller belongs to that newsroom (and the membership is one of its), 403 unless
    they are its admin (MANAGE_MEMBERS). The members page's rule for each row's actions."""
    return get_for_member(
        Membership.objects.filter(newsroom__slug=slug).select_related("user", "newsroom"),
        pk,
        user,
        Capability.MANAGE_MEMBERS,
        newsroom_path="newsroom",
    )


def get_invitation_for_admin(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Invitation, str]:
    """An invitation of the newsroom ``slug``, for its admins: the rule of
    :func:`get_membership_for_admin`."""
    return get_for_member(
        Invitation.objects.filter(newsroom__slug=slug).select_related("newsroom"),
        pk,
        user,
        Capability.MANAGE_MEMBERS,
        newsroom_path="newsroom",
    )


def get_newsroom_for_member(user: User | AnonymousUser, slug: str) -> tuple[Newsroom, str]:
    """The newsroom and the user's role there, in one query: 404 unless the user belongs to it
    (an outsider cannot tell it from a newsroom that does not exist)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such newsroom.")
    row = (
        Newsroom.objects.filter(slug=slug, memberships__user=user)
        .annotate(role=F("memberships__role"))
        .first()
    )
    if row is None:
        raise Http404("No such newsroom.")
    if row.require_2fa:
        ensure_two_factor(user)
    return row, str(getattr(row, "role"))  # noqa: B009 (an annotation, not a field)


def newsrooms_with_role(user: User | AnonymousUser) -> list[tuple[Newsroom, str]]:
    """The user's newsrooms by name, each with the user's role there, in one query."""
    if not user.is_authenticated or not user.is_active:
        return []
    rows = (
        Newsroom.objects.filter(memberships__user=user)
        .filter(newsroom_allowed_q(user.pk))
        .annotate(role=F("memberships__role"))
        .order_by("name", "pk")
    )
    return [(newsroom, str(getattr(newsroom, "role"))) for newsroom in rows]  # noqa: B009


def role_can(role: str | None, capability: Capability) -> bool:
    return role is not None and capability in ROLE_CAPABILITIES.get(role, frozenset())


def newsrooms_for(user: User | AnonymousUser) -> QuerySet[Newsroom]:
    """The newsrooms ``user`` belongs to (none for anonymous or inactive users), but those that
    require 2FA while the user has none."""
    if not user.is_authenticated or not user.is_active:
        return Newsroom.objects.none()
    return _member_of(user).filter(newsroom_allowed_q(user.pk))


def _member_of(user: User | AnonymousUser) -> QuerySet[Newsroom]:
    """The newsrooms ``user`` belongs to, whatever they require."""
    if not user.is_authenticated or not user.is_active:
        return Newsroom.objects.none()
    return Newsroom.objects.filter(memberships__user=user)


def newsrooms_where(user: User | AnonymousUser, capability: Capability) -> QuerySet[Newsroom]:
    """The newsrooms where ``user``'s own role grants ``capability``."""
    if not user.is_authenticated or not user.is_active:
        return Newsroom.objects.none()
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    # One filter() call, so both conditions apply to the same membership row.
    return Newsroom.objects.filter(memberships__user=user, memberships__role__in=roles).filter(
        newsroom_allowed_q(user.pk)
    )


def may(user: User, newsroom_id: int, capability: Capability) -> bool:
    """Whether ``user`` may do ``capability`` in the newsroom: their role there allows it, or
    they are a site admin (an active superuser), who acts through the Django admin on every
    newsroom. The services' one role check."""
    return is_site_admin(user) or role_can(role_in(user, newsroom_id), capability)


def is_site_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_active and user.is_superuser)


def role_in(user: User | AnonymousUser, newsroom_id: int) -> str | None:
    """The user's role in the newsroom, or None when they are not a member."""
    if not user.is_authenticated or not user.is_active:
        return None
    known: dict[int, str | None] = getattr(user, _ROLES_READ, {})
    if newsroom_id in known:
        return known[newsroom_id]
    return (
        Membership.objects.filter(user=user, newsroom_id=newsroom_id)
        .values_list("role", flat=True)
        .first()
    )


# The roles an access getter read for this user object, by newsroom id. A request's user is
# loaded afresh for each request, so a service called in the same request checks the role the
# getter read moments before, without a second query (a click's budget is a few queries).
_ROLES_READ = "_factcheck_roles_read"


def _remember_role(user: User, newsroom_id: int, role: str) -> None:
    roles = getattr(user, _ROLES_READ, None)
    if roles is None:
        roles = {}
        setattr(user, _ROLES_READ, roles)
    roles[newsroom_id] = role


def get_for_member(
    queryset: QuerySet[M],
    pk: int | None,
    user: User | AnonymousUser,
    capability: Capability,
    *,
    newsroom_path: str,
) -> tuple[M, str]:
    """The object ``pk`` of ``queryset`` and the user's role in its newsroom, in one query.

    The role is read through a query annotation (``_member_role``) and returned beside the
    object: callers take it from the pair, never from the object.

    ``newsroom_path`` is the lookup from the object to its newsroom (``"newsroom"``,
    ``"draft__newsroom"``). Http404 when the object doesn't exist or the user is not a member of
    its newsroom — an outsider cannot tell the two apart; PermissionDenied when the member's role
    lacks ``capability``. Each object type's getter (drafts, claims, tasks) is this rule.
    """
    noun = queryset.model._meta.verbose_name
    if not user.is_authenticated or not user.is_active:
        raise Http404(f"No such {noun}.")
    if pk is not None:  # else the queryset names its one object already
        queryset = queryset.filter(pk=pk)
    row = member_rows(queryset, user.pk, newsroom_path).first()
    return member_checked(row, user, capability, str(noun))


def member_rows(queryset: QuerySet[M], user_pk: int, newsroom_path: str) -> QuerySet[M]:
    """``queryset`` narrowed to the newsrooms the user ``user_pk`` belongs to, each row with
    the user's role there (``_member_role``) and that newsroom's id (``_member_newsroom``):
    the query of :func:`get_for_member`, for a getter that prepares it once
    (``factcheck.prepared``) and checks its row with :func:`member_checked`."""
    rows: QuerySet[M] = queryset.filter(
        **{f"{newsroom_path}__memberships__user": user_pk}
    ).annotate(
        _member_role=F(f"{newsroom_path}__memberships__role"),
        _member_newsroom=F(f"{newsroom_path}__memberships__newsroom_id"),
        _member_2fa=F(f"{newsroom_path}__require_2fa"),
    )
    return rows


def member_checked(
    row: M | None, user: User | AnonymousUser, capability: Capability, noun: str
) -> tuple[M, str]:
    """The rule on a row of :func:`member_rows`: Http404 for none, PermissionDenied for a role
    without ``capability``; else the row and the role (remembered for ``role_in``)."""
    if row is None or not user.is_authenticated or not user.is_active:
        raise Http404(f"No such {noun}.")
    if getattr(row, "_member_2fa", False):
        ensure_two_factor(user)
    role: str = getattr(row, "_member_role")  # noqa: B009 (an annotation, not a field)
    _remember_role(user, getattr(row, "_member_newsroom"), role)  # noqa: B009
    if not role_can(role, capability):
        raise PermissionDenied("Your role in this newsroom does not allow this.")
    return row, role


def require(
    *,
    by: User | None,
    newsroom_id: int,
    capability: Capability,
    message: str = "Your role in this newsroom does not allow that.",
) -> None:
    """The services' role check: PermissionDenied(``message``) unless :func:`may` allows it.
    ``by=None`` is the system or the command line, which may do anything."""
    if by is not None and not may(by, newsroom_id, capability):
        raise PermissionDenied(message)
