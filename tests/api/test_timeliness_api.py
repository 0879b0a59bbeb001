"""GET /v1/reports/timeliness (API.md "Wave 2" Timeliness), figures worked by hand over
Easter 2024 (Good Friday 29 March, Easter Monday 1 April) and month ends.

Child protection plans come in through the CIN census import; RULES.md §2: review 1 is due
three months after the plan starts, later ones six months after the previous review.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Date, literal, select
from sqlalchemy.orm import Session

from review_service.clock import ControllableClock
from review_service.deadlines.timeliness_sql import outcome_conditions
from review_service.domain.timeliness import Timeliness, timeliness
from tests.conftest import TokenFactory
from tests.imports.test_cin_census_plans import census, child, cin_plan, cpp

# Started 28 Dec 2023: review 1 due 28 Mar 2024 (Thursday before Good Friday), held Tue
# 2 Apr after Easter -> late. Review 2 due 2 Oct 2024 (outside the range counted below).
T1 = child("T1", "2015-05-01", cpp("2023-12-28", "", "2024-04-02"))
# Started 31 Oct 2023: review 1 due 31 Jan 2024, held that day -> in timescale.
# Review 2 due 31 Jul 2024 (outside the range).
T2 = child("T2", "2014-02-01", cpp("2023-10-31", "", "2024-01-31"))
# Started 2 Jan 2024: review 1 due 2 Apr 2024, not held -> overdue as of 3 Apr.
T3 = child("T3", "2016-07-01", cpp("2024-01-02"))
# Started 3 Jan 2024: review 1 due 3 Apr 2024, not held -> pending as of 3 Apr (due today).
T4 = child("T4", "2017-09-01", cpp("2024-01-03"))
# A child in need plan from 15 Jan 2024: review 1 due 15 Apr 2024 (policy's three months).
T5 = child("T5", "2013-03-01", cin_plan("2024-01-15"))


@pytest.fixture
def imported(client: TestClient, make_token: TokenFactory, clock: ControllableClock) -> None:
    # 00:30 in London on 3 April (BST): as_of is the London date, not the UTC one.
    clock.set(datetime(2024, 4, 2, 23, 30, tzinfo=UTC))
    response = client.post(
        "/v1/imports/cin-census",
        files={"file": ("census.xml", census(T1, T2, T3, T4, T5, reference="2024-03-31"))},
        data={"local_authority": "E09000001"},
        headers=make_token("write"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["rejected"] == []
    assert response.json()["plans"]["created"] == 5


def report(client: TestClient, token: dict[str, str], **params: str) -> Any:
    response = client.get("/v1/reports/timeliness", params=params, headers=token)
    assert response.status_code == 200, response.text
    return response.json()


def counts(group: dict[str, Any]) -> tuple[Any, ...]:
    names = ("reviews", "in_timescale", "late", "overdue", "pending", "rate", "children")
    return (*(group[name] for name in names), group["children_all_in_timescale"])


@pytest.mark.usefixtures("imported")
def test_the_whole_range_by_hand(client: TestClient, make_token: TokenFactory) -> None:
    token = make_token("read")
    body = report(
        client, token, **{"from": "2024-01-01", "to": "2024-04-30", "plan_type": "child_protection"}
    )
    assert body["from"] == "2024-01-01"
    assert body["to"] == "2024-04-30"
    assert body["as_of"] == "2024-04-03"
    # T1 late, T2 in timescale, T3 overdue, T4 pending: rate 1 / (1 + 1 + 1).
    # All in timescale: T2 and T4 (a pending review is neither late nor overdue).
    [group] = body["groups"]
    assert group["key"] == {}
    assert counts(group) == (4, 1, 1, 1, 1, pytest.approx(1 / 3), 4, 2)


@pytest.mark.usefixtures("imported")
def test_grouped_by_the_month_of_the_due_date(client: TestClient, make_token: TokenFactory) -> None:
    body = report(
        client,
        make_token("read"),
        **{"from": "2024-01-01", "to": "2024-04-30", "group_by": "month"},
    )
    by_month = {g["key"]["month"]: counts(g) for g in body["groups"]}
    assert by_month == {
        "2024-01": (1, 1, 0, 0, 0, 1.0, 1, 1),  # T2 due 31 Jan
        "2024-03": (1, 0, 1, 0, 0, 0.0, 1, 0),  # T1 due 28 Mar
        # T3 due 2 Apr (overdue), T4 due 3 Apr (pending), T5 due 15 Apr (pending)
        "2024-04": (3, 0, 0, 1, 2, 0.0, 3, 2),
    }


@pytest.mark.usefixtures("imported")
def test_grouped_by_plan_type_and_by_chair(client: TestClient, make_token: TokenFactory) -> None:
    token = make_token("read")
    window = {"from": "2024-01-01", "to": "2024-04-30"}
    by_type = report(client, token, **window, group_by="plan_type")["groups"]
    assert [(g["key"], g["reviews"], g["pending"], g["rate"]) for g in by_type] == [
        ({"plan_type": "child_in_need"}, 1, 1, None),  # nothing judged yet: no rate
        ({"plan_type": "child_protection"}, 4, 1, pytest.approx(1 / 3)),
    ]
    by_chair = report(client, token, **window, group_by="chair")["groups"]
    assert [(g["key"], g["reviews"]) for g in by_chair] == [({"chair_id": None}, 5)]


@pytest.mark.usefixtures("imported")
def test_month_ends_are_inclusive(client: TestClient, make_token: TokenFactory) -> None:
    token = make_token("read")
    [january] = report(client, token, **{"from": "2024-01-31", "to": "2024-01-31"})["groups"]
    assert counts(january) == (1, 1, 0, 0, 0, 1.0, 1, 1)
    assert report(client, token, **{"from": "2024-02-01", "to": "2024-03-27"})["groups"] == []
    [march] = report(client, token, **{"from": "2024-03-28", "to": "2024-03-31"})["groups"]
    assert counts(march) == (1, 0, 1, 0, 0, 0.0, 1, 0)


@pytest.mark.usefixtures("imported")
def test_overdue_turns_from_pending_the_day_after_the_due_date(
    client: TestClient, make_token: TokenFactory, clock: ControllableClock
) -> None:
    token = make_token("read")
    window = {"from": "2024-04-03", "to": "2024-04-03"}
    [group] = report(client, token, **window)["groups"]
    assert (group["overdue"], group["pending"]) == (0, 1)  # T4, due today
    clock.set(datetime(2024, 4, 3, 23, 30, tzinfo=UTC))  # 00:30 on 4 April in London
    [group] = report(client, token, **window)["groups"]
    assert (group["overdue"], group["pending"]) == (1, 0)
    assert group["children_all_in_timescale"] == 0


@pytest.mark.usefixtures("imported")
def test_csv_gives_the_same_rows(client: TestClient, make_token: TokenFactory) -> None:
    token = make_token("read")
    params = {"from": "2024-01-01", "to": "2024-04-30", "group_by": "month"}
    response = client.get(
        "/v1/reports/timeliness", params=params, headers={**token, "Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "month",
        "reviews",
        "in_timescale",
        "late",
        "overdue",
        "pending",
        "rate",
        "children",
        "children_all_in_timescale",
    ]
    assert rows[1:] == [
        ["2024-01", "1", "1", "0", "0", "0", "1.0", "1", "1"],
        ["2024-03", "1", "0", "1", "0", "0", "0.0", "1", "0"],
        ["2024-04", "3", "0", "0", "1", "2", "0.0", "3", "2"],
    ]


@pytest.mark.usefixtures("imported")
def test_authority_walls_and_filters(client: TestClient, make_token: TokenFactory) -> None:
    window = {"from": "2024-01-01", "to": "2024-04-30"}
    other = make_token("read", local_authority="E08000025")
    assert report(client, other, **window)["groups"] == []
    assert report(client, other, **window, local_authority="E09000001")["groups"] == []
    own = make_token("read", local_authority="E09000001")
    assert report(client, own, **window)["groups"][0]["reviews"] == 5
    assert report(client, own, **window, plan_type="looked_after")["groups"] == []
    assert report(client, own, **window, chair_id="iro-1")["groups"] == []
    backwards = client.get(
        "/v1/reports/timeliness", params={"from": "2024-05-01", "to": "2024-04-01"}, headers=own
    )
    assert backwards.status_code == 422
    assert client.get("/v1/reports/timeliness", params=window).status_code == 401


@pytest.mark.parametrize(
    ("held_on", "due_by", "as_of"),
    [
        (date(2024, 1, 31), date(2024, 1, 31), date(2024, 4, 3)),
        (date(2024, 4, 2), date(2024, 3, 28), date(2024, 4, 3)),
        (None, date(2024, 4, 2), date(2024, 4, 3)),
        (None, date(2024, 4, 3), date(2024, 4, 3)),
        (None, date(2024, 4, 4), date(2024, 4, 3)),
        (date(2024, 3, 27), date(2024, 3, 28), date(2024, 3, 1)),
    ],
)
def test_the_sql_outcomes_equal_the_domain_definition(
    db_session: Session, held_on: date | None, due_by: date, as_of: date
) -> None:
    conditions = outcome_conditions(literal(held_on, Date), literal(due_by, Date), as_of)
    row = db_session.execute(select(*conditions.values())).one()
    true_outcomes = [outcome for outcome, value in zip(conditions, row, strict=True) if value]
    assert true_outcomes == [timeliness(held_on, due_by, as_of)]
    assert isinstance(true_outcomes[0], Timeliness)
