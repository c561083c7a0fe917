"""Accounts: django-allauth configured for a newsroom desk (docs/accounts.md)."""
