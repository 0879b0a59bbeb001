"""Request and response bodies of the children endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.date_limits import CalendarDate
from review_service.limits import ExternalId, LocalAuthorityCode


class ChildCreate(BaseModel):
    """A child the record system knows."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "external_id": "MOSAIC-104233",
                    "date_of_birth": "2015-05-01",
                    "local_authority": "LA1",
                }
            ]
        },
    )

    external_id: ExternalId = Field(
        description="The record system's own id of the child, unique within the authority."
    )
    date_of_birth: CalendarDate = Field(
        description="The child's date of birth; never logged or echoed in errors."
    )
    local_authority: LocalAuthorityCode | None = Field(
        default=None, description="Required for a token not bound to an authority."
    )
    parents_with_parental_responsibility: int | None = Field(
        default=None,
        ge=0,
        le=10,
        description="How many parents hold parental responsibility (for the attendance check).",
    )


class ChildUpdate(BaseModel):
    """Fields of a child that can change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"parents_with_parental_responsibility": 2}]},
    )

    date_of_birth: CalendarDate | None = Field(
        default=None, description="The corrected date of birth."
    )
    parents_with_parental_responsibility: int | None = Field(
        default=None, ge=0, le=10, description="How many parents hold parental responsibility."
    )


class ChildOut(BaseModel):
    """A child."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    external_id: str = Field(
        description="The record system's own id of the child, unique within the authority."
    )
    local_authority: str = Field(description="Code of the local authority the record belongs to.")
    date_of_birth: dt.date = Field(description="The child's date of birth.")
    parents_with_parental_responsibility: int | None = Field(
        description="How many parents hold parental responsibility."
    )
    created_at: dt.datetime = Field(description="When the record was created.")
    updated_at: dt.datetime = Field(description="When the record last changed.")


class ChildList(BaseModel):
    """A page of children."""

    items: list[ChildOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
