"""CIN census children → child in need and child protection plans (API.md "Wave 2", issue 10).

Census rules that bear on the review clock reject the whole child: 8500 (no LA child id),
8510 (the id twice), 8525Q (no date of birth), 4010/4011/4004/4014 (CIN plan dates), and
8720/8840/8925/8935/8940/8841/8842Q (child protection plan and review dates). Rules that do
not touch a plan's dates or reviews (categories of abuse, assessments, collection period
bounds) are the census's business, not the clock's, and are not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from review_service.domain.dfe_records import (
    ChildOutcome,
    DateFormatError,
    ImportedChild,
    ImportedPlan,
    RejectedChild,
    Rejection,
    parse_iso_date,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.review_history import next_review_due, number_held_reviews
from review_service.domain.ssda903_rules import MAX_EXTERNAL_ID_LENGTH
from review_service.domain.working_days import WorkingDayCalendar


@dataclass(frozen=True, slots=True)
class CensusPlanDates:
    """A `CINPlanDates` group, or a `ChildProtectionPlans` group with its review dates."""

    start: str
    end: str
    reviews: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CensusChild:
    """One `Message/Children/Child` element, as text. `position` is its 1-based place."""

    file: str
    position: int
    la_child_id: str
    person_birth_date: str
    expected_birth_date: str
    cin_plans: tuple[CensusPlanDates, ...]
    protection_plans: tuple[CensusPlanDates, ...]


@dataclass(frozen=True, slots=True)
class _Span:
    start: date
    end: date | None
    reviews: tuple[date, ...]


def _date_or_none(text: str, field: str, problems: list[tuple[str | None, str]]) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_iso_date(text, field)
    except DateFormatError as error:
        problems.append((None, str(error)))
        return None


def _overlaps(spans: Sequence[_Span]) -> bool:
    """Census 4014/8940 as the DfE validator writes them: a plan starting on or after
    another's start and on or before its end (an open plan runs on indefinitely)."""
    for index, span in enumerate(spans):
        for other_index, other in enumerate(spans):
            starts_within = span.start >= other.start and (
                other.end is None or span.start <= other.end
            )
            if index != other_index and starts_within:
                return True
    return False


def _plans(
    groups: Sequence[CensusPlanDates],
    names: tuple[str, str],
    rules: dict[str, str],
    problems: list[tuple[str | None, str]],
) -> list[_Span]:
    start_name, end_name = names
    spans: list[_Span] = []
    for group in groups:
        start = _date_or_none(group.start, start_name, problems)
        end = _date_or_none(group.end, end_name, problems)
        if not group.start.strip():
            problems.append((rules["missing_start"], f"{start_name} is missing"))
        reviews: list[date] = []
        for text in group.reviews:
            if not text.strip():
                problems.append(("8842Q", "a CPPreviewDate is blank"))
                continue
            held = _date_or_none(text, "CPPreviewDate", problems)
            if held is not None:
                reviews.append(held)
        if start is None:
            continue
        if end is not None and end < start:
            problems.append((rules["end_before_start"], f"{end_name} is before {start_name}"))
        if end is not None and end == start and "same_day" in rules:
            problems.append((rules["same_day"], "the plan starts and ends on the same day"))
        for held in reviews:
            if held <= start:
                problems.append(("8841", "a review is on or before the plan's start"))
            elif end is not None and held > end:
                problems.append((None, "a review is after the plan ended"))
        spans.append(_Span(start, end, tuple(sorted(set(reviews)))))
    if sum(1 for span in spans if span.end is None) > 1:
        problems.append((rules["two_open"], "more than one plan of this kind is open"))
    if _overlaps(spans):
        problems.append((rules["overlap"], "plans of this kind overlap"))
    return spans


CIN_PLAN_RULES = {"missing_start": "4010", "end_before_start": "4011", "two_open": "4004",
                  "overlap": "4014"}  # fmt: skip
PROTECTION_PLAN_RULES = {"missing_start": "8720", "end_before_start": "8925", "same_day": "8840",
                         "two_open": "8935", "overlap": "8940"}  # fmt: skip


def _date_of_birth(child: CensusChild, problems: list[tuple[str | None, str]]) -> date | None:
    if child.person_birth_date.strip():
        return _date_or_none(child.person_birth_date, "PersonBirthDate", problems)
    if child.expected_birth_date.strip():
        problems.append((None, "an unborn child (ExpectedPersonBirthDate only) has no date of "
                               "birth to import"))  # fmt: skip
    else:
        problems.append(("8525Q", "PersonBirthDate is missing"))
    return None


def cin_census_child(
    child: CensusChild,
    *,
    duplicated: bool,
    collection_start: date | None,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> ChildOutcome:
    """One census child's plans, or their rejection. `collection_start` (1 April before the
    header's ReferenceDate) tells whether a protection plan's reviews can all be in the file;
    a CIN plan's reviews never are (the census has none), so its history is incomplete."""
    child_id = child.la_child_id.strip()
    problems: list[tuple[str | None, str]] = []
    if not child_id:
        problems.append(("8500", "LAchildID is missing"))
    elif len(child_id) > MAX_EXTERNAL_ID_LENGTH:
        problems.append((None, f"LAchildID is longer than {MAX_EXTERNAL_ID_LENGTH} characters"))
    if duplicated:
        problems.append(("8510", "more than one Child has this LAchildID"))
    dob = _date_of_birth(child, problems)
    names = ("CINPlanStartDate", "CINPlanEndDate")
    cin = _plans(child.cin_plans, names, CIN_PLAN_RULES, problems)
    names = ("CPPstartDate", "CPPendDate")
    protection = _plans(child.protection_plans, names, PROTECTION_PLAN_RULES, problems)
    known_id = child_id if child_id and len(child_id) <= MAX_EXTERNAL_ID_LENGTH else None
    if problems or dob is None or known_id is None:
        return RejectedChild(
            known_id,
            tuple(
                Rejection(child.file, child.position, known_id, rule, reason)
                for rule, reason in problems
            ),
        )
    plans = [_plan(PlanType.CHILD_IN_NEED, span, False, calendar, policy) for span in cin] + [
        _plan(
            PlanType.CHILD_PROTECTION,
            span,
            collection_start is not None and span.start >= collection_start,
            calendar,
            policy,
        )
        for span in protection
    ]
    plans.sort(key=lambda plan: (plan.start_date, plan.plan_type.value))
    return ImportedChild(external_id=known_id, date_of_birth=dob, plans=tuple(plans))


def _plan(
    plan_type: PlanType,
    span: _Span,
    history_complete: bool,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> ImportedPlan:
    held = number_held_reviews([(day, None) for day in span.reviews])
    due = (
        next_review_due(plan_type, span.start, held, calendar, policy) if span.end is None else None
    )
    return ImportedPlan(plan_type, span.start, span.end, history_complete, held, due)
