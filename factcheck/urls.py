"""Each app's URLs under its own prefix and namespace; then the old paths, sent on."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from factcheck.drafts import views as draft_views
from factcheck.ops import health

urlpatterns = [
    path("", draft_views.dashboard, name="dashboard"),
    path("newsrooms/", include("factcheck.newsrooms.urls")),
    path("drafts/", include("factcheck.drafts.urls")),
    path("claims/", include("factcheck.claims.urls")),
    path("reviews/", include("factcheck.reviews.urls")),
    path("history/", include("factcheck.history.urls")),
    path("insights/", include("factcheck.insights.urls")),
    path("sources/", include("factcheck.sources.urls")),
    path("notifications/", include("factcheck.notifications.urls")),
    # /publishing/…, and the newsroom's public feed /newsrooms/<slug>/claimreview.json (no
    # pattern of newsrooms.urls matches it).
    path("", include("factcheck.publishing.urls")),
    path("webhooks/", include("factcheck.webhooks.urls")),
    path("api/", include("factcheck.api.urls")),
    path("api-tokens/", include("factcheck.api.page_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Public on purpose, for load balancers and monitors: no login, nothing of any newsroom.
    path("healthz", health.healthz, name="healthz"),
    # Last, so that no old path can shadow a new one.
    path("", include("factcheck.legacy_urls")),
]
