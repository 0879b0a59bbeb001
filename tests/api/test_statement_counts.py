"""No N+1: a list costs the same number of SQL statements for 3 items as for 25."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.api.factories import Headers, create_plan

N = 25
StatementCounter = Callable[[str], int]


@pytest.fixture
def statements(app: FastAPI, client: TestClient, admin_headers: Headers
               ) -> Iterator[StatementCounter]:
    """GET a path twice (the second warm: per-process copies loaded) and count the SQL
    statements the second one sent."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    def count(path: str) -> int:
        assert client.get(path, headers=admin_headers).status_code == 200
        sent.clear()
        response = client.get(path, headers=admin_headers)
        assert response.status_code == 200, response.text
        return len(sent)

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", note)
    yield count
    event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def population(client: TestClient, admin_headers: Headers) -> list[dict[str, Any]]:
    """25 children with open plans of two kinds, each with an event (a consideration) and,
    for every third, an unplanned ending (a disruption meeting)."""
    plans = []
    for i in range(N):
        plan_type = "looked_after" if i % 2 else "child_in_need"
        plan = create_plan(client, admin_headers, plan_type=plan_type, start_date="2026-01-05",
                           chair_id="iro-1")
        kind = "placement_ended_unplanned" if i % 3 == 0 and i % 2 else "complaint"
        response = client.post("/v1/events", headers=admin_headers, json={
            "source": "feed", "event_id": f"e-{i}", "child_id": plan["child_id"], "type": kind,
            "occurred_at": "2026-02-27T14:00:00+00:00"})
        assert response.status_code == 201, response.text
        plans.append(plan)
    return plans


@pytest.mark.parametrize("path", [
    "/v1/plans?limit={n}",
    "/v1/reviews?limit={n}",
    "/v1/reviews?chair_id=iro-1&status=due&status=scheduled&limit={n}",
    "/v1/children?limit={n}",
    "/v1/considerations?limit={n}",
    "/v1/meetings?limit={n}",
    "/v1/audit?limit={n}",
])
def test_a_list_costs_the_same_statements_for_3_items_as_for_25(
    statements: StatementCounter, population: list[dict[str, Any]], path: str
) -> None:
    few, many = statements(path.format(n=3)), statements(path.format(n=N))
    assert few == many, (few, many)


def test_a_childs_events_cost_the_same_for_1_as_for_many(
    client: TestClient, admin_headers: Headers, statements: StatementCounter,
    population: list[dict[str, Any]],
) -> None:
    child = population[0]["child_id"]
    for i in range(N):
        client.post("/v1/events", headers=admin_headers, json={
            "source": "more", "event_id": f"m-{i}", "child_id": child, "type": "health_event",
            "occurred_at": "2026-02-27T14:00:00+00:00"})
    path = f"/v1/children/{child}/events?limit={{n}}"
    assert statements(path.format(n=1)) == statements(path.format(n=N))
