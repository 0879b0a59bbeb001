"""Policy use cases: read and replace an authority's overrides. Each runs in the request's
transaction and never commits; a change queues the re-derivation of the authority's open
deadlines for the scheduler's recompute job, and applies it at once when it is small."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_service.audit.service import diff, record_change
from review_service.auth import Principal
from review_service.domain.milestones import StatutoryMilestone, check_milestones_off
from review_service.domain.policy import DEFAULT_POLICY, Policy
from review_service.etags import check_if_match
from review_service.models import CalendarRecompute, PolicyOverride
from review_service.policies.cache import contexts_changed
from review_service.policies.repository import find_override
from review_service.problems import Conflict, InvalidRequest, NotFound
from review_service.scheduler import recompute

RESOURCE_TYPE = "policy"


def policy_resource_id(local_authority: str) -> uuid.UUID:
    """The stable id of an authority's policy: its `resource_id` in the audit log."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "review-service:policy:" + local_authority)


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    """The policy in force for an authority and the overrides it comes from."""

    local_authority: str
    policy: Policy
    overrides: dict[str, Any]
    version: int
    updated_at: datetime | None
    updated_by: str | None
    recompute: CalendarRecompute | None = None  # the last change's, if any


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """A policy after a change, how many open plans it re-derives, and the recompute (None
    when no policy value changed); `deadlines_moved` is None while the recompute is queued."""

    effective: EffectivePolicy
    plans_recomputed: int
    deadlines_moved: int | None
    recompute: CalendarRecompute | None


def _require_visible(principal: Principal, local_authority: str) -> None:
    # A token bound to one authority cannot tell whether another has a policy: 404, not 403.
    if not principal.can_see(local_authority):
        raise NotFound(f"no policy for {local_authority}")


def _effective(
    local_authority: str, row: PolicyOverride | None, last: CalendarRecompute | None = None
) -> EffectivePolicy:
    if row is None:
        return EffectivePolicy(local_authority, DEFAULT_POLICY, {}, 0, None, None, last)
    return EffectivePolicy(
        local_authority,
        DEFAULT_POLICY.with_overrides(row.values),
        dict(row.values),
        row.version,
        row.updated_at,
        row.updated_by,
        last,
    )


def get_policy(session: Session, principal: Principal, local_authority: str) -> EffectivePolicy:
    """RULES.md's defaults with the authority's overrides applied, and where the last
    change's recompute stands."""
    _require_visible(principal, local_authority)
    return _effective(
        local_authority,
        find_override(session, local_authority),
        recompute.last_of_authority(session, local_authority),
    )


def _store(
    session: Session,
    row: PolicyOverride | None,
    local_authority: str,
    overrides: dict[str, Any],
    by: str,
    now: datetime,
) -> PolicyOverride:
    """Write the overrides; the version column moves on (and guards against lost updates)."""
    contexts_changed(session)
    if row is None:
        row = PolicyOverride(
            local_authority=local_authority, values=overrides, updated_at=now, updated_by=by
        )
        session.add(row)
    else:
        row.values = overrides
        row.updated_at = now
        row.updated_by = by
    try:
        session.flush()
    except IntegrityError as exc:
        # Two first-ever writes raced; the loser re-reads and retries.
        raise Conflict(
            f"the policy of {local_authority} was created by another request; read it again"
        ) from exc
    return row


def _queue_recompute(
    session: Session, local_authority: str, policy: Policy, now: datetime, at_once_up_to: int
) -> tuple[CalendarRecompute, int]:
    """Queue the re-derivation of the authority's open deadlines for the scheduler's recompute
    job, as a calendar change does: (the request, open plans it covers). An authority with at
    most `at_once_up_to` open plans (one chunk of the job) has it applied here, through the
    job's own step, so the caller reads the moved dates as soon as the change answers."""
    request = CalendarRecompute(
        region=policy.region.value,
        local_authority=local_authority,
        reason=f"policy of {local_authority} changed",
        requested_at=now,
    )
    session.add(request)
    session.flush()
    plans = recompute.open_plans_covered(session, request)
    if plans <= at_once_up_to:
        step = recompute.apply_step(session, request, now, chunk=plans + 1)
        recompute.complete(session, request, step.moved, now)
        session.flush()
    return request, plans


def replace_overrides(
    session: Session,
    principal: Principal,
    local_authority: str,
    overrides: dict[str, Any],
    if_match: str | None,
    now: datetime,
    *,
    recompute_at_once_up_to: int = recompute.CHUNK,
) -> PolicyChange:
    """Replace the authority's overrides (`{}` resets to the defaults) and queue the move of
    every open deadline the change affects (applied at once for an authority with at most
    `recompute_at_once_up_to` open plans). Sending the overrides in force changes nothing."""
    _require_visible(principal, local_authority)
    # Row lock on PostgreSQL: concurrent changes of one authority's policy queue.
    row = session.get(PolicyOverride, local_authority, with_for_update=True)
    before = _effective(local_authority, row)
    check_if_match(if_match, before.version)
    after_policy = DEFAULT_POLICY.with_overrides(overrides)
    try:
        check_milestones_off(after_policy.milestones_off)
    except StatutoryMilestone as exc:
        raise InvalidRequest(str(exc)) from exc
    if overrides == before.overrides:
        return PolicyChange(before, 0, 0, None)
    row = _store(session, row, local_authority, overrides, principal.token_name, now)
    changed = diff(before.policy.as_dict(), after_policy.as_dict())
    request, plans = (
        _queue_recompute(session, local_authority, after_policy, now, recompute_at_once_up_to)
        if changed
        else (None, 0)
    )
    moved = request.deadlines_moved if request else 0
    record_change(
        session,
        principal=principal,
        at=now,
        action="policy.updated",
        resource_type=RESOURCE_TYPE,
        resource_id=policy_resource_id(local_authority),
        local_authority=local_authority,
        changes={
            **changed,
            "overrides": (before.overrides, overrides),
            "plans_recomputed": plans,
            "deadlines_moved": moved,
        },
    )
    return PolicyChange(_effective(local_authority, row, request), plans, moved, request)
