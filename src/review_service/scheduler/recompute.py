"""The recompute job's steps: re-derive the open deadlines a calendar or policy change
moves. A change queues a request (`calendar_recomputes`); the scheduler's leader applies it
chunk by chunk (`scheduler.jobs.recompute_after_calendar_change`), and a policy change of an
authority with at most one chunk of open plans applies it at once, in its own transaction,
through these same steps."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from review_service.domain.plan_types import PlanStatus
from review_service.domain.regions import Region
from review_service.models import CalendarRecompute, Plan
from review_service.policies.lookup import policy_for
from review_service.reviews.deadlines import recompute_plans
from review_service.webhooks.outbox import publish

logger = logging.getLogger(__name__)
CHUNK = 500  # open plans re-derived in one unit of work


@dataclass(frozen=True, slots=True)
class Step:
    """One chunk of a recompute: how many deadlines moved, and where the next one starts."""

    moved: int
    plans: int
    last_plan_id: uuid.UUID | None


def _open_plans(request: CalendarRecompute) -> Select[tuple[Plan]]:
    query = select(Plan).where(Plan.status == PlanStatus.OPEN)
    if request.local_authority is not None:
        query = query.where(Plan.local_authority == request.local_authority)
    return query


def open_plans_covered(session: Session, request: CalendarRecompute) -> int:
    """How many open plans the request re-derives (a calendar request: an upper bound)."""
    count = _open_plans(request).with_only_columns(func.count()).order_by(None)
    return int(session.scalar(count) or 0)


def apply_step(
    session: Session,
    request: CalendarRecompute,
    now: datetime,
    *,
    after: uuid.UUID | None = None,
    chunk: int = CHUNK,
) -> Step:
    """Re-derive the next `chunk` open plans (by id, after `after`) the request covers: an
    authority's (a policy change) or those of every authority working to its region."""
    query = _open_plans(request).order_by(Plan.id)
    if after is not None:
        query = query.where(Plan.id > after)
    plans = list(session.scalars(query.limit(chunk)))
    covered = plans
    if request.local_authority is None:
        region = Region(request.region)
        regions: dict[str, Region] = {}
        for plan in plans:
            if plan.local_authority not in regions:
                regions[plan.local_authority] = policy_for(session, plan.local_authority).region
        covered = [plan for plan in plans if regions[plan.local_authority] == region]
    moved = recompute_plans(session, covered, now)
    return Step(moved, len(covered), plans[-1].id if len(plans) == chunk else None)


def complete(session: Session, request: CalendarRecompute, moved: int, now: datetime) -> None:
    """Mark the request done with its count; a calendar change announces `calendar.changed`
    (RULES.md §1), a policy change `policy.changed` to its authority (issue 11: turning a
    milestone kind on or off is announced like a calendar change)."""
    request.completed_at, request.deadlines_moved = now, moved
    if request.local_authority is not None:
        logger.info("policy change recompute moved %d deadlines", moved)
        publish(
            session,
            "policy.changed",
            {
                "local_authority": request.local_authority,
                "reason": request.reason,
                "deadlines_moved": moved,
            },
            request.local_authority,
            now,
        )
        return
    publish(
        session,
        "calendar.changed",
        {"region": request.region, "reason": request.reason, "deadlines_moved": moved},
        None,
        now,
    )
    logger.info("calendar change in %s moved %d deadlines", request.region, moved)


def last_of_authority(session: Session, local_authority: str) -> CalendarRecompute | None:
    """The authority's latest policy recompute, if it ever changed its policy."""
    return session.scalar(
        select(CalendarRecompute)
        .where(CalendarRecompute.local_authority == local_authority)
        .order_by(CalendarRecompute.requested_at.desc(), CalendarRecompute.id.desc())
        .limit(1)
    )
