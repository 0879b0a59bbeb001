"""The IRO dashboard's list, read and rendered without the ORM.

This is the hottest read of the service (every chair's screen, every authority's late list),
so rows are read as plain tuples and written straight to JSON: the same document the
`ReviewList` schema describes (schemathesis checks it against the schema), at a fraction
of the cost of building ORM objects and pydantic models for hundreds of milestones.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from review_service.domain.deadlines import DeadlineKind, displayed_milestone_status, is_overdue
from review_service.models import Milestone, Review
from review_service.reviews import repository

_REVIEW_FIELDS = (
    "id",
    "plan_id",
    "local_authority",
    "plan_type",
    "chair_id",
    "sequence",
    "status",
    "due_by",
    "statutory_due_by",
    "brought_forward_to",
    "scheduled_for",
    "venue",
    "exceptional_circumstances",
    "reconvene_on",
    "adjournment_reason",
    "held_on",
    "late",
    "participation_code",
    "plans_considered",
    "cancellation_reason",
    "child_wishes",
    "outcome",
    "created_at",
    "updated_at",
)
_MILESTONE_FIELDS = ("id", "review_id", "kind", "due_by", "status", "owner_role", "completed_on")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # As pydantic writes it: UTC with a Z.
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def render_review_list(
    session: Session, query: Select[tuple[Review]], limit: int, today: date
) -> bytes:
    """Run the dashboard query and write `{"items": [...], "next_cursor": ...}` as JSON."""
    columns = [getattr(Review, name) for name in _REVIEW_FIELDS]
    rows = session.execute(query.with_only_columns(*columns)).all()
    page = repository.DASHBOARD_PAGED.page(rows, limit)
    rows, next_cursor = page.items, page.next_cursor
    milestones: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    if rows:
        milestone_rows = session.execute(
            select(*(getattr(Milestone, name) for name in _MILESTONE_FIELDS))
            .where(Milestone.review_id.in_([row.id for row in rows]))
            .order_by(Milestone.due_by, Milestone.kind)
        )
        for m in milestone_rows:
            milestones[m.review_id].append(
                {
                    "id": str(m.id),
                    "kind": m.kind,
                    "due_by": m.due_by.isoformat(),
                    "status": displayed_milestone_status(m.status, m.due_by, today).value,
                    "owner_role": m.owner_role,
                    "completed_on": _plain(m.completed_on),
                }
            )
    items = []
    for row in rows:
        item = {name: _plain(value) for name, value in zip(_REVIEW_FIELDS, row, strict=True)}
        item["overdue"] = is_overdue(DeadlineKind.REVIEW, row.status, row.due_by, today)
        item["milestones"] = milestones.get(row.id, [])
        items.append(item)
    return json.dumps({"items": items, "next_cursor": next_cursor}, separators=(",", ":")).encode()
