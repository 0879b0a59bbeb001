"""Action use cases (RULES.md §7: decisions are recorded as actions with an owner and a due
date); each runs in the request's transaction; the queries are in actions/repository.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from review_service.actions.repository import ACTIONS
from review_service.actions.schemas import ActionCreate, ActionStatus, ActionUpdate
from review_service.audit.service import audit, diff
from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import touch
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.reviews import ReviewStatus
from review_service.etags import check_if_match
from review_service.models import Action, Review
from review_service.pagination import Page
from review_service.problems import Conflict, InvalidRequest
from review_service.reviews import repository

# Bounds every listing; far above the decisions of any real review.
MAX_ACTIONS_PER_REVIEW = 200

_AUDITED = ("description", "owner", "due_by", "status", "done_on")


def _snapshot(action: Action) -> dict[str, object]:
    return {name: getattr(action, name) for name in _AUDITED}


def _held_on(review: Review) -> date:
    # RULES.md §7: decisions are made at the meeting, so only a held review has actions.
    if review.status != ReviewStatus.HELD or review.held_on is None:
        raise Conflict(
            f"review {review.id} is {review.status}; actions are decisions of a held review"
        )
    return review.held_on


def _check_due_by(due_by: date, held_on: date) -> None:
    if due_by < held_on:
        raise InvalidRequest(
            f"due_by {due_by.isoformat()} is before the review was held ({held_on.isoformat()})"
        )


def create_action(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    body: ActionCreate,
    now: datetime,
) -> Action:
    """Record a decision of a held review as an open action."""
    review = repository.visible_review(session, principal, review_id, for_update=True)
    _check_due_by(body.due_by, _held_on(review))
    if ACTIONS.count(session, review.id) >= MAX_ACTIONS_PER_REVIEW:
        raise Conflict(f"a review records at most {MAX_ACTIONS_PER_REVIEW} actions")
    action = Action(
        review_id=review.id,
        plan_id=review.plan_id,
        description=body.description,
        owner=body.owner,
        due_by=body.due_by,
        status=ActionStatus.OPEN.value,
        done_on=None,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    touch(session, DeadlineKind.ACTION, action.id)
    audit(
        session,
        principal,
        now,
        "action.created",
        action,
        {"review_id": review.id, **_snapshot(action)},
        owner=review,
    )
    return action


def list_actions(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> Page[Action]:
    """A review's actions by due date, keyset-paginated."""
    review = repository.visible_review(session, principal, review_id)
    return ACTIONS.page(session, review.id, cursor, limit)


def get_action(
    session: Session, principal: Principal, review_id: uuid.UUID, action_id: uuid.UUID
) -> Action:
    """One action of a review the token may see."""
    review = repository.visible_review(session, principal, review_id)
    return ACTIONS.one(session, review.id, action_id, for_update=False)


def _done_on(action: Action, body: ActionUpdate, held_on: date, today: date) -> date | None:
    """The completion date after the change: only a done action has one, by default today."""
    given = "done_on" in body.model_fields_set and body.done_on is not None
    if action.status != ActionStatus.DONE:
        if given:
            raise InvalidRequest("done_on goes only with status `done`")
        return None
    done_on = body.done_on if given else (action.done_on or today)
    assert done_on is not None
    if done_on > today:
        raise InvalidRequest(f"done_on {done_on.isoformat()} is in the future")
    if done_on < held_on:
        raise InvalidRequest(
            f"done_on {done_on.isoformat()} is before the review was held ({held_on.isoformat()})"
        )
    return done_on


def update_action(
    session: Session,
    principal: Principal,
    review_id: uuid.UUID,
    action_id: uuid.UUID,
    body: ActionUpdate,
    if_match: str | None,
    now: datetime,
) -> Action:
    """Correct an action, or mark it done (or open again)."""
    review = repository.visible_review(session, principal, review_id)
    action = ACTIONS.one(session, review.id, action_id, for_update=True)
    check_if_match(if_match, action.version)
    if action.status == ActionStatus.WITHDRAWN:
        raise Conflict("this action was withdrawn when its plan ended; it cannot be changed")
    held_on = _held_on(review)
    before = _snapshot(action)
    if body.description is not None:
        action.description = body.description
    if body.owner is not None:
        action.owner = body.owner
    if body.due_by is not None:
        _check_due_by(body.due_by, held_on)
        action.due_by = body.due_by
    if body.status is not None:
        action.status = body.status.value
    action.done_on = _done_on(action, body, held_on, london_today(now))
    changes = diff(before, _snapshot(action))
    if changes:
        touch(session, DeadlineKind.ACTION, action.id)
        action.updated_at = now
        session.flush()
        audit(
            session,
            principal,
            now,
            "action.updated",
            action,
            {"review_id": review.id, **changes},
            owner=review,
        )
    return action
