from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from factcheck.claims.models import Claim
from factcheck.claims.services import ClaimError, claim_mark, claim_mark_sentence, claim_unmark
from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.selectors import active_claims, latest_revision, unit_view
from factcheck.newsrooms.access import Capability


@login_required
@require_POST
def claims_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark or unmark: ``mark``/``unmark`` = a unit index, ``unmark_claim`` = a claim id,
    ``start`` + ``end`` = a span of the current revision's text."""
    draft = get_draft_for_user(request.user, pk, Capability.MARK_CLAIMS)
    revision = latest_revision(draft)
    post = request.POST
    try:
        if "mark" in post or "unmark" in post:
            sentence = _sentence(revision.pk, post.get("mark", post.get("unmark", "")))
            sentence.revision = revision
            if "mark" in post:
                claim = claim_mark_sentence(sentence=sentence, by=request.user)  # type: ignore[arg-type]
            else:
                claim = get_object_or_404(
                    Claim, sentence=sentence, start=sentence.start, end=sentence.end
                )
                claim = claim_unmark(claim=claim, by=request.user)  # type: ignore[arg-type]
        elif "unmark_claim" in post:
            claim = get_object_or_404(Claim, pk=_int(post["unmark_claim"]), draft=draft)
            claim = claim_unmark(claim=claim, by=request.user)  # type: ignore[arg-type]
        elif "start" in post and "end" in post:
            claim = claim_mark(
                revision=revision,
                start=_int(post["start"]),
                end=_int(post["end"]),
                by=request.user,  # type: ignore[arg-type]
            )
        else:
            return HttpResponseBadRequest(
                "Say what to mark: mark, unmark, unmark_claim or start+end."
            )
    except ClaimError as exc:
        return _answer(request, draft, None, error=str(exc))
    return _answer(request, draft, claim)


def _answer(
    request: HttpRequest, draft: Draft, claim: Claim | None, *, error: str = ""
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        anchor = f"#u-{claim.sentence.index}" if claim else ""
        return redirect(draft.get_absolute_url() + anchor)
    context = {
        "draft": draft,
        "can_mark": True,
        "oob": True,
        "error": error,
        "notice": _notice(claim),
        "claims": active_claims(latest_revision(draft)),
    }
    parts = []
    if claim is not None:
        parts.append(
            render_to_string(
                "drafts/draft.html#unit", {**context, "unit": unit_view(claim.sentence)}, request
            )
        )
    parts.append(render_to_string("drafts/draft.html#claims-panel", context, request))
    parts.append(render_to_string("drafts/draft.html#flash", context, request))
    response = HttpResponse("".join(parts), status=422 if error else 200)
    return trigger_client_event(response, "claims-changed") if not error else response


def _notice(claim: Claim | None) -> str:
    if claim is None:
        return ""
    verb = "Unmarked" if claim.status == Claim.Status.DISMISSED else "Marked"
    return f"{verb}: “{claim.text[:80]}{'…' if len(claim.text) > 80 else ''}”"


def _sentence(revision_id: int, raw_index: str) -> Sentence:
    return get_object_or_404(Sentence, revision_id=revision_id, index=_int(raw_index))


def _int(raw: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ClaimError("That request named no valid position in the draft.") from None
