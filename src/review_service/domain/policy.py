"""Policy values: local practice with RULES.md's defaults, overridable per local authority.

Every timescale that is practice rather than statute lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from review_service.domain.regions import Region

# Values held as tuples (hashable, immutable) and shown and stored as lists.
_LIST_VALUES = (
    "review_reminder_working_days",
    "milestone_reminder_working_days",
    "conference_reminder_working_days",
    "milestones_off",
    "in_care_event_types",
)


@dataclass(frozen=True, slots=True)
class Policy:
    """The timescales one local authority works to."""

    # The authority's bank-holiday region (English authorities: england-and-wales).
    region: Region = Region.ENGLAND_AND_WALES
    # RULES.md §2: child in need and early help review interval, set by the group; default 3.
    child_in_need_review_interval_months: int = 3
    early_help_review_interval_months: int = 3
    # RULES.md §2 [002]: management oversight of a CIN plan open 9 months.
    management_oversight_months: int = 9
    # RULES.md §5: pre-review milestones, counted back from the review date.
    child_consultation_working_days_before: int = 20
    social_worker_consults_iro_working_days_before: int = 15
    invitations_working_days_before: int = 10
    child_visit_days_before: int = 14
    carer_report_days_before: int = 7
    social_worker_report_days_before: int = 3
    chair_meets_child_days_before: int = 1
    iro_appointed_working_days: int = 5
    # RULES.md §5 [001]: post-review milestones, counted from the held date.
    decisions_record_working_days: int = 5
    notes_distributed_working_days: int = 5
    care_plan_updated_working_days: int = 10
    full_record_working_days: int = 15
    record_distributed_working_days: int = 20
    # RULES.md §4: IRO consideration window; §2: disruption meeting.
    consideration_working_days: int = 5
    disruption_meeting_working_days: int = 5
    # RULES.md §2 [WT23]: core groups meet regularly, each counted from the last one held.
    core_group_interval_weeks: int = 6
    # RULES.md §5 [003]: Sutton's All About Me milestones (off until an authority turns them on).
    chair_contacts_social_worker_days_before: int = 7
    letter_to_child_working_days: int = 20
    carer_letter_months: int = 6
    # RULES.md §5: the milestone kinds an authority has turned off (never a statutory one).
    milestones_off: tuple[str, ...] = (
        "chair_contacts_social_worker",
        "letter_to_child",
        "carer_letter",
    )
    # RULES.md §4 "Which plans an event touches": these event types concern a child in care
    # and touch only the in-care plans; every other type touches every open plan.
    in_care_event_types: tuple[str, ...] = (
        "care_plan_change_proposed",
        "placement_change_proposed",
        "placement_ended_unplanned",
        "placement_change_unplanned",
        "family_contact_change",
        "permanence_panel_decision",
    )
    # Reminder lead times (working days before due_by) used by the scheduler.
    review_reminder_working_days: tuple[int, ...] = (20, 5)
    milestone_reminder_working_days: tuple[int, ...] = (2,)
    conference_reminder_working_days: tuple[int, ...] = (5, 2)
    # RULES.md §8: escalation ladder, working days after due_by for levels 2 and 3.
    escalation_level_2_working_days: int = 5
    escalation_level_3_working_days: int = 15

    def with_overrides(self, overrides: dict[str, Any]) -> Policy:
        """A copy with the given values replaced; unknown names raise KeyError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise KeyError(", ".join(unknown))
        values = dict(overrides)
        if "region" in values:
            values["region"] = Region(values["region"])
        for name in _LIST_VALUES:
            if name in values:
                values[name] = tuple(values[name])
        return replace(self, **values)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for storage and display."""
        values = asdict(self)
        values["region"] = self.region.value
        for name in _LIST_VALUES:
            values[name] = list(values[name])
        return values


DEFAULT_POLICY = Policy()
