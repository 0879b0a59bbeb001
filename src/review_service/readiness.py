"""GET /ready: may a load balancer send this process traffic? (`/health` is liveness only.)"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from review_service.migrations import schema_state
from review_service.problems import Problem, ProblemError, problem_responses

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


class NotReady(ProblemError):
    status, slug, title = 503, "not-ready", "The service cannot serve requests yet"


class Readiness(BaseModel):
    """Readiness answer."""

    status: str = Field(description="`ready`: the database answers and its schema is current.")


@router.get(
    "/ready",
    response_model=Readiness,
    responses={
        **problem_responses(422),
        503: {
            "model": Problem,
            "description": "The database does not answer, or its schema is not at the newest "
            "revision (run `review-service migrate`)",
        },
    },
)
def ready(request: Request) -> Readiness:
    """Readiness: 200 when the database answers and its schema is at the newest revision, else
    503 with a problem document saying which. Needs no token."""
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            state = schema_state(connection)
    except SQLAlchemyError as exc:
        # The error's type only: a driver's message can carry the connection's details.
        logger.warning("not ready: the database does not answer (%s)", type(exc).__name__)
        raise NotReady("the database does not answer") from None
    if not state.at_head:
        raise NotReady(state.explain())
    return Readiness(status="ready")
