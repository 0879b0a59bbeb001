"""The board in-process: the session cookie's flags, CSRF, revocation ending a session,
the sections' contents and the board's query count."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from review_service.clock import ControllableClock
from review_service.tokens.service import revoke_token
from tests.api.factories import Headers, create_plan
from tests.conftest import TokenFactory


def _login(client: TestClient, headers: Headers) -> Any:
    page = client.get("/board/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    token = headers["Authorization"].removeprefix("Bearer ")
    return client.post("/board/login", data={"token": token, "csrf_token": form_token[1]},
                       follow_redirects=False)


def test_login_sets_a_strict_httponly_cookie_and_revocation_ends_it(
    client: TestClient, make_token: TokenFactory, app: Any, clock: ControllableClock,
) -> None:
    reader = make_token("read", local_authority="LA1", name="board-reader")
    assert client.get("/board", follow_redirects=False).headers["location"] == "/board/login"
    response = _login(client, reader)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "board_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http in the test; https adds it
    assert reader["Authorization"].removeprefix("Bearer ") not in cookie
    assert client.get("/board").status_code == 200
    with app.state.session_factory() as session:
        revoke_token(session, name="board-reader", now=clock.now())
        session.commit()
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_login_refuses_a_form_without_its_token_and_a_bad_api_token(
    client: TestClient, make_token: TokenFactory,
) -> None:
    client.get("/board/login")
    reader = make_token("read", local_authority="LA1")
    no_csrf = client.post("/board/login", data={"token": reader["Authorization"][7:]},
                          follow_redirects=False)
    assert no_csrf.status_code == 400
    page = client.get("/board/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    bad = client.post("/board/login", data={"token": "rs_nope", "csrf_token": form_token[1]})
    assert bad.status_code == 401
    assert "board_session" not in client.cookies


def test_board_lists_a_due_review_and_reads_in_few_queries(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers, app: Any,
) -> None:
    plans = [create_plan(client, admin_headers, plan_type="looked_after",
                         start_date="2026-03-02", chair_id=f"iro-{n % 2}") for n in range(6)]
    create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-01-06",
                chair_id="iro-9")
    reader = make_token("read", local_authority="LA1")
    _login(client, reader)
    statements: list[str] = []
    engine = app.state.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get("/board")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    for plan in plans:
        assert f'/v1/reviews/{plan["next_review"]["id"]}' in page.text
    assert len(statements) <= 20
    filtered = client.get("/board", params={"chair": "iro-1"})
    assert filtered.text.count('href="/v1/reviews/') >= 3
    assert plans[0]["next_review"]["id"] not in filtered.text  # iro-0's
    # A linked row answers with the board session alone, for reading only.
    link = client.get(f'/v1/reviews/{plans[1]["next_review"]["id"]}')
    assert link.status_code == 200
    assert client.post(f'/v1/reviews/{plans[1]["next_review"]["id"]}/cancel',
                       json={"reason": "x"}).status_code == 401


def test_the_timeliness_chart_counts_as_the_timeliness_report(
    client: TestClient, make_token: TokenFactory, admin_headers: Headers,
) -> None:
    # The board counts its chart without the report's child counts (one index, no plans):
    # month by month its figures are the report's. Today is 2 March 2026: the chart runs
    # from April 2025, when these child in need plans' first reviews fell due, unheld.
    for chair in ("iro-1", "iro-2"):
        create_plan(client, admin_headers, plan_type="child_in_need", start_date="2025-01-06",
                    chair_id=chair)
    create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02",
                chair_id="iro-1")
    reader = make_token("read", local_authority="LA1")
    _login(client, reader)
    for params in ({}, {"chair": "iro-1"}):
        page = client.get("/board", params=params)
        table = dict(
            (month, (int(in_timescale), int(judged)))
            for month, in_timescale, judged in re.findall(
                r"<tr><td>(\d{4}-\d{2})</td><td>(\d+)</td><td>(\d+)</td>", page.text
            )
        )
        assert len(table) == 12
        query = {"from": "2025-04-01", "to": "2026-03-31", "group_by": "month"}
        if params:
            query["chair_id"] = params["chair"]
        report = client.get("/v1/reports/timeliness", params=query, headers=reader).json()
        expected = dict.fromkeys(table, (0, 0))
        for group in report["groups"]:
            judged = group["in_timescale"] + group["late"] + group["overdue"]
            expected[group["key"]["month"]] = (group["in_timescale"], judged)
        assert table == expected
        assert table["2025-04"] == (0, 2 if not params else 1)
