"""The URLs from before each app had its own prefix, sent on to where the page lives now.

One table: old path → the name of the new URL (same keywords). People have bookmarks, notification
emails point at old paths, and a tab opened before a deploy still holds forms with old actions,
so a GET or HEAD answers 301 and any other method 308, which keeps the method and body; the query
string comes along. Nothing is looked up here: the new URL checks access, as it always does.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

MOVED: list[tuple[str, str]] = [
    # drafts → claims
    ("drafts/<int:pk>/claims/", "claims:mark"),
    # the site's root → reviews
    ("review/", "reviews:queue"),
    ("review/bulk/", "reviews:queue_bulk"),
    ("my-tasks/", "reviews:my_tasks"),
    ("tasks/<int:pk>/", "reviews:task"),
    ("tasks/<int:pk>/edit/", "reviews:task_edit"),
    ("tasks/<int:pk>/move/", "reviews:task_move"),
    ("tasks/<int:pk>/assign/", "reviews:task_assign"),
    ("tasks/<int:pk>/archive/", "reviews:task_archive"),
    ("tasks/<int:pk>/restore/", "reviews:task_restore"),
    ("tasks/<int:pk>/comments/", "reviews:task_comment"),
    ("drafts/<int:pk>/tasks/new/", "reviews:task_new"),
    ("drafts/<int:pk>/clearance/", "reviews:clearance"),
    ("drafts/<int:pk>/clearance.md", "reviews:clearance_md"),
    ("drafts/<int:pk>/clearance.csv", "reviews:clearance_csv"),
    ("drafts/<int:pk>/clear/", "reviews:clear"),
    # reviews → history
    ("drafts/<int:pk>/history/", "history:draft"),
    # the site's root → insights
    ("findings/<int:pk>/", "insights:finding"),
    ("findings/<int:pk>/dismiss/", "insights:finding_dismiss"),
    ("findings/<int:pk>/reopen/", "insights:finding_reopen"),
    ("findings/<int:pk>/task/", "insights:finding_task"),
    ("drafts/<int:pk>/suggestions/", "insights:suggestions"),
    ("drafts/<int:pk>/quote-task/", "insights:quote_task"),
    ("drafts/<int:pk>/analysis/", "insights:analysis"),
    # the site's root → sources
    ("library/", "sources:library"),
    ("library/<int:pk>/", "sources:document"),
    ("library/<int:pk>/archive/", "sources:document_archive"),
    ("claims/<int:pk>/lookups/", "sources:claim_lookups"),
    ("lookups/<int:pk>/retry/", "sources:lookup_retry"),
    ("evidence/<int:pk>/attach/", "sources:evidence_attach"),
    ("evidence/<int:pk>/dismiss/", "sources:evidence_dismiss"),
    ("drafts/<int:pk>/lookups/", "sources:draft_lookups"),
    # /newsrooms/<slug>/sources/ and /suggestions/ kept their paths (now the newsrooms app's).
]


class HttpResponsePermanentRedirectKeepMethod(HttpResponsePermanentRedirect):
    status_code = 308


# No CSRF check here: the redirect changes nothing, and the new URL checks the re-sent POST.
@csrf_exempt
def moved(request: HttpRequest, *, to: str, **kwargs: object) -> HttpResponse:
    """Send the request on to the URL named ``to``, with the same keywords and query string."""
    url = reverse(to, kwargs=kwargs)
    if query := request.META.get("QUERY_STRING", ""):
        url = f"{url}?{query}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(url)
    return HttpResponsePermanentRedirectKeepMethod(url)


app_name = "legacy"

urlpatterns = [path(old, moved, {"to": to}) for old, to in MOVED]
