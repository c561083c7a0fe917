"""The Django admin: every model registered, its list, search and change pages load; nothing
that carries work can be deleted; task actions go through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Membership, Newsroom
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import comment_add, task_archive, task_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    Newsroom,
    Membership,
    Draft,
    Revision,
    Sentence,
    Claim,
    Task,
    Comment,
    AuditEntry,
    Notification,
]
# Objects that carry work are archived, dismissed or kept: never hard-deleted.
KEPT = [Draft, Revision, Sentence, Claim, Task, Comment, AuditEntry]


@pytest.fixture
def root() -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def site_admin_client(root: Any) -> Client:
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def objects(draft: Any, editor: Any, checker: Any) -> dict[type, Any]:
    sentence = draft.revisions.get().sentences.exclude(kind="boilerplate").first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    claim = claim_propose(
        claim=claim,
        by=checker,
        verdict="inaccurate",
        rationale="The council says 7 a.m.",
        links=[("https://example.org/notice", "Council notice")],
    )
    task = task_create(
        draft=draft, by=editor, title="Harbour road times", claims=[claim], assignee=checker
    )
    comment = comment_add(by=editor, body="@checker the notice is on page 2", task=task)
    return {
        Newsroom: draft.newsroom,
        Membership: Membership.objects.first(),
        Draft: draft,
        Revision: draft.revisions.get(),
        Sentence: sentence,
        Claim: claim,
        Task: task,
        Comment: comment,
        AuditEntry: AuditEntry.objects.first(),
        Notification: Notification.objects.first(),
    }


def base(model: type) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def test_every_model_is_registered_with_list_columns_and_search() -> None:
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert len(model_admin.list_display) > 1, model


def test_admin_pages_load_for_every_model(
    site_admin_client: Client, objects: dict[type, Any], draft: Any
) -> None:
    for model, obj in objects.items():
        listing = site_admin_client.get(base(model), {"q": "a"})
        assert listing.status_code == 200, model
        change = site_admin_client.get(f"{base(model)}{obj.pk}/change/")
        assert change.status_code == 200, model
    sentence = objects[Sentence]
    excerpt = draft.revisions.get().text[sentence.start : sentence.end][:40]
    assert excerpt in site_admin_client.get(base(Sentence)).content.decode()


def test_claim_page_shows_its_evidence_links_and_filters_by_verdict(
    site_admin_client: Client, objects: dict[type, Any]
) -> None:
    html = site_admin_client.get(f"{base(Claim)}{objects[Claim].pk}/change/").content.decode()
    assert "https://example.org/notice" in html and "Council notice" in html
    listing = site_admin_client.get(base(Claim), {"verdict__exact": "inaccurate"})
    assert listing.status_code == 200
    assert objects[Claim].text in listing.content.decode()
    assert "verdict" in admin.site._registry[Claim].list_filter
    assert "status" in admin.site._registry[Claim].list_filter


def test_task_page_shows_its_comments_and_the_list_its_filters(
    site_admin_client: Client, objects: dict[type, Any]
) -> None:
    html = site_admin_client.get(f"{base(Task)}{objects[Task].pk}/change/").content.decode()
    assert "the notice is on page 2" in html
    listing = site_admin_client.get(base(Task), {"status__exact": "open", "overdue": "yes"})
    assert listing.status_code == 200
    task_admin = admin.site._registry[Task]
    assert {"status", "priority"} <= set(f for f in task_admin.list_filter if isinstance(f, str))
    assert "overdue" in task_admin.list_display


@pytest.mark.parametrize("model", KEPT, ids=lambda m: m.__name__)
def test_nothing_that_carries_work_can_be_deleted(
    model: type, site_admin_client: Client, objects: dict[type, Any], root: Any
) -> None:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = root
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, objects[model]) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    obj = objects[model]
    response = site_admin_client.post(f"{base(model)}{obj.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_the_audit_trail_is_read_only(
    site_admin_client: Client, objects: dict[type, Any], root: Any
) -> None:
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/admin/")
    request.user = root
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, objects[AuditEntry]) is False
    assert site_admin_client.get(f"{base(AuditEntry)}add/").status_code == 403
    entry = objects[AuditEntry]
    summary = entry.summary
    site_admin_client.post(f"{base(AuditEntry)}{entry.pk}/change/", {"summary": "rewritten"})
    entry.refresh_from_db()
    assert entry.summary == summary


def test_archive_and_restore_actions_go_through_the_services(
    site_admin_client: Client, objects: dict[type, Any]
) -> None:
    task = objects[Task]
    url = base(Task)
    site_admin_client.post(url, {"action": "archive", "_selected_action": [task.pk]})
    task.refresh_from_db()
    assert task.archived_at is not None
    assert AuditEntry.objects.filter(object_type="task", object_id=task.pk, action="archived")
    site_admin_client.post(url, {"action": "archive", "_selected_action": [task.pk]})  # repeat
    assert (
        AuditEntry.objects.filter(object_type="task", object_id=task.pk, action="archived").count()
        == 1
    )
    site_admin_client.post(url, {"action": "restore", "_selected_action": [task.pk]})
    task.refresh_from_db()
    assert task.archived_at is None
    assert AuditEntry.objects.filter(object_type="task", object_id=task.pk, action="restored")


def test_assign_action_assigns_members_and_refuses_outsiders(
    site_admin_client: Client, objects: dict[type, Any], newsadmin: Any, outsider: Any
) -> None:
    task = objects[Task]
    url = base(Task)
    site_admin_client.post(
        url, {"action": "assign", "_selected_action": [task.pk], "assignee": newsadmin.pk}
    )
    task.refresh_from_db()
    assert task.assignee == newsadmin
    assert AuditEntry.objects.filter(object_type="task", object_id=task.pk, action="assigned")
    response = site_admin_client.post(
        url,
        {"action": "assign", "_selected_action": [task.pk], "assignee": outsider.pk},
        follow=True,
    )
    task.refresh_from_db()
    assert task.assignee == newsadmin
    assert "not a member of this newsroom" in response.content.decode()


def test_an_archived_task_can_be_found_and_restored(
    site_admin_client: Client, objects: dict[type, Any], editor: Any
) -> None:
    task = task_archive(task=objects[Task], by=editor)
    listing = site_admin_client.get(base(Task), {"archived_at__isnull": "False"})
    assert task.title in listing.content.decode()


def test_newsroom_members_cannot_reach_the_admin(editor: Any) -> None:
    client = Client()
    client.force_login(editor)
    response = client.get("/admin/drafts/draft/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_actions_are_recorded_under_the_site_admins_name(
    site_admin_client: Client, root: Any, objects: dict[type, Any], newsadmin: Any
) -> None:
    task = objects[Task]
    url = base(Task)
    site_admin_client.post(url, {"action": "archive", "_selected_action": [task.pk]})
    site_admin_client.post(url, {"action": "restore", "_selected_action": [task.pk]})
    site_admin_client.post(
        url, {"action": "assign", "_selected_action": [task.pk], "assignee": newsadmin.pk}
    )
    entries = AuditEntry.objects.filter(object_type="task", object_id=task.pk)
    actors = {
        e.action: e.actor for e in entries if e.action in {"archived", "restored", "assigned"}
    }
    assert actors == {"archived": root, "restored": root, "assigned": root}


def test_a_staff_user_without_a_role_in_the_newsroom_is_refused(
    objects: dict[type, Any], newsroom: Any
) -> None:
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_task", "change_task"]))
    client = Client()
    client.force_login(staff)
    task = objects[Task]
    response = client.post(
        base(Task), {"action": "archive", "_selected_action": [task.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "does not allow that" in response.content.decode()
    task.refresh_from_db()
    assert task.archived_at is None


def test_site_admins_may_act_in_every_newsroom_and_only_while_active(
    root: Any, newsroom: Any, other_newsroom: Any, outsider: Any
) -> None:
    from factcheck.newsrooms.access import Capability, may

    assert may(root, newsroom.pk, Capability.APPROVE)
    assert may(root, other_newsroom.pk, Capability.MANAGE_MEMBERS)
    assert not may(outsider, newsroom.pk, Capability.MARK_CLAIMS)
    root.is_active = False
    assert not may(root, newsroom.pk, Capability.APPROVE)


def test_finding_actions_go_through_the_services_under_the_site_admins_name(
    site_admin_client: Client, root: Any, newsroom: Any, editor: Any
) -> None:
    from factcheck.drafts.services import draft_import
    from factcheck.insights.models import Finding

    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text=(
            "Rescue\n\nA coastguard AW-139 helicopter flew the first 40 passengers out.\n\n"
            "It was a grey morning.\n\n"
            "Later, a coastguard AW-169 helicopter flew the first 40 passengers out.\n"
        ),
    )
    finding = Finding.objects.get(draft=draft)
    url = "/admin/insights/finding/"
    response = site_admin_client.post(
        url, {"action": "dismiss", "_selected_action": [finding.pk]}, follow=True
    )
    assert "1 finding(s) changed." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISMISSED and finding.decided_by == root
    entry = AuditEntry.objects.get(object_type="finding", object_id=finding.pk, action="dismissed")
    assert entry.actor == root
    site_admin_client.post(url, {"action": "reopen", "_selected_action": [finding.pk]})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


# --- Nothing a service owns changes through a change form (issue 16) ------------------------------


def _form_data(client: Client, url: str) -> dict[str, str]:
    """The inputs of the admin's change form as the page gives them (hidden ones included)."""
    import re

    html = client.get(url).content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag and 'type="checkbox"' not in tag:
            data[name.group(1)] = value.group(1) if value else ""
    return data


def _evidence(claim: Claim, url: str = "https://example.org/found") -> Any:
    from django.utils import timezone

    from factcheck.sources.models import Evidence

    return Evidence.objects.create(
        claim=claim, source="wikipedia", url=url, title="Found", retrieved_at=timezone.now()
    )


def _document(newsroom: Any, editor: Any) -> Any:
    from factcheck.sources.library import document_upload

    return document_upload(
        newsroom=newsroom,
        by=editor,
        name="notice.txt",
        data=b"The council closed the harbour road at 6 a.m. on Monday.",
        title="Council notice",
    )


def _rows(model: type, pk: int) -> dict[str, Any]:
    return {f.attname: getattr(model.objects.get(pk=pk), f.attname) for f in model._meta.fields}


def test_a_post_to_a_change_form_alters_no_text_offsets_or_workflow(
    site_admin_client: Client,
    objects: dict[type, Any],
    other_newsroom: Any,
    newsroom: Any,
    editor: Any,
) -> None:
    from factcheck.insights.models import Finding
    from factcheck.sources.models import Evidence, ReferenceDocument

    claim = objects[Claim]
    evidence = _evidence(claim)
    document = _document(newsroom, editor)
    finding = Finding.objects.create(
        draft=claim.draft,
        revision=claim.revision,
        kind="name_variant",
        summary="Holt vs Holte",
        sentence_a=claim.sentence,
        sentence_b=claim.sentence,
    )
    forged = {
        Claim: {"text": "Forged words", "start": 0, "end": 3, "status": "approved"},
        Revision: {"text": "Forged text", "number": 9},
        Sentence: {"start": 0, "end": 1, "kind": "boilerplate"},
        Evidence: {"url": "https://forged.example/", "status": "attached"},
        ReferenceDocument: {"title": "Forged", "text": "Forged", "archived_at": "2026-01-01"},
        Finding: {"summary": "Forged", "status": "dismissed"},
        Task: {"title": "Forged", "status": "done"},
    }
    targets = {**objects, Evidence: evidence, ReferenceDocument: document, Finding: finding}
    entries = AuditEntry.objects.count()
    for model, values in forged.items():
        pk = targets[model].pk
        before = _rows(model, pk)
        response = site_admin_client.post(f"{base(model)}{pk}/change/", values)
        assert response.status_code == 403, model
        assert site_admin_client.post(f"{base(model)}add/", values).status_code == 403, model
        assert _rows(model, pk) == before, model
    assert AuditEntry.objects.count() == entries


def test_a_drafts_title_changes_through_the_service_and_its_newsroom_never(
    site_admin_client: Client, root: Any, draft: Any, other_newsroom: Any
) -> None:
    url = f"{base(Draft)}{draft.pk}/change/"
    data = _form_data(site_admin_client, url)
    assert data["seen_version"] == str(draft.version)
    data |= {"title": "Storm closes the harbour road", "newsroom": str(other_newsroom.pk)}
    data |= {"created_by": str(root.pk), "cleared_at": "2026-01-01"}

    response = site_admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Draft.objects.get(pk=draft.pk)
    assert fresh.title == "Storm closes the harbour road"
    assert (fresh.newsroom_id, fresh.created_by_id, fresh.cleared_at) == (
        draft.newsroom_id,
        draft.created_by_id,
        None,
    )
    assert fresh.version == draft.version + 1
    entry = AuditEntry.objects.get(object_type="draft", object_id=draft.pk, action="edited")
    assert entry.actor == root and entry.changes["title"][1] == fresh.title


def test_a_stale_draft_form_is_refused_and_loses_nothing(
    site_admin_client: Client, draft: Any, editor: Any
) -> None:
    from factcheck.drafts.services import draft_update

    url = f"{base(Draft)}{draft.pk}/change/"
    data = _form_data(site_admin_client, url) | {"title": "The admin's title"}
    draft_update(
        draft=draft, by=editor, expected_version=1, title="The editor's title", deadline=None
    )

    response = site_admin_client.post(url, data)

    assert response.status_code == 200  # the form again, with the message
    assert "Someone changed this draft while you were editing it" in response.content.decode()
    assert Draft.objects.get(pk=draft.pk).title == "The editor's title"


def test_drafts_are_not_added_in_the_admin(site_admin_client: Client) -> None:
    assert site_admin_client.get(f"{base(Draft)}add/").status_code == 403


# Changed elsewhere in issue 16 (members through services): until then the newsroom's name and
# its memberships are edited by the admin's own forms.
def test_every_admin_that_saves_goes_through_a_service(root: Any) -> None:
    """A registered model admin either refuses to change rows (a view page), or saves them in
    its own save_model (a service), never with the ModelAdmin's own save."""
    request = RequestFactory().get("/admin/")
    request.user = root
    saving = set()
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("factcheck."):
            continue  # Django's own: users and groups
        if not model_admin.has_change_permission(request):
            continue
        saving.add(model.__name__)
        assert type(model_admin).save_model is not admin.ModelAdmin.save_model, model
        if model_admin.has_delete_permission(request):
            # Removing goes through a service too, one row or a selection (a membership).
            assert type(model_admin).delete_model is not admin.ModelAdmin.delete_model, model
            assert type(model_admin).delete_queryset is not admin.ModelAdmin.delete_queryset
        else:
            assert type(model_admin).delete_model is admin.ModelAdmin.delete_model, model
    assert saving == {"Draft", "SourceSettings", "Membership", "Newsroom"}


def test_a_newsroom_is_opened_and_renamed_through_the_services(
    site_admin_client: Client, root: Any, newsroom: Any
) -> None:
    members = {"memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}  # the inline
    added = site_admin_client.post(
        f"{base(Newsroom)}add/", {"name": "Harbour Post", "slug": "hp", **members}
    )
    opened = Newsroom.objects.get(slug="hp")
    assert added.status_code == 302
    created = AuditEntry.objects.get(object_type="newsroom", object_id=opened.pk)
    assert (created.action, created.actor) == ("created", root)

    url = f"{base(Newsroom)}{newsroom.pk}/change/"
    form = {"name": "Demo Newsroom Daily", "slug": "taken-over", **members}
    assert site_admin_client.post(url, form).status_code == 302
    newsroom.refresh_from_db()
    assert (newsroom.name, newsroom.slug) == ("Demo Newsroom Daily", "demo")  # the slug stays
    renamed = AuditEntry.objects.get(
        object_type="newsroom", object_id=newsroom.pk, action="renamed"
    )
    assert renamed.changes["name"][1] == "Demo Newsroom Daily" and renamed.actor == root
    assert site_admin_client.post(f"{base(Newsroom)}{newsroom.pk}/delete/").status_code == 403


def test_claim_actions_go_through_the_services_under_the_site_admins_name(
    site_admin_client: Client, root: Any, objects: dict[type, Any]
) -> None:
    claim = objects[Claim]
    url = base(Claim)
    site_admin_client.post(url, {"action": "dismiss", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    site_admin_client.post(url, {"action": "restore", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNCHECKED
    moves = AuditEntry.objects.filter(object_type="claim", object_id=claim.pk, actor=root)
    assert [e.changes["status"] for e in moves.order_by("id")] == [
        ["proposed", "dismissed"],
        ["dismissed", "unchecked"],
    ]


def test_evidence_actions_go_through_the_services(
    site_admin_client: Client, root: Any, objects: dict[type, Any]
) -> None:
    from factcheck.sources.models import Evidence

    claim = objects[Claim]
    kept, dropped = _evidence(claim, "https://example.org/kept"), _evidence(claim, "https://x.org/")
    url = "/admin/sources/evidence/"
    response = site_admin_client.post(
        url, {"action": "attach", "_selected_action": [kept.pk]}, follow=True
    )
    assert "Attached 1 evidence(s)." in response.content.decode()
    site_admin_client.post(url, {"action": "dismiss", "_selected_action": [dropped.pk]})
    assert dict(Evidence.objects.values_list("pk", "status")) == {
        kept.pk: "attached",
        dropped.pk: "dismissed",
    }
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 2
    actions = AuditEntry.objects.filter(object_type="claim", object_id=claim.pk, actor=root)
    assert sorted(actions.values_list("action", flat=True)) == [
        "evidence_attached",
        "evidence_dismissed",
    ]


def test_draft_and_document_actions_go_through_the_services(
    site_admin_client: Client, root: Any, draft: Any, newsroom: Any, editor: Any
) -> None:
    from factcheck.sources.models import ReferenceDocument

    site_admin_client.post(base(Draft), {"action": "archive", "_selected_action": [draft.pk]})
    assert Draft.objects.get(pk=draft.pk).archived_at is not None
    site_admin_client.post(base(Draft), {"action": "restore", "_selected_action": [draft.pk]})
    assert Draft.objects.get(pk=draft.pk).archived_at is None
    draft_actions = AuditEntry.objects.filter(object_type="draft", object_id=draft.pk, actor=root)
    assert sorted(draft_actions.values_list("action", flat=True)) == ["archived", "restored"]
    document = _document(newsroom, editor)
    site_admin_client.post(
        "/admin/sources/referencedocument/",
        {"action": "archive", "_selected_action": [document.pk]},
    )
    assert ReferenceDocument.objects.get(pk=document.pk).archived_at is not None
    assert (
        AuditEntry.objects.get(
            object_type="referencedocument", object_id=document.pk, action="archived"
        ).actor
        == root
    )
