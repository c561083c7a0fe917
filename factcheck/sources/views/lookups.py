"""Lookups from the claim and draft pages: the claim's lookups panel (polled while lookups run),
starting and retrying lookups, attaching evidence to the verdict or dismissing it.

Any member sees the panel; starting, retrying, attaching and dismissing need PROPOSE_VERDICT
(checkers, editors, newsroom admins); outsiders get 404. With htmx the claim's actions answer
with the panel's body (``#lookups-body``) and its flash out of band, refusals with 422 so htmx
shows them; without JavaScript every action redirects back to the claim page's panel with the
message.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from factcheck.claims.access import get_claim_for_user
from factcheck.claims.models import Claim
from factcheck.drafts.access import get_draft_for_user
from factcheck.errors import FactcheckError
from factcheck.htmx import htmx_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import Capability
from factcheck.sources.access import get_evidence_for_user, get_lookup_for_user
from factcheck.sources.forms import LookupStartForm
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.panel import lookups_panel
from factcheck.sources.services import (
    evidence_attach,
    evidence_dismiss,
    lookups_start,
    lookups_start_for_draft,
    source_settings_for,
)
from factcheck.text import first_error, short

PANEL = "sources/_lookups_panel.html"
NO_SOURCE = "No source is enabled for this newsroom; a newsroom admin can turn sources on."


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def claim_lookups(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the panel's body (what it polls); without htmx, the claim page's panel.
    POST ``source`` (empty: every enabled source): look the claim up."""
    if request.method == "GET":
        claim, role = get_claim_for_user(request.user, pk)
        if not request.htmx:
            return redirect(claim.get_absolute_url() + "#lookups")
        panel = lookups_panel(claim=claim, role=role)
        return render(request, f"{PANEL}#lookups-body", {"claim": claim, "lookups_panel": panel})
    claim, _ = get_claim_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    form = LookupStartForm(request.POST)
    if not form.is_valid():
        return _answer(request, claim, error=first_error(form))
    return _start(request, claim, form.sources())


@login_required
@require_POST
def lookup_retry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Queue a finished lookup again (in the claim's current wording)."""
    lookup, _ = get_lookup_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    claim, _ = get_claim_for_user(request.user, lookup.claim_id, Capability.PROPOSE_VERDICT)
    return _start(request, claim, [lookup.source])


@login_required
@require_POST
def evidence_attach_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The evidence becomes one of the verdict's evidence links. An approved verdict given a new
    link goes back to review: then the whole claim page is drawn again (its state changed)."""
    evidence, _ = get_evidence_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    was = evidence.claim.status  # read with the evidence, moments ago
    try:
        _, changed = evidence_attach(evidence=evidence, by=request.user)
    except FactcheckError as exc:
        return _answer(request, evidence.claim_id, error=str(exc))
    if not changed:  # a repeated click
        return _answer(request, evidence.claim_id, notice="Already attached to the verdict.")
    notice = f"Attached to the verdict: “{short(evidence.title)}”."
    if was == Claim.Status.APPROVED and evidence.claim.status != was:
        notice += " The verdict was approved: with new evidence it goes back to review."
        if request.htmx:
            messages.success(request, notice)
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
    return _changed(request, evidence, notice)


@login_required
@require_POST
def evidence_dismiss_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evidence, _ = get_evidence_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    try:
        _, changed = evidence_dismiss(evidence=evidence, by=request.user)
    except FactcheckError as exc:
        return _answer(request, evidence.claim_id, error=str(exc))
    if not changed:  # a repeated click
        return _answer(request, evidence.claim_id, notice="Already dismissed.")
    notice = (
        f"Dismissed: “{short(evidence.title)}”. Attach it from “Dismissed” if you change your mind."
    )
    return _changed(request, evidence, notice)


def _changed(request: AuthedHttpRequest, evidence: Evidence, notice: str) -> HttpResponse:
    """The panel after evidence changed; the claim got a new version with it, which the claim
    page's forms take (``static/js/claim.js``), so the person's next action on the claim is not
    refused as a conflict with their own change."""
    response = _answer(request, evidence.claim_id, notice=notice, event="evidence-changed")
    if request.htmx:
        claim = evidence.claim
        detail = {"url": claim.get_absolute_url(), "version": claim.version}
        trigger_client_event(response, "claim-version", detail)
    return response


@login_required
@require_POST
def draft_lookups(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Look every live claim of the draft up; POST ``source`` (empty: every enabled one).
    With htmx the answer is the draft page's flash, out of band."""
    draft, _ = get_draft_for_user(request.user, pk, Capability.PROPOSE_VERDICT)
    form = LookupStartForm(request.POST)
    notice = error = ""
    if not form.is_valid():
        error = first_error(form)
    elif not form.sources() and not source_settings_for(draft.newsroom_id).enabled():
        error = NO_SOURCE
    else:
        try:
            started = lookups_start_for_draft(
                draft=draft,
                by=request.user,
                sources=form.sources(),
            )
        except FactcheckError as exc:
            error = str(exc)
        else:
            notice = _draft_notice(started, has_claims=_has_live_claims(draft.pk))
    return htmx_answer(
        request,
        redirect_to=draft.get_absolute_url(),
        parts=lambda: [
            ("drafts/draft.html#flash", {"notice": notice, "error": error, "oob": True})
        ],
        notice=notice,
        error=error,
        events=["lookups-changed"],
    )


# --- Helpers -----------------------------------------------------------------------------------


def _start(request: AuthedHttpRequest, claim: Claim, sources: Sequence[str] | None) -> HttpResponse:
    if claim.status == Claim.Status.DISMISSED:
        return _answer(request, claim, error="This claim is dismissed: restore it to look it up.")
    if not sources and not source_settings_for(claim.draft.newsroom_id).enabled():
        return _answer(request, claim, error=NO_SOURCE)
    try:
        started = lookups_start(claims=[claim], by=request.user, sources=sources)
    except FactcheckError as exc:
        return _answer(request, claim, error=str(exc))
    if started:
        labels = ", ".join(Source(lookup.source).label for lookup in started)
        notice = f"Looking it up in {labels}; the results appear here."
    else:
        notice = "Already being looked up there; the results appear here."
    return _answer(request, claim, notice=notice, event="lookups-changed")


def _answer(
    request: AuthedHttpRequest,
    claim: Claim | int,
    *,
    notice: str = "",
    error: str = "",
    event: str = "",
) -> HttpResponse:
    """The panel after an action on ``claim``, read afresh (see the module's docstring)."""
    pk = claim if isinstance(claim, int) else claim.pk

    def parts() -> list[tuple[str, dict[str, object]]]:
        claim, role = get_claim_for_user(request.user, pk)
        context = {
            "claim": claim,
            "lookups_panel": lookups_panel(claim=claim, role=role),
            "lookups_notice": notice,
            "lookups_error": error,
            "lookups_oob": True,
        }
        return [(f"{PANEL}#lookups-body", context), (f"{PANEL}#lookups-flash", context)]

    return htmx_answer(
        request,
        redirect_to=Claim(pk=pk).get_absolute_url() + "#lookups",
        parts=parts,
        notice=notice,
        error=error,
        events=[event] if event else [],
    )


def _draft_notice(started: Sequence[Lookup], *, has_claims: bool) -> str:
    if not has_claims:
        return "This draft has no claims to look up yet: mark some first."
    if not started:
        return "Every claim is already being looked up."
    claims = len({lookup.claim_id for lookup in started})
    return (
        f"Looking up {claims} claim{'' if claims == 1 else 's'}: "
        f"{len(started)} lookup{'' if len(started) == 1 else 's'} queued. "
        "Each claim's page shows its results."
    )


def _has_live_claims(draft_id: int) -> bool:
    return Claim.objects.filter(draft_id=draft_id).exclude(status=Claim.Status.DISMISSED).exists()
