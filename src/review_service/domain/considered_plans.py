"""What a review considers (RULES.md §7)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from review_service.domain.findings import Finding
from review_service.domain.plan_types import PlanType


class KeyPlan(StrEnum):
    """The key plans a looked-after review considers [001] [004]."""

    CARE_PLAN = "care_plan"
    PATHWAY_PLAN = "pathway_plan"
    PERMANENCE_PLAN = "permanence_plan"
    HEALTH_PLAN = "health_plan"
    PERSONAL_EDUCATION_PLAN = "personal_education_plan"
    EHCP = "ehcp"
    SAFETY_PLAN = "safety_plan"


def considered_plan_findings(
    plan_type: PlanType, sequence: int, considered: Iterable[KeyPlan]
) -> list[Finding]:
    """Warnings for a held looked-after review that left out a plan it should consider."""
    if not plan_type.is_looked_after:
        return []
    seen = set(considered)
    findings: list[Finding] = []
    if not seen & {KeyPlan.CARE_PLAN, KeyPlan.PATHWAY_PLAN}:
        findings.append(
            Finding(
                "care_plan_not_considered",
                "the review recorded no consideration of the Care Plan (or Pathway Plan)",
                "RULES.md §7",
            )
        )
    if sequence >= 2 and KeyPlan.PERMANENCE_PLAN not in seen:
        findings.append(
            Finding(
                "permanence_plan_not_considered",
                "from the second review on, the review must consider whether a suitable "
                "Permanence Plan is in place",
                "RULES.md §7",
            )
        )
    return findings
