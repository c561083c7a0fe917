"""The floor the draft page is measured against (issue 12): the same draft's units as 600 plain
rows, read in one query and rendered by one template, behind the same middleware and login.

Only the bench routes to it (``ROOT_URLCONF = "floor"`` while it measures): it is no page of
the app.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

TEMPLATE = Path(__file__).resolve().parent / "templates" / "floor.html"
_compiled = []  # the template, compiled once (as Django's cached loader does for the app's)


# One query: the revision's text (once, as row -1) and its units' rows. Reading each unit's
# slice of the text in SQL instead (a join and substr per row) makes the database read the whole
# text 600 times: 9 ms on SQLite, 60 ms on PostgreSQL (TOAST), which is no floor.
ROWS = """
SELECT -1, '', NULL, 0, 0, text FROM drafts_revision WHERE id = %s
UNION ALL
SELECT "index", kind, score, start, "end", NULL FROM drafts_sentence WHERE revision_id = %s
ORDER BY 1
"""


@login_required
def floor(request: HttpRequest, revision: int) -> HttpResponse:
    """The units of ``revision`` as plain rows: one query, one template."""
    with connection.cursor() as cursor:
        cursor.execute(ROWS, [revision, revision])
        rows = cursor.fetchall()
    text = rows[0][5]
    units = [(i, kind, score, text[a:b]) for i, kind, score, a, b, _ in rows[1:]]
    if not _compiled:
        _compiled.append(engines["django"].from_string(TEMPLATE.read_text()))
    return HttpResponse(_compiled[0].render({"units": units}, request))


urlpatterns = [
    path("bench-floor/<int:revision>/", floor, name="bench_floor"),
    path("", include("factcheck.urls")),
]
