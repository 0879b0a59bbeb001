"""Attendance warnings (RULES.md §6), table-tested with ages checked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from review_service.domain.attendance import (
    AttendeeRole,
    ChildFacts,
    ListedAttendee,
    attendance_day,
    attendance_findings,
    can_record_attendance,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ReviewStatus

R = AttendeeRole
CHILD = ListedAttendee(R.CHILD)
# A child protection plan and a child of 10 on the review date: no age- or care-based rule
# applies, so each table row isolates the rule it is about.
DAY = date(2026, 3, 2)
TEN = date(2015, 5, 1)


def codes(
    attendees: list[ListedAttendee],
    *,
    dob: date = TEN,
    plan_type: PlanType = PlanType.CHILD_PROTECTION,
    parents: int | None = None,
    day: date = DAY,
) -> list[str]:
    facts = ChildFacts(dob, plan_type, parents)
    return [f.code for f in attendance_findings(facts, day, attendees)]


def parent(**kwargs: object) -> ListedAttendee:
    return ListedAttendee(R.PARENT, **kwargs)  # type: ignore[arg-type]


INVITED_PR = parent(has_parental_responsibility=True, invited_on=date(2026, 2, 16))

# (attendees besides the child, parents with PR on the child's record, warned?)
PARENT_CASES: list[tuple[str, list[ListedAttendee], int | None, bool]] = [
    ("count unknown", [], None, False),
    ("no one holds PR", [], 0, False),
    ("one of one invited", [INVITED_PR], 1, False),
    ("both invited", [INVITED_PR, INVITED_PR], 2, False),
    ("one of two invited", [INVITED_PR], 2, True),
    ("none of two listed", [], 2, True),
    (
        "second not invited: inviting would increase risk",
        [INVITED_PR, parent(has_parental_responsibility=True, not_invited_reason="risk")],
        2,
        False,
    ),
    (
        "second listed but neither invited nor a reason recorded",
        [INVITED_PR, parent(has_parental_responsibility=True)],
        2,
        True,
    ),
    (
        "a blank reason does not account for anyone",
        [INVITED_PR, parent(has_parental_responsibility=True, not_invited_reason="  ")],
        2,
        True,
    ),
    (
        "second attended without a recorded invitation",
        [INVITED_PR, parent(has_parental_responsibility=True, attended=True)],
        2,
        False,
    ),
    (
        "second parent has no PR",
        [INVITED_PR, parent(has_parental_responsibility=False, invited_on=date(2026, 2, 16))],
        2,
        True,
    ),
    (
        "a carer with PR is not a parent",
        [INVITED_PR, ListedAttendee(R.CARER, True, invited_on=date(2026, 2, 16))],
        2,
        True,
    ),
]


@pytest.mark.parametrize(("others", "parents", "warned"), [c[1:] for c in PARENT_CASES],
                         ids=[c[0] for c in PARENT_CASES])
def test_parents_with_parental_responsibility(
    others: list[ListedAttendee], parents: int | None, warned: bool
) -> None:
    found = codes([CHILD, *others], parents=parents)
    assert found == (["parent_with_parental_responsibility_missing"] if warned else [])


# (date of birth, review day, age on that day by hand, personal adviser expected)
ADVISER_CASES = [
    (date(2010, 3, 2), date(2026, 3, 1), 15, False),   # the day before the 16th birthday
    (date(2010, 3, 2), date(2026, 3, 2), 16, True),    # the 16th birthday itself
    (date(2010, 3, 3), date(2026, 3, 2), 15, False),
    (date(2000, 2, 29), date(2016, 2, 28), 15, False),  # leap-day child, leap year
    (date(2000, 2, 29), date(2016, 2, 29), 16, True),
    (date(2007, 12, 31), date(2026, 3, 2), 18, True),
]


@pytest.mark.parametrize(("dob", "day", "age", "expected"), ADVISER_CASES)
def test_personal_adviser_from_16(dob: date, day: date, age: int, expected: bool) -> None:
    facts = ChildFacts(dob, PlanType.PATHWAY)
    findings = attendance_findings(facts, day, [CHILD])
    assert [f.code for f in findings] == (["personal_adviser_missing"] if expected else [])
    if expected:
        assert f"is {age} on {day.isoformat()}" in findings[0].message
    with_adviser = [CHILD, ListedAttendee(R.PERSONAL_ADVISER)]
    assert attendance_findings(facts, day, with_adviser) == []


# (plan type, date of birth, review day, age by hand, designated teacher expected)
TEACHER_CASES = [
    (PlanType.LOOKED_AFTER, date(2021, 3, 2), date(2026, 3, 1), 4, False),
    (PlanType.LOOKED_AFTER, date(2021, 3, 2), date(2026, 3, 2), 5, True),
    # Born 29 Feb 2020: in 2025 (not a leap year) the fifth birthday turns over on 1 March.
    (PlanType.LOOKED_AFTER, date(2020, 2, 29), date(2025, 2, 28), 4, False),
    (PlanType.LOOKED_AFTER, date(2020, 2, 29), date(2025, 3, 1), 5, True),
    (PlanType.SHORT_BREAKS, date(2015, 5, 1), date(2026, 3, 2), 10, True),
    (PlanType.LOOKED_AFTER, date(2010, 3, 3), date(2026, 3, 2), 15, True),
    (PlanType.LOOKED_AFTER, date(2010, 3, 2), date(2026, 3, 2), 16, False),
    (PlanType.CHILD_PROTECTION, date(2015, 5, 1), date(2026, 3, 2), 10, False),
    (PlanType.CHILD_IN_NEED, date(2015, 5, 1), date(2026, 3, 2), 10, False),
]


@pytest.mark.parametrize(("plan_type", "dob", "day", "age", "expected"), TEACHER_CASES)
def test_designated_teacher_for_looked_after_child_of_school_age(
    plan_type: PlanType, dob: date, day: date, age: int, expected: bool
) -> None:
    # Listing a personal adviser keeps the 16-year-old rows about the teacher alone.
    present = [CHILD, ListedAttendee(R.PERSONAL_ADVISER)]
    findings = attendance_findings(ChildFacts(dob, plan_type), day, present)
    assert [f.code for f in findings] == (["designated_teacher_missing"] if expected else [])
    if expected:
        assert f"({age})" in findings[0].message
    teacher = [*present, ListedAttendee(R.DESIGNATED_TEACHER)]
    assert attendance_findings(ChildFacts(dob, plan_type), day, teacher) == []


INTERPRETER_CASES = [
    ("nobody needs one", [ListedAttendee(R.PARENT)], False),
    ("a parent needs one", [ListedAttendee(R.PARENT, needs_interpreter=True)], True),
    ("the child needs one", [ListedAttendee(R.CHILD, needs_interpreter=True)], True),
    (
        "one is listed",
        [ListedAttendee(R.PARENT, needs_interpreter=True), ListedAttendee(R.INTERPRETER)],
        False,
    ),
]


@pytest.mark.parametrize(("others", "warned"), [c[1:] for c in INTERPRETER_CASES],
                         ids=[c[0] for c in INTERPRETER_CASES])
def test_interpreter_where_a_participant_needs_one(
    others: list[ListedAttendee], warned: bool
) -> None:
    assert codes([CHILD, *others]) == (["interpreter_missing"] if warned else [])


def test_child_presumed_to_attend() -> None:
    assert codes([]) == ["child_not_listed"]
    assert codes([ListedAttendee(R.SOCIAL_WORKER)]) == ["child_not_listed"]
    assert codes([CHILD]) == []
    # Listed but contributing another way still counts as listed.
    assert codes([ListedAttendee(R.CHILD, not_invited_reason="chose to write")]) == []


def test_every_rule_at_once_each_citing_its_source() -> None:
    facts = ChildFacts(date(2010, 3, 2), PlanType.LOOKED_AFTER, 2)
    findings = attendance_findings(
        facts, date(2026, 3, 1), [ListedAttendee(R.CARER, needs_interpreter=True)]
    )
    assert [(f.code, f.rule) for f in findings] == [
        ("child_not_listed", "RULES.md §6 [001]"),
        ("parent_with_parental_responsibility_missing", "RULES.md §6 [002]"),
        ("interpreter_missing", "RULES.md §6 [001] [002]"),
        ("designated_teacher_missing", "RULES.md §6 [001]"),
    ]
    aged_16 = attendance_findings(facts, date(2026, 3, 2), [CHILD])
    assert [(f.code, f.rule) for f in aged_16] == [
        ("parent_with_parental_responsibility_missing", "RULES.md §6 [002]"),
        ("personal_adviser_missing", "RULES.md §6 [001]"),
    ]


@pytest.mark.parametrize(
    ("held_on", "scheduled_on", "reconvene_on", "expected"),
    [
        (None, None, None, date(2026, 4, 30)),
        (None, date(2026, 4, 20), None, date(2026, 4, 20)),
        (None, date(2026, 4, 20), date(2026, 4, 27), date(2026, 4, 27)),
        (date(2026, 4, 21), date(2026, 4, 20), None, date(2026, 4, 21)),
    ],
)
def test_attendance_day(
    held_on: date | None, scheduled_on: date | None, reconvene_on: date | None, expected: date
) -> None:
    assert attendance_day(held_on, date(2026, 4, 30), scheduled_on, reconvene_on) == expected


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ReviewStatus.DUE, False),
        (ReviewStatus.SCHEDULED, True),
        (ReviewStatus.ADJOURNED, True),
        (ReviewStatus.HELD, True),
        (ReviewStatus.CANCELLED, False),
    ],
)
def test_attendance_recordable_once_the_meeting_is_arranged(
    status: ReviewStatus, allowed: bool
) -> None:
    assert can_record_attendance(status) is allowed
