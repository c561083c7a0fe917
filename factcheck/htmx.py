"""The answer to an action posted from a page, with or without htmx.

Without htmx: on success (or on a refusal when the caller has no page to show) the message and
a redirect; on a refusal with a page, that page (the caller picks its status: 409 for a
conflict, 422 otherwise). With htmx: the rendered partials, the out-of-band ones among them;
422 on a refusal (base.html's htmx-config swaps it), else 200 with the ``HX-Trigger`` events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import RequestContext
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template
from django_htmx.http import trigger_client_event

from factcheck.http import HtmxHttpRequest

# A partial to render: "template.html#name" and its context.
Part = tuple[str, Mapping[str, Any]]


def render_parts(request: HttpRequest, parts: Iterable[Part]) -> str:
    """The partials, in order, in one request context: its context processors (user, messages,
    CSRF token…) run once, not once a partial (a bulk confirm answers with 50 units)."""
    templates = [(_template(name), context) for name, context in parts]
    if not templates:
        return ""
    shared = RequestContext(request)
    with shared.bind_template(templates[0][0]):
        out = []
        for template, context in templates:
            with shared.push(context):
                out.append(template.render(shared))
    return "".join(out)


def _template(name: str) -> Any:
    """The engine's own template (or template-partials' partial) behind ``name``."""
    wrapper = get_template(name)
    if not isinstance(wrapper, DjangoTemplate):
        raise TypeError(f"{name} is not a Django template.")
    return wrapper.template


def htmx_answer(
    request: HtmxHttpRequest,
    *,
    redirect_to: str,
    parts: Callable[[], Iterable[Part]],
    notice: str = "",
    error: str = "",
    events: Iterable[str] = (),
    page: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """See the module's docstring. ``parts`` and ``page`` are called only when needed, so a
    redirect reads nothing more; ``notice`` and ``error`` become the message of a redirect."""
    if not request.htmx:
        if error and page is not None:
            return page()
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        return redirect(redirect_to)
    response = HttpResponse(render_parts(request, parts()), status=422 if error else 200)
    if not error:
        for event in events:
            trigger_client_event(response, event)
    return response


def page_answer(
    request: HtmxHttpRequest,
    *,
    template: str,
    blocks: Iterable[str],
    context: Callable[[], Mapping[str, Any]],
    redirect_to: str,
    notice: str = "",
    error: str = "",
    status: int = 422,
    events: Iterable[str] = (),
    page_context: Callable[[], Mapping[str, Any]] | None = None,
) -> HttpResponse:
    """:func:`htmx_answer` for a page whose ``blocks`` are partials of ``template``: with htmx
    those blocks, out of band; a plain post refused gets the whole page with ``status``, its
    context ``context()`` plus ``page_context()`` (what only the whole page shows)."""

    def whole() -> dict[str, Any]:
        return {**context(), **(page_context() if page_context else {})}

    def parts() -> list[Part]:
        shown = {**context(), "oob": True}
        return [(f"{template}#{block}", shown) for block in blocks]

    return htmx_answer(
        request,
        redirect_to=redirect_to,
        parts=parts,
        notice=notice,
        error=error,
        events=events,
        page=lambda: render(request, template, whole(), status=status),
    )
