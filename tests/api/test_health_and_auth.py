"""Health, bearer tokens, scopes and problem documents through the ASGI app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_service.problems import PROBLEM_TYPE_BASE
from tests.conftest import TokenFactory

ADD = "/v1/calendar/working-days/add?date=2024-03-28&days=1"


def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_missing_token_is_401_problem(client: TestClient) -> None:
    response = client.get(ADD)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + "unauthenticated"
    assert body["status"] == 401
    assert body["title"]
    assert body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer rs_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer", "rs_token-without-scheme"],
)
def test_unknown_or_malformed_token_is_401(client: TestClient, header: str) -> None:
    response = client.get(ADD, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")


def test_token_with_scope_is_accepted(client: TestClient, make_token: TokenFactory) -> None:
    response = client.get(ADD, headers=make_token("read"))
    assert response.status_code == 200
    assert response.json()["result"] == "2024-04-02"


@pytest.mark.parametrize("scopes", ["write", "admin", "read,events"])
def test_scopes_that_grant_read(client: TestClient, make_token: TokenFactory, scopes: str) -> None:
    assert client.get(ADD, headers=make_token(scopes)).status_code == 200


@pytest.mark.parametrize("scopes", ["events", "webhooks"])
def test_missing_scope_is_403_problem(
    client: TestClient, make_token: TokenFactory, scopes: str
) -> None:
    response = client.get(ADD, headers=make_token(scopes))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "forbidden"


def test_revoked_token_stops_working(client: TestClient, make_token: TokenFactory, app) -> None:  # type: ignore[no-untyped-def]
    from review_service.tokens.service import revoke_token

    headers = make_token("read", name="to-revoke")
    assert client.get(ADD, headers=headers).status_code == 200
    with app.state.session_factory() as session:
        revoke_token(session, name="to-revoke", now=app.state.clock.now())
        session.commit()
    assert client.get(ADD, headers=headers).status_code == 401


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "not-found"


def test_wrong_method_is_405_problem(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.delete(ADD, headers=admin_headers)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "method-not-allowed"


def test_validation_error_lists_each_field(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.get(
        "/v1/calendar/working-days/add?date=2024-02-30&days=abc&region=wales",
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + "validation-error"
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"query.date", "query.days", "query.region"}
