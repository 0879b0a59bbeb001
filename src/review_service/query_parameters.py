"""Strict query strings: an unknown parameter is a 422, not silently ignored.

A dashboard that sends `chair=` instead of `chair_id=` must learn of its typo rather than
receive every authority's reviews.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub_dependant in dependant.dependencies:
        names |= _query_names(sub_dependant)
    return names


_ALLOWED: dict[int, frozenset[str]] = {}


def _allowed_names(route: APIRoute) -> frozenset[str]:
    # Routes live as long as the app; key by identity since APIRoute is unhashable.
    allowed = _ALLOWED.get(id(route))
    if allowed is None:
        allowed = _ALLOWED[id(route)] = frozenset(_query_names(route.dependant))
    return allowed


def reject_unknown_query_parameters(request: Request) -> None:
    """Refuse a request naming a query parameter its route does not define."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _allowed_names(route)
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": "Unknown query parameter",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ]
        )
