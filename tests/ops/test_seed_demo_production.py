"""``seed_demo`` makes a superuser with a known password: refused in production unless forced."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_seed_demo_is_refused_in_production_and_writes_nothing(settings: Any) -> None:
    settings.PRODUCTION = True

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())

    assert "refused with FACTCHECK_ENV=production" in str(refused.value)
    assert "seed_demo --force" in str(refused.value)
    assert get_user_model().objects.count() == 0


def test_seed_demo_runs_in_production_when_forced(settings: Any) -> None:
    settings.PRODUCTION = True

    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert get_user_model().objects.filter(username="siteadmin", is_superuser=True).exists()


def test_seed_demo_runs_in_development_without_force(settings: Any) -> None:
    assert settings.PRODUCTION is False

    call_command("seed_demo", stdout=io.StringIO())

    assert get_user_model().objects.filter(username="editor").exists()
