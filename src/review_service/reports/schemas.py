"""The timeliness report (API.md "Wave 2" Timeliness)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class GroupBy(StrEnum):
    """What the report's rows are grouped by."""

    PLAN_TYPE = "plan_type"
    CHAIR = "chair"
    LOCAL_AUTHORITY = "local_authority"
    MONTH = "month"

    @property
    def key_name(self) -> str:
        """The name of the group's key in the report (`chair` groups by `chair_id`)."""
        return "chair_id" if self is GroupBy.CHAIR else self.value


class TimelinessGroup(BaseModel):
    """One row: the reviews whose statutory due date falls in the range, by outcome."""

    key: dict[str, str | None] = Field(
        description="The group: {} ungrouped, else `plan_type`, `chair_id`, `local_authority` "
        "or `month` (YYYY-MM of the statutory due date)."
    )
    reviews: int
    in_timescale: int
    late: int
    overdue: int
    pending: int
    rate: float | None = Field(description="in_timescale / (in_timescale + late + overdue).")
    children: int
    children_all_in_timescale: int = Field(
        description="Children none of whose counted reviews is late or overdue."
    )


class TimelinessReport(BaseModel):
    """Timeliness of reviews by statutory due date, as of today (Europe/London)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    as_of: dt.date
    groups: list[TimelinessGroup]
