"""API tests: a client that sends a bearer token, and tokens for the cast."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factcheck.api.services import api_token_create


class ApiClient:
    """Django's test client, sending ``Authorization: Bearer <secret>`` (when given) and JSON."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def get(self, url: str, **extra: Any) -> Any:
        return self.client.get(url, **self.headers, **extra)

    def post(self, url: str, data: Any = None, **extra: Any) -> Any:
        return self.client.post(
            url, data or {}, content_type="application/json", **self.headers, **extra
        )

    def multipart(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data, **self.headers)

    def patch(self, url: str, data: Any = None) -> Any:
        return self.client.patch(url, data or {}, content_type="application/json", **self.headers)

    def call(self, method: str, url: str, data: Any = None) -> Any:
        if method in ("get", "delete", "options", "head"):
            return getattr(self.client, method)(url, **self.headers)
        return getattr(self.client, method)(
            url, data or {}, content_type="application/json", **self.headers
        )


def token_for(user: Any, newsroom: Any = None, **kwargs: Any) -> str:
    return api_token_create(by=user, name="test", newsroom=newsroom, **kwargs).secret


@pytest.fixture
def editor_api(editor: Any) -> ApiClient:
    return ApiClient(token_for(editor))


@pytest.fixture
def checker_api(checker: Any) -> ApiClient:
    return ApiClient(token_for(checker))


@pytest.fixture
def outsider_api(outsider: Any) -> ApiClient:
    return ApiClient(token_for(outsider))


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient()


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is ``status`` with the one error shape and ``code``; its error object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error)
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return dict(error)
