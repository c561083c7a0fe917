"""The clearance report: what was checked in a draft, by whom, and whether it may be published.

:func:`clearance_report` gathers the data in a fixed number of queries; :func:`report_markdown`
and :func:`report_csv` render it as text for the downloads and ``export_draft --format md|csv``.
The printable HTML page renders the same :class:`ClearanceReport`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.drafts.models import Draft
from factcheck.reviews.models import Task
from factcheck.reviews.selectors import Blocker, clearance_blockers

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CSV_COLUMNS = [
    "id",
    "start",
    "end",
    "text",
    "status",
    "verdict",
    "rationale",
    "proposed_by",
    "approved_by",
    "links",
]
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LinkRow:
    url: str
    note: str


@dataclass(frozen=True)
class ClaimRow:
    id: int
    revision: int
    start: int
    end: int
    text: str
    status: str
    status_label: str
    verdict: str
    verdict_label: str
    rationale: str
    proposed_by: str
    proposed_at: datetime | None
    approved_by: str
    approved_at: datetime | None
    links: list[LinkRow]
    url: str


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    status: str
    status_label: str
    priority_label: str
    assignee: str
    due_at: datetime | None
    overdue: bool
    archived: bool
    claims: list[int]
    url: str


@dataclass(frozen=True)
class ClearanceReport:
    draft: Draft
    title: str
    newsroom: str
    revision: int
    deadline: datetime | None
    cleared_at: datetime | None
    cleared_by: str
    blockers: list[Blocker]
    claims: list[ClaimRow]
    tasks: list[TaskRow]
    generated_at: datetime

    @property
    def is_cleared(self) -> bool:
        return self.cleared_at is not None

    @property
    def live_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks if not t.archived]


def clearance_report(draft: Draft) -> ClearanceReport:
    """Everything the report shows, in eight queries however many claims and tasks there are."""
    draft = Draft.objects.select_related("newsroom", "cleared_by").get(pk=draft.pk)
    # Only the number: the revision's text can be megabytes.
    revision = draft.revisions.order_by("-number").values_list("number", flat=True).first()
    claims = (
        Claim.objects.filter(draft=draft)
        .select_related("revision", "proposed_by", "reviewed_by")
        .defer("revision__text")  # megabytes, once per claim otherwise
        .prefetch_related(Prefetch("links", queryset=EvidenceLink.objects.order_by("pk")))
        .order_by("-revision__number", "start", "end", "pk")
    )
    tasks = (
        Task.objects.filter(draft=draft)
        .select_related("assignee")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.only("pk").order_by("pk")))
        .order_by("archived_at", "due_at", "pk")
    )
    return ClearanceReport(
        draft=draft,
        title=draft.title,
        newsroom=draft.newsroom.name,
        revision=revision or 0,
        deadline=draft.deadline,
        cleared_at=draft.cleared_at,
        cleared_by=_name(draft.cleared_by),
        blockers=clearance_blockers(draft),
        claims=[_claim_row(c) for c in claims],
        tasks=[_task_row(t) for t in tasks],
        generated_at=timezone.now(),
    )


def _claim_row(claim: Claim) -> ClaimRow:
    approved = claim.status == Claim.Status.APPROVED
    return ClaimRow(
        id=claim.pk,
        revision=claim.revision.number,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        status=claim.status,
        status_label=claim.get_status_display(),
        verdict=claim.verdict,
        verdict_label=claim.get_verdict_display() if claim.verdict else "",
        rationale=claim.rationale,
        proposed_by=_name(claim.proposed_by),
        proposed_at=claim.proposed_at,
        # reviewed_by is also who sent a verdict back: it is an approval only when approved.
        approved_by=_name(claim.reviewed_by) if approved else "",
        approved_at=claim.reviewed_at if approved else None,
        links=[LinkRow(link.url, link.note) for link in claim.links.all()],
        url=claim.get_absolute_url(),
    )


def _task_row(task: Task) -> TaskRow:
    return TaskRow(
        id=task.pk,
        title=task.title,
        status=task.status,
        status_label=task.get_status_display(),
        priority_label=task.get_priority_display(),
        assignee=_name(task.assignee),
        due_at=task.due_at,
        overdue=task.is_overdue,
        archived=task.archived_at is not None,
        claims=[c.pk for c in task.claims.all()],
        url=task.get_absolute_url(),
    )


def _name(user: User | None) -> str:
    return user.get_username() if user is not None else ""


# --- Markdown -----------------------------------------------------------------------------------


def report_markdown(report: ClearanceReport, *, site_url: str | None = None) -> str:
    """The report as Markdown; links are absolute (``SITE_URL``) so they work outside the app."""
    base = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
    lines = [
        f"# Clearance report: {_md(report.title)}",
        "",
        f"- Newsroom: {_md(report.newsroom)}",
        f"- Revision: {report.revision}",
        f"- Deadline: {_when(report.deadline) or 'none'}",
    ]
    if report.is_cleared:
        lines.append(
            f"- Status: **Cleared for publication** on {_when(report.cleared_at)}"
            + (f" by {_md(report.cleared_by)}" if report.cleared_by else "")
        )
    else:
        lines.append(f"- Status: **Not cleared**: {_count(len(report.blockers), 'blocker')}")
    lines += [f"- Generated: {_when(report.generated_at)}", ""]

    lines += ["## Blockers", ""]
    if report.blockers:
        lines += [f"- [{_md(b.text)}]({base}{b.url})" for b in report.blockers]
    else:
        lines.append("None.")
    lines.append("")

    lines += [f"## Claims ({len(report.claims)})", ""]
    if not report.claims:
        lines += ["No claims were marked.", ""]
    for claim in report.claims:
        lines += [f"### Claim #{claim.id}", "", f"> {_md(claim.text)}", ""]
        lines.append(f"- Link: {base}{claim.url} (revision {claim.revision})")
        lines.append(f"- Status: {claim.status_label}")
        lines.append(f"- Verdict: {claim.verdict_label or '—'}")
        if claim.rationale:
            lines.append(f"- Rationale: {_md(claim.rationale)}")
        if claim.proposed_by:
            lines.append(f"- Proposed by {_md(claim.proposed_by)} on {_when(claim.proposed_at)}")
        if claim.approved_by:
            lines.append(f"- Approved by {_md(claim.approved_by)} on {_when(claim.approved_at)}")
        if claim.links:
            lines.append("- Evidence:")
            lines += [
                f"  - <{link.url}>" + (f" — {_md(link.note)}" if link.note else "")
                for link in claim.links
            ]
        lines.append("")

    lines += [f"## Tasks ({len(report.tasks)})", ""]
    if report.tasks:
        lines += [
            "| Task | Status | Assignee | Due | Claims |",
            "| --- | --- | --- | --- | --- |",
        ]
        for task in report.tasks:
            status = task.status_label + (" (archived)" if task.archived else "")
            status += " — overdue" if task.overdue else ""
            claims = ", ".join(f"#{pk}" for pk in task.claims) or "—"
            lines.append(
                f"| [{_md(task.title)}]({base}{task.url}) | {status} | "
                f"{_md(task.assignee) or '—'} | {_when(task.due_at) or '—'} | {claims} |"
            )
    else:
        lines.append("No tasks.")
    lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Keep user text from turning into Markdown markup: escape the characters that start it,
    and fold line breaks so a rationale cannot end a list item early."""
    out = " ".join(text.split())
    for char in "\\`*_[]<>#|":
        out = out.replace(char, "\\" + char)
    return out


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- CSV ----------------------------------------------------------------------------------------


def report_csv(report: ClearanceReport) -> str:
    """One row per claim, columns :data:`CSV_COLUMNS`; ``links`` holds the URLs, space-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for claim in report.claims:
        writer.writerow(
            _safe_row(
                [
                    claim.id,
                    claim.start,
                    claim.end,
                    claim.text,
                    claim.status,
                    claim.verdict,
                    claim.rationale,
                    claim.proposed_by,
                    claim.approved_by,
                    " ".join(link.url for link in claim.links),
                ]
            )
        )
    return buffer.getvalue()


def _safe_row(cells: Iterable[object]) -> list[object]:
    return [csv_safe(c) if isinstance(c, str) else c for c in cells]


def csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with ``= + - @`` (or a tab or carriage
    return) gets a leading single quote, so it is shown as text instead of evaluated."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
