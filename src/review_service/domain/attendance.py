"""Who attends a review, and who guidance expects that is missing (RULES.md §6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from review_service.domain.findings import Finding
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus, age_on, review_date

# RULES.md §6 [001]: a personal adviser from 16; the designated teacher over compulsory
# school age (5 to 15 inclusive on the review date).
PERSONAL_ADVISER_FROM_AGE = 16
SCHOOL_AGE_FROM = 5
SCHOOL_AGE_TO = 15


class AttendeeRole(StrEnum):
    """The part someone plays at a review."""

    CHILD = "child"
    PARENT = "parent"
    CARER = "carer"
    SOCIAL_WORKER = "social_worker"
    IRO = "iro"
    PERSONAL_ADVISER = "personal_adviser"
    DESIGNATED_TEACHER = "designated_teacher"
    INTERPRETER = "interpreter"
    ADVOCATE = "advocate"
    HEALTH = "health"
    OTHER_PROFESSIONAL = "other_professional"
    OTHER = "other"


class ContributionMode(StrEnum):
    """How someone contributes to the review (RULES.md §6)."""

    IN_PERSON = "in_person"
    REMOTE = "remote"
    WRITTEN_REPORT = "written_report"
    SEPARATE_DISCUSSION = "separate_discussion"


class Reply(StrEnum):
    """An invitee's answer to the invitation."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_REPLY = "no_reply"


# Attendance is a fact of a meeting that is arranged, went ahead or was held.
ATTENDANCE_RECORDABLE = frozenset(
    {ReviewStatus.SCHEDULED, ReviewStatus.ADJOURNED, ReviewStatus.HELD}
)


def can_record_attendance(status: ReviewStatus) -> bool:
    """True when whether someone attended may be recorded for a review in `status`."""
    return status in ATTENDANCE_RECORDABLE


def attendance_day(
    held_on: date | None, due_by: date, scheduled_on: date | None, reconvene_on: date | None
) -> date:
    """The date ages are taken on: the day the review was held, else the day it is to meet
    (RULES.md §5's review date)."""
    return held_on or review_date(due_by, scheduled_on, reconvene_on)


@dataclass(frozen=True, slots=True)
class ListedAttendee:
    """The facts about one listed person that the attendance rules read."""

    role: AttendeeRole
    has_parental_responsibility: bool = False
    needs_interpreter: bool = False
    invited_on: date | None = None
    attended: bool | None = None
    not_invited_reason: str | None = None

    @property
    def accounted_for(self) -> bool:
        """Invited (or seen at the meeting), or deliberately not invited with a recorded reason,
        e.g. that inviting them would increase risk (RULES.md §6 [002])."""
        return (
            self.invited_on is not None
            or self.attended is True
            or bool((self.not_invited_reason or "").strip())
        )


@dataclass(frozen=True, slots=True)
class ChildFacts:
    """What the attendance rules need to know about the child and the plan."""

    date_of_birth: date
    plan_type: PlanType
    parents_with_parental_responsibility: int | None = None


def _roles(attendees: Sequence[ListedAttendee]) -> set[AttendeeRole]:
    return {a.role for a in attendees}


def _missing_parents(child: ChildFacts, attendees: Sequence[ListedAttendee]) -> list[Finding]:
    # RULES.md §6 [002]: both parents with parental responsibility, unless it is recorded that
    # inviting one would increase risk.
    expected = child.parents_with_parental_responsibility
    if not expected:
        return []
    listed = sum(
        1
        for a in attendees
        if a.role is AttendeeRole.PARENT and a.has_parental_responsibility and a.accounted_for
    )
    if listed >= expected:
        return []
    return [
        Finding(
            "parent_with_parental_responsibility_missing",
            f"the child's record shows {expected} parent(s) with parental responsibility but "
            f"{listed} is/are invited or recorded as deliberately not invited",
            "RULES.md §6 [002]",
        )
    ]


def _missing_personal_adviser(
    age: int, roles: set[AttendeeRole], review_day: date
) -> list[Finding]:
    # RULES.md §6 [001]: a personal adviser when the child is 16 or over.
    if age < PERSONAL_ADVISER_FROM_AGE or AttendeeRole.PERSONAL_ADVISER in roles:
        return []
    return [
        Finding(
            "personal_adviser_missing",
            f"the child is {age} on {review_day.isoformat()} and no personal adviser is listed",
            "RULES.md §6 [001]",
        )
    ]


def _missing_interpreter(
    attendees: Sequence[ListedAttendee], roles: set[AttendeeRole]
) -> list[Finding]:
    # RULES.md §6 [001] [002]: an interpreter where a participant needs one.
    needing = sum(1 for a in attendees if a.needs_interpreter)
    if not needing or AttendeeRole.INTERPRETER in roles:
        return []
    return [
        Finding(
            "interpreter_missing",
            f"{needing} participant(s) need an interpreter and no interpreter is listed",
            "RULES.md §6 [001] [002]",
        )
    ]


def _missing_designated_teacher(
    child: ChildFacts, age: int, roles: set[AttendeeRole]
) -> list[Finding]:
    # RULES.md §6 [001]: the designated teacher for a looked-after child of school age.
    if not child.plan_type.is_looked_after or not SCHOOL_AGE_FROM <= age <= SCHOOL_AGE_TO:
        return []
    if AttendeeRole.DESIGNATED_TEACHER in roles:
        return []
    return [
        Finding(
            "designated_teacher_missing",
            f"a looked-after child of school age ({age}) and no designated teacher is listed",
            "RULES.md §6 [001]",
        )
    ]


def _child_not_listed(roles: set[AttendeeRole]) -> list[Finding]:
    # RULES.md §6 [001]: the child is presumed to attend; disability is no bar.
    if AttendeeRole.CHILD in roles:
        return []
    return [
        Finding(
            "child_not_listed",
            "the child is presumed to attend their review but is not listed",
            "RULES.md §6 [001]",
        )
    ]


def attendance_findings(
    child: ChildFacts, review_day: date, attendees: Sequence[ListedAttendee]
) -> list[Finding]:
    """Warnings for everyone guidance expects at a review held on `review_day` who is missing
    from `attendees` (RULES.md §6: warn, never refuse)."""
    roles = _roles(attendees)
    age = age_on(child.date_of_birth, review_day)
    return [
        *_child_not_listed(roles),
        *_missing_parents(child, attendees),
        *_missing_personal_adviser(age, roles, review_day),
        *_missing_interpreter(attendees, roles),
        *_missing_designated_teacher(child, age, roles),
    ]
