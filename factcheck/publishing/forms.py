"""Forms of publishing: the newsroom's ClaimReview settings, and a story's publication."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.publishing.models import PublishingSettings
from factcheck.publishing.services import (
    MAX_NAME,
    PublishingError,
    check_public_url,
    settings_stamp,
)

LOW, HIGH = -100, 100  # any scale a newsroom uses fits


class PublishingSettingsForm(forms.Form):
    """The settings, one name and one value per verdict (``name_<verdict>``,
    ``value_<verdict>``), built from Claim.Verdict so a new verdict gets its row."""

    organization_url = forms.CharField(
        required=False,
        max_length=500,
        label="The newsroom's website",
        help_text="Named with the newsroom as the author of its fact checks (http:// or https://).",
    )
    worst_rating = forms.IntegerField(label="Worst rating", min_value=LOW, max_value=HIGH)
    best_rating = forms.IntegerField(label="Best rating", min_value=LOW, max_value=HIGH)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, settings: PublishingSettings, **kwargs: Any) -> None:
        initial = {
            "organization_url": settings.organization_url,
            "worst_rating": settings.worst_rating,
            "best_rating": settings.best_rating,
            "seen": settings_stamp(settings),
        }
        for verdict in Claim.Verdict.values:
            initial[f"name_{verdict}"], initial[f"value_{verdict}"] = settings.rating_for(verdict)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for verdict, label in Claim.Verdict.choices:
            self.fields[f"name_{verdict}"] = forms.CharField(
                max_length=MAX_NAME, label=f"{label}: shown as"
            )
            self.fields[f"value_{verdict}"] = forms.IntegerField(
                required=False,
                label=f"{label}: value",
                help_text="Empty: not on the scale (the words alone).",
                min_value=LOW,
                max_value=HIGH,
            )

    def verdict_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(verdict label, its name field, its value field), in the verdicts' order."""
        return [
            (str(label), self[f"name_{verdict}"], self[f"value_{verdict}"])
            for verdict, label in Claim.Verdict.choices
        ]

    def clean_organization_url(self) -> str:
        url = str(self.cleaned_data.get("organization_url") or "").strip()
        if not url:
            return ""
        try:
            return check_public_url(url)
        except PublishingError as exc:
            raise forms.ValidationError(str(exc).replace("The story's", "The website's")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        best, worst = data.get("best_rating"), data.get("worst_rating")
        if best is None or worst is None:
            return data
        if best <= worst:
            self.add_error("best_rating", "The best rating must be higher than the worst.")
            return data
        for verdict in Claim.Verdict.values:
            value = data.get(f"value_{verdict}")
            if value is not None and not worst <= value <= best:
                self.add_error(f"value_{verdict}", f"Off the scale {worst}–{best}.")
        return data

    def setting_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organization_url": data["organization_url"],
            "best_rating": data["best_rating"],
            "worst_rating": data["worst_rating"],
            "ratings": {
                verdict: {"name": data[f"name_{verdict}"], "value": data[f"value_{verdict}"]}
                for verdict in Claim.Verdict.values
            },
        }


class PublicationForm(forms.Form):
    url = forms.CharField(
        max_length=2000,
        label="The story's public address",
        help_text="Where readers find the published story (http:// or https://).",
        widget=forms.URLInput,
    )
    published_at = forms.DateTimeField(
        label="Published",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the story went out (the desk's time zone).",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_url(self) -> str:
        try:
            return check_public_url(str(self.cleaned_data["url"]))
        except PublishingError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_published_at(self) -> Any:
        value = self.cleaned_data["published_at"]
        if value is not None and value > timezone.now() + timedelta(days=1):
            raise forms.ValidationError("A story cannot be published more than a day ahead.")
        return value
