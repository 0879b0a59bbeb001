"""HTTP edge of reports (API.md "Wave 2" Timeliness): JSON, or CSV on `Accept: text/csv`."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from review_service.clock import london_today
from review_service.date_limits import CalendarDate
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep
from review_service.domain.plan_types import PlanType
from review_service.limits import LocalAuthorityCode, PersonId
from review_service.problems import InvalidRequest, problem_responses
from review_service.reports.schemas import GroupBy, TimelinessReport
from review_service.reports.timeliness import timeliness_report

router = APIRouter(prefix="/v1/reports", tags=["reports"])

_COUNTS = (
    "reviews",
    "in_timescale",
    "late",
    "overdue",
    "pending",
    "rate",
    "children",
    "children_all_in_timescale",
)
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "The report; with `Accept: text/csv`, its groups as CSV rows.",
    }
}


def _csv(report: TimelinessReport, group_by: GroupBy | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    key_names = [group_by.key_name] if group_by is not None else []
    writer.writerow([*key_names, *_COUNTS])
    for group in report.groups:
        counts = group.model_dump(include=set(_COUNTS))
        values = [counts[name] for name in _COUNTS]
        writer.writerow([*(group.key[name] or "" for name in key_names), *values])
    return out.getvalue()


@router.get(
    "/timeliness",
    response_model=TimelinessReport,
    responses={**_RESPONSES, **problem_responses(401, 403, 422)},
)
def timeliness(
    session: SessionDep,
    principal: ReadPrincipal,
    now: NowDep,
    first: Annotated[
        CalendarDate, Query(alias="from", description="First statutory due date counted.")
    ],
    last: Annotated[
        CalendarDate, Query(alias="to", description="Last statutory due date counted.")
    ],
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    plan_type: Annotated[PlanType | None, Query()] = None,
    chair_id: Annotated[PersonId | None, Query()] = None,
    group_by: Annotated[GroupBy | None, Query()] = None,
    accept: Annotated[str | None, Header(max_length=500)] = None,
) -> Any:
    """Reviews not cancelled whose statutory due date falls in [from, to]: in timescale, late,
    overdue or pending as of today, the rate, and the children all of whose counted reviews
    were in timescale; grouped on request."""
    if first > last:
        raise InvalidRequest("from is after to")
    report = timeliness_report(
        session,
        principal,
        first=first,
        last=last,
        as_of=london_today(now),
        local_authority=local_authority,
        plan_type=plan_type,
        chair_id=chair_id,
        group_by=group_by,
    )
    if accept is not None and "text/csv" in accept:
        return Response(_csv(report, group_by), media_type="text/csv; charset=utf-8")
    return report
