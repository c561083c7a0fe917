from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from factcheck.drafts import views as draft_views

urlpatterns = [
    path("", draft_views.dashboard, name="dashboard"),
    path("drafts/", include("factcheck.drafts.urls")),
    path("claims/", include("factcheck.claims.urls")),
    path("notifications/", include("factcheck.notifications.urls")),
    path("", include("factcheck.reviews.urls")),
    path("", include("factcheck.sources.lookup_urls")),
    path("", include("factcheck.sources.urls")),
    path("", include("factcheck.insights.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
