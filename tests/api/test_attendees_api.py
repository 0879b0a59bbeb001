"""Attendees of a review and the attendance check (RULES.md §6), through the ASGI app.

The clock stands at Monday 2 March 2026. A looked-after plan started Monday 2 February 2026
has review 1 due 20 working days later (no bank holidays in February): Monday 2 March 2026,
which is the date ages are taken on while the review is pending.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import AuditEntry
from tests.api.factories import Headers, complete, create_child, create_plan
from tests.conftest import TokenFactory

START = "2026-02-02"
DUE = "2026-03-02"


def new_review(
    client: TestClient,
    headers: Headers,
    *,
    plan_type: str = "looked_after",
    date_of_birth: str = "2015-05-01",
    **child: Any,
) -> dict[str, Any]:
    """A child in LA1, a plan and its first (pending) review."""
    child_id = create_child(client, headers, date_of_birth=date_of_birth, **child)["id"]
    plan = create_plan(client, headers, plan_type=plan_type, start_date=START, child_id=child_id)
    return dict(plan["next_review"])


def add(client: TestClient, headers: Headers, review_id: str, **body: Any) -> dict[str, Any]:
    """POST an attendee and return it (asserting 201)."""
    response = client.post(f"/v1/reviews/{review_id}/attendees", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def warnings(client: TestClient, headers: Headers, review_id: str) -> list[str]:
    response = client.get(f"/v1/reviews/{review_id}/attendance-check", headers=headers)
    assert response.status_code == 200, response.text
    return [w["code"] for w in response.json()["warnings"]]


def audit_actions(db_session: Session, resource_id: str) -> list[str]:
    rows = db_session.scalars(
        select(AuditEntry)
        .where(AuditEntry.resource_id == uuid.UUID(resource_id))
        .order_by(AuditEntry.at, AuditEntry.action)
    )
    return [row.action for row in rows]


@pytest.fixture
def review(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    return new_review(client, admin_headers)


def test_add_list_get_and_update(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], db_session: Session
) -> None:
    url = f"/v1/reviews/{review['id']}/attendees"
    created = client.post(
        url,
        json={"name": "Sam", "role": "parent", "has_parental_responsibility": True,
              "needs_interpreter": True, "contribution_mode": "in_person",
              "invited_on": "2026-02-16"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    body = created.json()
    assert body["review_id"] == review["id"]
    assert (body["role"], body["reply"], body["attended"]) == ("parent", None, None)

    listed = client.get(url, headers=admin_headers).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    assert listed["next_cursor"] is None
    one = client.get(f"{url}/{body['id']}", headers=admin_headers)
    assert one.status_code == 200
    assert one.headers["ETag"] == '"1"'

    patched = client.patch(
        f"{url}/{body['id']}",
        json={"reply": "accepted", "contribution_mode": "remote"},
        headers={**admin_headers, "If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.headers["ETag"] == '"2"'
    assert (patched.json()["reply"], patched.json()["contribution_mode"]) == ("accepted", "remote")
    assert audit_actions(db_session, body["id"]) == ["attendee.added", "attendee.updated"]
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "attendee.updated")
    ).one()
    assert entry.changes["reply"] == [None, "accepted"]
    assert entry.changes["review_id"] == review["id"]
    assert entry.local_authority == "LA1"


def test_null_clears_nullable_fields_and_leaves_the_others(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="carer",
                   invited_on="2026-02-16", reply="declined")
    response = client.patch(
        f"/v1/reviews/{review['id']}/attendees/{attendee['id']}",
        json={"name": None, "role": None, "invited_on": None, "reply": None},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["role"], body["invited_on"], body["reply"]) == (
        "Ali", "carer", None, None)


def test_an_unchanged_patch_keeps_the_version(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], db_session: Session
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="carer")
    response = client.patch(f"/v1/reviews/{review['id']}/attendees/{attendee['id']}",
                            json={"name": "Ali"}, headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert audit_actions(db_session, attendee["id"]) == ["attendee.added"]


def test_stale_if_match_is_412(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="carer")
    url = f"/v1/reviews/{review['id']}/attendees/{attendee['id']}"
    first = client.patch(url, json={"reply": "accepted"},
                         headers={**admin_headers, "If-Match": '"1"'})
    assert first.status_code == 200
    stale = client.patch(url, json={"reply": "declined"},
                         headers={**admin_headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/precondition-failed")
    assert client.get(url, headers=admin_headers).json()["reply"] == "accepted"


def test_another_authority_sees_404(
    client: TestClient, admin_headers: Headers, review: dict[str, Any],
    make_token: TokenFactory,
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="child")
    other = make_token("write", local_authority="LA2")
    base = f"/v1/reviews/{review['id']}"
    assert client.post(f"{base}/attendees", json={"name": "X", "role": "iro"},
                       headers=other).status_code == 404
    assert client.get(f"{base}/attendees", headers=other).status_code == 404
    assert client.get(f"{base}/attendees/{attendee['id']}", headers=other).status_code == 404
    assert client.patch(f"{base}/attendees/{attendee['id']}", json={"reply": "accepted"},
                        headers=other).status_code == 404
    assert client.get(f"{base}/attendance-check", headers=other).status_code == 404
    own = make_token("write", local_authority="LA1")
    assert client.get(f"{base}/attendance-check", headers=own).status_code == 200


def test_unknown_review_or_attendee_is_404(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    other_review = new_review(client, admin_headers)
    attendee = add(client, admin_headers, other_review["id"], name="Ali", role="child")
    # An attendee of another review is not found under this one.
    response = client.patch(f"/v1/reviews/{review['id']}/attendees/{attendee['id']}",
                            json={"reply": "accepted"}, headers=admin_headers)
    assert response.status_code == 404
    missing = client.post(f"/v1/reviews/{uuid.uuid4()}/attendees",
                          json={"name": "X", "role": "iro"}, headers=admin_headers)
    assert missing.status_code == 404


def test_read_only_token_cannot_write(
    client: TestClient, admin_headers: Headers, review: dict[str, Any],
    make_token: TokenFactory,
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="child")
    reader = make_token("read", local_authority="LA1")
    base = f"/v1/reviews/{review['id']}/attendees"
    assert client.post(base, json={"name": "X", "role": "iro"}, headers=reader).status_code == 403
    assert client.patch(f"{base}/{attendee['id']}", json={"reply": "accepted"},
                        headers=reader).status_code == 403
    assert client.get(base, headers=reader).status_code == 200
    assert client.post(base, json={"name": "X", "role": "iro"}).status_code == 401


def test_cancelled_review_refuses_attendee_changes(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Ali", role="child")
    cancelled = client.post(f"/v1/reviews/{review['id']}/cancel", json={"reason": "clash"},
                            headers=admin_headers)
    assert cancelled.status_code == 200, cancelled.text
    base = f"/v1/reviews/{review['id']}/attendees"
    refused = client.post(base, json={"name": "X", "role": "iro"}, headers=admin_headers)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/conflict")
    assert client.patch(f"{base}/{attendee['id']}", json={"reply": "accepted"},
                        headers=admin_headers).status_code == 409
    assert client.get(base, headers=admin_headers).status_code == 200


def test_attendance_is_recorded_only_once_the_meeting_is_arranged(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    base = f"/v1/reviews/{review['id']}/attendees"
    early = client.post(base, json={"name": "Ali", "role": "child", "attended": True},
                        headers=admin_headers)
    assert early.status_code == 409
    attendee = add(client, admin_headers, review["id"], name="Ali", role="child",
                   attended=None)
    url = f"{base}/{attendee['id']}"
    assert client.patch(url, json={"attended": False}, headers=admin_headers).status_code == 409
    scheduled = client.post(f"/v1/reviews/{review['id']}/schedule",
                            json={"scheduled_for": "2026-03-02T10:00:00Z"},
                            headers=admin_headers)
    assert scheduled.status_code == 200, scheduled.text
    recorded = client.patch(url, json={"attended": True}, headers=admin_headers)
    assert recorded.status_code == 200
    assert recorded.json()["attended"] is True
    complete(client, admin_headers, review["id"], "2026-03-02", participation_code="PN1")
    after = client.patch(url, json={"attended": False}, headers=admin_headers)
    assert after.status_code == 200
    assert after.json()["attended"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ali", "role": "child", "invited_on": "2026-03-03"},
        {"name": "Ali", "role": "parent", "invited_on": "2026-02-16", "not_invited_reason": "r"},
        {"name": "A" * 201, "role": "child"},
        {"name": "", "role": "child"},
        {"name": "Ali", "role": "child", "not_invited_reason": "r" * 2001},
        {"name": "Ali", "role": "uncle"},
        {"name": "Ali", "role": "child", "reply": "maybe"},
        {"name": "Ali", "role": "child", "contribution_mode": "telepathy"},
        {"name": "Ali", "role": "child", "unknown": 1},
        {"role": "child"},
    ],
)
def test_bad_attendee_is_422(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], body: dict[str, Any]
) -> None:
    response = client.post(f"/v1/reviews/{review['id']}/attendees", json=body,
                           headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {"invited_on": "2026-03-03"},
        {"invited_on": "2026-02-16"},  # the attendee already has a not_invited_reason
        {"name": "A" * 201},
        {"not_invited_reason": "r" * 2001},
        {"reply": "maybe"},
        {"id": str(uuid.uuid4())},
    ],
)
def test_bad_attendee_change_is_422(
    client: TestClient, admin_headers: Headers, review: dict[str, Any], body: dict[str, Any]
) -> None:
    attendee = add(client, admin_headers, review["id"], name="Pat", role="parent",
                   not_invited_reason="inviting would increase risk")
    response = client.patch(f"/v1/reviews/{review['id']}/attendees/{attendee['id']}",
                            json=body, headers=admin_headers)
    assert response.status_code == 422, response.text


def test_pages_of_attendees(
    client: TestClient, admin_headers: Headers, review: dict[str, Any]
) -> None:
    ids = {add(client, admin_headers, review["id"], name=f"P{i}", role="other")["id"]
           for i in range(3)}
    base = f"/v1/reviews/{review['id']}/attendees"
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(base, params=params, headers=admin_headers).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    bad = client.get(base, params={"cursor": "not-a-cursor"}, headers=admin_headers)
    assert bad.status_code == 422


def test_check_child_and_designated_teacher(
    client: TestClient, admin_headers: Headers, make_token: TokenFactory
) -> None:
    # Born 1 May 2015: 10 on 2 March 2026, looked after, of school age.
    review = new_review(client, admin_headers)
    check = client.get(f"/v1/reviews/{review['id']}/attendance-check",
                       headers=make_token("read", local_authority="LA1")).json()
    assert check["review_id"] == review["id"]
    assert check["review_date"] == DUE
    assert {w["code"]: w["rule"] for w in check["warnings"]} == {
        "child_not_listed": "RULES.md §6 [001]",
        "designated_teacher_missing": "RULES.md §6 [001]",
    }
    add(client, admin_headers, review["id"], name="Ali", role="child")
    assert warnings(client, admin_headers, review["id"]) == ["designated_teacher_missing"]
    add(client, admin_headers, review["id"], name="Ms T", role="designated_teacher")
    assert warnings(client, admin_headers, review["id"]) == []
    # Not looked after: no designated teacher is expected.
    protection = new_review(client, admin_headers, plan_type="child_protection")
    add(client, admin_headers, protection["id"], name="Ali", role="child")
    assert warnings(client, admin_headers, protection["id"]) == []


def test_check_parents_with_parental_responsibility(
    client: TestClient, admin_headers: Headers
) -> None:
    review = new_review(client, admin_headers, plan_type="child_protection",
                        parents_with_parental_responsibility=2)
    add(client, admin_headers, review["id"], name="Ali", role="child")
    add(client, admin_headers, review["id"], name="Mum", role="parent",
        has_parental_responsibility=True, invited_on="2026-02-16")
    assert warnings(client, admin_headers, review["id"]) == [
        "parent_with_parental_responsibility_missing"]
    dad = add(client, admin_headers, review["id"], name="Dad", role="parent",
              has_parental_responsibility=True)
    assert warnings(client, admin_headers, review["id"]) == [
        "parent_with_parental_responsibility_missing"]
    # RULES.md §6 [002]: recorded that inviting him would increase risk.
    client.patch(f"/v1/reviews/{review['id']}/attendees/{dad['id']}",
                 json={"not_invited_reason": "inviting would increase risk to the child"},
                 headers=admin_headers).raise_for_status()
    assert warnings(client, admin_headers, review["id"]) == []


@pytest.mark.parametrize(("date_of_birth", "expected"), [
    ("2010-03-02", ["personal_adviser_missing"]),       # 16 on the due date, 2 March 2026
    ("2010-03-03", ["designated_teacher_missing"]),     # still 15 that day
])
def test_check_personal_adviser_from_16(
    client: TestClient, admin_headers: Headers, date_of_birth: str, expected: list[str]
) -> None:
    review = new_review(client, admin_headers, date_of_birth=date_of_birth)
    add(client, admin_headers, review["id"], name="Ali", role="child")
    assert warnings(client, admin_headers, review["id"]) == expected
    add(client, admin_headers, review["id"], name="PA", role="personal_adviser")
    add(client, admin_headers, review["id"], name="DT", role="designated_teacher")
    assert warnings(client, admin_headers, review["id"]) == []


def test_check_ages_on_the_day_the_review_was_held(
    client: TestClient, admin_headers: Headers
) -> None:
    # 16 on 2 March 2026, but the review was held on 27 February, when the child was 15.
    review = new_review(client, admin_headers, date_of_birth="2010-03-02")
    add(client, admin_headers, review["id"], name="Ali", role="child")
    complete(client, admin_headers, review["id"], "2026-02-27", participation_code="PN1")
    check = client.get(f"/v1/reviews/{review['id']}/attendance-check",
                       headers=admin_headers).json()
    assert check["review_date"] == "2026-02-27"
    assert [w["code"] for w in check["warnings"]] == ["designated_teacher_missing"]


def test_check_interpreter(client: TestClient, admin_headers: Headers) -> None:
    review = new_review(client, admin_headers, plan_type="child_in_need")
    add(client, admin_headers, review["id"], name="Ali", role="child")
    add(client, admin_headers, review["id"], name="Mum", role="parent", needs_interpreter=True)
    assert warnings(client, admin_headers, review["id"]) == ["interpreter_missing"]
    add(client, admin_headers, review["id"], name="Interp", role="interpreter")
    assert warnings(client, admin_headers, review["id"]) == []
