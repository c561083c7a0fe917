"""The API's OpenAPI schema, as drf-spectacular generates it from the views, with what it cannot
see in function views: the bearer scheme (found by drf-spectacular when imported: apps.py), the
paginated shape of every list, and the error envelope of every error an operation can answer.

:class:`AutoSchema` is ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``, so every view under /api/v1/,
the ones added later included, gets these without saying so; a view's own ``extend_schema``
responses (a more precise description of an error) win over the defaults.
tests/api/test_schemathesis.py holds every operation to what this schema says.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from factcheck.api.pagination import Pagination
from factcheck.api.serializers import ErrorSerializer

# The errors every operation may answer, in the one envelope (factcheck.api.errors): no valid
# token, a role that does not allow it, not found (or another newsroom's), too many requests.
# Input (query or body) that is not valid: 400.
ERRORS = {
    "400": "Invalid input (the fields say what)",
    "401": "No valid token",
    "403": "Your role does not allow this",
    "404": "Not found, or not in your newsrooms",
    "429": "Too many requests with this token",
}
# What a write may answer besides: a stale version or a move the object's state refuses (409),
# and a body in a media type the operation does not read (415).
WRITE_ERRORS = {
    "409": "Changed since the version you sent, or not allowed in its current state",
    "415": "A media type this operation does not read",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "factcheck.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (personal or newsroom): `Authorization: Bearer fct_…`.",
        }


class AutoSchema(SpectacularAutoSchema):
    def _get_paginator(self) -> Pagination | None:
        # The function views paginate every list they answer to a GET (factcheck.api.pagination)
        # but have no ``pagination_class`` for drf-spectacular to find: without this, a list
        # would be documented as a bare array instead of {count, next, previous, results}.
        return Pagination() if self.method == "GET" else None

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(WRITE_ERRORS)
        for code, description in errors.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    OpenApiResponse(ErrorSerializer, description=description),
                    code,
                    direction=direction,
                )
        return dict(sorted(bodies.items()))
