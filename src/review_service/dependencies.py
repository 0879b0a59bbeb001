"""FastAPI dependencies as `Annotated` aliases, overridable in tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from review_service.auth import Principal, Scope
from review_service.clock import Clock
from review_service.deadlines.unit_of_work import open_unit
from review_service.problems import Forbidden
from review_service.request_guard import edge_now, edge_principal
from review_service.tokens.service import authenticate


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(_clock)]


def _now(request: Request, clock: ClockDep) -> datetime:
    """The request's one reading of the clock (the edge's, where it authenticated first)."""
    return edge_now(request) or clock.now()


NowDep = Annotated[datetime, Depends(_now)]


def _session(request: Request, now: NowDep) -> Iterator[Session]:
    """One transaction per request, a unit of work as of the request's one `now`: the timers
    of the deadlines it touched are derived, then it commits before the response is sent;
    else it is rolled back."""
    factory = request.app.state.session_factory
    with factory() as session:
        try:
            with open_unit(session, now):
                yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": the commit runs before the response goes out, so a failed commit is an
# error response, never a 2xx for a change that did not happen.
SessionDep = Annotated[Session, Depends(_session, scope="function")]

_bearer = HTTPBearer(
    auto_error=False, description="An API token from `review-service token create`."
)


def require_any(*scopes: Scope) -> Callable[..., Principal]:
    """A dependency that authenticates the caller and checks it holds one of `scopes`."""
    names = " or ".join(f"`{scope.value}`" for scope in scopes)

    def dependency(
        request: Request,
        session: SessionDep,
        now: NowDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        principal = edge_principal(request) or authenticate(
            session, credentials.credentials if credentials else None, now
        )
        if not any(principal.has(scope) for scope in scopes):
            raise Forbidden(f"this needs the {names} scope")
        return principal

    return dependency


def require(scope: Scope) -> Callable[..., Principal]:
    """A dependency that authenticates the caller and checks that it holds `scope`."""
    return require_any(scope)


AdminPrincipal = Annotated[Principal, Depends(require(Scope.ADMIN))]


def _unbound_admin(principal: AdminPrincipal) -> Principal:
    """An admin token bound to no authority: what changes or shows every authority's data
    (the national calendar, the scheduler's global counts) needs one (issue 8, defect 8)."""
    if principal.local_authority is not None:
        raise Forbidden(
            "this changes or shows every local authority's data; it needs an `admin` token "
            "not bound to a local authority"
        )
    return principal


UnboundAdminPrincipal = Annotated[Principal, Depends(_unbound_admin)]
WritePrincipal = Annotated[Principal, Depends(require(Scope.WRITE))]
ReadPrincipal = Annotated[Principal, Depends(require(Scope.READ))]
WebhooksPrincipal = Annotated[Principal, Depends(require(Scope.WEBHOOKS))]

IfMatchHeader = Annotated[
    str | None,
    Header(alias="If-Match", max_length=200, description="ETag last read; stale gets 412."),
]
