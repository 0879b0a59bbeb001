"""The two small review rules every path shares: which review a due date runs from, and who
may set a review interval (RULES.md §2)."""

from __future__ import annotations

import pytest

from review_service.domain.plan_types import PlanType, interval_refusal
from review_service.domain.review_series import previous_sequence


def test_review_one_runs_from_the_plan_start_not_a_previous_review() -> None:
    assert previous_sequence(1) is None


@pytest.mark.parametrize("sequence", [2, 3, 17])
def test_later_reviews_run_from_the_one_before(sequence: int) -> None:
    assert previous_sequence(sequence) == sequence - 1


@pytest.mark.parametrize("plan_type", [PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP])
def test_cin_and_early_help_groups_set_their_interval(plan_type: PlanType) -> None:
    assert interval_refusal(plan_type, 4) is None


@pytest.mark.parametrize(
    "plan_type",
    [t for t in PlanType if t not in (PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP)],
)
def test_statutory_timescales_refuse_an_interval(plan_type: PlanType) -> None:
    refusal = interval_refusal(plan_type, 4)
    assert refusal is not None
    assert plan_type.value in refusal
    assert "statutory" in refusal
    assert interval_refusal(plan_type, None) is None
