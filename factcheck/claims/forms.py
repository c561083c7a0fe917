"""Forms for the claim page: propose a verdict, send back, edit. Shape only; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator

from factcheck.claims.models import Claim
from factcheck.reviews.forms import version_field

LINK_ROWS = 3  # evidence link rows offered at once; propose again to add more


class VersionForm(forms.Form):
    """Approve, dismiss, restore: nothing but the version the user saw."""

    version = version_field()


class ProposeForm(forms.Form):
    """A verdict, its rationale, and up to :data:`LINK_ROWS` evidence links (URL + note).

    Rows with neither URL nor note are ignored; ``cleaned_data["links"]`` holds the rest as
    (url, note) pairs.
    """

    verdict = forms.ChoiceField(
        choices=[("", "Choose a verdict"), *Claim.Verdict.choices],
        error_messages={"required": "Choose a verdict."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        error_messages={"required": "Give a rationale: say what the verdict rests on."},
        help_text="What the verdict rests on.",
    )
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, LINK_ROWS + 1):
            self.fields[f"url_{i}"] = forms.CharField(
                required=False,
                max_length=2000,
                label=f"Evidence link {i}",
                widget=forms.URLInput(attrs={"placeholder": "https://…"}),
            )
            self.fields[f"note_{i}"] = forms.CharField(
                required=False, max_length=500, label=f"What link {i} shows"
            )

    def link_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"url_{i}"], self[f"note_{i}"]) for i in range(1, LINK_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        links: list[tuple[str, str]] = []
        check = URLValidator(schemes=["http", "https"])
        for i in range(1, LINK_ROWS + 1):
            url = (data.get(f"url_{i}") or "").strip()
            note = (data.get(f"note_{i}") or "").strip()
            if not url and not note:
                continue
            if not url:
                self.add_error(f"url_{i}", f"Link {i} has a note but no URL: add the URL.")
                continue
            try:
                check(url)
            except forms.ValidationError:
                self.add_error(
                    f"url_{i}",
                    f"Link {i} is not a web address: give the full URL, starting with https://.",
                )
                continue
            links.append((url, note))
        data["links"] = links
        return data


class SendBackForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it goes back",
    )
    version = version_field()


class ClaimEditForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Wording",
        error_messages={"required": "A claim's wording cannot be empty."},
    )
    verdict = forms.ChoiceField(
        choices=[("", "No verdict"), *Claim.Verdict.choices], required=False
    )
    rationale = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = version_field()


class AttachForm(forms.Form):
    """Attach an orphaned or archived claim: the unit of the latest version it belongs to."""

    sentence = forms.IntegerField(
        min_value=0, error_messages={"required": "Choose the sentence the claim belongs to."}
    )
    version = version_field()
