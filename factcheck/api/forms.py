"""The form of a new API token: shape only (the service checks the rest)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from factcheck.api.services import NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="What uses it, e.g. “CMS publishing” or “my import script”.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires after",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the token works until the end of this day. Empty: until revoked.",
    )

    def clean_expires_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        return value

    def expires_at(self) -> datetime | None:
        """The end of the chosen day, in the site's time zone."""
        day: date | None = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(
            day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )
