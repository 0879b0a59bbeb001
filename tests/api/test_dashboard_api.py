"""The IRO dashboard query: filters, ordering by due date and cursor pagination."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import Headers, complete, create_plan


@pytest.fixture
def population(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    """Pathway plans (first review due start + 6 months) for two chairs in two authorities."""
    made: dict[str, Any] = {}
    for index, (start, chair, authority) in enumerate([
        ("2025-09-15", "iro-a", "LA1"),   # due 2026-03-15
        ("2025-08-10", "iro-a", "LA1"),   # due 2026-02-10
        ("2025-10-01", "iro-b", "LA1"),   # due 2026-04-01
        ("2025-08-10", "iro-a", "LA2"),   # due 2026-02-10
        ("2025-07-20", "iro-b", "LA2"),   # due 2026-01-20
    ]):
        child = client.post("/v1/children", json={"external_id": f"c{index}", "date_of_birth":
                                                  "2009-01-01", "local_authority": authority},
                            headers=admin_headers).json()
        made[f"p{index}"] = create_plan(client, admin_headers, plan_type="pathway",
                                        start_date=start, child_id=child["id"], chair_id=chair)
    return made


def due_dates(client: TestClient, headers: Headers, query: str) -> list[str]:
    response = client.get(f"/v1/reviews?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [r["due_by"] for r in response.json()["items"]]


def test_ordered_by_due_date(client: TestClient, admin_headers: Headers,
                             population: dict[str, Any]) -> None:
    assert due_dates(client, admin_headers, "") == [
        "2026-01-20", "2026-02-10", "2026-02-10", "2026-03-15", "2026-04-01"]


def test_one_chairs_due_reviews(client: TestClient, admin_headers: Headers,
                                population: dict[str, Any]) -> None:
    assert due_dates(client, admin_headers, "chair_id=iro-a&status=due") == [
        "2026-02-10", "2026-02-10", "2026-03-15"]
    assert due_dates(client, admin_headers, "chair_id=iro-a&local_authority=LA1") == [
        "2026-02-10", "2026-03-15"]


def test_due_window_bounds_are_exclusive(client: TestClient, admin_headers: Headers,
                                         population: dict[str, Any]) -> None:
    assert due_dates(client, admin_headers, "due_after=2026-01-20&due_before=2026-04-01") == [
        "2026-02-10", "2026-02-10", "2026-03-15"]


def test_status_and_late_filters(client: TestClient, admin_headers: Headers,
                                 population: dict[str, Any]) -> None:
    late = population["p4"]["next_review"]
    complete(client, admin_headers, late["id"], "2026-01-23")  # due 2026-01-20: late
    assert due_dates(client, admin_headers, "late=true&local_authority=LA2") == ["2026-01-20"]
    held = client.get("/v1/reviews?status=held", headers=admin_headers).json()["items"]
    assert [r["id"] for r in held] == [late["id"]]
    pending = due_dates(client, admin_headers, "status=due&status=scheduled&plan_type=pathway")
    assert pending == ["2026-02-10", "2026-02-10", "2026-03-15", "2026-04-01", "2026-07-23"]
    assert due_dates(client, admin_headers, "plan_type=looked_after") == []


def test_cursor_walks_every_page_once(client: TestClient, admin_headers: Headers,
                                      population: dict[str, Any]) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/v1/reviews?{query}", headers=admin_headers).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    all_ids = [r["id"] for r in client.get("/v1/reviews", headers=admin_headers).json()["items"]]
    assert seen == all_ids
    assert len(set(seen)) == 5


@pytest.mark.parametrize(
    "query",
    ["cursor=not-a-cursor", "limit=0", "limit=501", "status=lost", "chair=iro-a",
     "due_before=2026-13-01", "late=maybe"],
)
def test_bad_dashboard_queries_are_422(client: TestClient, admin_headers: Headers,
                                       query: str) -> None:
    response = client.get(f"/v1/reviews?{query}", headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_list_items_equal_the_single_review_document(
    client: TestClient, admin_headers: Headers, population: dict[str, Any]
) -> None:
    # The dashboard renders rows straight to JSON; it must say exactly what GET /v1/reviews/{id}
    # says, field for field, including milestones and derived `overdue`.
    held = complete(client, admin_headers, population["p4"]["next_review"]["id"], "2026-01-23")
    client.post(f"/v1/reviews/{population['p0']['next_review']['id']}/schedule",
                json={"scheduled_for": "2026-03-10T10:30:00+00:00", "venue": "Home"},
                headers=admin_headers)
    listed = client.get("/v1/reviews?limit=500", headers=admin_headers).json()["items"]
    assert held["id"] in {item["id"] for item in listed}
    for item in listed:
        single = client.get(f"/v1/reviews/{item['id']}", headers=admin_headers).json()
        assert item == single
