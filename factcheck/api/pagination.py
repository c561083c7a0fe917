"""Pagination of the API's lists: ``?limit=&offset=``, with the total ``count``.

Strict, as every other query parameter of the API: a limit that is not a whole number from 1 to
``max_limit``, or an offset that is not a whole number from 0, is a 400 that says so (DRF's own
falls back to the default without a word, so a client would never learn that ``limit=1000``
gave it 500). Each is given at most once.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def get_limit(self, request: Request) -> int:
        limit = _whole(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        offset = _whole(request, self.offset_query_param, 0, None)
        return 0 if offset is None else offset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            _parameter(
                self.limit_query_param,
                f"Items per page (default {self.default_limit}, at most {self.max_limit}).",
                {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            ),
            _parameter(
                self.offset_query_param, "Items to skip.", {"type": "integer", "minimum": 0}
            ),
        ]


def _whole(request: Request, name: str, low: int, high: int | None) -> int | None:
    values = request.query_params.getlist(name)
    if not values or values == [""]:
        return None
    bounds = f"from {low} to {high}" if high is not None else f"from {low}"
    raw = values[-1]
    if len(values) > 1 or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise exceptions.ValidationError({name: [f"A whole number {bounds}, given once."]})
    number = int(raw)
    if number < low or (high is not None and number > high):
        raise exceptions.ValidationError({name: [f"A whole number {bounds}, not {number}."]})
    return number


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": description,
        "schema": schema,
    }
