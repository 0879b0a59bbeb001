"""The recompute job's steps: re-derive the open deadlines a calendar or policy change
moves. A change queues a request (`calendar_recomputes`); the scheduler's leader applies it
chunk by chunk (`scheduler.jobs.recompute_after_calendar_change`), and a policy change of an
authority with at most one chunk of open plans applies it at once, in its own transaction,
through these same steps.

A plan's recompute re-derives its reviews and milestones; the first step of a request also
re-derives the open working-day deadlines no plan's recompute reaches: child protection
enquiries (no plan yet), IRO considerations and disruption meetings (whose plan may have
ended), each from its own anchor."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from review_service.clock import london_today
from review_service.deadlines.registry import KIND_OF_MODEL, REGISTRY
from review_service.deadlines.unit_of_work import touch
from review_service.domain.child_protection import conference_due_by
from review_service.domain.events import consideration_due_by, disruption_meeting_due_by, ended_on
from review_service.domain.plan_types import PlanStatus
from review_service.domain.regions import Region
from review_service.models import (
    CalendarRecompute,
    ChildProtectionEnquiry,
    Consideration,
    Event,
    Meeting,
    Plan,
)
from review_service.policies.lookup import DeadlineContext, deadline_context, policy_for
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
    if after is None:
        moved += recompute_unplanned(session, request, now)
    return Step(moved, len(covered), plans[-1].id if len(plans) == chunk else None)


_Due = Callable[[date, DeadlineContext], date]


def recompute_unplanned(session: Session, request: CalendarRecompute, now: datetime) -> int:
    """Re-derive the open enquiries, considerations and disruption meetings the request
    covers, and register them all so their reminders follow the calendar even where the date
    stands (RULES.md §1: every deadline a declared day touches is recomputed). Few are open
    at a time (each runs 5 or 15 working days), so one pass. Returns how many moved."""
    today = london_today(now)
    contexts: dict[str, DeadlineContext | None] = {}

    def context(local_authority: str) -> DeadlineContext | None:
        if local_authority not in contexts:
            ctx = deadline_context(session, local_authority, today)
            covered = (
                request.local_authority == local_authority
                if request.local_authority is not None
                else ctx.policy.region == Region(request.region)
            )
            contexts[local_authority] = ctx if covered else None
        return contexts[local_authority]

    def scoped(query: Select[Any], model: Any) -> Select[Any]:
        query = query.where(REGISTRY[KIND_OF_MODEL[model]].is_open()).order_by(model.id)
        if request.local_authority is not None:
            query = query.where(model.local_authority == request.local_authority)
        return query

    # Read whole before any is re-derived: the policy look-ups query as they go.
    enquiries = list(
        session.scalars(scoped(select(ChildProtectionEnquiry), ChildProtectionEnquiry))
    )
    considerations = list(session.scalars(scoped(select(Consideration), Consideration)))
    meetings = list(
        session.execute(
            scoped(select(Meeting, Event.effective_date, Event.occurred_at), Meeting).join(
                Event, Meeting.event_id == Event.id
            )
        ).tuples()
    )
    return (
        _rederive(
            session,
            ((e, e.strategy_discussion_on) for e in enquiries),
            lambda day, ctx: conference_due_by(day, ctx.calendar),
            context,
            now,
        )
        + _rederive(
            session,
            ((c, london_today(c.opened_at)) for c in considerations),
            lambda day, ctx: consideration_due_by(day, ctx.calendar, ctx.policy),
            context,
            now,
        )
        + _rederive(
            session,
            (
                (m, ended_on(effective, london_today(occurred)))
                for m, effective, occurred in meetings
            ),
            lambda day, ctx: disruption_meeting_due_by(day, ctx.calendar, ctx.policy),
            context,
            now,
        )
    )


def _rederive(
    session: Session,
    rows: Iterable[tuple[Any, date]],
    due: _Due,
    context: Callable[[str], DeadlineContext | None],
    now: datetime,
) -> int:
    moved = 0
    for row, anchor in rows:
        ctx = context(row.local_authority)
        if ctx is None:
            continue  # another region's: its calendar did not change
        due_by = due(anchor, ctx)
        if due_by != row.due_by:
            row.due_by = due_by
            if isinstance(row, ChildProtectionEnquiry):
                row.updated_at = now
            moved += 1
        touch(session, KIND_OF_MODEL[type(row)], row.id)
    return moved


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
