"""Strict query strings: an unknown parameter is a 422, not silently ignored.

A dashboard that sends `chair=` instead of `chair_id=` must learn of its typo rather than
receive every authority's reviews.
"""

from __future__ import annotations

from typing import Annotated, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BeforeValidator


def _true_or_false(value: object) -> object:
    # The OpenAPI says boolean, spelled `true` or `false` in a query string; FastAPI alone
    # would also read `1`, `yes`, `on`, `T`..., so a typo'd filter could pass unnoticed.
    if isinstance(value, str) and value not in ("true", "false"):
        raise ValueError("a boolean is written true or false")
    return value


QueryFlag = Annotated[bool, BeforeValidator(_true_or_false)]
"""A boolean query parameter: exactly `true` or `false`."""


def _takes_many(annotation: object) -> bool:
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_takes_many(arg) for arg in get_args(annotation))


def _query_names(dependant: Dependant) -> dict[str, bool]:
    names = {
        param.alias: _takes_many(param.field_info.annotation) for param in dependant.query_params
    }
    for sub_dependant in dependant.dependencies:
        names |= _query_names(sub_dependant)
    return names


def _allowed_names(route: APIRoute) -> dict[str, bool]:
    """Each query parameter of the route, and whether it takes several values (computed once
    and kept on the route itself: routes are unhashable, and ids are reused after GC)."""
    allowed: dict[str, bool] | None = getattr(route, "_review_service_query_names", None)
    if allowed is None:
        allowed = _query_names(route.dependant)
        setattr(route, "_review_service_query_names", allowed)  # noqa: B010
    return allowed


def reject_unknown_query_parameters(request: Request) -> None:
    """Refuse a request naming a query parameter its route does not define, or giving one
    that takes a single value more than once (ambiguous: refuse rather than guess)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _allowed_names(route)
    errors = [
        {"loc": ("query", name), "msg": "Unknown query parameter", "type": "extra_forbidden"}
        for name in sorted({name for name in request.query_params if name not in allowed})
    ]
    errors += [
        {"loc": ("query", name), "msg": "Given more than once", "type": "repeated_parameter"}
        for name, many in sorted(allowed.items())
        if not many and len(request.query_params.getlist(name)) > 1
    ]
    if errors:
        raise RequestValidationError(errors)
