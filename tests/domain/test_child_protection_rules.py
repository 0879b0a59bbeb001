"""Pure table tests of issue 11: the child protection timeline (RULES.md §2), the event table
per plan type (§4), milestones as policy (§5) and the child's wishes (§6). Dates hand-checked."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from review_service.domain.child_protection import (
    ConferenceAlreadyHeld,
    ConferenceRefused,
    EnquiryStatus,
    check_conference,
    conference_due_by,
    conference_is_late,
    first_core_group_due_by,
    next_core_group_due_by,
)
from review_service.domain.child_wishes import wishes_findings
from review_service.domain.events import (
    EffectKind,
    EventType,
    affected_plan_types,
    bring_forward_outcome,
)
from review_service.domain.milestones import (
    MilestoneKind,
    StatutoryMilestone,
    chained_due,
    check_milestones_off,
    conference_milestones,
    next_in_chain,
    plan_milestones,
    post_review_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import DEFAULT_POLICY
from review_service.domain.regions import Region
from review_service.domain.working_days import WorkingDayCalendar

EW = WorkingDayCalendar.for_region(Region.ENGLAND_AND_WALES)
D = date


@pytest.mark.parametrize(
    ("strategy", "due"),
    [
        # Wed 20 Mar 2024: 21,22,25,26,27,28 (6); Good Friday 29 Mar and Easter Monday 1 Apr
        # skipped; 2,3,4,5 (10), 8,9,10,11,12 (15) -> Fri 12 Apr 2024.
        (D(2024, 3, 20), D(2024, 4, 12)),
        # Mon 16 Dec 2024: 17,18,19,20,23,24 (6); 25, 26 Dec skipped; 27, 30, 31 (9);
        # 1 Jan skipped; 2,3,6,7,8,9 (15) -> Thu 9 Jan 2025.
        (D(2024, 12, 16), D(2025, 1, 9)),
        # Mon 2 Mar 2026, no holidays: three weeks of working days -> Mon 23 Mar 2026.
        (D(2026, 3, 2), D(2026, 3, 23)),
        # A Saturday strategy discussion: its own day never counts; Mon 9 is day 1 -> Fri 27.
        (D(2026, 3, 7), D(2026, 3, 27)),
    ],
)
def test_initial_conference_is_due_15_working_days_after_the_strategy_discussion(
    strategy: date, due: date
) -> None:
    assert conference_due_by(strategy, EW) == due


GOVUK_FEED = Path(__file__).resolve().parents[1] / "data" / "govuk-bank-holidays.json"


def _govuk_bank_holidays() -> set[date]:
    events = json.loads(GOVUK_FEED.read_text())["england-and-wales"]["events"]
    return {date.fromisoformat(event["date"]) for event in events}


def _count_on(start: date, n: int, holidays: set[date]) -> date:
    """A naive walk, for holding the engine against GOV.UK's own feed."""
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            n -= 1
    return day


@pytest.mark.parametrize(
    ("strategy", "due", "skipped"),
    [
        # Christmas 2021 fell on a weekend: substitute days Mon 27 and Tue 28 Dec, and New
        # Year's Day (Sat) on Mon 3 Jan 2022. From Mon 20 Dec: 21-24 (4), 29-31 (7),
        # 4-7 Jan (11), 10-13 (15) -> Thu 13 Jan 2022.
        (D(2021, 12, 20), D(2022, 1, 13), [D(2021, 12, 27), D(2021, 12, 28), D(2022, 1, 3)]),
        # Christmas Day 2022 a Sunday: Boxing Day Mon 26, substitute Tue 27 Dec; New Year's
        # Day substitute Mon 2 Jan 2023. From Mon 19 Dec: 20-23 (4), 28-30 (7), 3-6 Jan (11),
        # 9-12 (15) -> Thu 12 Jan 2023.
        (D(2022, 12, 19), D(2023, 1, 12), [D(2022, 12, 26), D(2022, 12, 27), D(2023, 1, 2)]),
        # Easter 2025 and the early May bank holiday: from Thu 10 Apr: 11, 14-17 (5), Good
        # Friday 18 and Easter Monday 21 skipped, 22-25 (9), 28-30, 1, 2 May (14), Mon 5 May
        # skipped -> Tue 6 May 2025.
        (D(2025, 4, 10), D(2025, 5, 6), [D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5)]),
        # An Easter in March (2027): from Mon 22 Mar: 23-25 (3), Good Friday 26 and Easter
        # Monday 29 skipped, 30, 31, 1, 2 Apr (7), 5-9 (12), 12-14 (15) -> Wed 14 Apr 2027.
        (D(2027, 3, 22), D(2027, 4, 14), [D(2027, 3, 26), D(2027, 3, 29)]),
    ],
)
def test_the_conference_over_christmas_and_easter_as_govuk_has_them(
    strategy: date, due: date, skipped: list[date]
) -> None:
    holidays = _govuk_bank_holidays()
    assert set(skipped) <= holidays
    assert conference_due_by(strategy, EW) == due == _count_on(strategy, 15, holidays)


def test_the_first_core_group_over_christmas_with_substitute_days() -> None:
    # Conference Mon 19 Dec 2022 + 10 WD: 20-23 (4), 28-30 (7), 3-5 Jan (10) -> Thu 5 Jan.
    due = first_core_group_due_by(D(2022, 12, 19), EW)
    assert due == D(2023, 1, 5) == _count_on(D(2022, 12, 19), 10, _govuk_bank_holidays())


def test_a_conference_is_late_only_when_held_after_its_due_date() -> None:
    assert not conference_is_late(D(2024, 4, 12), D(2024, 4, 12))
    assert conference_is_late(D(2024, 4, 15), D(2024, 4, 12))


def test_a_conference_twice_before_its_strategy_or_in_the_future_is_refused() -> None:
    with pytest.raises(ConferenceAlreadyHeld):
        check_conference(EnquiryStatus.CONFERENCED, D(2026, 3, 2), D(2026, 3, 10), D(2026, 3, 20))
    with pytest.raises(ConferenceRefused):
        check_conference(EnquiryStatus.OPEN, D(2026, 3, 2), D(2026, 3, 1), D(2026, 3, 20))
    with pytest.raises(ConferenceRefused):
        check_conference(EnquiryStatus.OPEN, D(2026, 3, 2), D(2026, 3, 21), D(2026, 3, 20))
    check_conference(EnquiryStatus.OPEN, D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 20))


def test_core_group_chain() -> None:
    # Conference Wed 20 Mar 2024: 21,22,25,26,27,28, (Easter) 2,3,4,5 -> Fri 5 Apr 2024.
    assert first_core_group_due_by(D(2024, 3, 20), EW) == D(2024, 4, 5)
    # The first core group met Thu 4 Apr: the next is due 6 weeks later, Thu 16 May.
    first = next_in_chain(
        MilestoneKind.FIRST_CORE_GROUP, PlanType.CHILD_PROTECTION, D(2024, 4, 4),
        D(2024, 4, 5), EW, DEFAULT_POLICY,
    )
    assert first is not None
    assert (first.kind, first.due_by) == (
        MilestoneKind.CORE_GROUP, D(2024, 5, 16))
    # That one met late, on Mon 20 May: counted from the day it met -> Mon 1 Jul.
    second = next_in_chain(
        MilestoneKind.CORE_GROUP, PlanType.CHILD_PROTECTION, D(2024, 5, 20), D(2024, 5, 16),
        EW, DEFAULT_POLICY,
    )
    assert second is not None
    assert second.due_by == D(2024, 7, 1)
    four_weekly = DEFAULT_POLICY.with_overrides({"core_group_interval_weeks": 4})
    assert next_core_group_due_by(D(2024, 5, 20), four_weekly) == D(2024, 6, 17)
    # Other milestones open nothing when done.
    assert next_in_chain(MilestoneKind.IRO_APPOINTED, PlanType.LOOKED_AFTER, D(2024, 5, 20),
                         D(2024, 5, 20), EW, DEFAULT_POLICY) is None


def test_an_open_chained_milestone_under_a_changed_policy() -> None:
    four_weekly = DEFAULT_POLICY.with_overrides({"core_group_interval_weeks": 4})
    # The last core group met Fri 13 Feb 2026 (it was due Mon 16 Feb): 4 weeks -> Fri 13 Mar.
    previous = (D(2026, 2, 13), D(2026, 2, 16))
    assert chained_due(MilestoneKind.CORE_GROUP, D(2026, 2, 2), previous, EW,
                       four_weekly) == D(2026, 3, 13)
    # None met yet: from the plan's start, Mon 2 Feb + 4 weeks -> Mon 2 Mar.
    assert chained_due(MilestoneKind.CORE_GROUP, D(2026, 2, 2), None, EW,
                       four_weekly) == D(2026, 3, 2)
    # A carer letter counts from the day the last was due (Wed 4 Feb), not the day it was
    # written (Tue 10 Feb): 4 months -> Thu 4 Jun 2026.
    four_monthly = DEFAULT_POLICY.with_overrides({"carer_letter_months": 4})
    assert chained_due(MilestoneKind.CARER_LETTER, D(2025, 8, 4),
                       (D(2026, 2, 10), D(2026, 2, 4)), EW, four_monthly) == D(2026, 6, 4)
    # The first letter from the start, the month's end clamped: Sun 31 Aug 2025 + 6 months.
    assert chained_due(MilestoneKind.CARER_LETTER, D(2025, 8, 31), None, EW,
                       DEFAULT_POLICY) == D(2026, 2, 28)
    # A chain whose kind is off opens nothing when one is done.
    assert next_in_chain(MilestoneKind.CARER_LETTER, PlanType.LOOKED_AFTER, D(2026, 2, 10),
                         D(2026, 2, 4), EW, DEFAULT_POLICY) is None
    on = DEFAULT_POLICY.with_overrides({"milestones_off": []})
    letter = next_in_chain(MilestoneKind.CARER_LETTER, PlanType.LOOKED_AFTER, D(2026, 2, 10),
                           D(2026, 2, 4), EW, on)
    assert letter is not None
    assert letter.due_by == D(2026, 8, 4)


def test_a_conference_opens_the_first_core_group() -> None:
    kinds = {m.kind: m.due_by for m in conference_milestones(D(2024, 12, 16), EW, DEFAULT_POLICY)}
    # Mon 16 Dec 2024 + 10 WD: 17..24 (6), 27, 30, 31 (9), 2 Jan (10).
    assert kinds == {MilestoneKind.FIRST_CORE_GROUP: D(2025, 1, 2)}
    # A plan posted or imported without its conference opens none (its core groups may
    # have met long ago).
    assert plan_milestones(PlanType.CHILD_PROTECTION, D(2024, 12, 16), EW, DEFAULT_POLICY) == []


IN_CARE = {PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS, PlanType.PATHWAY}


@pytest.mark.parametrize(
    ("event_type", "touched"),
    [
        (EventType.CARE_PLAN_CHANGE_PROPOSED, IN_CARE),
        (EventType.PLACEMENT_CHANGE_PROPOSED, IN_CARE),
        (EventType.PLACEMENT_ENDED_UNPLANNED, IN_CARE),
        (EventType.PLACEMENT_CHANGE_UNPLANNED, IN_CARE),
        (EventType.FAMILY_CONTACT_CHANGE, IN_CARE),
        (EventType.PERMANENCE_PANEL_DECISION, IN_CARE),
        (EventType.MISSING_FROM_HOME, set(PlanType)),
        (EventType.SCHOOL_EXCLUSION, set(PlanType)),
        (EventType.HEALTH_EVENT, set(PlanType)),
        (EventType.SAFEGUARDING_CONCERN, set(PlanType)),
        (EventType.DECISIONS_NOT_IMPLEMENTED, set(PlanType)),
        (EventType.OTHER, set(PlanType)),
    ],
)
def test_which_plans_an_event_touches(event_type: EventType, touched: set[PlanType]) -> None:
    assert affected_plan_types(event_type, DEFAULT_POLICY) == touched


@pytest.mark.parametrize("plan_type", list(PlanType))
def test_the_event_table_for_each_plan_type(plan_type: PlanType) -> None:
    in_care = plan_type in IN_CARE
    touched_by = {t for t in EventType if plan_type in affected_plan_types(t, DEFAULT_POLICY)}
    if in_care:  # every event reaches a child in care's plan
        assert touched_by == set(EventType)
    else:  # a protection, CIN or early help plan: all but the placement and care-plan types
        assert touched_by == {t for t in EventType if t.value not in
                              DEFAULT_POLICY.in_care_event_types}
        assert EventType.MISSING_FROM_HOME in touched_by
        assert EventType.PLACEMENT_CHANGE_PROPOSED not in touched_by


def test_the_event_table_is_the_authoritys_policy() -> None:
    policy = DEFAULT_POLICY.with_overrides({"in_care_event_types": ["missing_from_home"]})
    assert affected_plan_types(EventType.MISSING_FROM_HOME, policy) == IN_CARE
    assert affected_plan_types(EventType.PLACEMENT_CHANGE_UNPLANNED, policy) == set(PlanType)


def test_a_bring_forward_to_a_later_or_equal_date_is_no_change() -> None:
    assert bring_forward_outcome(D(2026, 2, 2), D(2026, 1, 23)) is EffectKind.REVIEW_BROUGHT_FORWARD
    assert bring_forward_outcome(D(2026, 2, 2), D(2026, 2, 2)) is EffectKind.REVIEW_UNCHANGED


def test_all_about_me_milestones_are_off_by_default_and_on_by_policy() -> None:
    review_day, held = D(2026, 6, 15), D(2026, 6, 15)
    default_pre = {m.kind for m in pre_review_milestones(
        PlanType.LOOKED_AFTER, review_day, EW, DEFAULT_POLICY)}
    assert MilestoneKind.CHAIR_CONTACTS_SOCIAL_WORKER not in default_pre
    on = DEFAULT_POLICY.with_overrides({"milestones_off": []})
    pre = {m.kind: m.due_by for m in pre_review_milestones(
        PlanType.LOOKED_AFTER, review_day, EW, on)}
    assert pre[MilestoneKind.CHAIR_CONTACTS_SOCIAL_WORKER] == D(2026, 6, 8)  # Mon - 7 days
    post = {m.kind: m.due_by for m in post_review_milestones(PlanType.LOOKED_AFTER, held, EW, on)}
    # Mon 15 Jun 2026 + 20 WD, no holidays: four weeks -> Mon 13 Jul.
    assert post[MilestoneKind.LETTER_TO_CHILD] == D(2026, 7, 13)
    plan = {m.kind: m.due_by for m in plan_milestones(
        PlanType.LOOKED_AFTER, D(2025, 8, 31), EW, on)}
    assert plan[MilestoneKind.CARER_LETTER] == D(2026, 2, 28)  # 31 Aug + 6 months, clamped
    # A [001] milestone can be turned off; a statutory one cannot.
    off = DEFAULT_POLICY.with_overrides({"milestones_off": ["child_visit"]})
    assert MilestoneKind.CHILD_VISIT not in {m.kind for m in pre_review_milestones(
        PlanType.LOOKED_AFTER, review_day, EW, off)}
    check_milestones_off(("child_visit", "carer_letter"))
    with pytest.raises(StatutoryMilestone):
        check_milestones_off(("core_group",))
    with pytest.raises(StatutoryMilestone):
        check_milestones_off(("iro_appointed",))


def test_the_childs_wishes_say_what_follows() -> None:
    assert wishes_findings(chairs_own_review=None, child_will_not_attend=False,
                           chair_met_child=False) == []
    codes = [f.code for f in wishes_findings(chairs_own_review=True, child_will_not_attend=True,
                                             chair_met_child=False)]
    assert codes == ["child_chairs_own_review", "chair_meets_child_required"]
    assert wishes_findings(chairs_own_review=False, child_will_not_attend=True,
                           chair_met_child=True) == []
