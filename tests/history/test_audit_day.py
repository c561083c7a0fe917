"""Audit proof (issue 16): a scripted day of work on a draft, the site admin's changes included,
where the history holds exactly one entry for each change made.

The changes are counted from the database, not from the services: before and after each step
the rows that carry work are read, and every change found is a mutation. A versioned row
(draft, claim, task, finding) counts each version it moved on (a task taken to review then done
by one click: two); a claim changed without a new version (a new revision moved it) counts one;
a comment, a reference document or a newsroom's source settings created or changed counts one;
so does a new revision (its load) and a revision's analysis finishing. Rows that belong to
another's record are not counted again: a draft's first revision and its units (the draft's
creation), findings the analysis stores (the analysis's entry), evidence links and evidence
statuses (the claim's version), the lookups and what they found (the workers' own record, not a
change to work). Each step must add as many history entries as mutations, about the same
objects; a refused change adds neither.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_edit,
    claim_mark,
    claim_mark_sentence,
    claim_propose,
    claim_send_back,
)
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss, finding_reopen, finding_task_create
from factcheck.publishing.models import Publication
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import comment_add, task_assign, task_create, task_move
from factcheck.sources.backends.base import Hit
from factcheck.sources.library import document_upload
from factcheck.sources.models import Evidence, ReferenceDocument, SourceSettings
from factcheck.sources.services import (
    evidence_attach,
    evidence_dismiss,
    lookup_begin,
    lookup_store,
    lookups_start,
    source_settings_save,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Rescue at the harbour\n\n"
    "A coastguard AW-139 helicopter flew the first 40 passengers out on Monday.\n\n"
    "The council said 300 homes lost power after waves breached the sea wall.\n\n"
    "Mayor Ines Holt said the road would reopen on Wednesday.\n\n"
    "Later, a coastguard AW-169 helicopter flew the first 40 passengers out.\n"
)
VERSIONED = {"draft": Draft, "claim": Claim, "task": Task, "finding": Finding}
IGNORED = {"updated_at"}  # a touch, not a change


def _rows(model: Any) -> dict[int, dict[str, Any]]:
    return {
        obj.pk: {k: v for k, v in model_to_dict(obj).items() if k not in IGNORED}
        for obj in model.objects.all()
    }


def _snapshot() -> dict[str, Any]:
    snap: dict[str, Any] = {name: _rows(model) for name, model in VERSIONED.items()}
    # What a claim's verdict rests on is part of the claim: its links and the evidence a person
    # attached or dismissed (new evidence is the lookups' finding, not a change to work).
    links: dict[int, list[str]] = {}
    for claim_id, url in Claim.links.rel.related_model.objects.values_list("claim_id", "url"):
        links.setdefault(claim_id, []).append(url)
    decided: dict[int, list[tuple[int, str]]] = {}
    for pk, claim_id, status in Evidence.objects.exclude(status="new").values_list(
        "pk", "claim_id", "status"
    ):
        decided.setdefault(claim_id, []).append((pk, status))
    for pk, row in snap["claim"].items():
        row["links"] = sorted(links.get(pk, []))
        row["evidence"] = sorted(decided.get(pk, []))
    snap["revision"] = dict(Revision.objects.values_list("pk", "analysis"))
    snap["revision_number"] = dict(Revision.objects.values_list("pk", "number"))
    snap["comment"] = set(Comment.objects.values_list("pk", flat=True))
    snap["referencedocument"] = _rows(ReferenceDocument)
    snap["sourcesettings"] = _rows(SourceSettings)
    snap["publication"] = _rows(Publication)
    return snap


def mutations(before: dict[str, Any], after: dict[str, Any]) -> Counter[tuple[str, int]]:
    """The changes between two snapshots, by the object whose record they belong to."""
    found: Counter[tuple[str, int]] = Counter()
    for name in VERSIONED:
        for pk, row in after[name].items():
            old = before[name].get(pk)
            if old is None:
                if name != "finding":  # stored by the analysis: its entry records them
                    found[name, pk] += row["version"]
            elif row["version"] != old["version"]:
                found[name, pk] += row["version"] - old["version"]
            elif name != "finding" and row != old:
                found[name, pk] += 1  # changed without a new version (a revision moved it)
    for pk, analysis in after["revision"].items():
        if pk not in before["revision"] and after["revision_number"][pk] > 1:
            found["draft-revision", pk] += 1  # a new version loaded
        if analysis == "done" and before["revision"].get(pk) != "done":
            found["revision", pk] += 1
    for pk in after["comment"] - before["comment"]:
        found["comment", pk] += 1
    for name in ("referencedocument", "sourcesettings", "publication"):
        for pk, row in after[name].items():
            if before[name].get(pk) != row:
                found[name, pk] += 1
    return found


@dataclass
class Day:
    """Runs the day's steps, checking each one's history against its mutations."""

    steps: list[tuple[str, int, int, User | None]] = field(default_factory=list)

    def step(self, what: str, action: Callable[[], object], *, actor: User | None) -> None:
        before, first = (
            _snapshot(),
            AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        )
        action()
        found = mutations(before, _snapshot())
        entries = list(AuditEntry.objects.filter(id__gt=first).order_by("id"))
        made = sum(found.values())
        detail = f"{what}: mutations {dict(found)}; entries " + "; ".join(
            f"{e.object_type} {e.object_id} {e.action} by {e.actor}" for e in entries
        )
        assert len(entries) == made, detail
        # About the same objects (a new version is recorded on its draft).
        recorded = Counter(
            ("draft-revision" if e.action == "revision_loaded" else e.object_type, e.object_id)
            for e in entries
        )
        changed = Counter(
            {
                (k if k[0] != "draft-revision" else ("draft-revision", _draft_of(k[1]))): n
                for k, n in found.items()
            }
        )
        assert recorded == changed, detail
        people = {e.actor for e in entries} - {None}
        assert people <= {actor}, detail  # only the analysis (the system) acts besides them
        self.steps.append((what, made, len(entries), actor))


def _draft_of(revision_pk: int) -> int:
    return Revision.objects.values_list("draft_id", flat=True).get(pk=revision_pk)


def test_a_day_of_work_has_one_history_entry_per_change(
    newsroom: Any, editor: Any, checker: Any, newsadmin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.sources import tasks

    monkeypatch.setattr(tasks.lookup_run, "delay", lambda pk: None)  # the worker runs below
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    day = Day()
    box: dict[str, Any] = {}

    def unit(n: int) -> Sentence:
        revision = box["draft"].revisions.order_by("-number").first()
        return revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")[n]

    def fresh(obj: Any) -> Any:
        return type(obj).objects.get(pk=obj.pk)

    # Morning: the draft comes in, the editor marks what must be checked and hands it out.
    day.step(
        "newsroom admin turns on the library",
        lambda: source_settings_save(
            newsroom=newsroom,
            by=newsadmin,
            values={"library_enabled": True, "wikipedia_enabled": False},
        ),
        actor=newsadmin,
    )
    day.step(
        "editor uploads a council notice",
        lambda: box.update(
            doc=document_upload(
                newsroom=newsroom,
                by=editor,
                name="notice.txt",
                data=b"300 homes lost power.",
                title="Notice",
            )
        ),
        actor=editor,
    )
    day.step(
        "editor loads the draft",
        lambda: box.update(
            draft=draft_import(newsroom=newsroom, by=editor, text=TEXT, title="Harbour rescue")
        ),
        actor=editor,
    )
    day.step(
        "editor marks two sentences",
        lambda: box.update(
            homes=claim_mark_sentence(sentence=unit(2), by=editor),
            mayor=claim_mark_sentence(sentence=unit(3), by=editor),
        ),
        actor=editor,
    )
    day.step(
        "editor marks a span",
        lambda: box.update(
            span=claim_mark(
                revision=unit(1).revision,
                start=unit(1).start + 2,
                end=unit(1).start + 33,
                by=editor,
            )
        ),
        actor=editor,
    )
    day.step(
        "editor marks a span again (a double click)",
        lambda: claim_mark(
            revision=unit(1).revision, start=unit(1).start + 2, end=unit(1).start + 33, by=editor
        ),
        actor=editor,
    )
    day.step(
        "editor makes a task of two claims",
        lambda: box.update(
            task=task_create(
                draft=box["draft"],
                by=editor,
                title="Power and road",
                claims=[box["homes"], box["mayor"]],
            )
        ),
        actor=editor,
    )
    day.step(
        "editor assigns it",
        lambda: task_assign(task=box["task"], by=editor, assignee=checker),
        actor=editor,
    )
    day.step(
        "checker starts it",
        lambda: task_move(
            task=box["task"],
            by=checker,
            to=Task.Status.IN_PROGRESS,
            expected_version=fresh(box["task"]).version,
        ),
        actor=checker,
    )
    day.step(
        "checker comments",
        lambda: comment_add(by=checker, body="@editor notice attached", task=box["task"]),
        actor=checker,
    )

    # The lookups' workers find evidence: their own record, no change to work.
    def look_up() -> None:
        for lookup in lookups_start(claims=[box["homes"]], by=checker):
            begun = lookup_begin(lookup_id=lookup.pk)
            assert begun is not None
            lookup_store(
                lookup=begun,
                hits=[
                    Hit(url=f"https://example.org/{n}", title=f"Report {n}", snippet="power")
                    for n in (1, 2, 3)
                ],
            )

    day.step("the lookups run", look_up, actor=checker)
    found = list(Evidence.objects.filter(claim=box["homes"]).order_by("url"))
    day.step(
        "checker attaches evidence",
        lambda: evidence_attach(evidence=found[0], by=checker),
        actor=checker,
    )
    day.step(
        "checker dismisses evidence",
        lambda: evidence_dismiss(evidence=found[1], by=checker),
        actor=checker,
    )
    day.step(
        "checker attaches it again (a double click)",
        lambda: evidence_attach(evidence=found[0], by=checker),
        actor=checker,
    )
    day.step(
        "checker proposes the first verdict",
        lambda: claim_propose(
            claim=box["homes"],
            by=checker,
            verdict="accurate",
            rationale="The notice says 300.",
            expected_version=fresh(box["homes"]).version,
        ),
        actor=checker,
    )
    day.step(
        "checker proposes the second (the task goes to review)",
        lambda: claim_propose(
            claim=box["mayor"],
            by=checker,
            verdict="misleading",
            rationale="She said Thursday.",
            links=[("https://example.org/mayor", "Mayor's statement")],
            expected_version=fresh(box["mayor"]).version,
        ),
        actor=checker,
    )
    day.step(
        "editor sends the second back",
        lambda: claim_send_back(
            claim=box["mayor"],
            by=editor,
            note="Which statement?",
            expected_version=fresh(box["mayor"]).version,
        ),
        actor=editor,
    )
    day.step(
        "checker proposes it again",
        lambda: claim_propose(
            claim=box["mayor"],
            by=checker,
            verdict="misleading",
            rationale="Tuesday's statement says Thursday.",
            expected_version=fresh(box["mayor"]).version,
        ),
        actor=checker,
    )
    day.step(
        "editor approves the first",
        lambda: claim_approve(
            claim=box["homes"], by=editor, expected_version=fresh(box["homes"]).version
        ),
        actor=editor,
    )
    day.step(
        "editor approves the second (the task is done)",
        lambda: claim_approve(
            claim=box["mayor"], by=editor, expected_version=fresh(box["mayor"]).version
        ),
        actor=editor,
    )
    day.step(
        "editor dismisses the span claim",
        lambda: claim_dismiss(claim=box["span"], by=editor),
        actor=editor,
    )

    # Afternoon: the finding is dismissed and the draft clears; evidence comes in after the
    # approval; the finding is reopened and becomes a task (a double click: one task).
    finding = Finding.objects.get(draft=box["draft"])
    day.step(
        "editor dismisses the finding (the draft clears)",
        lambda: finding_dismiss(finding=finding, by=editor),
        actor=editor,
    )
    assert fresh(box["draft"]).cleared_at is not None
    day.step(
        "checker attaches evidence under an approved verdict (the draft loses its clearance)",
        lambda: evidence_attach(evidence=found[2], by=checker),
        actor=checker,
    )
    assert fresh(box["draft"]).cleared_at is None
    day.step(
        "editor reopens the finding",
        lambda: finding_reopen(finding=fresh(finding), by=editor),
        actor=editor,
    )
    day.step(
        "editor makes a task of the finding",
        lambda: finding_task_create(finding=fresh(finding), by=editor),
        actor=editor,
    )
    day.step(
        "editor clicks it again",
        lambda: finding_task_create(finding=fresh(finding), by=editor),
        actor=editor,
    )
    day.step(
        "editor edits a claim's wording",
        lambda: claim_edit(
            claim=box["homes"],
            by=editor,
            expected_version=fresh(box["homes"]).version,
            text="300 homes lost power",
        ),
        actor=editor,
    )
    day.step(
        "editor loads a new version",
        lambda: revision_load(
            draft=box["draft"],
            by=editor,
            text=TEXT.replace("Wednesday", "Thursday"),
        ),
        actor=editor,
    )

    # Evening: the site admin's changes, through the admin.
    def admin_post(url: str, data: dict[str, Any], code: int = 302) -> None:
        assert admin.post(url, data).status_code == code

    tasks_url, claims_url = "/admin/reviews/task/", "/admin/claims/claim/"
    day.step(
        "admin dismisses a claim",
        lambda: admin_post(
            claims_url, {"action": "dismiss", "_selected_action": [box["mayor"].pk]}
        ),
        actor=root,
    )
    day.step(
        "admin restores it",
        lambda: admin_post(
            claims_url, {"action": "restore", "_selected_action": [box["mayor"].pk]}
        ),
        actor=root,
    )
    day.step(
        "admin archives the first task",
        lambda: admin_post(tasks_url, {"action": "archive", "_selected_action": [box["task"].pk]}),
        actor=root,
    )
    day.step(
        "admin attaches the dismissed evidence",
        lambda: admin_post(
            "/admin/sources/evidence/", {"action": "attach", "_selected_action": [found[1].pk]}
        ),
        actor=root,
    )
    day.step(
        "admin archives the notice",
        lambda: admin_post(
            "/admin/sources/referencedocument/",
            {"action": "archive", "_selected_action": [box["doc"].pk]},
        ),
        actor=root,
    )

    def retitle() -> None:
        draft = fresh(box["draft"])
        data = {
            "title": "Harbour rescue: 40 flown out",
            "deadline": "",
            "seen_version": draft.version,
            "revisions-TOTAL_FORMS": 0,
            "revisions-INITIAL_FORMS": 0,
        }
        response = admin.post(f"/admin/drafts/draft/{draft.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:3000]

    day.step("admin retitles the draft", retitle, actor=root)
    day.step(
        "admin tries to rewrite a claim's words (refused)",
        lambda: admin_post(
            f"{claims_url}{box['homes'].pk}/change/", {"text": "Forged", "start": 0, "end": 2}, 403
        ),
        actor=root,
    )

    total_mutations = sum(made for _, made, _, _ in day.steps)
    total_entries = sum(entries for _, _, entries, _ in day.steps)
    by_admin = sum(entries for _, _, entries, actor in day.steps if actor == root)
    print(
        f"{len(day.steps)} steps, {total_mutations} mutations, {total_entries} history entries "
        f"({by_admin} by the site admin)"
    )
    assert total_entries == total_mutations
    assert total_entries == AuditEntry.objects.count()  # nothing written outside the steps
    assert by_admin == AuditEntry.objects.filter(actor=root).count() == 6
    actions = Counter(AuditEntry.objects.values_list("object_type", "action"))
    print(sorted(actions.items()))
    for done in [
        ("draft", "cleared"),
        ("draft", "uncleared"),
        ("draft", "revision_loaded"),
        ("claim", "evidence_attached"),
        ("claim", "evidence_dismissed"),
        ("finding", "tasked"),
        ("task", "status"),
    ]:
        assert actions[done], done  # the day did what it says
