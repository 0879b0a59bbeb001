"""Response bodies of the audit endpoint."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    """One write: who did what to which resource, and what changed."""

    id: uuid.UUID
    at: dt.datetime
    actor: str = Field(description="The name of the token that made the change.")
    action: str = Field(description="E.g. `plan.created`, `review.held`, `policy.updated`.")
    resource_type: str
    resource_id: uuid.UUID
    local_authority: str | None
    changes: dict[str, Any] = Field(
        description="Field to `[before, after]` for a change, or to its value for a creation."
    )


class AuditList(BaseModel):
    """A page of audit entries, newest first."""

    items: list[AuditEntryOut]
    next_cursor: str | None
