"""Consideration use cases; each runs in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.considerations.schemas import DecisionRequest
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import ConsiderationStatus, DeadlineKind, is_open
from review_service.models import Consideration, Plan, Review
from review_service.plans.locking import lock_plan_then
from review_service.policies.lookup import deadline_context
from review_service.problems import Conflict, InvalidRequest
from review_service.reviews import deadlines
from review_service.reviews import repository as reviews_repository
from review_service.visibility import visible_row


def visible_consideration(
    session: Session, principal: Principal, consideration_id: uuid.UUID, *, for_update: bool = False
) -> Consideration:
    """The consideration, if the token may see it; another authority's is 404."""
    return visible_row(
        session, principal, Consideration, consideration_id, "consideration", for_update=for_update
    )


def decide(
    session: Session,
    principal: Principal,
    consideration_id: uuid.UUID,
    body: DecisionRequest,
    now: datetime,
) -> tuple[Consideration, Review | None]:
    """Record the chair's decision; a date brings the review forward (RULES.md §3)."""
    consideration, plan = _lock_plan_then_consideration(session, principal, consideration_id)
    if not is_open(DeadlineKind.CONSIDERATION, consideration.status):
        raise Conflict(f"this consideration is {consideration.status}, no longer open")
    review = reviews_repository.next_review_for_update(session, plan.id)
    if body.bring_forward_to is not None:
        if review is None:
            raise Conflict("the plan has no pending review to bring forward")
        if body.bring_forward_to > review.due_by:
            raise InvalidRequest(
                f"bring_forward_to {body.bring_forward_to.isoformat()} is after the review's "
                f"current due date {review.due_by.isoformat()}; bringing forward never moves "
                "a review later (RULES.md §3)"
            )
        if body.bring_forward_to < plan.start_date:
            raise InvalidRequest("bring_forward_to is before the plan started")
        ctx = deadline_context(session, plan.local_authority, london_today(now))
        deadlines.apply_bring_forward(session, plan, review, body.bring_forward_to, ctx, now)
    consideration.status = ConsiderationStatus.DECIDED.value
    touch(session, DeadlineKind.CONSIDERATION, consideration.id)
    consideration.decided_at = now
    consideration.decided_by = principal.token_name
    consideration.bring_forward_to = body.bring_forward_to
    consideration.reason = body.reason
    session.flush()
    audit(
        session,
        principal,
        now,
        "consideration.decided",
        consideration,
        changes={
            "bring_forward_to": body.bring_forward_to,
            "reason": body.reason,
            "review_due_by": review.due_by if review else None,
        },
    )
    return consideration, review


def _lock_plan_then_consideration(
    session: Session, principal: Principal, consideration_id: uuid.UUID
) -> tuple[Consideration, Plan]:
    # Plan first, as ending a plan locks it before its considerations and reviews: the two
    # queue on PostgreSQL instead of deadlocking. Re-read once locked: it may have changed.
    consideration = visible_consideration(session, principal, consideration_id)
    return lock_plan_then(session, Consideration, consideration_id, consideration.plan_id)
