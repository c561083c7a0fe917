"""Forms of the members page: an invitation (address and role), a member's new role. Shape only:
the services check the rest."""

from __future__ import annotations

from django import forms

from factcheck.newsrooms.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        help_text="They accept with the account of this address.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CHECKER, label="Role")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
