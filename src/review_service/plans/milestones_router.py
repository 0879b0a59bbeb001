"""HTTP edge of a plan's own milestones (core groups, carer letters, oversight)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import Field

from review_service.clock import london_today
from review_service.dependencies import NowDep, SessionDep, WritePrincipal
from review_service.plans.milestones import update_plan_milestone
from review_service.problems import problem_responses
from review_service.reviews.schemas import MilestoneOut, MilestoneUpdate
from review_service.reviews.views import milestone_out

router = APIRouter(prefix="/v1/plans", tags=["plans"])


class PlanMilestoneChange(MilestoneOut):
    """The plan-level milestone after the change, and the one its completion opened."""

    opened: MilestoneOut | None = Field(
        description="The next milestone of the chain it opened (the next `core_group`, the "
        "next `carer_letter`), or null."
    )


@router.patch(
    "/{plan_id}/milestones/{milestone_id}",
    response_model=PlanMilestoneChange,
    responses=problem_responses(401, 403, 404, 422),
)
def update_milestone(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    plan_id: uuid.UUID,
    milestone_id: uuid.UUID,
    body: MilestoneUpdate,
) -> PlanMilestoneChange:
    """Mark a plan-level milestone `done` (with `completed_on`: for a core group, the date it
    met), `not_applicable` or `pending`. A core group done opens the next `core_group` at the
    policy interval from the date it met (RULES.md §2), until the plan ends."""
    today = london_today(now)
    milestone, opened = update_plan_milestone(session, principal, plan_id, milestone_id, body, now)
    return PlanMilestoneChange(
        **milestone_out(milestone, today).model_dump(),
        opened=milestone_out(opened, today) if opened else None,
    )
