"""GET /v1/scheduler/status: is the clock running, and is it keeping up?"""

from __future__ import annotations

from fastapi import APIRouter, Request

from review_service.dependencies import NowDep, SessionDep, UnboundAdminPrincipal
from review_service.problems import problem_responses
from review_service.scheduler.schemas import SchedulerStatus
from review_service.scheduler.status import scheduler_status

router = APIRouter(prefix="/v1/scheduler", tags=["scheduler"])


@router.get("/status", response_model=SchedulerStatus, responses=problem_responses(401, 403, 422))
def status(
    request: Request,
    session: SessionDep,
    _principal: UnboundAdminPrincipal,
    now: NowDep,
) -> SchedulerStatus:
    """Leader, lag, pending timers, outbox depth and failing subscriptions (unbound `admin`)."""
    # The status reports this process's own part: leader, standby or none.
    runner = getattr(request.app.state, "scheduler_runner", None)
    return scheduler_status(session, now, runner)
