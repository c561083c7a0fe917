from __future__ import annotations

from django.urls import path

from factcheck.claims import views

app_name = "claims"

urlpatterns = [
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/propose/", views.claim_propose_view, name="propose"),
    path("<int:pk>/approve/", views.claim_approve_view, name="approve"),
    path("<int:pk>/send-back/", views.claim_send_back_view, name="send_back"),
    path("<int:pk>/edit/", views.claim_edit_view, name="edit"),
    path("<int:pk>/dismiss/", views.claim_dismiss_view, name="dismiss"),
    path("<int:pk>/restore/", views.claim_restore_view, name="restore"),
    path("<int:pk>/comments/", views.claim_comment, name="comment"),
    # A claim a new version set adrift (orphaned, archived): attach it, archive it, restore it.
    path("<int:pk>/attach/", views.claim_attach_view, name="attach"),
    path("<int:pk>/archive/", views.claim_archive_view, name="archive"),
    path("<int:pk>/unarchive/", views.claim_unarchive_view, name="unarchive"),
    # Marking and unmarking a draft's units: the draft page's text posts here.
    path("drafts/<int:pk>/mark/", views.claims_update, name="mark"),
]
