"""Response body of the scheduler's status endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


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
