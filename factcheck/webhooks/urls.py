"""`/webhooks/`: a newsroom's webhooks, a hook's page and delivery log, re-sending a delivery."""

from __future__ import annotations

from django.urls import path

from factcheck.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("newsrooms/<slug:slug>/", views.webhook_list, name="list"),
    path("newsrooms/<slug:slug>/new/", views.webhook_new, name="create"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/delete/", views.webhook_remove, name="delete"),
    path("<int:pk>/deliveries/", views.webhook_deliveries, name="deliveries"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend_view, name="resend"),
]
