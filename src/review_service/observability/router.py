"""GET /metrics: Prometheus text format, for `metrics` (or `admin`) tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from review_service.auth import Principal, Scope
from review_service.dependencies import NowDep, SessionDep, require
from review_service.observability.metrics import CONTENT_TYPE
from review_service.problems import Forbidden, problem_responses

router = APIRouter(tags=["metrics"])


def _unbound_metrics_reader(
    principal: Annotated[Principal, Depends(require(Scope.METRICS))],
) -> Principal:
    # The figures are the whole service's (every authority's timers and deliveries): global
    # operational detail is for tokens not bound to one authority (issue 8, defect 8).
    if principal.local_authority is not None:
        raise Forbidden("metrics cover every authority; this needs a token not bound to one")
    return principal


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "The metrics in Prometheus text exposition format (0.0.4).",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **problem_responses(401, 403, 422),
    },
)
def metrics(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, Depends(_unbound_metrics_reader)],
    now: NowDep,
) -> Response:
    """Requests by route template, method and status, latency by route, the scheduler's lag,
    pending and due timers, outbox depth, failing subscriptions, deliveries by outcome and
    database pool use. Needs the `metrics` or `admin` scope and a token bound to no
    authority."""
    body = request.app.state.metrics.render(session, request.app.state.engine, now)
    return Response(content=body, media_type=CONTENT_TYPE)
