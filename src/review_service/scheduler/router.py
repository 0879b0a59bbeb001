"""GET /v1/scheduler/status: is the clock running, and is it keeping up?"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from review_service.dependencies import NowDep, ReadPrincipal, SessionDep
from review_service.models import SchedulerLease
from review_service.problems import problem_responses
from review_service.scheduler.backlog import measure_backlog

router = APIRouter(prefix="/v1/scheduler", tags=["scheduler"])
LEADER_STALE_AFTER = dt.timedelta(seconds=30)


class SchedulerStatus(BaseModel):
    """The scheduler's health."""

    leader: str | None = Field(description="The leading process, if it beat recently.")
    leader_heartbeat_at: dt.datetime | None = Field(
        description="When the leader last beat, or null."
    )
    lag_seconds: float = Field(description="Now minus the oldest due-but-unfired timer.")
    pending_timers: int = Field(description="Reminders and escalations set but not yet fired.")
    due_timers: int = Field(description="Timers whose moment has come but have not fired.")
    outbox_depth: int = Field(description="Deliveries waiting to be sent or retried.")
    failing_subscriptions: int = Field(
        description="Subscriptions disabled after failures, or with a failed delivery."
    )


@router.get("/status", response_model=SchedulerStatus, responses=problem_responses(401, 403, 422))
def status(session: SessionDep, _principal: ReadPrincipal, now: NowDep) -> SchedulerStatus:
    """Leader, lag, pending timers, outbox depth and failing subscriptions."""
    lease = session.get(SchedulerLease, "scheduler")
    live = lease is not None and now - lease.heartbeat_at <= LEADER_STALE_AFTER
    backlog = measure_backlog(session, now)
    return SchedulerStatus(
        leader=lease.holder if lease is not None and live else None,
        leader_heartbeat_at=lease.heartbeat_at if lease is not None else None,
        lag_seconds=backlog.lag_seconds,
        pending_timers=backlog.pending_timers,
        due_timers=backlog.due_timers,
        outbox_depth=backlog.outbox_depth,
        failing_subscriptions=backlog.failing_subscriptions,
    )
