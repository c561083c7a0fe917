"""Shared fixtures: the named cast (editor, checker, newsroom admin, outsider) and a draft."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Role
from tests.factories import MembershipFactory, NewsroomFactory, UserFactory

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

SAMPLE_TEXT = (
    "Storm Closes Harbour Road\n\n"
    "The harbour road closed at 6 a.m. on Monday after waves breached the sea wall, "
    "the council said. About 300 homes lost power.\n\n"
    "“We expect the road to reopen on Wednesday,” said Mayor Ines Holt.\n\n"
    "Leave a Reply\n\nYour email address will not be published.\n"
)


@pytest.fixture(autouse=True, scope="session")
def celery_eager() -> None:
    # Unit and view tests run Celery tasks in-process; tests/integration starts a real worker.
    from factcheck.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    # The cast's passwords are hashed whenever fixtures create them; PBKDF2 would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def newsroom() -> Any:
    return NewsroomFactory(slug="demo", name="Demo Newsroom")


@pytest.fixture
def other_newsroom() -> Any:
    return NewsroomFactory(slug="other", name="Other Newsroom")


def _member(newsroom: Any, role: str, username: str) -> Any:
    user = UserFactory(username=username)
    MembershipFactory(user=user, newsroom=newsroom, role=role)
    return user


@pytest.fixture
def editor(newsroom: Any) -> Any:
    return _member(newsroom, Role.EDITOR, "editor")


@pytest.fixture
def checker(newsroom: Any) -> Any:
    return _member(newsroom, Role.CHECKER, "checker")


@pytest.fixture
def newsadmin(newsroom: Any) -> Any:
    return _member(newsroom, Role.ADMIN, "newsadmin")


@pytest.fixture
def outsider(other_newsroom: Any) -> Any:
    return _member(other_newsroom, Role.EDITOR, "outsider")


@pytest.fixture
def draft(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    return client_for(editor)


@pytest.fixture
def checker_client(checker: Any) -> Client:
    return client_for(checker)


@pytest.fixture
def outsider_client(outsider: Any) -> Client:
    return client_for(outsider)


def missing_locally(reason: str, *, in_ci: str) -> None:
    """Skip a test whose service or file a user's machine may lack; under CI, which always has
    them (.ci/run), fail instead with ``in_ci``: CI never skips."""
    if os.environ.get("CI"):
        pytest.fail(in_ci)
    pytest.skip(reason)


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_locally(
            "needs PostgreSQL's concurrent writers (CI runs it with DATABASE_URL)",
            in_ci="CI must run on PostgreSQL: DATABASE_URL is not a PostgreSQL URL",
        )


def shared_path(*parts: str) -> Path:
    """A file under ../shared: a user's fresh clone has no ../shared beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        missing_locally(
            f"{path} is absent: ../shared is only beside the project in CI and sessions",
            in_ci=f"{path} is missing, and CI always has ../shared",
        )
    return path


@pytest.fixture
def seed_draft_text() -> str:
    return shared_path("seed", "karabakh-draft.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_gold() -> dict[str, Any]:
    return json.loads(shared_path("seed", "karabakh-gold.json").read_text(encoding="utf-8"))
