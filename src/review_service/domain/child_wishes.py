"""The child's own review as data (RULES.md §6 [003]): who they want there, where, whether
they chair it, how they take part, and what follows when they chair it or will not attend."""

from __future__ import annotations

from enum import StrEnum

from review_service.domain.findings import Finding


class WayToTakePart(StrEnum):
    """Sutton's "menu of choices" [003]: how the child wants to take part."""

    DISCUSSION = "discussion"
    VIDEO_BLOG = "video_blog"
    LETTER = "letter"
    PRESENTATION = "presentation"
    CREATIVE = "creative"
    INTERVIEW = "interview"
    ACTIVITY = "activity"
    OTHER = "other"


def wishes_findings(
    *, chairs_own_review: bool | None, child_will_not_attend: bool, chair_met_child: bool
) -> list[Finding]:
    """What follows from the child's wishes and replies: a child who chairs their own review
    still has the IRO responsible for it [003]; a child who will not attend is met by the
    chair before the review (RULES.md §5: `chair_meets_child` is then required) [001]."""
    findings = []
    if chairs_own_review:
        findings.append(
            Finding(
                "child_chairs_own_review",
                "the child chairs their own review: the IRO plans it with them beforehand "
                "and remains responsible for its record and decisions",
                "RULES.md §6 [003]",
            )
        )
    if child_will_not_attend and not chair_met_child:
        findings.append(
            Finding(
                "chair_meets_child_required",
                "the child will not attend: the chair must meet the child before the review "
                "(milestone chair_meets_child)",
                "RULES.md §5 [001]",
            )
        )
    return findings
