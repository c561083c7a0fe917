"""Passwords: Django's four validators (at least PASSWORD_MIN_LENGTH characters, 12 by
default; not common; not all digits; not like the username or address), each refusing alone,
and the signup, change and reset forms all refusing what they refuse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.http import int_to_base36

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "harbour-lantern-quietly"
# Each bad password breaks one rule only.
SHORT = "Tz8#vq2Lp"  # 9 characters
COMMON = "qwerty123456"  # 12 characters, on Django's list of common passwords
NUMERIC = "849302716485"  # 12 digits
LIKE_USERNAME = "mariagonzalez1"  # the username "mariagonzalez", and a digit


def refusals(password: str, user: Any = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


def test_a_good_password_passes() -> None:
    user = get_user_model()(username="mariagonzalez", email="maria@example.org")
    assert refusals(GOOD, user) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (SHORT, "This password is too short. It must contain at least 12 characters."),
        (COMMON, "This password is too common."),
        (NUMERIC, "This password is entirely numeric."),
        (LIKE_USERNAME, "The password is too similar to the username."),
    ],
)
def test_each_rule_refuses_alone(password: str, message: str) -> None:
    user = get_user_model()(username="mariagonzalez", email="maria@example.org")
    assert refusals(password, user) == [message]


def test_minimum_length_is_at_least_ten(settings: Any) -> None:
    [length] = [
        v["OPTIONS"]["min_length"]
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert length >= 10
    assert refusals("a" * 7 + "Zq3!", None) == [  # 11
        "This password is too short. It must contain at least 12 characters."
    ]


def errors_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (SHORT, "This password is too short."),
        (COMMON, "This password is too common."),
        (NUMERIC, "This password is entirely numeric."),
        (LIKE_USERNAME, "The password is too similar to the username."),
    ],
)
def test_signup_form_refuses(settings: Any, password: str, message: str) -> None:
    settings.OPEN_SIGNUP = True
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "mariagonzalez",
            "email": "maria@example.org",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not get_user_model().objects.filter(username="mariagonzalez").exists()


def test_signup_is_closed_by_default_and_open_with_the_setting(settings: Any) -> None:
    body = {
        "username": "mariagonzalez",
        "email": "maria@example.org",
        "password1": GOOD,
        "password2": GOOD,
    }
    closed = Client().post("/accounts/signup/", body)
    assert "Sign Up Closed" in closed.content.decode()
    assert not get_user_model().objects.filter(username="mariagonzalez").exists()
    settings.OPEN_SIGNUP = True
    opened = Client().post("/accounts/signup/", body)
    assert opened.status_code == 302 and opened["Location"] == "/accounts/confirm-email/"
    assert get_user_model().objects.filter(username="mariagonzalez").exists()


def test_an_invitation_in_the_session_opens_signup() -> None:
    from factcheck.accounts.adapter import INVITATION_SESSION_KEY

    client = Client()
    session = client.session
    session[INVITATION_SESSION_KEY] = 42
    session.save()
    assert "Sign Up Closed" not in client.get("/accounts/signup/").content.decode()
    assert "Sign Up Closed" in Client().get("/accounts/signup/").content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (SHORT, "This password is too short."),
        (COMMON, "This password is too common."),
        (NUMERIC, "This password is entirely numeric."),
        (LIKE_USERNAME, "The password is too similar to the username."),
    ],
)
def test_change_form_refuses(password: str, message: str) -> None:
    user = UserFactory(username="mariagonzalez")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert message in errors_of(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_form_takes_a_good_password(mailoutbox: Any) -> None:
    user = UserFactory(username="mariagonzalez")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": GOOD, "password2": GOOD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD)
    # The owner is told, in case it was not them.
    assert [m.to for m in mailoutbox] == [["mariagonzalez@example.org"]]
    assert "password" in mailoutbox[0].subject.lower()


def reset_url(user: Any) -> str:
    return (
        f"/accounts/password/reset/key/{int_to_base36(user.pk)}-"
        f"{default_token_generator.make_token(user)}/"
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (SHORT, "This password is too short."),
        (COMMON, "This password is too common."),
        (NUMERIC, "This password is entirely numeric."),
        (LIKE_USERNAME, "The password is too similar to the username."),
    ],
)
def test_reset_form_refuses(password: str, message: str) -> None:
    user = UserFactory(username="mariagonzalez")
    client = Client()
    form_url = client.get(reset_url(user))["Location"]  # the key moves into the session
    response = client.post(form_url, {"password1": password, "password2": password})
    assert message in errors_of(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email_end_to_end(mailoutbox: Any) -> None:
    user = UserFactory(username="mariagonzalez")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "mariagonzalez@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    form_url = client.get(link.group(1))["Location"]
    done = client.post(form_url, {"password1": GOOD, "password2": GOOD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/key/done/"
    user.refresh_from_db()
    assert user.check_password(GOOD)
    # The link works once.
    again = client.get(link.group(1))
    assert again.status_code == 200 and "Bad Token" in again.content.decode()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing_useful(
    mailoutbox: Any,
) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)
