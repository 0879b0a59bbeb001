"""Who may change the national calendar (issue 8, defect 8), one canonical form of authority
codes (defect 13) and tokens that expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.auth import parse_scopes
from review_service.clock import ControllableClock
from review_service.tokens.service import create_token
from tests.api.factories import Headers
from tests.conftest import TokenFactory

DECLARED = "/v1/calendar/non-working-days"
# Tue 9 June 2026: an ordinary working day in England and Wales.
DAY = {"date": "2026-06-09", "name": "Day of mourning"}


def token(app: FastAPI, clock: ControllableClock, *, local_authority: str | None = None,
          expires_in: timedelta | None = None, scopes: str = "admin") -> Headers:
    """A token made the way the CLI makes one (through the service, not the fixture)."""
    with app.state.session_factory() as session:
        created = create_token(
            session, name=f"t-{clock.now().timestamp()}-{local_authority}-{expires_in}",
            scopes=parse_scopes(scopes), local_authority=local_authority, now=clock.now(),
            expires_at=clock.now() + expires_in if expires_in else None)
        session.commit()
    return {"Authorization": f"Bearer {created.secret}"}


# --- defect 8: the national calendar ---------------------------------------------------------


def test_an_admin_bound_to_one_authority_cannot_change_the_national_calendar(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers
) -> None:
    bound = make_token("admin", local_authority="LA1")
    refused = client.post(DECLARED, json=DAY, headers=bound)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/forbidden")
    assert client.get(DECLARED, headers=admin_headers).json()["items"] == []

    declared = client.post(DECLARED, json=DAY, headers=admin_headers)
    assert declared.status_code == 201, declared.text
    removal = client.delete(f"{DECLARED}/{declared.json()['id']}", headers=bound)
    assert removal.status_code == 403
    assert removal.json()["type"].endswith("/forbidden")
    assert len(client.get(DECLARED, headers=admin_headers).json()["items"]) == 1
    assert client.delete(f"{DECLARED}/{declared.json()['id']}",
                         headers=admin_headers).status_code == 204


# --- defect 13: one canonical form of authority codes ----------------------------------------


def test_codes_are_upper_case_wherever_they_come_from(
    app: FastAPI, client: TestClient, clock: ControllableClock, admin_headers: Headers
) -> None:
    created = client.post("/v1/children", json={"external_id": "c-1", "date_of_birth":
                                                "2015-05-01", "local_authority": "demo"},
                          headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["local_authority"] == "DEMO"
    upper = client.post("/v1/children", json={"external_id": "c-2", "date_of_birth":
                                              "2015-05-01", "local_authority": "DEMO"},
                        headers=admin_headers)
    # A token made for `demo` sees every DEMO record, whichever case created it.
    demo = token(app, clock, local_authority="demo", scopes="read")
    listed = client.get("/v1/children", headers=demo).json()["items"]
    assert sorted(c["id"] for c in listed) == sorted([created.json()["id"], upper.json()["id"]])
    by_query = client.get("/v1/children?local_authority=Demo", headers=admin_headers)
    assert len(by_query.json()["items"]) == 2
    # The same child in `demo` and `DEMO` is one child.
    again = client.post("/v1/children", json={"external_id": "c-1", "date_of_birth":
                                              "2015-05-01", "local_authority": "DeMo"},
                        headers=admin_headers)
    assert again.status_code == 409
    policy = client.get("/v1/policies/demo", headers=admin_headers)
    assert policy.status_code == 200
    assert policy.json()["local_authority"] == "DEMO"


@pytest.mark.parametrize("code", ["30 1", "", "x" * 21, "LA1;", "LÅ1"])
def test_a_malformed_code_is_refused_by_the_api_and_the_token_service(
    app: FastAPI, client: TestClient, clock: ControllableClock, admin_headers: Headers,
    code: str,
) -> None:
    response = client.post("/v1/children", json={"external_id": "c-1", "date_of_birth":
                                                 "2015-05-01", "local_authority": code},
                           headers=admin_headers)
    assert response.status_code == 422
    with pytest.raises(ValueError, match="local authority code"):
        token(app, clock, local_authority=code)


# --- tokens that expire ----------------------------------------------------------------------


def test_an_expired_token_is_refused_with_a_401_problem(
    app: FastAPI, client: TestClient, clock: ControllableClock
) -> None:
    headers = token(app, clock, expires_in=timedelta(hours=12))
    assert client.get("/v1/children", headers=headers).status_code == 200
    clock.advance(timedelta(hours=12) - timedelta(seconds=1))
    assert client.get("/v1/children", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = client.get("/v1/children", headers=headers)
    assert expired.status_code == 401
    assert expired.headers["content-type"] == "application/problem+json"
    assert expired.json()["type"].endswith("/unauthenticated")
    assert "expired" in expired.json()["detail"]
    assert expired.headers["www-authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused_at_the_edge_before_a_body_is_read(
    app: FastAPI, client: TestClient, clock: ControllableClock
) -> None:
    # The edge authenticates a request with a body before the app reads it; it must read the
    # same clock as the routes, or an expired token would pass with a body and fail without.
    headers = token(app, clock, local_authority="LA1", expires_in=timedelta(hours=1))
    body = {"external_id": "EDGE-1", "date_of_birth": "2015-05-01"}
    assert client.post("/v1/children", headers=headers, json=body).status_code == 201
    clock.advance(timedelta(hours=1))
    expired = client.post("/v1/children", headers=headers, json={**body, "external_id": "EDGE-2"})
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
