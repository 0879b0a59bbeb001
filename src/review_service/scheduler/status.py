"""Is the clock running, and is it keeping up? The figures behind GET /v1/scheduler/status."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy.orm import Session

from review_service.scheduler.backlog import measure_backlog
from review_service.scheduler.leadership import lock_is_held
from review_service.scheduler.repository import leader_lease
from review_service.scheduler.runner import SchedulerRunner
from review_service.scheduler.schemas import SchedulerStatus

LEADER_STALE_AFTER = dt.timedelta(seconds=30)


def scheduler_status(
    session: Session, now: dt.datetime, runner: SchedulerRunner | None
) -> SchedulerStatus:
    """Leader, lag, pending timers, outbox depth and failing subscriptions as of `now`;
    `runner` is this process's scheduler, if it runs one."""
    lease = leader_lease(session)
    live = lease is not None and now - lease.heartbeat_at <= LEADER_STALE_AFTER
    if live and session.get_bind().dialect.name == "postgresql":
        live = lock_is_held(session)
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
