"""Each app's URLs under its own prefix and namespace; then the old paths, sent on."""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from factcheck.drafts import views as draft_views
from factcheck.ops import health

# The admin's login is the site's login, with its throttling and second factor: an anonymous
# visitor is sent to /accounts/login/, a logged-in non-staff user refused (403).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

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
    # django-allauth: login, logout, password reset and change, email addresses, 2FA
    # (/accounts/2fa/), single sign-on (/accounts/oidc/…); docs/accounts.md.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Public on purpose, for load balancers and monitors: no login, nothing of any newsroom.
    path("healthz", health.healthz, name="healthz"),
    # Last, so that no old path can shadow a new one.
    path("", include("factcheck.legacy_urls")),
]
