"""The floor the draft page is measured against (issue 12): the same draft's units as 600 plain
rows, read in one query and rendered by one template, behind the same middleware and login.

Only the bench routes to it (``ROOT_URLCONF = "floor"`` while it measures): it is no page of
the app.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from factcheck.drafts.models import Sentence

TEMPLATE = Path(__file__).resolve().parent / "templates" / "floor.html"
_compiled = []  # the template, compiled once (as Django's cached loader does for the app's)


@login_required
def floor(request: HttpRequest, revision: int) -> HttpResponse:
    """One query: the revision's units with their text, in order."""
    text = Substr("revision__text", F("start") + 1, F("end") - F("start"))
    rows = Sentence.objects.filter(revision_id=revision).order_by("index")
    units = rows.values_list("index", "kind", "score", text)
    if not _compiled:
        _compiled.append(engines["django"].from_string(TEMPLATE.read_text()))
    return HttpResponse(_compiled[0].render({"units": units}, request))


urlpatterns = [
    path("bench-floor/<int:revision>/", floor, name="bench_floor"),
    path("", include("factcheck.urls")),
]
