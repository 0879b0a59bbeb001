"""Request and response bodies of the calendar feed endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from review_service.limits import LocalAuthorityCode, PersonId


class FeedCreate(BaseModel):
    """The chair whose open items the feed carries."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"chair_id": "iro-0042", "local_authority": "LA1"}]},
    )

    chair_id: PersonId = Field(description="The chair (IRO) whose open items the feed lists.")
    local_authority: LocalAuthorityCode | None = Field(
        default=None,
        description="The authority whose items it lists; a bound token's own authority by "
        "default. An unbound token without one gets the chair's items in every authority.",
    )


class FeedOut(BaseModel):
    """A calendar feed, without its key."""

    id: uuid.UUID = Field(description="The feed's id.")
    chair_id: str = Field(description="The chair whose open items the feed lists.")
    local_authority: str | None = Field(
        description="The authority whose items it lists; null for every authority."
    )
    created_at: dt.datetime = Field(description="When the feed was created.")


class FeedCreated(BaseModel):
    """A new feed and its subscription address, shown only now."""

    id: uuid.UUID = Field(description="The feed's id.")
    chair_id: str = Field(description="The chair whose open items the feed lists.")
    url: str = Field(
        description="The path `/v1/calendar-feeds/{id}/{key}.ics` to subscribe a calendar to; "
        "it needs no token, so treat it as a secret. Its key is shown only now."
    )


class FeedList(BaseModel):
    """The feeds the token may see."""

    items: list[FeedOut] = Field(description="The feeds not revoked, newest first.")
    next_cursor: str | None = Field(
        default=None, description="Always null: every feed is on one page."
    )
