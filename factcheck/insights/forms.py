"""Forms of the first pass: a finding's actions and the newsroom's suggestion threshold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from factcheck.newsrooms.models import Newsroom


class FindingActionForm(forms.Form):
    """Dismiss or reopen: the version of the finding the user saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class MemberChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


class FindingTaskForm(FindingActionForm):
    """Turn a finding into a task, optionally assigned to a member of its newsroom."""

    assignee = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="nobody yet",
        label="Assign to",
    )

    def __init__(self, *args: Any, newsroom: Newsroom, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(memberships__newsroom=newsroom, is_active=True)
            .order_by("username")
        )


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Suggest sentences scoring at least",
        help_text="A check-worthiness score from 0 to 1; leave empty for the model's own.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
    )

    def __init__(self, *args: Any, model_threshold: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if model_threshold is not None:  # what an empty field means
            self.fields["threshold"].widget.attrs["placeholder"] = f"{model_threshold:.2f}"
