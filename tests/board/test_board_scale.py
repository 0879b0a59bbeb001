"""The board reads in a fixed number of statements however many rows its sections hold; the
database decides which rows a list shows (its earliest, with the full count) and a cancelled
review leaves the overdue lists with the milestones that prepared it."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from review_service.board import view
from tests.api.factories import Headers, create_plan
from tests.conftest import TokenFactory


def _login(client: TestClient, headers: Headers) -> None:
    page = client.get("/board/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    token = headers["Authorization"].removeprefix("Bearer ")
    response = client.post("/board/login", data={"token": token, "csrf_token": form_token[1]},
                           follow_redirects=False)
    assert response.status_code == 303


def _statements(client: TestClient, app: Any) -> tuple[int, str]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(app.state.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/board")
    finally:
        event.remove(app.state.engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    return len(statements), page.text


def _add_plans(client: TestClient, headers: Headers, n: int) -> list[dict[str, Any]]:
    # Today is Mon 2 March 2026 (tests/conftest.py). A looked-after plan started on
    # 2 February has its first review due 20 working days on, 2 March: due soon. One that
    # started in January 2025 is long overdue, with its escalations' moments passed.
    plans = []
    for n_plan in range(n):
        plans.append(create_plan(client, headers, plan_type="looked_after",
                                 start_date="2026-02-02", chair_id=f"iro-{n_plan % 3}"))
        plans.append(create_plan(client, headers, plan_type="looked_after",
                                 start_date="2025-01-06", chair_id=f"iro-{n_plan % 3}"))
    return plans


def test_the_board_reads_in_the_same_number_of_statements_as_rows_grow(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers, app: Any,
) -> None:
    _add_plans(client, admin_headers, 1)
    _login(client, make_token("read", local_authority="LA1"))
    few, _ = _statements(client, app)
    _add_plans(client, admin_headers, 12)
    many, page = _statements(client, app)
    assert page.count('href="/v1/reviews/') >= 26  # 13 due soon, 13 overdue, at least
    assert many == few


def test_a_list_shows_its_first_rows_by_date_with_its_full_count(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers, app: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(view, "ROWS_PER_SECTION", 3)
    plans = [create_plan(client, admin_headers, plan_type="looked_after",
                         start_date=f"2026-02-0{day}", chair_id="iro-1") for day in (2, 3, 4, 5)]
    _login(client, make_token("read", local_authority="LA1"))
    page = client.get("/board").text
    page = page[page.index('id="due-soon"'):page.index('id="overdue"')]
    # Started 2, 3, 4, 5 Feb: due 2, 3, 4, 5 March; the three earliest are shown, of four.
    assert "(4, the first 3 shown)" in page
    shown = [p["next_review"]["id"] in page for p in plans]
    assert shown == [True, True, True, False]


def test_a_cancelled_review_and_the_milestones_preparing_it_leave_the_overdue_lists(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers,
) -> None:
    # Started 6 January 2025: the first review and its preparation are long overdue.
    plan = create_plan(client, admin_headers, plan_type="looked_after",
                       start_date="2025-01-06", chair_id="iro-1")
    review_id = plan["next_review"]["id"]
    _login(client, make_token("read", local_authority="LA1"))

    def overdue_links() -> int:
        page = client.get("/board").text
        overdue = page[page.index('id="overdue"'):page.index('id="considerations"')]
        return overdue.count(f'href="/v1/reviews/{review_id}"')

    assert overdue_links() >= 2  # the review and at least one milestone preparing it
    cancel = client.post(f"/v1/reviews/{review_id}/cancel", json={"reason": "moved"},
                         headers=admin_headers)
    assert cancel.status_code == 200, cancel.text
    assert overdue_links() == 0
