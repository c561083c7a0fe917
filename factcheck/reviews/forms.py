"""Forms for tasks and comments. They check the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.reviews.models import Task
from factcheck.reviews.task_selectors import newsroom_members

STALE = "This page is out of date: reload it and try again."


def version_field() -> forms.IntegerField:
    """The version the user saw, sent back with every change so concurrent edits conflict."""
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": STALE, "invalid": STALE}
    )


class ClaimChoiceField(forms.ModelMultipleChoiceField[Claim]):
    def label_from_instance(self, obj: Any) -> str:
        text = obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"
        return f"{text} ({obj.get_status_display().lower()})"


class MemberChoiceField(forms.ModelChoiceField[User]):
    """A member of the newsroom, from ``task_selectors.newsroom_members`` (with ``role``)."""

    def label_from_instance(self, obj: Any) -> str:
        role = getattr(obj, "role_label", "")
        return f"{obj.get_username()} ({role})" if role else obj.get_username()


class DueField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TaskForm(forms.Form):
    """Create (with an assignee) or edit (with the version) a task of ``draft``."""

    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autofocus": True}))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="What to check"
    )
    claims = ClaimChoiceField(
        queryset=Claim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked claims",
        error_messages={
            "invalid_choice": "Only live claims of this draft can be linked.",
            "invalid_pk_value": "Only live claims of this draft can be linked.",
        },
    )
    assignee = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody yet",
        error_messages={"invalid_choice": "Choose a member of this newsroom."},
    )
    due_at = DueField(required=False, label="Due")
    priority = forms.TypedChoiceField(
        choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )
    version = version_field()

    def __init__(self, *args: Any, draft: Draft, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        live = ~Q(status=Claim.Status.DISMISSED)
        if task is not None:  # a linked claim stays listed even after it was dismissed
            live |= Q(pk__in=task.claims.values("pk"))
        claims = cast(ClaimChoiceField, self.fields["claims"])
        claims.queryset = Claim.objects.filter(live, draft=draft).order_by("start", "end", "pk")
        if task is None:
            del self.fields["version"]
            cast(MemberChoiceField, self.fields["assignee"]).queryset = newsroom_members(
                draft.newsroom_id
            )
            when = draft.deadline
            self.fields["due_at"].help_text = "Leave empty to use the draft's deadline" + (
                f" ({timezone.localtime(when):%d %b %Y %H:%M})." if when else " (it has none)."
            )
        else:
            del self.fields["assignee"]
            self.fields["due_at"].help_text = "Leave empty for no due time."


class AssignForm(forms.Form):
    assignee = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose a member of this newsroom."},
    )
    version = version_field()

    def __init__(self, *args: Any, newsroom_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberChoiceField, self.fields["assignee"]).queryset = newsroom_members(newsroom_id)


class MoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=Task.Status.choices,
        error_messages={"invalid_choice": "That is not a task status.", "required": STALE},
    )
    version = version_field()
    note = forms.CharField(required=False, max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Comment",
        error_messages={"required": "The comment is empty."},
    )
