"""Response bodies of the audit endpoint."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    """One write: who did what to which resource, and what changed."""

    id: uuid.UUID = Field(description="The service's id of this record.")
    at: dt.datetime = Field(description="When the change was made.")
    actor: str = Field(description="The name of the token that made the change.")
    action: str = Field(description="E.g. `plan.created`, `review.held`, `policy.updated`.")
    resource_type: str = Field(description="What kind of record changed, e.g. `plan`, `review`.")
    resource_id: uuid.UUID = Field(description="The id of the changed record.")
    local_authority: str | None = Field(
        description="The authority of the changed record; null for national ones."
    )
    changes: dict[str, Any] = Field(
        description="Field to `[before, after]` for a change, or to its value for a creation."
    )


class AuditList(BaseModel):
    """A page of audit entries, newest first."""

    items: list[AuditEntryOut] = Field(description="The entries of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )
