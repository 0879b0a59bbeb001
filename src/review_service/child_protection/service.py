"""Child protection enquiry use cases (RULES.md §2); each runs in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from review_service.audit.service import audit
from review_service.auth import Principal
from review_service.child_protection.schemas import ConferenceRecord, EnquiryCreate
from review_service.children.repository import visible_child
from review_service.clock import london_today
from review_service.deadlines.registry import REGISTRY
from review_service.deadlines.unit_of_work import touch
from review_service.domain.child_protection import (
    ConferenceAlreadyHeld,
    ConferenceOutcome,
    ConferenceRefused,
    EnquiryStatus,
    check_conference,
    conference_due_by,
    conference_is_late,
)
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.milestones import conference_milestones
from review_service.domain.plan_types import PlanType
from review_service.models import ChildProtectionEnquiry, Plan
from review_service.pagination import Keyset
from review_service.plans.schemas import PlanCreate
from review_service.plans.service import create_plan
from review_service.policies.lookup import deadline_context
from review_service.problems import Conflict, InvalidRequest
from review_service.reviews.deadlines import open_milestones
from review_service.visibility import visible_row, within_authority

# Enquiries page by conference due date, along ix_cp_enquiries_la_status_due.
PAGED = Keyset(ChildProtectionEnquiry.due_by, ChildProtectionEnquiry.id)
_CONFERENCE = REGISTRY[DeadlineKind.CONFERENCE]


def visible_enquiry(
    session: Session, principal: Principal, enquiry_id: uuid.UUID, *, for_update: bool = False
) -> ChildProtectionEnquiry:
    """The enquiry, if the token may see it; another authority's is 404."""
    return visible_row(
        session,
        principal,
        ChildProtectionEnquiry,
        enquiry_id,
        "child protection enquiry",
        for_update=for_update,
    )


def open_enquiry(
    session: Session, principal: Principal, body: EnquiryCreate, now: datetime
) -> ChildProtectionEnquiry:
    """Open an enquiry whose initial conference is due by strategy + 15 working days."""
    child = visible_child(session, principal, body.child_id)
    ctx = deadline_context(session, child.local_authority, london_today(now))
    enquiry = ChildProtectionEnquiry(
        local_authority=child.local_authority,
        child_id=child.id,
        strategy_discussion_on=body.strategy_discussion_on,
        due_by=conference_due_by(body.strategy_discussion_on, ctx.calendar),
        status=EnquiryStatus.OPEN.value,
        chair_id=body.chair_id,
        late=False,
        created_at=now,
        updated_at=now,
    )
    session.add(enquiry)
    session.flush()
    touch(session, DeadlineKind.CONFERENCE, enquiry.id)
    audit(
        session,
        principal,
        now,
        "child_protection_enquiry.opened",
        enquiry,
        {
            "strategy_discussion_on": enquiry.strategy_discussion_on,
            "conference_due_by": enquiry.due_by,
        },
    )
    return enquiry


def record_conference(
    session: Session,
    principal: Principal,
    enquiry_id: uuid.UUID,
    body: ConferenceRecord,
    now: datetime,
) -> tuple[ChildProtectionEnquiry, Plan | None]:
    """Record the initial conference; outcome `plan` opens the child_protection plan from
    the conference date (RULES.md §2). Twice is 409; before the strategy discussion, 422; a
    plan for a child who already has an open protection plan, 409."""
    enquiry = visible_enquiry(session, principal, enquiry_id, for_update=True)
    try:
        check_conference(
            EnquiryStatus(enquiry.status),
            enquiry.strategy_discussion_on,
            body.held_on,
            london_today(now),
        )
    except ConferenceAlreadyHeld as exc:
        raise Conflict(str(exc)) from exc
    except ConferenceRefused as exc:
        raise InvalidRequest(str(exc)) from exc
    chair_id = body.chair_id or enquiry.chair_id
    plan = None
    if body.outcome is ConferenceOutcome.PLAN:
        plan, _review = create_plan(
            session,
            principal,
            PlanCreate(
                child_id=enquiry.child_id,
                type=PlanType.CHILD_PROTECTION,
                start_date=body.held_on,
                chair_id=chair_id,
            ),
            now,
        )
        ctx = deadline_context(session, plan.local_authority, london_today(now))
        open_milestones(
            session, plan, conference_milestones(body.held_on, ctx.calendar, ctx.policy)
        )
    enquiry.status = EnquiryStatus.CONFERENCED.value
    enquiry.held_on = body.held_on
    enquiry.outcome = body.outcome.value
    enquiry.chair_id = chair_id
    enquiry.late = conference_is_late(body.held_on, enquiry.due_by)
    enquiry.plan_id = plan.id if plan else None
    enquiry.updated_at = now
    touch(session, DeadlineKind.CONFERENCE, enquiry.id)
    session.flush()
    audit(
        session,
        principal,
        now,
        "child_protection_enquiry.conferenced",
        enquiry,
        {
            "held_on": body.held_on,
            "outcome": body.outcome.value,
            "late": enquiry.late,
            "plan_id": str(plan.id) if plan else None,
        },
    )
    return enquiry, plan


def enquiry_query(
    principal: Principal,
    *,
    status: EnquiryStatus | None,
    overdue: bool | None,
    due_before: date | None,
    due_after: date | None,
    chair_id: str | None,
    local_authority: str | None,
    today: date,
    limit: int,
    cursor: str | None,
) -> Select[tuple[ChildProtectionEnquiry]]:
    """Enquiries by conference due date, keyset-paginated, filtered like the reviews list."""
    model = ChildProtectionEnquiry
    query = within_authority(select(model), model.local_authority, principal, local_authority)
    if status is not None:
        query = query.where(model.status == status.value)
    if overdue is not None:
        query = query.where(
            _CONFERENCE.is_overdue(today) if overdue else _CONFERENCE.is_not_overdue(today)
        )
    if due_before is not None:
        query = query.where(model.due_by < due_before)
    if due_after is not None:
        query = query.where(model.due_by > due_after)
    if chair_id is not None:
        query = query.where(model.chair_id == chair_id)
    return PAGED.select(query, cursor, limit)
