"""HTTP edge of policies: each authority's overrides of RULES.md's policy values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from review_service.calendar.schemas import RecomputeOut, RecomputeStatus, recompute_out
from review_service.dependencies import AdminPrincipal, IfMatchHeader, NowDep, SessionDep
from review_service.etags import etag_for
from review_service.limits import LocalAuthorityCode
from review_service.policies import service
from review_service.policies.schemas import (
    PolicyChangeOut,
    PolicyOut,
    PolicyOverrides,
)
from review_service.problems import problem_responses
from review_service.response_headers import with_etag

router = APIRouter(prefix="/v1/policies", tags=["policies"])

LocalAuthorityPath = Annotated[
    LocalAuthorityCode, Path(description="The local authority's code, e.g. `LA1`.")
]


def policy_out(effective: service.EffectivePolicy) -> PolicyOut:
    """The API view of an authority's policy."""
    return PolicyOut(
        **effective.policy.as_dict(),
        id=service.policy_resource_id(effective.local_authority),
        local_authority=effective.local_authority,
        overrides=effective.overrides,
        version=effective.version,
        updated_at=effective.updated_at,
        updated_by=effective.updated_by,
        recompute=recompute_out(effective.recompute) if effective.recompute else None,
    )


@router.get(
    "/{local_authority}",
    response_model=PolicyOut,
    responses=with_etag(problem_responses(401, 403, 404, 422)),
)
def get_policy(
    session: SessionDep,
    principal: AdminPrincipal,
    local_authority: LocalAuthorityPath,
    response: Response,
) -> PolicyOut:
    """Every policy value in force for the authority, which of them it overrides, and an ETag.
    An authority that never set any works to RULES.md's defaults (version 0)."""
    effective = service.get_policy(session, principal, local_authority)
    response.headers["ETag"] = etag_for(effective.version)
    return policy_out(effective)


@router.put(
    "/{local_authority}",
    response_model=PolicyChangeOut,
    responses=with_etag(
        {
            status.HTTP_202_ACCEPTED: {
                "model": PolicyChangeOut,
                "description": "Changed; the recompute of open deadlines is queued (`pending`).",
            },
            **problem_responses(401, 403, 404, 409, 412, 422),
        }
    ),
)
def replace_policy(
    request: Request,
    session: SessionDep,
    principal: AdminPrincipal,
    now: NowDep,
    local_authority: LocalAuthorityPath,
    body: PolicyOverrides,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PolicyChangeOut:
    """Replace the authority's overrides (`{}` resets to the defaults). The re-derivation of
    the open deadlines the change affects is queued for the scheduler's recompute job; for an
    authority with few open plans it is applied within the change (200, `done`, with
    `deadlines_moved`), else the answer is 202 with the recompute `pending`."""
    overrides = body.model_dump(mode="json", exclude_none=True)
    change = service.replace_overrides(
        session, principal, local_authority, overrides, if_match, now,
        recompute_at_once_up_to=request.app.state.settings.policy_recompute_at_once_plans,
    )  # fmt: skip
    response.headers["ETag"] = etag_for(change.effective.version)
    if change.recompute is None:  # no policy value changed: nothing to re-derive
        queued = RecomputeOut(status=RecomputeStatus.DONE, deadlines_moved=0, completed_at=now)
    else:
        queued = recompute_out(change.recompute)
    if queued.status is RecomputeStatus.PENDING:
        response.status_code = status.HTTP_202_ACCEPTED
    return PolicyChangeOut(
        **policy_out(change.effective).model_dump(exclude={"recompute"}),
        plans_recomputed=change.plans_recomputed,
        deadlines_moved=change.deadlines_moved,
        recompute=queued,
    )
