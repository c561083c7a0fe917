"""Forms for a newsroom's webhooks: a new hook (URL and events), and a hook's events and state."""

from __future__ import annotations

from django import forms

from factcheck.webhooks.models import Event


class EventsField(forms.MultipleChoiceField):
    def __init__(self) -> None:
        super().__init__(
            choices=[(e.value, f"{e.value}: {e.label}") for e in Event],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Choose at least one event."},
            label="Events",
        )


class WebhookCreateForm(forms.Form):
    url = forms.CharField(
        label="Target URL",
        max_length=2000,
        help_text="An https:// address on the public internet; the desk POSTs JSON to it.",
        widget=forms.URLInput(attrs={"placeholder": "https://cms.example.org/hooks/factcheck"}),
    )
    events = EventsField()


class WebhookEditForm(forms.Form):
    events = EventsField()
    active = forms.BooleanField(
        required=False, label="Active", help_text="A paused hook receives nothing."
    )
