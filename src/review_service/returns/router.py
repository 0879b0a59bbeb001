"""HTTP edge of the DfE returns (API.md "Wave 2" Returns)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from review_service.dependencies import ReadPrincipal, SessionDep
from review_service.imports.service import target_authority
from review_service.limits import LocalAuthorityCode
from review_service.problems import problem_responses
from review_service.returns.service import reviews_return_csv

router = APIRouter(prefix="/v1/returns", tags=["returns"])

_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "The REVIEWS table: `CHILD,DOB,REVIEW,REVIEW_CODE`, dates DD/MM/YYYY.",
    }
}


@router.get(
    "/ssda903/reviews",
    response_class=Response,
    responses={**_CSV, **problem_responses(401, 403, 422)},
)
def ssda903_reviews(
    session: SessionDep,
    principal: ReadPrincipal,
    collection_year: Annotated[int, Query(ge=1990, le=2200, description="e.g. 2025 for 2024-25")],
    local_authority: Annotated[LocalAuthorityCode | None, Query()] = None,
) -> Response:
    """The authority's SSDA903 REVIEWS table for a collection year (1 April of the year
    before to 31 March): held `looked_after` reviews, ordered by CHILD then REVIEW."""
    authority = target_authority(principal, local_authority)
    body = reviews_return_csv(session, authority, collection_year)
    return Response(body, media_type="text/csv; charset=utf-8")
