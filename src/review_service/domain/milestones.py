"""Milestones around a review (RULES.md §5) and the plan-level ones (§2, §5).

Pre-review milestones count back from the review date (the scheduled date, else `due_by`) and
move with it; post-review milestones count from the held date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from review_service.domain.child_protection import first_core_group_due_by, next_core_group_due_by
from review_service.domain.months import add_months
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.working_days import WorkingDayCalendar


class MilestoneKind(StrEnum):
    """What a milestone is."""

    IRO_APPOINTED = "iro_appointed"
    MANAGEMENT_OVERSIGHT = "management_oversight"
    CHILD_CONSULTATION = "child_consultation"
    SOCIAL_WORKER_CONSULTS_IRO = "social_worker_consults_iro"
    INVITATIONS = "invitations"
    CHILD_VISIT = "child_visit"
    CARER_REPORT = "carer_report"
    SOCIAL_WORKER_REPORT = "social_worker_report"
    CHAIR_MEETS_CHILD = "chair_meets_child"
    DECISIONS_RECORD = "decisions_record"
    NOTES_DISTRIBUTED = "notes_distributed"
    CARE_PLAN_UPDATED = "care_plan_updated"
    FULL_RECORD = "full_record"
    RECORD_DISTRIBUTED = "record_distributed"
    FIRST_CORE_GROUP = "first_core_group"
    CORE_GROUP = "core_group"
    CHAIR_CONTACTS_SOCIAL_WORKER = "chair_contacts_social_worker"
    LETTER_TO_CHILD = "letter_to_child"
    CARER_LETTER = "carer_letter"


class MilestoneStatus(StrEnum):
    """A milestone's state; `overdue` is derived from `pending` and the date."""

    PENDING = "pending"
    DONE = "done"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"


class Anchor(StrEnum):
    """What a milestone's due date counts from."""

    PLAN_START = "plan_start"
    BEFORE_REVIEW = "before_review"
    AFTER_HELD = "after_held"
    # Plan-level, each opened when the one before is done (RULES.md §2 core groups).
    AFTER_LAST_MET = "after_last_met"
    # Plan-level, the n-th due n intervals after the plan's start (RULES.md §5 carer letter).
    RECURRING = "recurring"


@dataclass(frozen=True, slots=True)
class MilestoneDue:
    """A milestone's computed deadline and owner."""

    kind: MilestoneKind
    due_by: date
    owner_role: str


_Rule = Callable[[date, WorkingDayCalendar, Policy], date]
_LAC = frozenset({PlanType.LOOKED_AFTER})
_LAC_SB = frozenset({PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS})
_ALL = frozenset(PlanType)


@dataclass(frozen=True, slots=True)
class MilestoneRule:
    """One row of RULES.md §5."""

    kind: MilestoneKind
    anchor: Anchor
    plan_types: frozenset[PlanType]
    owner_role: str
    due: _Rule
    # Statutory (or statutory guidance): an authority cannot turn it off (RULES.md §5).
    statutory: bool = False


def _wd_before(attribute: str) -> _Rule:
    return lambda day, cal, pol: cal.at_least_working_days_before(day, getattr(pol, attribute))


def _wd_after(attribute: str) -> _Rule:
    return lambda day, cal, pol: cal.within_working_days(day, getattr(pol, attribute))


def _days_before(attribute: str) -> _Rule:
    # RULES.md §1: "N days before" with no "working" means calendar days.
    return lambda day, _cal, pol: day - timedelta(days=getattr(pol, attribute))


RULES: tuple[MilestoneRule, ...] = (
    MilestoneRule(
        MilestoneKind.IRO_APPOINTED,
        Anchor.PLAN_START,
        _LAC,
        "review_unit",
        _wd_after("iro_appointed_working_days"),
        statutory=True,
    ),
    MilestoneRule(
        MilestoneKind.MANAGEMENT_OVERSIGHT,
        Anchor.PLAN_START,
        frozenset({PlanType.CHILD_IN_NEED}),
        "service_delivery_manager",
        lambda day, _cal, pol: add_months(day, pol.management_oversight_months),
    ),
    MilestoneRule(
        MilestoneKind.CHILD_CONSULTATION,
        Anchor.BEFORE_REVIEW,
        _LAC_SB,
        "social_worker",
        _wd_before("child_consultation_working_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.SOCIAL_WORKER_CONSULTS_IRO,
        Anchor.BEFORE_REVIEW,
        _LAC_SB,
        "social_worker",
        _wd_before("social_worker_consults_iro_working_days_before"),
        statutory=True,
    ),
    MilestoneRule(
        MilestoneKind.INVITATIONS,
        Anchor.BEFORE_REVIEW,
        _ALL,
        "review_unit",
        _wd_before("invitations_working_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.CHILD_VISIT,
        Anchor.BEFORE_REVIEW,
        _ALL,
        "social_worker",
        _days_before("child_visit_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.CARER_REPORT,
        Anchor.BEFORE_REVIEW,
        _LAC,
        "carer",
        _days_before("carer_report_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.SOCIAL_WORKER_REPORT,
        Anchor.BEFORE_REVIEW,
        _LAC,
        "social_worker",
        _days_before("social_worker_report_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.CHAIR_MEETS_CHILD,
        Anchor.BEFORE_REVIEW,
        _LAC,
        "chair",
        _days_before("chair_meets_child_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.DECISIONS_RECORD,
        Anchor.AFTER_HELD,
        frozenset({PlanType.LOOKED_AFTER, PlanType.SHORT_BREAKS, PlanType.CHILD_PROTECTION}),
        "chair",
        _wd_after("decisions_record_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.NOTES_DISTRIBUTED,
        Anchor.AFTER_HELD,
        frozenset({PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP}),
        "lead_professional",
        _wd_after("notes_distributed_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.CARE_PLAN_UPDATED,
        Anchor.AFTER_HELD,
        _LAC,
        "social_worker",
        _wd_after("care_plan_updated_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.FULL_RECORD,
        Anchor.AFTER_HELD,
        _LAC_SB,
        "chair",
        _wd_after("full_record_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.RECORD_DISTRIBUTED,
        Anchor.AFTER_HELD,
        _LAC_SB,
        "review_unit",
        _wd_after("record_distributed_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.FIRST_CORE_GROUP,
        Anchor.PLAN_START,
        frozenset({PlanType.CHILD_PROTECTION}),
        "social_worker",
        lambda day, cal, _pol: first_core_group_due_by(day, cal),
        statutory=True,
    ),
    MilestoneRule(
        MilestoneKind.CORE_GROUP,
        Anchor.AFTER_LAST_MET,
        frozenset({PlanType.CHILD_PROTECTION}),
        "social_worker",
        lambda day, _cal, pol: next_core_group_due_by(day, pol),
        statutory=True,
    ),
    MilestoneRule(
        MilestoneKind.CHAIR_CONTACTS_SOCIAL_WORKER,
        Anchor.BEFORE_REVIEW,
        _LAC,
        "chair",
        _days_before("chair_contacts_social_worker_days_before"),
    ),
    MilestoneRule(
        MilestoneKind.LETTER_TO_CHILD,
        Anchor.AFTER_HELD,
        _LAC,
        "chair",
        _wd_after("letter_to_child_working_days"),
    ),
    MilestoneRule(
        MilestoneKind.CARER_LETTER,
        Anchor.RECURRING,
        _LAC,
        "carer",
        lambda day, _cal, pol: add_months(day, pol.carer_letter_months),
    ),
)
RULE_BY_KIND = {rule.kind: rule for rule in RULES}
STATUTORY_KINDS = frozenset(rule.kind for rule in RULES if rule.statutory)


class StatutoryMilestone(ValueError):
    """A policy that would turn off a statutory milestone (RULES.md §5)."""


def check_milestones_off(kinds: tuple[str, ...]) -> None:
    """RULES.md §5: an authority may turn off local-practice milestones, never statutory
    ones."""
    statutory = sorted(kind for kind in kinds if kind in STATUTORY_KINDS)
    if statutory:
        raise StatutoryMilestone(
            f"statutory milestones cannot be turned off: {', '.join(statutory)}"
        )


def is_on(kind: MilestoneKind, policy: Policy) -> bool:
    """Whether the authority's policy keeps milestones of `kind` (RULES.md §5)."""
    return kind.value not in policy.milestones_off


# RULES.md §2, §5: each chained kind and the kinds whose completion opens the next of it.
CHAINS: dict[MilestoneKind, frozenset[MilestoneKind]] = {
    MilestoneKind.CORE_GROUP: frozenset({MilestoneKind.FIRST_CORE_GROUP, MilestoneKind.CORE_GROUP}),
    MilestoneKind.CARER_LETTER: frozenset({MilestoneKind.CARER_LETTER}),
}


def _chain_anchor(follows: MilestoneKind, done_on: date, due_by: date) -> date:
    # RULES.md §2: a core group counts from the day the last one met; §5 [003]: a carer
    # letter from the day the last one was due (a late letter does not push the next).
    return done_on if follows is MilestoneKind.CORE_GROUP else due_by


def chained_due(
    kind: MilestoneKind,
    plan_start: date,
    previous: tuple[date, date] | None,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> date:
    """An open milestone of a chain (`core_group`, `carer_letter`) re-derived under the policy
    now in force: from the last one done (`previous` = (done on, due by)), or from the plan's
    start when none of its chain is done yet."""
    day = plan_start if previous is None else _chain_anchor(kind, *previous)
    return RULE_BY_KIND[kind].due(day, calendar, policy)


def _milestones(
    anchor: Anchor, plan_type: PlanType, day: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[MilestoneDue]:
    return [
        MilestoneDue(rule.kind, rule.due(day, calendar, policy), rule.owner_role)
        for rule in RULES
        if rule.anchor is anchor and plan_type in rule.plan_types and is_on(rule.kind, policy)
    ]


def plan_milestones(
    plan_type: PlanType, start: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[MilestoneDue]:
    """Plan-level milestones opened with the plan: `iro_appointed` and the first carer letter
    (looked after), `management_oversight` (CIN)."""
    opened = _milestones(Anchor.PLAN_START, plan_type, start, calendar, policy)
    # The first core group follows a conference the service recorded (conference_milestones):
    # a plan posted or imported mid-way may have met its core groups long ago.
    opened = [due for due in opened if due.kind is not MilestoneKind.FIRST_CORE_GROUP]
    return opened + _milestones(Anchor.RECURRING, plan_type, start, calendar, policy)


def conference_milestones(
    conference_on: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[MilestoneDue]:
    """RULES.md §2: a conference that opens a plan opens its `first_core_group` milestone."""
    rule = RULE_BY_KIND[MilestoneKind.FIRST_CORE_GROUP]
    return [MilestoneDue(rule.kind, rule.due(conference_on, calendar, policy), rule.owner_role)]


def next_in_chain(
    kind: MilestoneKind,
    plan_type: PlanType,
    done_on: date,
    due_by: date,
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> MilestoneDue | None:
    """The milestone a done one opens: the next core group from the date the last met
    (RULES.md §2), the next carer letter an interval after the last one was due (§5)."""
    follows = next((chained for chained, after in CHAINS.items() if kind in after), None)
    if follows is None:
        return None
    rule = RULE_BY_KIND[follows]
    if plan_type not in rule.plan_types or not is_on(follows, policy):
        return None
    due = rule.due(_chain_anchor(follows, done_on, due_by), calendar, policy)
    return MilestoneDue(follows, due, rule.owner_role)


def pre_review_milestones(
    plan_type: PlanType, review_date: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[MilestoneDue]:
    """Milestones counted back from the review date (scheduled date, else `due_by`)."""
    return _milestones(Anchor.BEFORE_REVIEW, plan_type, review_date, calendar, policy)


def post_review_milestones(
    plan_type: PlanType, held_on: date, calendar: WorkingDayCalendar, policy: Policy
) -> list[MilestoneDue]:
    """Milestones counted from the date the review was held."""
    return _milestones(Anchor.AFTER_HELD, plan_type, held_on, calendar, policy)
