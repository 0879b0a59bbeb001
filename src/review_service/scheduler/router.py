"""GET /v1/scheduler/status: is the clock running, and is it keeping up?"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from review_service.dependencies import NowDep, SessionDep, UnboundAdminPrincipal
from review_service.problems import problem_responses
from review_service.scheduler.backlog import measure_backlog
from review_service.scheduler.leadership import lock_is_held
from review_service.scheduler.repository import leader_lease

router = APIRouter(prefix="/v1/scheduler", tags=["scheduler"])
LEADER_STALE_AFTER = dt.timedelta(seconds=30)


class SchedulerStatus(BaseModel):
    """The scheduler's health."""

    leader: str | None = Field(
        description="The leading process (`host:pid`) while it is alive: it beat within 30 s "
        "and, on PostgreSQL, the leadership lock is still held. A leader that stopped or died "
        "is not named."
    )
    leader_heartbeat_at: dt.datetime | None = Field(
        description="The last heartbeat recorded, even of a leader that has gone."
    )
    this_process: Literal["leader", "standby", "none"] = Field(
        description="The part of the process that answered: `leader`; `standby` (its scheduler "
        "runs, waiting to take over); `none` (it runs no scheduler: `serve --no-scheduler`, or "
        "the scheduler runs as a process of its own)."
    )
    lag_seconds: float = Field(description="Now minus the oldest due-but-unfired timer.")
    pending_timers: int = Field(description="Reminders and escalations set but not yet fired.")
    due_timers: int = Field(description="Timers whose moment has come but have not fired.")
    outbox_depth: int = Field(description="Deliveries waiting to be sent or retried.")
    failing_subscriptions: int = Field(
        description="Subscriptions disabled after failures, or with a failed delivery."
    )


@router.get("/status", response_model=SchedulerStatus, responses=problem_responses(401, 403, 422))
def status(
    request: Request,
    session: SessionDep,
    _principal: UnboundAdminPrincipal,
    now: NowDep,
) -> SchedulerStatus:
    """Leader, lag, pending timers, outbox depth and failing subscriptions (unbound `admin`)."""
    lease = leader_lease(session)
    live = lease is not None and now - lease.heartbeat_at <= LEADER_STALE_AFTER
    if live and session.get_bind().dialect.name == "postgresql":
        live = lock_is_held(session)
    runner = getattr(request.app.state, "scheduler_runner", None)
    this_process: Literal["leader", "standby", "none"] = (
        "none" if runner is None else "leader" if runner.leadership.leads else "standby"
    )
    backlog = measure_backlog(session, now)
    return SchedulerStatus(
        leader=lease.holder if lease is not None and live else None,
        leader_heartbeat_at=lease.heartbeat_at if lease is not None else None,
        this_process=this_process,
        lag_seconds=backlog.lag_seconds,
        pending_timers=backlog.pending_timers,
        due_timers=backlog.due_timers,
        outbox_depth=backlog.outbox_depth,
        failing_subscriptions=backlog.failing_subscriptions,
    )
