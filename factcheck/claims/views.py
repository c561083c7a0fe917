from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.claims.access import get_claim_for_user
from factcheck.claims.forms import (
    AttachForm,
    ClaimEditForm,
    ProposeForm,
    SendBackForm,
    VersionForm,
)
from factcheck.claims.models import Claim
from factcheck.claims.revisions import claim_archive, claim_attach, claim_unarchive
from factcheck.claims.services import (
    ClaimError,
    claim_approve,
    claim_dismiss,
    claim_edit,
    claim_mark,
    claim_mark_unit,
    claim_propose,
    claim_restore,
    claim_send_back,
    claim_unmark,
    claim_unmark_unit,
)
from factcheck.drafts.access import get_draft_for_user, get_unit_for_user
from factcheck.drafts.models import Draft, Revision
from factcheck.drafts.selectors import (
    draft_adrift,
    draft_panels,
    latest_revision,
    latest_sentence,
    suggestion_threshold,
    unit_choices,
    unit_view,
)
from factcheck.errors import ConflictError, FactcheckError
from factcheck.htmx import Part, htmx_answer, page_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import Capability, role_can
from factcheck.outcome import Done
from factcheck.reviews.forms import CommentForm
from factcheck.reviews.services import comment_add
from factcheck.reviews.task_selectors import claim_page
from factcheck.sources.panel import lookups_panel
from factcheck.text import first_error

PAGE = "drafts/draft.html"


@login_required
@require_POST
def claims_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark or unmark: ``mark``/``unmark`` = a unit index, ``unmark_claim`` = a claim id,
    ``start`` + ``end`` = a span of the current revision's text.

    A click on a unit costs a fixed handful of queries whatever the draft's size: the unit with
    its revision, draft and the user's role (one query), the change (one lock, one write, one
    history row), and for htmx the unit's live claims: the answer is the unit and the claim's
    row, not the whole claims panel."""
    post = request.POST
    draft: Draft | None = None
    unit_claims: list[Claim] | None = None  # a click on a unit reads them; else the answer does
    try:
        if "mark" in post or "unmark" in post:
            index = _int(post.get("mark", post.get("unmark", "")))
            sentence, role = get_unit_for_user(request.user, pk, index, Capability.MARK_CLAIMS)
            revision = sentence.revision
            draft = revision.draft
            if "mark" in post:
                click = claim_mark_unit(sentence=sentence, by=request.user)
            else:
                try:
                    click = claim_unmark_unit(sentence=sentence, by=request.user)
                except Claim.DoesNotExist:
                    raise Http404("That sentence is not marked.") from None
            claim, unit_claims = click.claim, click.unit_claims
            claim.sentence = sentence
        else:
            draft, role = get_draft_for_user(request.user, pk, Capability.MARK_CLAIMS)
            revision = latest_revision(draft)
            revision.draft = draft
            if "unmark_claim" in post:
                claim = get_object_or_404(
                    Claim.objects.select_related("sentence"),
                    pk=_int(post["unmark_claim"]),
                    draft=draft,
                )
                claim = claim_unmark(claim=claim, by=request.user)
            elif "start" in post and "end" in post:
                claim = claim_mark(
                    revision=revision,
                    start=_int(post["start"]),
                    end=_int(post["end"]),
                    by=request.user,
                )
            else:
                return HttpResponseBadRequest(
                    "Say what to mark: mark, unmark, unmark_claim or start+end."
                )
    except FactcheckError as exc:  # refused marks, illegal moves, conflicts: all readable
        if draft is None:  # a unit that is not a number: the draft's rule still comes first
            draft, role = get_draft_for_user(request.user, pk, Capability.MARK_CLAIMS)
        return _answer(request, draft, role, None, error=str(exc))
    return _answer(request, draft, role, claim, revision, unit_claims=unit_claims)


def _answer(
    request: AuthedHttpRequest,
    draft: Draft,
    role: str,
    claim: Claim | None,
    revision: Revision | None = None,
    *,
    error: str = "",
    unit_claims: list[Claim] | None = None,
) -> HttpResponse:
    """Without htmx, back to the unit (a message only on refusal); with htmx, out of band: the
    unit (drawn from ``unit_claims``, its live claims, when the click read them), the claim's
    row added to or taken from the claims panel, and the flash.

    The answer is the same size whatever the draft's: one unit and one row, not the panel's
    hundreds (draft.js puts the row in text order and counts the rows)."""

    def parts() -> list[Part]:
        context = {
            "draft": draft,
            "can_mark": True,
            "can_assign": role_can(role, Capability.ASSIGN),
            "oob": True,
            "error": error,
            "notice": _notice(claim),
        }
        if claim is None:
            return [(f"{PAGE}#flash", context)]
        sentence = claim.sentence
        sentence.revision = revision or sentence.revision
        sentence.revision.draft = draft
        threshold = suggestion_threshold(draft.newsroom)
        view = unit_view(sentence, threshold, unit_claims)
        live = claim.is_active
        if live:
            claim.whole = claim.start == sentence.start and claim.end == sentence.end  # type: ignore[attr-defined]
        row = {**context, "row": [claim] if live else [], "gone": claim.pk}
        return [
            (f"{PAGE}#unit", {**context, "unit": view}),
            (f"{PAGE}#claim-row", row),
            (f"{PAGE}#flash", context),
        ]

    anchor = f"#u-{claim.sentence.index}" if claim else ""
    return htmx_answer(
        request,
        redirect_to=draft.get_absolute_url() + anchor,
        parts=parts,
        error=error,
        events=["claims-changed"],
    )


def _notice(claim: Claim | None) -> str:
    if claim is None:
        return ""
    verb = "Unmarked" if claim.status == Claim.Status.DISMISSED else "Marked"
    return f"{verb}: “{claim.text[:80]}{'…' if len(claim.text) > 80 else ''}”"


def _int(raw: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ClaimError("That request named no valid position in the draft.") from None


# --- Claims a new version set adrift: attach, archive, restore ----------------------------------
#
# From the draft page's "Orphaned / archived claims" panel (and the attach page): with htmx the
# answer is the panel, the claims panel, the suggestions panel, the unit a claim was attached to
# and the flash, out of band, with ``HX-Trigger: claims-changed`` (the clearance panel follows);
# without JavaScript, a redirect to the panel with the message.


@login_required
@require_http_methods(["GET", "POST"])
def claim_attach_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the units of the latest version to choose from, the likely ones first. POST
    ``sentence`` (a unit's index in the latest version) and ``version``."""
    claim, role = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    draft = claim.draft
    if request.method == "GET":
        revision, units = unit_choices(draft)
        likely = [u for pk_ in claim.anchor_candidates for u in units if u.pk == pk_]
        context = {"claim": claim, "draft": draft, "revision": revision, "units": units}
        return render(request, "claims/attach.html", {**context, "likely": likely})
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _adrift_answer(request, draft, role, error=first_error(form))
    index = form.cleaned_data["sentence"]
    sentence = latest_sentence(draft, index)
    if sentence is None:
        return _adrift_answer(request, draft, role, error="That sentence is not in the draft.")
    try:
        attached, changed = claim_attach(
            claim=claim,
            by=request.user,
            sentence=sentence,
            expected_version=form.cleaned_data["version"],
        )
    except FactcheckError as exc:  # conflicts too: the panel shows the claim as it is now
        return _adrift_answer(request, draft, role, error=str(exc))
    notice = f"Attached to sentence {index}." if changed else f"Already on sentence {index}."
    if attached.changed_since_checked and changed:
        notice += " Its words differ from those checked: it is flagged as changed."
    return _adrift_answer(request, draft, role, notice=notice, unit=index)


@login_required
@require_POST
def claim_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, role = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    notices = (
        "Archived: it no longer blocks clearance. Restore it at any time.",
        "Already archived.",
    )
    return _adrift_move(request, claim, role, claim_archive, notices)


@login_required
@require_POST
def claim_unarchive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, role = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    notices = ("Restored as an orphan: attach it to its sentence.", "Not archived: nothing to do.")
    return _adrift_move(request, claim, role, claim_unarchive, notices)


def _adrift_move(
    request: AuthedHttpRequest,
    claim: Claim,
    role: str,
    service: Callable[..., Done[Claim]],
    notices: tuple[str, str],
) -> HttpResponse:
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _adrift_answer(request, claim.draft, role, error=first_error(form))
    try:
        _, changed = service(
            claim=claim, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except FactcheckError as exc:
        return _adrift_answer(request, claim.draft, role, error=str(exc))
    return _adrift_answer(request, claim.draft, role, notice=notices[0] if changed else notices[1])


def _adrift_answer(
    request: AuthedHttpRequest,
    draft: Draft,
    role: str,
    *,
    notice: str = "",
    error: str = "",
    unit: int | None = None,
) -> HttpResponse:
    def parts() -> list[Part]:
        page = draft_panels(draft, [] if unit is None else [unit])
        page.adrift = draft_adrift(draft)
        context = {
            "draft": draft,
            "page": page,
            "claims": page.claims,
            "can_mark": role_can(role, Capability.MARK_CLAIMS),
            "can_assign": role_can(role, Capability.ASSIGN),
            "oob": True,
            "error": error,
            "notice": notice,
        }
        units = [(f"{PAGE}#unit", {**context, "unit": u}) for u in page.blocks[0].units]
        names = ("adrift-panel", "claims-panel", "suggestions-panel", "flash")
        return [*units, *((f"{PAGE}#{name}", context) for name in names)]

    return htmx_answer(
        request,
        redirect_to=draft.get_absolute_url() + "#adrift-panel",
        parts=parts,
        notice=notice,
        error=error,
        events=["claims-changed"],
    )


# --- The claim page and the verdict workflow ---------------------------------------------------
#
# With htmx, each form posts with ``hx-swap="none"`` and the answer is out-of-band fragments of
# claims/claim.html plus ``HX-Trigger: claim-changed``; refusals and version conflicts answer 422
# so htmx shows them. Without JavaScript: a redirect after success, the page again with the
# message after a refusal (422) or a conflict (409), the user's input kept.

CLAIM_BLOCKS = ("claim-flash", "claim-main", "claim-tasks", "claim-history")
COMMENT_BLOCKS = ("claim-flash", "claim-comments")
FORM_IDS = {"propose_form": "propose_%s", "send_back_form": "back_%s", "edit_form": "edit_%s"}


@login_required
@require_GET
def claim_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, role = get_claim_for_user(request.user, pk)
    context = _claim_context(claim, role)
    if request.htmx:
        return render(request, "claims/claim.html#claim-main", context)
    context["lookups_panel"] = lookups_panel(claim=claim, role=role)
    return render(request, "claims/claim.html", context)


@login_required
@require_POST
def claim_propose_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``verdict``, ``rationale``, ``url_N``/``note_N`` evidence rows and ``version``."""
    claim, _ = get_claim_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    form = ProposeForm(request.POST, auto_id=FORM_IDS["propose_form"])
    if not form.is_valid():
        return _claim_answer(request, claim.pk, error=first_error(form), propose_form=form)
    values = form.cleaned_data
    try:
        claim = claim_propose(
            claim=claim,
            by=request.user,
            verdict=values["verdict"],
            rationale=values["rationale"],
            links=values["links"],
            expected_version=values["version"],
        )
    except ConflictError as exc:
        kept = _rebind(ProposeForm, "propose_form", request.POST, exc.current.version)
        return _claim_answer(request, claim.pk, error=str(exc), status=409, propose_form=kept)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, error=str(exc), propose_form=form)
    verdict = claim.get_verdict_display()
    return _claim_answer(request, claim.pk, notice=f"Proposed “{verdict}”; an editor reviews it.")


@login_required
@require_POST
def claim_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, _ = get_claim_for_user(request.user, pk, Capability.APPROVE)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _claim_answer(request, claim.pk, error=first_error(form))
    try:
        claim = claim_approve(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        return _claim_answer(request, claim.pk, error=str(exc), status=409)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, error=str(exc))
    return _claim_answer(request, claim.pk, notice=f"Approved: {claim.get_verdict_display()}.")


@login_required
@require_POST
def claim_send_back_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``note`` (why) and ``version``: the proposal goes back to the checker."""
    claim, _ = get_claim_for_user(request.user, pk, Capability.APPROVE)
    form = SendBackForm(request.POST, auto_id=FORM_IDS["send_back_form"])
    if not form.is_valid():
        return _claim_answer(request, claim.pk, error=first_error(form), send_back_form=form)
    try:
        claim_send_back(
            claim=claim,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        kept = _rebind(SendBackForm, "send_back_form", request.POST, exc.current.version)
        return _claim_answer(request, claim.pk, error=str(exc), status=409, send_back_form=kept)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, error=str(exc), send_back_form=form)
    return _claim_answer(request, claim.pk, notice="Sent back for more checking.")


@login_required
@require_POST
def claim_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``text``, ``verdict``, ``rationale`` and ``version``. Editing an approved claim's
    wording or verdict sends it back for review (the service does that)."""
    claim, _ = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    form = ClaimEditForm(request.POST, auto_id=FORM_IDS["edit_form"])
    if not form.is_valid():
        return _claim_answer(request, claim.pk, error=first_error(form), edit_form=form)
    values = form.cleaned_data
    was_approved = claim.status == Claim.Status.APPROVED
    try:
        edited = claim_edit(
            claim=claim,
            by=request.user,
            expected_version=values["version"],
            text=values["text"],
            verdict=values["verdict"],
            rationale=values["rationale"],
        )
    except ConflictError as exc:
        kept = _rebind(ClaimEditForm, "edit_form", request.POST, exc.current.version)
        return _claim_answer(request, claim.pk, error=str(exc), status=409, edit_form=kept)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, error=str(exc), edit_form=form)
    notice = "Saved."
    if was_approved and edited.status == Claim.Status.PROPOSED:
        notice = "Saved. The claim had been approved, so it goes back for review."
    return _claim_answer(request, claim.pk, notice=notice)


@login_required
@require_POST
def claim_dismiss_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, _ = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    return _claim_move(
        request, claim, claim_dismiss, "Dismissed. Restore it at any time.", "Already dismissed."
    )


@login_required
@require_POST
def claim_restore_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    claim, _ = get_claim_for_user(request.user, pk, Capability.MARK_CLAIMS)
    return _claim_move(
        request,
        claim,
        claim_restore,
        "Restored: the claim is unchecked again.",
        "Not dismissed: nothing to restore.",
    )


@login_required
@require_POST
def claim_comment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``body``; ``@username`` of a newsroom member notifies them."""
    claim, _ = get_claim_for_user(request.user, pk, Capability.COMMENT)
    form = CommentForm(request.POST)
    body = request.POST.get("body", "")
    if not form.is_valid():
        error = first_error(form)
        return _claim_answer(request, claim.pk, COMMENT_BLOCKS, error=error, body=body)
    try:
        comment_add(by=request.user, body=form.cleaned_data["body"], claim=claim)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, COMMENT_BLOCKS, error=str(exc), body=body)
    return _claim_answer(
        request, claim.pk, COMMENT_BLOCKS, notice="Comment added.", anchor="#comments"
    )


def _claim_move(
    request: AuthedHttpRequest,
    claim: Claim,
    service: Callable[..., Done[Claim]],
    notice: str,
    repeat: str,
) -> HttpResponse:
    """Dismiss or restore through ``service``: ``notice`` when it changed the claim, ``repeat``
    when it was already so (a repeated click, whatever version it carries)."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _claim_answer(request, claim.pk, error=first_error(form))
    try:
        _, changed = service(
            claim=claim, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except ConflictError as exc:
        return _claim_answer(request, claim.pk, error=str(exc), status=409)
    except FactcheckError as exc:
        return _claim_answer(request, claim.pk, error=str(exc))
    return _claim_answer(request, claim.pk, notice=notice if changed else repeat)


def _claim_context(claim: Claim, role: str, **extra: Any) -> dict[str, Any]:
    """The claim page's context; ``extra`` may hold bound forms that keep the user's input."""
    initial = {"version": claim.version}
    verdict = {"verdict": claim.verdict, "rationale": claim.rationale}
    forms: dict[str, Any] = {
        "propose_form": ProposeForm(
            initial={**initial, **verdict}, auto_id=FORM_IDS["propose_form"]
        ),
        "send_back_form": SendBackForm(initial=initial, auto_id=FORM_IDS["send_back_form"]),
        "edit_form": ClaimEditForm(
            initial={**initial, **verdict, "text": claim.text}, auto_id=FORM_IDS["edit_form"]
        ),
        "comment_form": CommentForm(),
    }
    return {"claim": claim, "page": claim_page(claim, role), **forms, **extra}


def _claim_answer(
    request: AuthedHttpRequest,
    pk: int,
    blocks: tuple[str, ...] = CLAIM_BLOCKS,
    *,
    notice: str = "",
    error: str = "",
    status: int = 422,
    anchor: str = "",
    **extra: Any,
) -> HttpResponse:
    """The answer to an action on claim ``pk``, read afresh (see the comment above)."""
    claim, role = get_claim_for_user(request.user, pk)
    return page_answer(
        request,
        template="claims/claim.html",
        blocks=blocks,
        context=lambda: _claim_context(claim, role, error=error, notice=notice, **extra),
        redirect_to=claim.get_absolute_url() + anchor,
        notice=notice,
        error=error,
        status=status,
        events=["claim-changed"],
        page_context=lambda: {"lookups_panel": lookups_panel(claim=claim, role=role)},
    )


FormT = TypeVar("FormT", bound=forms.Form)


def _rebind(form_class: type[FormT], name: str, data: QueryDict, version: int) -> FormT:
    """The user's input again, with the current version: sending it now is a deliberate
    overwrite of the change they have just been shown."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, auto_id=FORM_IDS[name])
    form.is_valid()
    return form
