"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from review_service import __version__
from review_service.actions.router import router as actions_router
from review_service.api_docs import install_api_docs
from review_service.attendees.router import router as attendees_router
from review_service.audit.router import router as audit_router
from review_service.board.router import router as board_router
from review_service.board.sessions import new_secret
from review_service.calendar.router import router as calendar_router
from review_service.calendar_feeds.router import router as calendar_feeds_router
from review_service.child_protection.router import router as child_protection_router
from review_service.children.router import router as children_router
from review_service.clock import Clock, SystemClock
from review_service.considerations.router import router as considerations_router
from review_service.database import create_database_engine, create_session_factory
from review_service.events.router import router as events_router
from review_service.idempotency import install_replay_handler
from review_service.imports.router import router as imports_router
from review_service.meetings.router import router as meetings_router
from review_service.nul_characters import reject_nul_characters
from review_service.observability.metrics import ServiceMetrics
from review_service.observability.requests import RequestObservation
from review_service.observability.router import router as metrics_router
from review_service.plans.milestones_router import router as plan_milestones_router
from review_service.plans.router import router as plans_router
from review_service.policies.router import router as policies_router
from review_service.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers
from review_service.query_parameters import reject_unknown_query_parameters
from review_service.readiness import router as readiness_router
from review_service.reports.router import router as reports_router
from review_service.request_guard import RequestGuard, declare_content_too_large
from review_service.returns.router import router as returns_router
from review_service.reviews.router import router as reviews_router
from review_service.scheduler.router import router as scheduler_router
from review_service.scheduler.runner import SchedulerRunner
from review_service.settings import Settings, get_settings
from review_service.webhooks.payloads import declare_webhooks
from review_service.webhooks.router import router as webhooks_router


class Health(BaseModel):
    """Liveness answer."""

    status: str = Field(description="`ok` while the process serves requests.")


# In the order the OpenAPI document lists them, after health and readiness.
FEATURE_ROUTERS = (
    calendar_router,
    children_router,
    plans_router,
    plan_milestones_router,
    child_protection_router,
    reviews_router,
    attendees_router,
    actions_router,
    policies_router,
    audit_router,
    events_router,
    considerations_router,
    meetings_router,
    webhooks_router,
    scheduler_router,
    metrics_router,
    imports_router,
    returns_router,
    reports_router,
    calendar_feeds_router,
    board_router,
)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    run_scheduler: bool | None = None,
) -> FastAPI:
    """Build the app; with `run_scheduler` the scheduler runs inside the API process."""
    settings = settings or get_settings()
    engine = create_database_engine(settings)
    with_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler
    app = FastAPI(
        title="review-service",
        version=__version__,
        summary="The statutory clock for children's reviews in English local authorities.",
        lifespan=_lifespan(settings, engine, with_scheduler),
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(reject_unknown_query_parameters), Depends(reject_nul_characters)],
    )
    _set_state(app, settings, engine, clock or SystemClock())
    _install_edges(app)
    _include_routes(app)
    declare_webhooks(app)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app


def _lifespan(
    settings: Settings, engine: Engine, with_scheduler: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start the scheduler with the app (when it runs in this process); stop it, then close
    the database's connections, when the app stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = SchedulerRunner(settings, engine, app.state.session_factory, app.state.clock)
        # The status endpoint reports this process's own part: leader, standby or none.
        app.state.scheduler_runner = runner if with_scheduler else None
        if with_scheduler:
            runner.start()
        try:
            yield
        finally:
            if with_scheduler:
                runner.shutdown()
            engine.dispose()

    return lifespan


def _set_state(app: FastAPI, settings: Settings, engine: Engine, clock: Clock) -> None:
    """What every request reaches through `app.state`: settings, database, the one clock."""
    app.state.settings = settings
    app.state.engine = engine
    app.state.clock = clock
    app.state.board_secret = settings.board_session_secret or new_secret()
    app.state.session_factory = create_session_factory(engine, app.state.clock)


def _install_edges(app: FastAPI) -> None:
    """Problem documents, idempotent replays, offline docs, and the middleware around it all."""
    install_problem_handlers(app)
    install_replay_handler(app)
    install_api_docs(app)
    app.state.metrics = ServiceMetrics()
    # Bounds and authentication before a body is read, inside the observation below.
    app.add_middleware(RequestGuard)
    # Outermost of the app's own middleware: every answer gets an id, an access line, a count.
    app.add_middleware(RequestObservation, metrics=app.state.metrics)


def _include_routes(app: FastAPI) -> None:
    """Health, readiness, then every feature's router."""

    @app.get("/health", response_model=Health, tags=["health"])
    def health() -> Health:
        """Liveness: 200 while the process serves requests. Needs no token."""
        return Health(status="ok")

    app.include_router(readiness_router)
    for router in FEATURE_ROUTERS:
        app.include_router(router)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with error responses declared as `application/problem+json`."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
        webhooks=app.webhooks.routes,
    )
    declare_content_too_large(schema)
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    app.openapi_schema = schema
    return schema
