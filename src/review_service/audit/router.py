"""HTTP edge of audit: the log of every write, newest first."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from review_service.audit import service
from review_service.audit.schemas import AuditEntryOut, AuditList
from review_service.dependencies import AdminPrincipal, SessionDep
from review_service.models import AuditEntry
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def entry_out(entry: AuditEntry) -> AuditEntryOut:
    """The API view of an audit entry."""
    return AuditEntryOut(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
        local_authority=entry.local_authority,
        changes=entry.changes,
    )


@router.get("", response_model=AuditList, responses=problem_responses(401, 403, 422))
def list_audit_entries(
    session: SessionDep,
    principal: AdminPrincipal,
    resource_id: Annotated[
        uuid.UUID | None, Query(description="Only the entries of this resource.")
    ] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> AuditList:
    """Audit entries, newest first; a token bound to an authority sees only that authority's."""
    page = service.list_entries(
        session, principal=principal, resource_id=resource_id, limit=limit, cursor=cursor
    )
    return AuditList(items=[entry_out(e) for e in page.items], next_cursor=page.next_cursor)
