from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from factcheck.analysis.loaders import SUPPORTED_EXTENSIONS
from factcheck.newsrooms.models import Newsroom


class DraftInputForm(forms.Form):
    """The copy itself, pasted or uploaded (one of the two): a new draft's, or a new version's."""

    text = forms.CharField(
        required=False,
        strip=False,  # the writer's text is kept exactly as pasted
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        label="Paste the draft",
    )
    file = forms.FileField(
        required=False,
        label="…or upload a file",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
        help_text=(
            f"{', '.join(SUPPORTED_EXTENSIONS)}; up to "
            f"{settings.DRAFT_MAX_BYTES // (1024 * 1024)} MB."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        has_file = data.get("file") is not None
        if has_text and has_file:
            raise forms.ValidationError("Paste text or upload a file, not both.")
        if not has_text and not has_file:
            raise forms.ValidationError("Paste the draft's text or choose a file to upload.")
        return data


class DraftForm(DraftInputForm):
    newsroom = forms.ModelChoiceField(queryset=Newsroom.objects.none(), empty_label=None)
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty to take the first line of the draft.",
    )
    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="When the draft must be cleared for publication.",
    )
    field_order = ["newsroom", "title", "deadline", "text", "file"]

    def __init__(self, *args: Any, newsrooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Newsroom]", self.fields["newsroom"]).queryset = newsrooms


class RevisionForm(DraftInputForm):
    """A new version of a draft: its whole edited copy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Paste the new version"


class DraftEditForm(forms.Form):
    title = forms.CharField(max_length=300)
    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the draft must be cleared for publication; new tasks default to it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
