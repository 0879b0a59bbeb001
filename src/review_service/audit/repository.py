"""Queries on the audit log."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.models import AuditEntry
from review_service.pagination import Keyset, Page
from review_service.visibility import within_authority

# Newest first.
PAGED = Keyset(AuditEntry.at, AuditEntry.id, descending=True)


def entries_page(
    session: Session,
    principal: Principal,
    resource_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[AuditEntry]:
    """One page of the entries the token may see, optionally of one resource."""
    query = select(AuditEntry)
    if resource_id is not None:
        query = query.where(AuditEntry.resource_id == resource_id)
    query = within_authority(query, AuditEntry.local_authority, principal)
    return PAGED.page(list(session.scalars(PAGED.select(query, cursor, limit))), limit)
