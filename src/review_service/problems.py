"""RFC 9457 problem documents: one exception class per kind of error, one renderer.

Every 4xx/5xx the service answers, FastAPI's own validation errors and unknown routes
included, is `application/problem+json` with a stable `type` URI per kind.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from review_service.domain.reviews import InvalidTransition, ReviewRuleError
from review_service.domain.working_days import OutsideCalendarRange
from review_service.observability.logs import error_type
from review_service.observability.requests import (
    REQUEST_ID_HEADER,
    request_id_of,
    route_template,
)

PROBLEM_TYPE_BASE = "https://review-service.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_LISTED_ERRORS = 20
MAX_FIELD_NAME = 200

logger = logging.getLogger(__name__)


class ProblemResponse(JSONResponse):
    """`application/problem+json`, rendered as ASCII: the media type has no charset
    parameter, and `instance` may echo a path with any characters in it."""

    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class FieldError(BaseModel):
    """One bad field of a request."""

    field: str = Field(description="Dotted location, e.g. `body.start_date` or `query.days`.")
    message: str = Field(description="What is wrong with the field.")
    type: str = Field(
        description="A machine-readable error kind, e.g. `missing`, `date_from_datetime_parsing`."
    )


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="A URI naming the kind of problem, stable per kind.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(default=None, description="The path of the request.")
    errors: list[FieldError] | None = Field(
        default=None, description="Each bad field (validation errors only)."
    )


class ProblemError(Exception):
    """Base of every error the service answers with a problem document."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal server error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class Unauthenticated(ProblemError):
    status, slug, title = 401, "unauthenticated", "Missing or unknown bearer token"


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "The token lacks the scope this needs"


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "No such resource"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "The request conflicts with the resource's state"


class PreconditionFailed(ProblemError):
    status, slug, title = 412, "precondition-failed", "The resource changed since it was read"


class InvalidRequest(ProblemError):
    status, slug, title = 422, "invalid-request", "The request cannot be processed"


def problem_type(slug: str) -> str:
    """The stable `type` URI of a kind of problem."""
    return PROBLEM_TYPE_BASE + slug


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem document."""
    body = Problem(
        type=problem_type(slug),
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    ).model_dump(exclude_none=True)
    return ProblemResponse(body, status_code=status, headers=headers)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.slug,
        exc.title,
        exc.detail,
        instance=request.url.path,
        headers=exc.headers,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Bounded: 10,000 unknown query parameters once made a 978 KB problem.
    every_error = exc.errors()
    errors = [
        FieldError(
            field=_field_name(e.get("loc", ()))[:MAX_FIELD_NAME],
            message=str(e.get("msg", "")),
            type=str(e.get("type", "")),
        )
        for e in every_error[:MAX_LISTED_ERRORS]
    ]
    names = ", ".join(sorted({error.field for error in errors})) or "the request"
    if len(every_error) > len(errors):
        names += f" ({len(every_error)} errors; the first {len(errors)} are listed)"
    return problem_response(
        422,
        "validation-error",
        "The request is not valid",
        f"Invalid input: {names}",
        instance=request.url.path,
        errors=errors,
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slugs = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}
    status = exc.status_code
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else title
    if status == 404 and detail == "Not Found":
        # Not the path itself: a client may have put a child's identifier in it.
        detail = "No route matches the request's path"
    return problem_response(
        status,
        slugs.get(status, f"http-{status}"),
        title,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _on_outside_range(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        422,
        "outside-calendar-range",
        "A date is outside the supported calendar range",
        str(exc),
        instance=request.url.path,
    )


async def _on_review_rule(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ReviewRuleError)
    status = 409 if isinstance(exc, InvalidTransition) else 422
    return problem_response(
        status,
        exc.kind,
        "The request breaks a review rule",
        str(exc),
        instance=request.url.path,
    )


async def _on_data_error(request: Request, _exc: Exception) -> JSONResponse:
    # The database refused a value the schema let through (a NUL byte in text, say).
    return problem_response(
        422,
        "invalid-data",
        "A value cannot be stored",
        "a value in the request cannot be stored (e.g. it contains a NUL character)",
        instance=request.url.path,
    )


async def _on_stale(request: Request, _exc: Exception) -> JSONResponse:
    # Two writers raced on one row: the loser must re-read, never silently overwrite.
    return problem_response(
        409,
        "concurrent-modification",
        "The resource was changed by another request",
        "another request changed this resource at the same time; read it again and retry",
        instance=request.url.path,
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The error's type, the route template and the request id only: the error's message may
    # quote the database's, which names the values (a child's details) that caused it.
    request_id = request_id_of(request.scope)
    logger.error(
        "unhandled error",
        extra={
            "error_type": error_type(exc),
            "method": request.method,
            "route": route_template(request.scope),
            "request_id": request_id,
        },
    )
    return problem_response(
        500,
        "internal-error",
        "Internal server error",
        "The service failed to handle the request; it has been logged.",
        instance=request.url.path,
        # This handler runs outside the request middleware, which cannot add the header.
        headers={REQUEST_ID_HEADER: request_id} if request_id else None,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error through the problem renderer."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(OutsideCalendarRange, _on_outside_range)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(ReviewRuleError, _on_review_rule)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or unknown bearer token",
    403: "The token lacks the required scope",
    404: "No such resource, or one of another local authority",
    409: "Conflict with the resource's current state",
    412: "Stale `If-Match`: the resource changed since it was read",
    413: "A file is larger than the limit",
    422: "Invalid input; each bad field is listed under `errors`",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problem responses a route can answer."""
    return {
        status: {"model": Problem, "description": _DESCRIPTIONS.get(status, "Error")}
        for status in statuses
    }
