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
    reviews: int = Field(description="Reviews counted: not cancelled, statutory due date in range.")
    in_timescale: int = Field(description="Held on or before the statutory due date.")
    late: int = Field(description="Held after the statutory due date.")
    overdue: int = Field(description="Not held, and the due date has passed as of `as_of`.")
    pending: int = Field(description="Not held, and not yet past its due date.")
    rate: float | None = Field(description="in_timescale / (in_timescale + late + overdue).")
    children: int = Field(description="Children with a counted review (each once per group).")
    children_all_in_timescale: int = Field(
        description="Children none of whose counted reviews is late or overdue."
    )


class TimelinessReport(BaseModel):
    """Timeliness of reviews by statutory due date, as of today (Europe/London)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from", description="First statutory due date counted.")
    to: dt.date = Field(description="Last statutory due date counted.")
    as_of: dt.date = Field(description="Today in Europe/London: overdue vs pending.")
    groups: list[TimelinessGroup] = Field(description="One row per group, ordered by key.")
