"""Children use cases; each runs in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from review_service.audit.service import audit, diff
from review_service.auth import Principal
from review_service.children import repository
from review_service.children.schemas import ChildCreate, ChildUpdate
from review_service.clock import london_today
from review_service.duplicates import conflict_on_duplicate
from review_service.etags import check_if_match
from review_service.models import Child
from review_service.pagination import Page
from review_service.problems import Conflict, InvalidRequest

_AUDITED = ("date_of_birth", "parents_with_parental_responsibility")


def _snapshot(child: Child) -> dict[str, object]:
    return {name: getattr(child, name) for name in _AUDITED}


def create_child(session: Session, principal: Principal, body: ChildCreate, now: datetime) -> Child:
    """Record a child; `external_id` is unique within its authority."""
    authority = principal.authority_for_new(body.local_authority)
    if authority is None:
        if principal.local_authority is not None:
            raise InvalidRequest(
                f"this token is bound to {principal.local_authority}; it cannot create a "
                f"child in {body.local_authority}"
            )
        raise InvalidRequest("local_authority is required for a token not bound to one")
    if body.date_of_birth > london_today(now):
        raise InvalidRequest("date_of_birth is in the future")
    # The detail never repeats the child's identifier (it may reach logs and screenshots).
    duplicate = f"{authority} already has a child with this external_id"
    if repository.find_by_external_id(session, authority, body.external_id) is not None:
        raise Conflict(duplicate)
    child = Child(
        local_authority=authority,
        external_id=body.external_id,
        date_of_birth=body.date_of_birth,
        parents_with_parental_responsibility=body.parents_with_parental_responsibility,
        created_at=now,
        updated_at=now,
    )
    with conflict_on_duplicate(session, duplicate):
        session.add(child)
    audit(
        session,
        principal,
        now,
        "child.created",
        child,
        {"external_id": body.external_id, **_snapshot(child)},
    )
    return child


def get_child(session: Session, principal: Principal, child_id: uuid.UUID) -> Child:
    """A child the token may see."""
    return repository.visible_child(session, principal, child_id)


def list_children(
    session: Session,
    principal: Principal,
    *,
    external_id: str | None,
    local_authority: str | None,
    limit: int,
    cursor: str | None,
) -> Page[Child]:
    """Children the token may see, optionally by `external_id`."""
    rows = repository.list_children(
        session,
        principal,
        external_id=external_id,
        local_authority=local_authority,
        cursor=cursor,
        limit=limit,
    )
    return repository.PAGED.page(rows, limit)


def update_child(
    session: Session,
    principal: Principal,
    child_id: uuid.UUID,
    body: ChildUpdate,
    if_match: str | None,
    now: datetime,
) -> Child:
    """Correct a child's date of birth or parental-responsibility count."""
    child = repository.visible_child(session, principal, child_id)
    check_if_match(if_match, child.version)
    before = _snapshot(child)
    if body.date_of_birth is not None:
        if body.date_of_birth > london_today(now):
            raise InvalidRequest("date_of_birth is in the future")
        child.date_of_birth = body.date_of_birth
    if "parents_with_parental_responsibility" in body.model_fields_set:
        child.parents_with_parental_responsibility = body.parents_with_parental_responsibility
    changes = diff(before, _snapshot(child))
    if changes:
        child.updated_at = now
        session.flush()
        audit(
            session,
            principal,
            now,
            "child.updated",
            child,
            changes=changes,
        )
    return child
