"""Issue 8, "Metrics": GET /metrics in Prometheus text format for `metrics` or `admin` tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from review_service.clock import ControllableClock
from tests.api.factories import create_plan
from tests.conftest import TokenFactory

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, headers: dict[str, str]) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_need_a_token(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "X-Request-ID" in response.headers


@pytest.mark.parametrize("scopes", ["read", "write", "events", "webhooks", "read,write"])
def test_metrics_refuse_tokens_without_the_scope(
    client: TestClient, make_token: TokenFactory, scopes: str
) -> None:
    response = client.get("/metrics", headers=make_token(scopes))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


def test_metrics_refuse_a_token_bound_to_one_authority(
    client: TestClient, make_token: TokenFactory
) -> None:
    # The figures are every authority's; an authority's token must not read them.
    response = client.get("/metrics", headers=make_token("metrics", local_authority="LA1"))
    assert response.status_code == 403


@pytest.mark.parametrize("scopes", ["metrics", "admin"])
def test_metrics_scope_or_admin_may_scrape(
    client: TestClient, make_token: TokenFactory, scopes: str
) -> None:
    samples = scrape(client, make_token(scopes))
    assert value(samples, "review_service_outbox_depth") == 0


def test_requests_are_counted_by_route_template_method_and_status(
    client: TestClient, admin_headers: dict[str, str], make_token: TokenFactory
) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-03-02")
    child_path = f"/v1/children/{plan['child_id']}"
    for _ in range(2):
        assert client.get(child_path, headers=admin_headers).status_code == 200
    assert client.get(f"/v1/children/{uuid.uuid4()}", headers=admin_headers).status_code == 404
    for n in range(20):  # random URLs must not grow the number of series
        client.get(f"/v1/no-such-thing/ext-{n}-{uuid.uuid4()}", headers=admin_headers)
    samples = scrape(client, make_token("metrics"))
    requests = "review_service_http_requests_total"
    route = "/v1/children/{child_id}"
    assert value(samples, requests, method="GET", route=route, status="200") == 2
    assert value(samples, requests, method="GET", route=route, status="404") == 1
    assert value(samples, requests, method="POST", route="/v1/children", status="201") == 1
    assert value(samples, requests, method="POST", route="/v1/plans", status="201") == 1
    assert value(samples, requests, method="GET", route="unmatched", status="404") == 20
    assert value(samples, "review_service_http_request_duration_seconds_count", route=route) == 3
    assert value(samples, "review_service_http_request_duration_seconds_bucket",
                 route=route, le="+Inf") == 3
    routes = {dict(labels).get("route") for _, labels in samples} - {None}
    assert routes == {"/v1/children", "/v1/children/{child_id}", "/v1/plans", "unmatched"}
    assert not [labels for _, labels in samples
                if any(plan["child_id"] in v or "ext-" in v for _, v in labels)]


def test_backlog_gauges_equal_the_scheduler_status(
    client: TestClient, admin_headers: dict[str, str], make_token: TokenFactory,
    clock: ControllableClock,
) -> None:
    create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-03-02")
    clock.advance(timedelta(days=60))  # past the first review's reminders: some timers are due
    status = client.get("/v1/scheduler/status", headers=admin_headers).json()
    samples = scrape(client, make_token("metrics"))
    assert status["pending_timers"] > 0
    assert status["due_timers"] > 0
    assert value(samples, "review_service_timers_pending") == status["pending_timers"]
    assert value(samples, "review_service_timers_due") == status["due_timers"]
    assert value(samples, "review_service_scheduler_lag_seconds") == status["lag_seconds"]
    assert value(samples, "review_service_outbox_depth") == status["outbox_depth"]
    assert (value(samples, "review_service_webhook_subscriptions_failing")
            == status["failing_subscriptions"])


def test_database_pool_use_is_reported(
    client: TestClient, make_token: TokenFactory, backend: str
) -> None:
    samples = scrape(client, make_token("metrics"))
    # The scrape's own request holds one connection while it reads the gauges.
    assert value(samples, "review_service_database_pool_checked_out") >= 1
    # PostgreSQL: REVIEW_SERVICE_DATABASE_POOL_SIZE (10); an SQLite file: SQLAlchemy's 5.
    assert value(samples, "review_service_database_pool_size") == (
        10 if backend == "postgresql" else 5)
