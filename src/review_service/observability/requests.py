"""Each request's id, access line and metrics, as pure ASGI middleware.

The access line names the route template (`/v1/children/{child_id}`), never the raw path or
its query string: `?external_id=...` would put a child's identifier in the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_service.observability.logs import current_request_id

if TYPE_CHECKING:
    from review_service.observability.metrics import ServiceMetrics

REQUEST_ID_HEADER = "X-Request-ID"
# A client's own id is kept when it is short and plain; anything else gets a new one.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SCOPE_KEY = "review_service.request_id"
UNMATCHED_ROUTE = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_logger = logging.getLogger("review_service.access")


def request_id_of(scope: Scope) -> str | None:
    """The id of the request `scope` belongs to (set by the middleware)."""
    value = scope.get(_SCOPE_KEY)
    return value if isinstance(value, str) else None


def route_template(scope: Scope) -> str:
    """The template of the route that served the request, or `unmatched`: a bounded label
    whatever URL a client sends."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _ACCEPTED_REQUEST_ID.fullmatch(text) else None
    return None


class RequestObservation:
    """Gives every request an id (`X-Request-ID`, accepted or made, returned on every
    response), writes its access line and counts it in the metrics."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope[_SCOPE_KEY] = request_id
        # Not reset afterwards: the error uvicorn logs for a 500 comes later, in this task.
        current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [h for h in message.get("headers", []) if h[0] != header[0]]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # An exception leaving the app becomes the 500 the outer error handler sends.
            self._observe(scope, status, time.perf_counter() - started, request_id)

    def _observe(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        method = str(scope.get("method", ""))
        method = method if method in _METHODS else "OTHER"
        route = route_template(scope)
        self.metrics.observe_request(method, route, status, seconds)
        fields: dict[str, Any] = {
            "method": method,
            "route": route,
            "status": status,
            "latency_ms": round(seconds * 1000, 1),
            "request_id": request_id,
        }
        access_logger.info("request", extra=fields)
