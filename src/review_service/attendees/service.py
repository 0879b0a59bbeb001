"""Attendee use cases (RULES.md §6); each runs in the request's transaction; the queries are
in attendees/repository.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy.orm import Session

from review_service.attendees.repository import ATTENDEES
from review_service.attendees.schemas import AttendeeCreate, AttendeeUpdate
from review_service.audit.service import audit, diff
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.domain.attendance import (
    AttendeeRole,
    ChildFacts,
    ListedAttendee,
    Reply,
    attendance_day,
    attendance_findings,
    can_record_attendance,
)
from review_service.domain.child_wishes import wishes_findings
from review_service.domain.findings import Finding
from review_service.domain.milestones import MilestoneKind, MilestoneStatus
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus
from review_service.etags import check_if_match
from review_service.models import Attendee, Child, Review
from review_service.pagination import Page
from review_service.problems import Conflict, InvalidRequest
from review_service.reviews import repository
from review_service.reviews.deadlines import scheduled_date

# Bounds the work of every listing and attendance check; far above any real meeting.
MAX_ATTENDEES_PER_REVIEW = 100

_AUDITED = (
    "name",
    "role",
    "has_parental_responsibility",
    "needs_interpreter",
    "contribution_mode",
    "invited_on",
    "reply",
    "attended",
    "not_invited_reason",
)
_NULLABLE = ("contribution_mode", "invited_on", "reply", "attended", "not_invited_reason")


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    """The attendance warnings of one review, with the date ages were taken on."""

    review: Review
    review_day: date
    warnings: list[Finding]


def _stored(value: object) -> object:
    """A request value as its column holds it (an enum by its value)."""
    return value.value if isinstance(value, Enum) else value


def _snapshot(attendee: Attendee) -> dict[str, object]:
    return {name: getattr(attendee, name) for name in _AUDITED}


def _writable_review(session: Session, principal: Principal, review_id: uuid.UUID) -> Review:
    # Row lock on PostgreSQL: a cancellation and an attendee change queue rather than interleave.
    review = repository.visible_review(session, principal, review_id, for_update=True)
    if review.status == ReviewStatus.CANCELLED:
        raise Conflict(f"review {review_id} is cancelled; its attendees cannot change")
    return review


def _check(review: Review, attendee: Attendee, changed: set[str], today: date) -> None:
    """Refuse an attendee state the rules do not allow; only changed fields are re-judged."""
    if "invited_on" in changed and attendee.invited_on and attendee.invited_on > today:
        raise InvalidRequest(f"invited_on {attendee.invited_on.isoformat()} is in the future")
    if attendee.invited_on is not None and attendee.not_invited_reason is not None:
        raise InvalidRequest("an attendee with not_invited_reason cannot also have invited_on")
    # Attendance is a fact of a meeting that is arranged, went ahead or was held.
    recording = "attended" in changed and attendee.attended is not None
    if recording and not can_record_attendance(ReviewStatus(review.status)):
        raise Conflict(
            f"attendance cannot be recorded for a {review.status} review; schedule or hold it first"
        )


def add_attendee(
    session: Session, principal: Principal, review_id: uuid.UUID, body: AttendeeCreate,
    now: datetime,
) -> Attendee:  # fmt: skip
    """List someone for a review: invited, or deliberately not invited with a reason."""
    review = _writable_review(session, principal, review_id)
    if ATTENDEES.count(session, review.id) >= MAX_ATTENDEES_PER_REVIEW:
        raise Conflict(f"a review lists at most {MAX_ATTENDEES_PER_REVIEW} attendees")
    attendee = Attendee(
        review_id=review.id,
        **{name: _stored(getattr(body, name)) for name in _AUDITED},
        created_at=now,
        updated_at=now,
    )
    _check(review, attendee, set(_AUDITED), london_today(now))
    session.add(attendee)
    session.flush()
    audit(
        session,
        principal,
        now,
        "attendee.added",
        attendee,
        {"review_id": review.id, **_snapshot(attendee)},
        owner=review,
    )
    return attendee


def list_attendees(
    session: Session, principal: Principal, review_id: uuid.UUID, *, limit: int,
    cursor: str | None,
) -> Page[Attendee]:  # fmt: skip
    """A review's attendees, oldest listing first, keyset-paginated."""
    review = repository.visible_review(session, principal, review_id)
    return ATTENDEES.page(session, review.id, cursor, limit)


def get_attendee(
    session: Session, principal: Principal, review_id: uuid.UUID, attendee_id: uuid.UUID
) -> Attendee:
    """One attendee of a review the token may see."""
    review = repository.visible_review(session, principal, review_id)
    return ATTENDEES.one(session, review.id, attendee_id, for_update=False)


def update_attendee(
    session: Session, principal: Principal, review_id: uuid.UUID, attendee_id: uuid.UUID,
    body: AttendeeUpdate, if_match: str | None, now: datetime,
) -> Attendee:  # fmt: skip
    """Record an invitation, a reply, attendance or a correction."""
    review = _writable_review(session, principal, review_id)
    attendee = ATTENDEES.one(session, review.id, attendee_id, for_update=True)
    check_if_match(if_match, attendee.version)
    before = _snapshot(attendee)
    for name in body.model_fields_set:
        value = getattr(body, name)
        # `null` clears a nullable field; for the others it means "unchanged".
        if value is not None or name in _NULLABLE:
            setattr(attendee, name, _stored(value))
    changes = diff(before, _snapshot(attendee))
    _check(review, attendee, set(changes), london_today(now))
    if changes:
        attendee.updated_at = now
        session.flush()
        audit(
            session,
            principal,
            now,
            "attendee.updated",
            attendee,
            {"review_id": review.id, **changes},
            owner=review,
        )
    return attendee


def check_attendance(
    session: Session, principal: Principal, review_id: uuid.UUID
) -> AttendanceReport:
    """Who guidance expects at the review and is missing (RULES.md §6)."""
    review = repository.visible_review(session, principal, review_id)
    plan = repository.plan_of(session, review)
    child = session.get(Child, plan.child_id)
    assert child is not None
    attendees = ATTENDEES.all(session, review.id)
    listed = [
        ListedAttendee(
            role=AttendeeRole(a.role),
            has_parental_responsibility=a.has_parental_responsibility,
            needs_interpreter=a.needs_interpreter,
            invited_on=a.invited_on,
            attended=a.attended,
            not_invited_reason=a.not_invited_reason,
        )
        for a in attendees
    ]
    day = attendance_day(review.held_on, review.due_by, scheduled_date(review), review.reconvene_on)
    facts = ChildFacts(
        date_of_birth=child.date_of_birth,
        plan_type=PlanType(review.plan_type),
        parents_with_parental_responsibility=child.parents_with_parental_responsibility,
    )
    return AttendanceReport(
        review,
        day,
        attendance_findings(facts, day, listed) + _wishes_findings(session, review, attendees),
    )


def _wishes_findings(session: Session, review: Review, attendees: list[Attendee]) -> list[Finding]:
    """What follows from the child chairing their own review or not attending (RULES.md §5,
    §6): the child declined, or was recorded as not attending."""
    child_rows = [a for a in attendees if a.role == AttendeeRole.CHILD]
    will_not_attend = any(a.reply == Reply.DECLINED or a.attended is False for a in child_rows)
    milestones = repository.milestones_of_reviews(session, [review.id]).get(review.id, [])
    met = any(
        m.kind == MilestoneKind.CHAIR_MEETS_CHILD and m.status == MilestoneStatus.DONE
        for m in milestones
    )
    wishes = review.child_wishes or {}
    return wishes_findings(
        chairs_own_review=wishes.get("chairs_own_review"),
        child_will_not_attend=will_not_attend,
        chair_met_child=met,
    )
