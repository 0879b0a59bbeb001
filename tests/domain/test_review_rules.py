"""Pure table tests of RULES.md §2, §3, §5, §6 and §7 (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from review_service.domain.considered_plans import KeyPlan, considered_plan_findings
from review_service.domain.deadlines import displayed_milestone_status
from review_service.domain.milestones import (
    MilestoneKind,
    MilestoneStatus,
    plan_milestones,
    post_review_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import DEFAULT_POLICY, Policy
from review_service.domain.regions import Region
from review_service.domain.review_series import ReviewSeries
from review_service.domain.reviews import (
    InvalidParticipation,
    InvalidReviewDate,
    OutOfTimescale,
    ParticipationCode,
    ReviewStatus,
    age_on,
    bring_forward,
    check_held_on,
    check_schedule,
    effective_due,
    is_late,
    resolve_participation,
)
from review_service.domain.working_days import WorkingDayCalendar

EW = WorkingDayCalendar.for_region(Region.ENGLAND_AND_WALES)
D = date


@pytest.mark.parametrize(
    ("plan_type", "start", "interval", "due"),
    [
        (PlanType.LOOKED_AFTER, D(2024, 3, 4), None, D(2024, 4, 3)),     # over Easter 2024
        (PlanType.LOOKED_AFTER, D(2023, 12, 11), None, D(2024, 1, 11)),  # over Christmas
        (PlanType.SHORT_BREAKS, D(2023, 11, 30), None, D(2024, 2, 29)),
        (PlanType.CHILD_PROTECTION, D(2024, 8, 31), None, D(2024, 11, 30)),
        (PlanType.PATHWAY, D(2024, 8, 31), None, D(2025, 2, 28)),
        (PlanType.CHILD_IN_NEED, D(2024, 1, 31), None, D(2024, 4, 30)),
        (PlanType.CHILD_IN_NEED, D(2024, 1, 31), 1, D(2024, 2, 29)),
        (PlanType.EARLY_HELP, D(2024, 5, 31), 6, D(2024, 11, 30)),
    ],
)
def test_first_review_due(plan_type: PlanType, start: date, interval: int | None, due: date
                          ) -> None:
    assert ReviewSeries(plan_type, start, interval).first_due(EW, DEFAULT_POLICY) == due


@pytest.mark.parametrize(
    ("plan_type", "sequence", "held", "due"),
    [
        (PlanType.LOOKED_AFTER, 2, D(2024, 11, 30), D(2025, 2, 28)),  # 3 months, clamped
        (PlanType.LOOKED_AFTER, 3, D(2024, 8, 31), D(2025, 2, 28)),   # 6 months, clamped
        (PlanType.SHORT_BREAKS, 2, D(2024, 1, 15), D(2024, 7, 15)),
        (PlanType.CHILD_PROTECTION, 2, D(2024, 3, 31), D(2024, 9, 30)),
        (PlanType.PATHWAY, 5, D(2024, 12, 25), D(2025, 6, 25)),       # any day, even Christmas
        (PlanType.CHILD_IN_NEED, 2, D(2024, 12, 31), D(2025, 3, 31)),
    ],
)
def test_next_review_due_from_held_date(plan_type: PlanType, sequence: int, held: date,
                                        due: date) -> None:
    assert ReviewSeries(plan_type, D(2020, 1, 1)).next_due(sequence, held, DEFAULT_POLICY) == due


def test_policy_interval_default_and_override() -> None:
    series = ReviewSeries(PlanType.CHILD_IN_NEED, D(2024, 1, 15))
    assert series.first_due(EW, DEFAULT_POLICY) == D(2024, 4, 15)
    two_months = DEFAULT_POLICY.with_overrides({"child_in_need_review_interval_months": 2})
    assert series.first_due(EW, two_months) == D(2024, 3, 15)
    # The group's own interval wins over the policy default.
    assert ReviewSeries(PlanType.CHILD_IN_NEED, D(2024, 1, 15), 4).first_due(
        EW, two_months) == D(2024, 5, 15)


def test_policy_rejects_unknown_names() -> None:
    with pytest.raises(KeyError):
        DEFAULT_POLICY.with_overrides({"nonsense": 1})
    assert Policy().as_dict()["region"] == "england-and-wales"


def test_review_two_needs_the_first_held_date() -> None:
    series = ReviewSeries(PlanType.PATHWAY, D(2024, 1, 1))
    with pytest.raises(ValueError, match="held date"):
        series.due(2, None, EW, DEFAULT_POLICY)
    with pytest.raises(ValueError, match="review 1"):
        series.next_due(1, D(2024, 2, 1), DEFAULT_POLICY)


def test_pre_review_milestones_of_a_child_in_need_review() -> None:
    # Review date Tue 2 Jan 2024: invitations 10 working days before, over Christmas.
    got = {m.kind: m.due_by for m in pre_review_milestones(
        PlanType.CHILD_IN_NEED, D(2024, 1, 2), EW, DEFAULT_POLICY)}
    assert got == {MilestoneKind.INVITATIONS: D(2023, 12, 14),
                   MilestoneKind.CHILD_VISIT: D(2023, 12, 19)}


def test_post_review_milestones_over_christmas() -> None:
    # Held Fri 22 Dec 2023: 25, 26 Dec and 1 Jan are bank holidays, so the working days
    # after it run 27, 28, 29 Dec, 2, 3 Jan, ...
    got = {m.kind: m.due_by for m in post_review_milestones(
        PlanType.SHORT_BREAKS, D(2023, 12, 22), EW, DEFAULT_POLICY)}
    assert got == {
        MilestoneKind.DECISIONS_RECORD: D(2024, 1, 3),
        MilestoneKind.FULL_RECORD: D(2024, 1, 17),
        MilestoneKind.RECORD_DISTRIBUTED: D(2024, 1, 24),
    }


def test_plan_milestones() -> None:
    assert [(m.kind, m.due_by) for m in plan_milestones(
        PlanType.CHILD_IN_NEED, D(2023, 5, 31), EW, DEFAULT_POLICY)] == [
        (MilestoneKind.MANAGEMENT_OVERSIGHT, D(2024, 2, 29))]
    assert [(m.kind, m.due_by) for m in plan_milestones(
        PlanType.LOOKED_AFTER, D(2023, 12, 22), EW, DEFAULT_POLICY)] == [
        (MilestoneKind.IRO_APPOINTED, D(2024, 1, 3))]
    assert plan_milestones(PlanType.PATHWAY, D(2023, 12, 22), EW, DEFAULT_POLICY) == []


def test_overdue_is_derived() -> None:
    assert displayed_milestone_status(MilestoneStatus.PENDING, D(2024, 1, 1), D(2024, 1, 2)) is \
        MilestoneStatus.OVERDUE
    assert displayed_milestone_status(MilestoneStatus.PENDING, D(2024, 1, 2), D(2024, 1, 2)) is \
        MilestoneStatus.PENDING
    assert displayed_milestone_status(MilestoneStatus.DONE, D(2024, 1, 1), D(2024, 1, 2)) is \
        MilestoneStatus.DONE


def test_bring_forward_never_later() -> None:
    assert bring_forward(D(2024, 5, 1), D(2024, 4, 1)) == D(2024, 4, 1)
    assert bring_forward(D(2024, 5, 1), D(2024, 6, 1)) == D(2024, 5, 1)
    assert effective_due(D(2024, 5, 1), None) == D(2024, 5, 1)
    assert effective_due(D(2024, 5, 1), D(2024, 4, 1)) == D(2024, 4, 1)
    assert effective_due(D(2024, 3, 1), D(2024, 4, 1)) == D(2024, 3, 1)


def test_out_of_timescale_needs_exceptional_circumstances() -> None:
    check_schedule(D(2024, 5, 1), D(2024, 5, 1), None)
    with pytest.raises(OutOfTimescale):
        check_schedule(D(2024, 5, 1), D(2024, 5, 2), None)
    with pytest.raises(OutOfTimescale):
        check_schedule(D(2024, 5, 1), D(2024, 5, 2), "   ")
    check_schedule(D(2024, 5, 1), D(2024, 5, 2), "Chair ill")


@pytest.mark.parametrize(
    ("status", "scheduled", "reconvene", "held", "late"),
    [
        (ReviewStatus.DUE, None, None, None, False),
        (ReviewStatus.SCHEDULED, D(2024, 5, 1), None, None, False),
        (ReviewStatus.SCHEDULED, D(2024, 5, 2), None, None, True),
        (ReviewStatus.ADJOURNED, D(2024, 4, 30), D(2024, 5, 2), None, True),
        (ReviewStatus.HELD, D(2024, 5, 2), None, D(2024, 5, 1), False),
        (ReviewStatus.HELD, None, None, D(2024, 5, 2), True),
        (ReviewStatus.CANCELLED, D(2024, 5, 9), None, None, False),
    ],
)
def test_is_late(status: ReviewStatus, scheduled: date | None, reconvene: date | None,
                 held: date | None, late: bool) -> None:
    assert is_late(status, D(2024, 5, 1), scheduled, reconvene, held) is late


def test_held_date_order() -> None:
    check_held_on(D(2024, 5, 1), D(2024, 4, 1), D(2024, 4, 20), D(2024, 5, 1))
    for held, previous in [(D(2024, 3, 31), None), (D(2024, 4, 19), D(2024, 4, 20)),
                           (D(2024, 5, 2), None)]:
        with pytest.raises(InvalidReviewDate):
            check_held_on(held, D(2024, 4, 1), previous, D(2024, 5, 1))


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [(D(2020, 2, 29), D(2024, 2, 28), 3), (D(2020, 2, 29), D(2024, 2, 29), 4),
     (D(2020, 2, 29), D(2023, 3, 1), 3), (D(2020, 2, 29), D(2023, 2, 28), 2),
     (D(2010, 6, 15), D(2026, 6, 14), 15), (D(2010, 6, 15), D(2026, 6, 15), 16)],
)
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


P = ParticipationCode


@pytest.mark.parametrize(
    ("plan_type", "born", "code", "expected"),
    [
        (PlanType.LOOKED_AFTER, D(2021, 5, 2), None, P.PN0),       # 2 days short of 4: implied
        (PlanType.LOOKED_AFTER, D(2021, 5, 2), P.PN0, P.PN0),
        (PlanType.LOOKED_AFTER, D(2021, 5, 1), P.PN3, P.PN3),      # 4 on the day
        (PlanType.SHORT_BREAKS, D(2012, 1, 1), P.PN7, P.PN7),
        (PlanType.CHILD_PROTECTION, D(2012, 1, 1), None, None),
    ],
)
def test_participation_accepted(plan_type: PlanType, born: date, code: P | None,
                                expected: P | None) -> None:
    assert resolve_participation(plan_type, born, D(2025, 5, 1), code) is expected


@pytest.mark.parametrize(
    ("plan_type", "born", "code"),
    [
        (PlanType.LOOKED_AFTER, D(2021, 5, 1), None),        # 4: required
        (PlanType.LOOKED_AFTER, D(2021, 5, 1), P.PN0),       # rule 440
        (PlanType.SHORT_BREAKS, D(2021, 5, 2), P.PN1),       # rule 441
        (PlanType.PATHWAY, D(2008, 1, 1), P.PN1),            # no code for this plan type
        (PlanType.EARLY_HELP, D(2020, 1, 1), P.PN0),
    ],
)
def test_participation_refused(plan_type: PlanType, born: date, code: P | None) -> None:
    with pytest.raises(InvalidParticipation):
        resolve_participation(plan_type, born, D(2025, 5, 1), code)


def test_considered_plans() -> None:
    assert considered_plan_findings(PlanType.CHILD_PROTECTION, 3, []) == []
    assert considered_plan_findings(PlanType.LOOKED_AFTER, 1, [KeyPlan.CARE_PLAN]) == []
    codes = [f.code for f in considered_plan_findings(PlanType.LOOKED_AFTER, 2,
                                                      [KeyPlan.HEALTH_PLAN])]
    assert codes == ["care_plan_not_considered", "permanence_plan_not_considered"]
    assert considered_plan_findings(PlanType.SHORT_BREAKS, 2,
                                    [KeyPlan.PATHWAY_PLAN, KeyPlan.PERMANENCE_PLAN]) == []
