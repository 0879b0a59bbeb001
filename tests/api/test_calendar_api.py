"""The calendar endpoints of API.md through the ASGI app, on every backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TokenFactory

Headers = dict[str, str]


@pytest.mark.parametrize(
    ("day", "days", "region", "expected"),
    [
        ("2024-03-28", 1, "england-and-wales", "2024-04-02"),  # Good Friday + Easter Monday
        ("2024-04-02", -1, "england-and-wales", "2024-03-28"),
        ("2022-06-01", 1, "england-and-wales", "2022-06-06"),  # 2 and 3 June 2022
        ("2023-01-01", 1, "scotland", "2023-01-04"),  # 2 Jan (Mon) and 3 Jan substitute
        ("2023-01-01", 1, "england-and-wales", "2023-01-03"),
        ("2024-03-15", 1, "northern-ireland", "2024-03-19"),  # St Patrick's substitute
        ("2024-03-16", 0, "england-and-wales", "2024-03-16"),
    ],
)
def test_add_working_days(
    client: TestClient, admin_headers: Headers, day: str, days: int, region: str, expected: str
) -> None:
    response = client.get(
        "/v1/calendar/working-days/add",
        params={"date": day, "days": days, "region": region},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.json() == {"date": day, "days": days, "region": region, "result": expected}


def test_region_defaults_to_england_and_wales(client: TestClient, admin_headers: Headers) -> None:
    response = client.get(
        "/v1/calendar/working-days/add?date=2024-07-11&days=1", headers=admin_headers
    )
    assert response.json()["region"] == "england-and-wales"
    assert response.json()["result"] == "2024-07-12"  # 12 July is a holiday only in NI


def test_between_counts_half_open_range(client: TestClient, admin_headers: Headers) -> None:
    response = client.get(
        "/v1/calendar/working-days/between",
        params={"start": "2024-03-28", "end": "2024-04-05"},
        headers=admin_headers,
    )
    assert response.status_code == 200
    # (28 Mar, 5 Apr]: 2, 3, 4, 5 April; 29 Mar and 1 Apr are bank holidays.
    assert response.json() == {
        "start": "2024-03-28",
        "end": "2024-04-05",
        "region": "england-and-wales",
        "working_days": 4,
    }


def test_bank_holidays_of_a_year(client: TestClient, admin_headers: Headers) -> None:
    response = client.get("/v1/calendar/bank-holidays?year=2022", headers=admin_headers)
    assert response.status_code == 200
    dates = [item["date"] for item in response.json()["items"]]
    assert dates == [
        "2022-01-03",
        "2022-04-15",
        "2022-04-18",
        "2022-05-02",
        "2022-06-02",
        "2022-06-03",
        "2022-08-29",
        "2022-09-19",
        "2022-12-26",
        "2022-12-27",
    ]
    assert not any(item["declared"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date=2024-02-30&days=1", "query.date"),
        ("date=2024-01-01&days=1.5", "query.days"),
        ("date=2024-01-01&days=1&region=atlantis", "query.region"),
        ("date=2024-01-01&days=99999999", "query.days"),
        ("days=1", "query.date"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, admin_headers: Headers, query: str, field: str
) -> None:
    response = client.get(f"/v1/calendar/working-days/add?{query}", headers=admin_headers)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    "url",
    [
        "/v1/calendar/working-days/add?date=1900-01-01&days=1",
        "/v1/calendar/working-days/add?date=2100-12-30&days=20",
        "/v1/calendar/working-days/between?start=2024-01-01&end=2200-01-01",
        "/v1/calendar/bank-holidays?year=1850",
    ],
)
def test_outside_supported_range_is_422(
    client: TestClient, admin_headers: Headers, url: str
) -> None:
    response = client.get(url, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_declared_non_working_day_changes_the_engine(
    client: TestClient, admin_headers: Headers
) -> None:
    add = "/v1/calendar/working-days/add?date=2031-06-05&days=1"
    assert client.get(add, headers=admin_headers).json()["result"] == "2031-06-06"

    created = client.post(
        "/v1/calendar/non-working-days",
        json={"date": "2031-06-06", "name": "Coronation of a new monarch"},
        headers=admin_headers,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["date"] == "2031-06-06"
    assert body["region"] == "england-and-wales"

    assert client.get(add, headers=admin_headers).json()["result"] == "2031-06-09"
    holidays = client.get("/v1/calendar/bank-holidays?year=2031", headers=admin_headers).json()
    declared = [item for item in holidays["items"] if item["declared"]]
    assert declared == [
        {"date": "2031-06-06", "name": "Coronation of a new monarch", "declared": True}
    ]
    # Other regions are untouched.
    scotland = client.get(add + "&region=scotland", headers=admin_headers).json()
    assert scotland["result"] == "2031-06-06"

    listed = client.get("/v1/calendar/non-working-days", headers=admin_headers).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]

    removed = client.delete(f"/v1/calendar/non-working-days/{body['id']}", headers=admin_headers)
    assert removed.status_code == 204
    assert client.get(add, headers=admin_headers).json()["result"] == "2031-06-06"
    again = client.delete(f"/v1/calendar/non-working-days/{body['id']}", headers=admin_headers)
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("day", "status"),
    [("2031-06-07", 422), ("2024-12-25", 409), ("2022-06-03", 409)],
)
def test_declaring_a_day_that_is_already_off(
    client: TestClient, admin_headers: Headers, day: str, status: int
) -> None:
    response = client.post(
        "/v1/calendar/non-working-days", json={"date": day, "name": "x"}, headers=admin_headers
    )
    assert response.status_code == status
    assert client.get("/v1/calendar/non-working-days", headers=admin_headers).json()["items"] == []


def test_declaring_twice_is_409(client: TestClient, admin_headers: Headers) -> None:
    body = {"date": "2031-06-06", "name": "One-off"}
    assert (
        client.post("/v1/calendar/non-working-days", json=body, headers=admin_headers).status_code
        == 201
    )
    assert (
        client.post("/v1/calendar/non-working-days", json=body, headers=admin_headers).status_code
        == 409
    )


def test_declaring_needs_admin(client: TestClient, make_token: TokenFactory) -> None:
    response = client.post(
        "/v1/calendar/non-working-days",
        json={"date": "2031-06-06", "name": "One-off"},
        headers=make_token("write"),
    )
    assert response.status_code == 403
