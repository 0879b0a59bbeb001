"""Request and response bodies of the children endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.limits import ExternalId, LocalAuthorityCode


class ChildCreate(BaseModel):
    """A child the record system knows."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId
    date_of_birth: CalendarDate
    local_authority: LocalAuthorityCode | None = Field(
        default=None, description="Required for a token not bound to an authority."
    )
    parents_with_parental_responsibility: int | None = Field(default=None, ge=0, le=10)


class ChildUpdate(BaseModel):
    """Fields of a child that can change."""

    model_config = ConfigDict(extra="forbid")

    date_of_birth: CalendarDate | None = None
    parents_with_parental_responsibility: int | None = Field(default=None, ge=0, le=10)


class ChildOut(BaseModel):
    """A child."""

    id: uuid.UUID
    external_id: str
    local_authority: str
    date_of_birth: dt.date
    parents_with_parental_responsibility: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ChildList(BaseModel):
    """A page of children."""

    items: list[ChildOut]
    next_cursor: str | None
