"""HTTP edge of a chair's calendar feeds (API.md "A chair's calendar feed").

The feed itself answers at a capability URL without a bearer token: calendar clients cannot
send one. The access log names the route template, so the key in the path never reaches it.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response, status

from review_service.calendar_feeds import service
from review_service.calendar_feeds.schemas import FeedCreate, FeedCreated, FeedList, FeedOut
from review_service.dependencies import NowDep, ReadPrincipal, SessionDep, WritePrincipal
from review_service.models import CalendarFeed
from review_service.problems import NotFound, problem_response, problem_responses
from review_service.response_headers import ETAG, created

router = APIRouter(prefix="/v1/calendar-feeds", tags=["calendar feeds"])

_FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/calendar": {"schema": {"type": "string"}}},
        "description": "The chair's open items as an RFC 5545 calendar.",
        "headers": {
            "ETag": {
                **ETAG,
                "description": "The feed's current text; send it as "
                "`If-None-Match` to get 304 if unchanged.",
            }
        },
    },
    304: {"description": "Unchanged since the `If-None-Match` ETag."},
    **problem_responses(404, 422),
}


def _feed_out(record: CalendarFeed) -> FeedOut:
    return FeedOut(
        id=record.id,
        chair_id=record.chair_id,
        local_authority=record.local_authority,
        created_at=record.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedCreated,
    responses=created(problem_responses(401, 403, 404, 422)),
)
def create(
    session: SessionDep,
    principal: WritePrincipal,
    now: NowDep,
    body: FeedCreate,
    response: Response,
) -> FeedCreated:
    """A feed of a chair's open items; its URL (with its key) is shown only now."""
    feed = service.create_feed(session, principal, body, now)
    response.headers["Location"] = feed.path
    return FeedCreated(id=feed.record.id, chair_id=feed.record.chair_id, url=feed.path)


@router.get("", response_model=FeedList, responses=problem_responses(401, 403, 422))
def list_all(session: SessionDep, principal: ReadPrincipal) -> FeedList:
    """The feeds not revoked in the token's authority (their keys are never shown again)."""
    return FeedList(items=[_feed_out(r) for r in service.list_feeds(session, principal)])


@router.delete(
    "/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 422),
)
def revoke(
    session: SessionDep, principal: WritePrincipal, now: NowDep, feed_id: uuid.UUID
) -> Response:
    """Revoke a feed: its URL answers 404 from now on."""
    service.revoke_feed(session, principal, feed_id, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{feed_id}/{key}.ics",
    response_class=Response,
    responses=_FEED_RESPONSES,
    openapi_extra={"security": []},
)
def feed(
    session: SessionDep,
    # Unconstrained here: a malformed id or key gets the same 404 as a wrong one.
    feed_id: Annotated[str, Path(description="The feed's id.")],
    key: Annotated[str, Path(description="The feed's key, from its `url`.")],
    if_none_match: Annotated[
        str | None,
        Header(alias="If-None-Match", max_length=200, description="The ETag last read."),
    ] = None,
) -> Response:
    """The chair's open items as `text/calendar`; needs no token. A wrong key, an unknown
    feed and a revoked one all answer the same 404."""
    try:
        record = service.feed_by_key(session, uuid.UUID(feed_id), key)
    except ValueError:
        record = None
    if record is None:
        # No `instance`: the path holds the key the caller tried.
        error = NotFound("no such calendar feed")
        return problem_response(404, error.slug, error.title, error.detail)
    rendered = service.render_feed(session, record)
    headers = {"ETag": rendered.etag, "Cache-Control": "private, no-cache"}
    if if_none_match is not None and rendered.etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(rendered.body, media_type="text/calendar; charset=utf-8", headers=headers)
