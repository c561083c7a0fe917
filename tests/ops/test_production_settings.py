"""FACTCHECK_ENV=production: Django's deployment checks pass with no warning, the settings refuse
to start half-configured, collectstatic writes the manifest, and pages render from it.

Each case runs ``manage.py`` in a subprocess, so that the settings load fresh from the
environment given (the test process keeps the development settings).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_", "SECURE_", "CSP_", "SESSION_"))
        and k not in {"DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        FACTCHECK_ENV="production",
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="factcheck.example.org",
        CSRF_TRUSTED_ORIGINS="https://factcheck.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/6",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_gives_no_warning_with_production_settings(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_the_development_defaults(tmp_path: Path) -> None:
    """The same check, without the switch, finds what production turns on: the test above
    would catch a setting that stopped doing its job."""
    env = production_env(tmp_path, FACTCHECK_ENV="development")

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, check


def test_turning_hsts_preload_off_is_a_decision_check_deploy_respects(tmp_path: Path) -> None:
    env = production_env(tmp_path, SECURE_HSTS_PRELOAD="0", SECURE_HSTS_INCLUDE_SUBDOMAINS="0")

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "(2 silenced)" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the site's host names"),
        ({"ALLOWED_HOSTS": "localhost"}, "ALLOWED_HOSTS must name the site's host names"),
        ({"DEBUG": "1"}, "DEBUG must be off when FACTCHECK_ENV=production"),
        ({"FACTCHECK_ENV": "prod"}, "FACTCHECK_ENV must be development or production"),
        ({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}, "a header and its value"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text"),
    ],
)
def test_production_refuses_to_start_half_configured(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    result = manage(production_env(tmp_path, **change), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "proxy": settings.SECURE_PROXY_SSL_HEADER,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_age": settings.SESSION_COOKIE_AGE,
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "log_format": settings.LOG_FORMAT,
    "csp": "CONTENT_SECURITY_POLICY" in dir(settings),
    "csp_report_only": "CONTENT_SECURITY_POLICY_REPORT_ONLY" in dir(settings),
    "form_action": (
        getattr(settings, "CONTENT_SECURITY_POLICY", None)
        or settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    )["DIRECTIVES"]["form-action"],
}))
"""


def settings_under(env: dict[str, str]) -> dict[str, object]:
    result = manage(env, "shell", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_the_switch_turns_on_https_manifest_and_json_logs(tmp_path: Path) -> None:
    production = settings_under(production_env(tmp_path))
    development = settings_under(production_env(tmp_path, FACTCHECK_ENV="development"))

    assert production == {
        "ssl_redirect": True,
        "hsts": 365 * 24 * 3600,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "session_secure": True,
        "csrf_secure": True,
        "session_age": 12 * 3600,
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "log_format": "json",
        "csp": True,
        "csp_report_only": False,
        "form_action": ["'self'"],
    }
    # The zero-setup default: plain HTTP on 127.0.0.1, static files read as they are.
    assert development["ssl_redirect"] is False
    assert development["hsts"] == 0
    assert development["proxy"] is None
    assert development["session_secure"] is False
    assert development["storage"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert development["log_format"] == "text"
    assert development["csp"] is True  # the CSP is on everywhere


def test_each_production_setting_can_be_changed_from_the_environment(tmp_path: Path) -> None:
    env = production_env(
        tmp_path,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME,https",
        SESSION_COOKIE_AGE="3600",
        CSP_REPORT_ONLY="1",
        CSP_FORM_ACTION_ORIGINS="https://login.example.org",
        LOG_FORMAT="text",
    )

    loaded = settings_under(env)

    assert loaded["proxy"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert loaded["session_age"] == 3600
    assert loaded["csp"] is False
    assert loaded["csp_report_only"] is True
    assert loaded["form_action"] == ["'self'", "https://login.example.org"]
    assert loaded["log_format"] == "text"


RENDER_LOGIN = """
from django.test import Client
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="factcheck.example.org")
body = response.content.decode()
print(response.status_code)
print(response["Strict-Transport-Security"])
print(response["Content-Security-Policy"])
print([line.strip() for line in body.splitlines() if "/static/" in line])
"""


def test_collectstatic_writes_the_manifest_and_pages_use_its_hashed_names(tmp_path: Path) -> None:
    env = production_env(tmp_path)

    collected = manage(env, "collectstatic", "--noinput")
    migrated = manage(env, "migrate", "--noinput")  # the login page lists SSO apps from the DB
    assert migrated.returncode == 0, migrated.stderr
    rendered = manage(env, "shell", "-c", RENDER_LOGIN)

    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/app.css"]
    assert hashed_css != "css/app.css"
    assert (tmp_path / "var" / "static" / hashed_css).exists()
    assert (tmp_path / "var" / "static" / f"{hashed_css}.gz").exists()  # compressed too
    assert rendered.returncode == 0, rendered.stderr
    status, hsts, csp, static_lines = rendered.stdout.strip().splitlines()[-4:]
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in csp
    assert f"/static/{hashed_css}" in static_lines


SENTRY_STATE = """
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options
print(options["include_local_variables"], options["max_request_body_size"])
print(client.is_active(), options["send_default_pii"], options["environment"])
"""


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data(tmp_path: Path) -> None:
    # A DSN on our own port range: nothing is sent (no event is raised here), nothing leaves.
    with_dsn = production_env(tmp_path, FACTCHECK_SENTRY_DSN="http://public@127.0.0.1:8169/1")
    without = production_env(tmp_path)

    on = manage(with_dsn, "shell", "-c", SENTRY_STATE)
    off = manage(without, "shell", "-c", SENTRY_STATE)

    assert on.stdout.split()[-5:] == ["False", "never", "True", "False", "production"], on.stderr
    assert off.stdout.split()[-3] == "False", off.stderr
