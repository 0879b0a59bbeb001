"""A review carries its plan's child (migration 0013; the timeliness report counts children
from the reviews alone, issue 10): every way a review row is written sets it, and the
database refuses a review whose child is not its plan's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_service.clock import ControllableClock
from review_service.models import Plan, Review
from tests.api.factories import complete, create_plan
from tests.api.test_imports_api import A1_EPISODES, A1_HEADER, A1_REVIEWS, post_ssda903
from tests.conftest import TokenFactory
from tests.imports.test_ssda903_plans import episodes, reviews


def _children_of_reviews(db_session: Session) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(the review's child, its plan's child) for every review."""
    rows = db_session.execute(
        select(Review.child_id, Plan.child_id).join(Plan, Plan.id == Review.plan_id)
    ).all()
    db_session.rollback()  # SQLite: free the write lock for the next request
    return [(review_child, plan_child) for review_child, plan_child in rows]


def _assert_every_review_has_its_plans_child(db_session: Session, expected: int) -> None:
    pairs = _children_of_reviews(db_session)
    assert len(pairs) == expected
    assert all(review_child == plan_child for review_child, plan_child in pairs), pairs


def test_reviews_opened_through_the_api_carry_their_plans_child(
    client: TestClient, admin_headers: dict[str, str], db_session: Session
) -> None:
    first = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    second = create_plan(client, admin_headers, plan_type="child_in_need", start_date="2026-01-12")
    # Completing review 1 opens review 2 of the same plan.
    complete(
        client, admin_headers, first["next_review"]["id"], "2026-01-30", participation_code="PN1"
    )
    _assert_every_review_has_its_plans_child(db_session, expected=3)
    children = {row[0] for row in _children_of_reviews(db_session)}
    assert children == {uuid.UUID(first["child_id"]), uuid.UUID(second["child_id"])}


def test_reviews_written_by_imports_carry_their_plans_child(
    client: TestClient,
    make_token: TokenFactory,
    clock: ControllableClock,
    db_session: Session,
) -> None:
    token = make_token("write")
    # A new child and plan: three held reviews and the pending one.
    response = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS))
    assert response.status_code == 200, response.text
    _assert_every_review_has_its_plans_child(db_session, expected=4)
    # A stored plan's series goes on: held reviews added to it, a new pending review.
    clock.set(datetime(2027, 4, 20, 9, 0, tzinfo=UTC))
    next_year = (
        A1_HEADER,
        episodes(("A1", "10/05/2026", "P", "C2", "", "")),
        reviews(
            ("A1", "15/06/2015", "20/07/2026", "PN1"), ("A1", "15/06/2015", "25/01/2027", "PN1")
        ),
    )
    response = post_ssda903(client, token, next_year)
    assert response.status_code == 200, response.text
    assert response.json()["reviews"] == {"recorded": 2, "unchanged": 0}
    _assert_every_review_has_its_plans_child(db_session, expected=6)


def test_the_database_refuses_a_review_whose_child_is_not_its_plans(
    client: TestClient, admin_headers: dict[str, str], db_session: Session
) -> None:
    plan: dict[str, Any] = create_plan(
        client, admin_headers, plan_type="looked_after", start_date="2026-01-05"
    )
    other = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    moved = (
        update(Review)
        .where(Review.id == uuid.UUID(plan["next_review"]["id"]))
        .values(child_id=uuid.UUID(other["child_id"]))
    )
    with pytest.raises(IntegrityError):
        db_session.execute(moved)
    db_session.rollback()
