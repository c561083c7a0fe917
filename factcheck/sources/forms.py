"""Forms for source lookups: which source to look a claim up in, and a newsroom's source
settings. Shape and input checks only; the services decide what happens."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from factcheck.sources.models import Source, SourceSettings
from factcheck.sources.services import SETTINGS_FIELDS, settings_stamp

# The Wikipedia language becomes part of a host name ("{lang}.wikipedia.org"), so only a
# language code may pass: letters, then optional "-variant" parts.
WIKIPEDIA_LANGUAGE = RegexValidator(
    r"^[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,2}\Z",
    "Give a Wikipedia language code such as “en”, “de” or “zh-yue”.",
    flags=re.IGNORECASE,
)
FACTCHECK_LANGUAGE = RegexValidator(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}\Z",
    "Give a language code such as “en” or “pt-BR”, or leave it empty for every language.",
)
MAX_AGE_DAYS = 36_500


class LookupStartForm(forms.Form):
    """Start lookups: ``source`` empty means every source the newsroom has enabled."""

    source = forms.ChoiceField(
        choices=[("", "All enabled sources"), *Source.choices],
        required=False,
        label="Source",
        error_messages={"invalid_choice": "“%(value)s” is not a source."},
    )

    def sources(self) -> list[str] | None:
        """The sources asked for, or None for the newsroom's enabled ones."""
        source = self.cleaned_data.get("source")
        return [source] if source else None


class SourceSettingsBaseForm(forms.ModelForm[SourceSettings]):
    """The settings' fields and checks, shared by the newsroom page and the Django admin.

    The Fact Check Tools API key is write-only: the field always renders empty, an empty answer
    keeps the saved key, and ``clear_api_key`` removes it. The key is never sent back to the
    browser, not even with a refused form.
    """

    wikipedia_language = forms.CharField(
        label="Wikipedia language",
        max_length=12,
        validators=[WIKIPEDIA_LANGUAGE],
        help_text="A language code: en, de, fr…",
    )
    factcheck_language = forms.CharField(
        label="Fact Check Tools language",
        max_length=12,
        required=False,
        validators=[FACTCHECK_LANGUAGE],
        help_text="Empty for fact-checks in every language.",
    )
    factcheck_max_age_days = forms.IntegerField(
        label="Only fact-checks newer than (days)",
        required=False,
        min_value=1,
        max_value=MAX_AGE_DAYS,
        help_text="Empty for fact-checks of any age.",
    )
    new_api_key = forms.CharField(
        label="Google Fact Check Tools API key",
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_api_key = forms.BooleanField(label="Remove the saved API key", required=False)

    class Meta:
        model = SourceSettings
        fields = [
            "archive_enabled",
            "library_enabled",
            "wikipedia_enabled",
            "wikipedia_language",
            "factcheck_enabled",
            "factcheck_language",
            "factcheck_max_age_days",
            "lookup_on_mark",
        ]
        labels = {
            "archive_enabled": "Newsroom archive (claims checked before)",
            "library_enabled": "Reference library (documents the newsroom uploaded)",
            "wikipedia_enabled": "Wikipedia",
            "factcheck_enabled": "Google Fact Check Tools",
            "lookup_on_mark": "Look up every newly marked claim automatically",
        }
        help_texts = {
            "lookup_on_mark": "Lookups start in the enabled sources as soon as a claim is marked.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = "set" if self.api_key_set else "not set"
        self.fields[
            "new_api_key"
        ].help_text = f"Currently {state}. Leave empty to keep it; a saved key is never shown."

    @property
    def api_key_set(self) -> bool:
        return bool(self.instance.factcheck_api_key)

    def clean_wikipedia_language(self) -> str:
        return str(self.cleaned_data["wikipedia_language"]).lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_key = data.get("new_api_key", "")
        if new_key and data.get("clear_api_key"):
            self.add_error("clear_api_key", "Either enter a new API key or remove the saved one.")
        key = "" if data.get("clear_api_key") else (new_key or self.instance.factcheck_api_key)
        if data.get("factcheck_enabled") and not key:
            self.add_error(
                "new_api_key", "Google Fact Check Tools needs an API key: enter one to enable it."
            )
        data["factcheck_api_key"] = key
        return data

    def setting_values(self) -> dict[str, Any]:
        """The valid form as ``source_settings_save`` takes it: every setting, API key included."""
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}


class SourceSettingsForm(SourceSettingsBaseForm):
    """The newsroom page's form. ``seen`` is the settings' stamp as the page showed them: the
    service refuses to undo a change someone saved since (see ``source_settings_save``)."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta(SourceSettingsBaseForm.Meta):
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["seen"] = settings_stamp(self.instance) if self.instance.pk else ""
