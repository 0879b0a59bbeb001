"""Recording and reading the audit log; runs in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, cast, overload

from sqlalchemy.orm import Session

from review_service.audit import repository
from review_service.auth import Principal
from review_service.models import AuditEntry
from review_service.pagination import Page


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def record_change(
    session: Session,
    *,
    principal: Principal,
    at: datetime,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID,
    local_authority: str | None,
    changes: dict[str, tuple[Any, Any]] | dict[str, Any],
) -> None:
    """Append who did what to which resource; `changes` maps field to (before, after)."""
    session.add(
        AuditEntry(
            at=at,
            actor=principal.token_name,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            local_authority=local_authority,
            changes={name: _plain(value) for name, value in changes.items()},
        )
    )


class Identified(Protocol):
    """A record the log can name: every model has an id."""

    @property
    def id(self) -> uuid.UUID: ...


class Authority(Protocol):
    """A record that carries the local authority it belongs to."""

    @property
    def local_authority(self) -> str | None: ...


class Audited(Identified, Authority, Protocol):
    """A record that names itself and its authority (plan, review, subscription...)."""


@overload
def audit(
    session: Session,
    principal: Principal,
    now: datetime,
    action: str,
    resource: Audited,
    changes: Mapping[str, Any],
) -> None: ...


@overload
def audit(
    session: Session,
    principal: Principal,
    now: datetime,
    action: str,
    resource: Identified,
    changes: Mapping[str, Any],
    *,
    owner: Authority,
) -> None: ...


def audit(
    session: Session,
    principal: Principal,
    now: datetime,
    action: str,
    resource: Identified,
    changes: Mapping[str, Any],
    *,
    owner: Authority | None = None,
) -> None:
    """Record `action` (`<resource type>.<verb>`, e.g. `plan.updated`) on `resource`.

    The resource type is the action's prefix, so the two cannot disagree. A record with no
    authority of its own (a milestone, an action, an attendee) takes its `owner`'s.
    """
    resource_type, _, verb = action.partition(".")
    if not verb:
        raise ValueError(f"audit action {action!r} is not `<resource type>.<verb>`")
    holder: Authority = owner if owner is not None else cast(Audited, resource)
    record_change(
        session,
        principal=principal,
        at=now,
        action=action,
        resource_type=resource_type,
        resource_id=resource.id,
        local_authority=holder.local_authority,
        changes=dict(changes),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as (before, after)."""
    return {
        name: (before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    }


def list_entries(
    session: Session,
    *,
    principal: Principal,
    resource_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> Page[AuditEntry]:
    """Audit entries, newest first, optionally of one resource."""
    return repository.entries_page(session, principal, resource_id, cursor, limit)
