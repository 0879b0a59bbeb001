"""Check-then-insert races and lock order: concurrent requests answer 201/200 or the 409 they
mean, never 500, and the database holds one of each thing (issue 8, defects 2 and 3).

Each request runs on its own thread through its own client against the real app, so on
PostgreSQL the transactions really overlap; on SQLite they queue (BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.models import Child, NonWorkingDay, Plan, Review
from tests.api.factories import Headers, create_child, create_plan

THREADS = 20


def all_at_once(app: FastAPI, calls: list[Callable[[TestClient], httpx.Response]]
                ) -> list[httpx.Response]:
    """Run every call on a thread of its own, released together; bounded by a timeout."""
    barrier = threading.Barrier(len(calls), timeout=60)
    responses: list[httpx.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        with TestClient(app, raise_server_exceptions=False) as local:
            barrier.wait()
            responses[index] = calls[index](local)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(r is not None for r in responses), "a request did not finish in time"
    return [r for r in responses if r is not None]


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_concurrent_plans_of_one_type_open_one_series(
    app: FastAPI, client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    child = create_child(client, admin_headers)
    body = {"child_id": child["id"], "type": "looked_after", "start_date": "2026-01-05"}
    responses = all_at_once(app, [
        lambda c: c.post("/v1/plans", json=body, headers=admin_headers)
    ] * THREADS)
    assert statuses(responses) == [201] + [409] * (THREADS - 1)
    # The same problem type as the sequential check answers.
    assert {r.json()["type"] for r in responses if r.status_code == 409} == {
        "https://review-service.example/problems/conflict"}
    plans = db_session.scalar(select(func.count()).select_from(Plan).where(
        Plan.child_id == uuid.UUID(child["id"]), Plan.status == "open"))
    reviews = db_session.scalar(select(func.count()).select_from(Review))
    db_session.rollback()
    assert (plans, reviews) == (1, 1)


def test_concurrent_identical_children_are_one_201_and_409s(
    app: FastAPI, admin_headers: Headers, db_session: Session
) -> None:
    body = {"external_id": "RACE-CHILD-7", "date_of_birth": "2015-05-01",
            "local_authority": "LA1"}
    responses = all_at_once(app, [
        lambda c: c.post("/v1/children", json=body, headers=admin_headers)
    ] * THREADS)
    assert statuses(responses) == [201] + [409] * (THREADS - 1)
    for refused in (r for r in responses if r.status_code == 409):
        problem = refused.json()
        assert problem["type"].endswith("/conflict")
        # The child's identifier is not echoed back (nor its date of birth).
        assert "RACE-CHILD-7" not in refused.text
        assert "2015-05-01" not in refused.text
    assert db_session.scalar(select(func.count()).select_from(Child)) == 1
    db_session.rollback()


def test_sequential_duplicate_child_does_not_echo_the_identifier(
    client: TestClient, admin_headers: Headers
) -> None:
    body = {"external_id": "MOSAIC-SECRET-42", "date_of_birth": "2015-05-01",
            "local_authority": "LA1"}
    assert client.post("/v1/children", json=body, headers=admin_headers).status_code == 201
    again = client.post("/v1/children", json=body, headers=admin_headers)
    assert again.status_code == 409
    assert "MOSAIC-SECRET-42" not in again.text


def test_concurrent_identical_declared_days_are_one_201_and_409s(
    app: FastAPI, admin_headers: Headers, db_session: Session
) -> None:
    # Tue 9 June 2026 is an ordinary working day in England and Wales.
    body = {"date": "2026-06-09", "name": "Day of mourning", "region": "england-and-wales"}
    responses = all_at_once(app, [
        lambda c: c.post("/v1/calendar/non-working-days", json=body, headers=admin_headers)
    ] * THREADS)
    assert statuses(responses) == [201] + [409] * (THREADS - 1)
    assert all(r.json()["type"].endswith("/conflict") for r in responses
               if r.status_code == 409)
    assert db_session.scalar(select(func.count()).select_from(NonWorkingDay)) == 1
    db_session.rollback()


def test_completing_a_review_while_its_plan_ends_never_deadlocks(
    app: FastAPI, client: TestClient, admin_headers: Headers, db_session: Session
) -> None:
    pairs = THREADS // 2
    plans = [create_plan(client, admin_headers, plan_type="looked_after",
                         start_date="2026-01-05") for _ in range(pairs)]
    calls: list[Callable[[TestClient], httpx.Response]] = []
    for plan in plans:
        review_id, plan_id = plan["next_review"]["id"], plan["id"]

        def completes(c: TestClient, review_id: str = review_id) -> httpx.Response:
            return c.post(f"/v1/reviews/{review_id}/complete",
                          json={"held_on": "2026-02-02", "participation_code": "PN1"},
                          headers=admin_headers)

        def ends(c: TestClient, plan_id: str = plan_id) -> httpx.Response:
            return c.post(f"/v1/plans/{plan_id}/end",
                          json={"end_date": "2026-02-20", "reason": "Returned home"},
                          headers=admin_headers)

        calls += [completes, ends]
    responses = all_at_once(app, calls)
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    for index, plan in enumerate(plans):
        completed, ended = responses[2 * index], responses[2 * index + 1]
        # Whichever went first, the plan ends; the completion either happened before it
        # (200) or finds the review cancelled by the ending (409).
        assert ended.status_code == 200, ended.text
        assert completed.status_code in (200, 409), completed.text
        rows: list[Any] = list(db_session.scalars(
            select(Review.status).where(Review.plan_id == uuid.UUID(plan["id"])).order_by(
                Review.sequence, Review.created_at)))
        expected = ["held", "cancelled"] if completed.status_code == 200 else ["cancelled"]
        assert rows == expected
    db_session.rollback()
