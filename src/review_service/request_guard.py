"""The edge of every request: bounds and authentication before a byte of the body is read.

FastAPI reads and parses a request's body before it solves any dependency, the bearer-token
check included, so without this an anonymous client could make the server hold a body of any
size (200 MB took it to 714 MB). This pure ASGI middleware, in front of the app:

1. refuses more headers than `max_header_count` or header bytes than `max_request_head_bytes`
   (431), and more query parameters than `max_query_parameters` (414);
2. authenticates a request to `/v1/` that carries a body before the app may read it (401),
   and hands the principal on so that the route's own check does not look it up again;
3. bounds the body (413): a declared Content-Length over the limit is refused the moment the
   app asks for the body, without reading it; a streamed (chunked) body is counted as it
   arrives and cut off at the limit. The limit is the `max_body_bytes` setting unless the
   route allows more with `@max_body_bytes(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_service.auth import Principal
from review_service.problems import PROBLEM_MEDIA_TYPE, ProblemError, problem_response
from review_service.settings import Settings
from review_service.tokens.service import authenticate

_MAX_BODY_ATTRIBUTE = "_review_service_max_body_bytes"
_PRINCIPAL = "edge_principal"
_NOW = "edge_now"
_AUTHENTICATED_PREFIX = "/v1/"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def max_body_bytes(limit: int | Callable[[Settings], int]) -> Callable[[Endpoint], Endpoint]:
    """Let one route accept a body of up to `limit` bytes instead of the `max_body_bytes`
    setting (a file import, say), or a limit computed from the settings. Put it under the
    route decorator."""

    def allow(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _MAX_BODY_ATTRIBUTE, limit)
        return endpoint

    return allow


def edge_principal(request: Request) -> Principal | None:
    """The principal the edge already authenticated for this request, if it did."""
    principal = getattr(request.state, _PRINCIPAL, None)
    return principal if isinstance(principal, Principal) else None


def edge_now(request: Request) -> datetime | None:
    """The clock reading the edge authenticated with, if it did: the request's one reading."""
    now = getattr(request.state, _NOW, None)
    return now if isinstance(now, datetime) else None


class ContentTooLarge(Exception):
    """Raised from `receive` when the body passes its limit; the guard answers 413."""


class _LimitedBody:
    """The app's `receive`, counting body bytes against the route's limit."""

    def __init__(self, scope: Scope, receive: Receive, default_limit: int) -> None:
        self._scope = scope
        self._receive = receive
        self._default_limit = default_limit
        self.declared = _declared_length(scope)
        self.received = 0
        self.exceeded = False

    def limit(self) -> int:
        # Routing has happened by the time the app asks for the body: the endpoint is known.
        limit = getattr(self._scope.get("endpoint"), _MAX_BODY_ATTRIBUTE, self._default_limit)
        if callable(limit):
            return int(limit(self._scope["app"].state.settings))
        return int(limit)

    async def __call__(self) -> Message:
        if self.declared is not None and self.declared > self.limit():
            self.exceeded = True
        if self.exceeded:
            raise ContentTooLarge
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit():
                self.exceeded = True
                raise ContentTooLarge
        return message


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _declared_length(scope: Scope) -> int | None:
    text = _header(scope, b"content-length")
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None  # the server refuses a malformed length before the app sees it


def _has_body(scope: Scope) -> bool:
    declared = _declared_length(scope)
    return bool(declared) or _header(scope, b"transfer-encoding") is not None


def _query_parameter_count(query_string: bytes) -> int:
    return sum(1 for part in query_string.split(b"&") if part)


def _authenticate(
    factory: sessionmaker[Session], now: datetime, authorization: str | None
) -> Principal:
    scheme, credentials = get_authorization_scheme_param(authorization)
    with factory() as session:
        secret = credentials if scheme.lower() == "bearer" else None
        return authenticate(session, secret, now)


class RequestGuard:
    """The middleware; see the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings: Settings = state.settings
        refusal = self._refusal(scope, settings)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if _has_body(scope) and scope["path"].startswith(_AUTHENTICATED_PREFIX):
            # Read once here and reused by the route (NowDep): one clock reading per request.
            now = state.clock.now()
            try:
                principal = await anyio.to_thread.run_sync(
                    _authenticate,
                    state.session_factory,
                    now,
                    _header(scope, b"authorization"),
                )
            except ProblemError as exc:
                headers = {**exc.headers, "Connection": "close"}
                response = problem_response(
                    exc.status, exc.slug, exc.title, exc.detail,
                    instance=scope["path"], headers=headers,
                )  # fmt: skip
                await response(scope, receive, send)
                return
            scope.setdefault("state", {}).update({_PRINCIPAL: principal, _NOW: now})
        await self._call_with_limited_body(scope, receive, send, settings.max_body_bytes)

    @staticmethod
    def _refusal(scope: Scope, settings: Settings) -> Callable[..., Any] | None:
        path, headers, query = scope["path"], scope["headers"], scope["query_string"]
        head_bytes = sum(len(name) + len(value) + 4 for name, value in headers)
        if len(headers) > settings.max_header_count or head_bytes > settings.max_request_head_bytes:
            return problem_response(
                431, "headers-too-large", "Request header fields too large",
                f"a request may carry at most {settings.max_header_count} headers of "
                f"{settings.max_request_head_bytes} bytes in all",
                instance=path,
            )  # fmt: skip
        too_long = len(query) > settings.max_request_head_bytes
        if too_long or _query_parameter_count(query) > settings.max_query_parameters:
            return problem_response(
                414, "uri-too-long", "URI too long",
                f"a request may carry at most {settings.max_query_parameters} query parameters "
                f"in {settings.max_request_head_bytes} bytes",
                instance=path,
            )  # fmt: skip
        return None

    async def _call_with_limited_body(
        self, scope: Scope, receive: Receive, send: Send, default_limit: int
    ) -> None:
        body = _LimitedBody(scope, receive, default_limit)
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if body.exceeded and not started:
                return  # whatever the app made of the cut-off body, the answer is 413
            started = True
            await send(message)

        try:
            await self.app(scope, body, guarded_send)
        except Exception:
            if not body.exceeded or started:
                raise
        if body.exceeded and not started:
            response = problem_response(
                413, "content-too-large", "Content too large",
                f"the request body is larger than {body.limit()} bytes",
                instance=scope["path"], headers={"Connection": "close"},
            )  # fmt: skip
            await response(scope, receive, send)


def declare_content_too_large(schema: dict[str, Any]) -> None:
    """Declare the 413 problem on every operation of an OpenAPI document that takes a body."""
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if "requestBody" in operation:
                operation["responses"]["413"] = {
                    "description": "The body is larger than the limit (`max_body_bytes`).",
                    "content": {PROBLEM_MEDIA_TYPE: problem},
                }
