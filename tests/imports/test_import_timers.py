"""Imports write the timers of what they create in bulk, beside the rows, instead of having
the unit of work read them back (issue 10, "Speed"). Whatever the path (new plans, next
year's files moving a pending review, earlier files completing a history, files ending a
plan, a census), the timers must equal what the one derivation computes: the nightly
recount, which re-derives every open deadline, must find nothing to heal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api.test_imports_api import A1_HEADER, A1_REVIEWS, post_ssda903
from tests.conftest import TokenFactory
from tests.imports.test_cin_census_plans import census, child, cin_plan, cpp
from tests.imports.test_ssda903_plans import episodes, header, reviews

from review_service.clock import ControllableClock
from review_service.models import Timer
from review_service.scheduler.jobs import Recount, recount_timers


def assert_no_drift(app: FastAPI, clock: ControllableClock) -> None:
    recount_timers(app.state.session_factory, clock)
    assert Recount.last_drift == 0


def test_new_plans_get_the_timers_the_derivation_gives(
    app: FastAPI,
    client: TestClient,
    make_token: TokenFactory,
    clock: ControllableClock,
    count_rows: Any,
) -> None:
    token = make_token("write")
    files = (
        header(("A1", "15/06/2015"), ("B2", "01/02/2020")),
        # A1 open since 1 April 2025; B2 in short breaks (V3), open.
        episodes(("A1", "01/04/2025", "S", "C2", "", ""), ("B2", "05/01/2026", "S", "V3", "", "")),
        A1_REVIEWS,
    )
    assert post_ssda903(client, token, files).status_code == 200
    assert count_rows(Timer) > 0
    assert_no_drift(app, clock)


def test_next_years_and_earlier_files_leave_the_timers_right(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock
) -> None:
    token = make_token("write")
    this_year = (
        A1_HEADER,
        episodes(("A1", "10/06/2025", "P", "C2", "", "")),
        reviews(("A1", "15/06/2015", "28/07/2025", "PN1")),
    )
    assert post_ssda903(client, token, this_year).status_code == 200
    # Earlier files complete the history: the pending review moves (RULES.md §2).
    earlier = (
        A1_HEADER,
        episodes(("A1", "01/04/2025", "S", "C2", "10/06/2025", "X1")),
        reviews(("A1", "15/06/2015", "29/04/2025", "PN1")),
    )
    assert post_ssda903(client, token, earlier).json()["plans"]["updated"] == 1
    assert_no_drift(app, clock)
    # Next year's files hold review 3 and end the period: the pending review is cancelled.
    clock.set(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
    ended = (
        A1_HEADER,
        episodes(("A1", "10/06/2025", "P", "C2", "01/03/2026", "E11")),
        reviews(("A1", "15/06/2015", "27/01/2026", "PN1")),
    )
    assert post_ssda903(client, token, ended).json()["plans"]["updated"] == 1
    assert_no_drift(app, clock)


def test_a_census_import_leaves_the_timers_right(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock
) -> None:
    token = make_token("write")
    data = census(
        child("P1", "2015-05-01", cpp("2025-11-03", "", "2025-11-28")),
        child("P2", "2016-07-09", cin_plan("2025-09-01")),
    )
    upload = {"file": ("census.xml", data, "application/xml")}
    response = client.post(
        "/v1/imports/cin-census",
        files=upload,
        data={"local_authority": "E09000001"},
        headers=token,
    )
    assert response.status_code == 200, response.text
    assert response.json()["plans"]["created"] == 2
    assert_no_drift(app, clock)
