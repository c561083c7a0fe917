from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import URLValidator

from factcheck.analysis.loaders import SUPPORTED_EXTENSIONS
from factcheck.newsrooms.models import Newsroom


class DraftInputForm(forms.Form):
    """The copy itself, pasted, uploaded or fetched from a link (one of the three): a new
    draft's, or a new version's."""

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

    url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        label="…or import from a link",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Give a web link: http:// or https://."},
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
        help_text=(
            "A web page, or a .txt, .md or .docx file on the web: fetched once, now "
            f"(up to {settings.DRAFT_MAX_BYTES // (1024 * 1024)} MB, "
            f"{settings.DRAFT_FETCH_TIMEOUT_SECONDS} seconds)."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        has_file = data.get("file") is not None
        has_url = bool(data.get("url"))
        if has_url and (has_text or has_file):
            raise forms.ValidationError(
                "Give a link, or paste text or upload a file: one of them, not both."
            )
        if has_text and has_file:
            raise forms.ValidationError("Paste text or upload a file, not both.")
        if not (has_text or has_file or has_url):
            raise forms.ValidationError(
                "Paste the draft's text, choose a file to upload or give a link."
            )
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
    field_order = ["newsroom", "title", "deadline", "text", "file", "url"]

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
