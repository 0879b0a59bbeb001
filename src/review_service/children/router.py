"""HTTP edge of children."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from review_service import idempotency
from review_service.children import service
from review_service.children.schemas import ChildCreate, ChildList, ChildOut, ChildUpdate
from review_service.dependencies import (
    IfMatchHeader,
    NowDep,
    ReadPrincipal,
    SessionDep,
    WritePrincipal,
)
from review_service.etags import etag_for
from review_service.idempotency import IdempotencyKeyHeader, request_fingerprint
from review_service.limits import ExternalId, LocalAuthorityCode
from review_service.models import Child
from review_service.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from review_service.problems import problem_responses
from review_service.response_headers import created, with_etag

router = APIRouter(prefix="/v1/children", tags=["children"])


def child_out(child: Child) -> ChildOut:
    """The API view of a child."""
    return ChildOut(
        id=child.id,
        external_id=child.external_id,
        local_authority=child.local_authority,
        date_of_birth=child.date_of_birth,
        parents_with_parental_responsibility=child.parents_with_parental_responsibility,
        created_at=child.created_at,
        updated_at=child.updated_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ChildOut,
    responses=created(problem_responses(401, 403, 409, 422), etag=True, replayable=True),
)
def create_child(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    body: ChildCreate,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ChildOut:
    """Record a child; `external_id` is unique within the local authority. A retry with the
    same `Idempotency-Key` and body gets the first response again."""
    claim = idempotency.claim(
        session, principal, idempotency_key, request_fingerprint("POST", "/v1/children", body), now
    )
    child = service.create_child(session, principal, body, now)
    response.headers["ETag"] = etag_for(child.version)
    response.headers["Location"] = f"/v1/children/{child.id}"
    out = child_out(child)
    claim.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", response_model=ChildList, responses=problem_responses(401, 403, 422))
def list_children(
    session: SessionDep,
    principal: ReadPrincipal,
    external_id: Annotated[ExternalId | None, Query()] = None,
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> ChildList:
    """Children the token may see; `external_id` finds the record system's child."""
    page = service.list_children(
        session,
        principal,
        external_id=external_id,
        local_authority=local_authority,
        limit=limit,
        cursor=cursor,
    )
    return ChildList(items=[child_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get(
    "/{child_id}",
    response_model=ChildOut,
    responses=with_etag(problem_responses(401, 403, 404, 422)),
)
def get_child(
    session: SessionDep, principal: ReadPrincipal, child_id: uuid.UUID, response: Response
) -> ChildOut:
    """A child."""
    child = service.get_child(session, principal, child_id)
    response.headers["ETag"] = etag_for(child.version)
    return child_out(child)


@router.patch(
    "/{child_id}",
    response_model=ChildOut,
    responses=with_etag(problem_responses(401, 403, 404, 412, 422)),
)
def update_child(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    child_id: uuid.UUID,
    body: ChildUpdate,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ChildOut:
    """Correct a child's date of birth (or parental-responsibility count)."""
    child = service.update_child(session, principal, child_id, body, if_match, now)
    response.headers["ETag"] = etag_for(child.version)
    return child_out(child)
