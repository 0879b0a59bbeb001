"""A chair's calendar feed (issue 12; API.md "A chair's calendar feed"), read back with two
independent parsers: `icalendar` (which writes it) and `vobject` (which shares no code with it).

Dates by hand: a looked-after plan started Mon 2 Mar 2026 has review 1 due 20 working days
later, Mon 30 Mar 2026 (no bank holiday in March 2026). British Summer Time starts Sun 29 Mar
2026 at 01:00 UTC, so a review moved from Fri 27 Mar 10:00 (GMT) to Tue 31 Mar 09:00 (BST)
crosses the change.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import icalendar
import pytest
import vobject
from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from tests.api.factories import Headers, complete, create_plan
from tests.conftest import TokenFactory


def _events_icalendar(text: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(text)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _events_vobject(text: bytes) -> dict[str, Any]:
    calendar = vobject.readOne(text.decode("utf-8"))
    return {e.uid.value: e for e in getattr(calendar, "vevent_list", [])}


@pytest.fixture
def plan(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    return create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-03-02",
                       chair_id="iro-7", date_of_birth="2014-06-01")


def _feed(client: TestClient, headers: Headers, chair_id: str = "iro-7",
          **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/calendar-feeds", json={"chair_id": chair_id, **extra},
                           headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _read(client: TestClient, url: str, **headers: str) -> Any:
    return client.get(url, headers=headers)


def test_feed_lists_the_chairs_open_items_in_two_parsers(
    client: TestClient, make_token: TokenFactory, plan: dict[str, Any]
) -> None:
    writer = make_token("write", local_authority="LA1")
    created = _feed(client, writer)
    assert set(created) == {"id", "chair_id", "url"}
    assert created["url"].startswith(f"/v1/calendar-feeds/{created['id']}/")
    assert created["url"].endswith(".ics")
    response = _read(client, created["url"])  # no Authorization header at all
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    review_uid = f"review-{plan['next_review']['id']}@review-service"
    for events in (_events_icalendar(response.content), _events_vobject(response.content)):
        assert review_uid in events
    event = _events_icalendar(response.content)[review_uid]
    assert event.decoded("DTSTART") == date(2026, 3, 30)  # all day: "review due by"
    summary = str(event["SUMMARY"])
    assert summary.startswith("Review due by: looked after review, child ")
    child = client.get(f"/v1/children/{plan['child_id']}", headers=writer).json()
    assert child["external_id"] in summary
    # Nothing more personal than the external id: no date of birth, anywhere.
    assert b"2014" not in response.content
    assert b"20140601" not in response.content
    assert "DTSTAMP" in event
    assert int(event["SEQUENCE"]) == 0
    # Every pending milestone the chair owns is there too, on its date.
    chair_milestones = {m["id"]: m["due_by"] for m in plan["next_review"]["milestones"]
                        if m["owner_role"] == "chair" and m["status"] == "pending"}
    chair_milestones |= {m["id"]: m["due_by"] for m in plan.get("milestones", [])
                         if m["owner_role"] == "chair" and m["status"] == "pending"}
    events = _events_icalendar(response.content)
    for milestone_id, due_by in chair_milestones.items():
        got = events[f"milestone-{milestone_id}@review-service"].decoded("DTSTART")
        assert got == date.fromisoformat(due_by)
    assert len(events) == 1 + len(chair_milestones)


def test_a_moved_review_keeps_its_uid_and_its_sequence_grows_across_bst(
    client: TestClient, admin_headers: Headers, plan: dict[str, Any]
) -> None:
    url = _feed(client, admin_headers)["url"]
    review = plan["next_review"]
    uid = f"review-{review['id']}@review-service"
    scheduled = client.post(f"/v1/reviews/{review['id']}/schedule", headers=admin_headers,
                            json={"scheduled_for": "2026-03-27T10:00:00+00:00",
                                  "venue": "Family centre, room 2"})
    assert scheduled.status_code == 200, scheduled.text
    first = _read(client, url)
    before = _events_icalendar(first.content)[uid]
    start = before.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (10, 0, 0)
    assert str(before["LOCATION"]) == "Family centre, room 2"
    moved = client.post(f"/v1/reviews/{review['id']}/schedule", headers=admin_headers,
                        json={"scheduled_for": "2026-03-30T09:00:00+01:00"})
    assert moved.status_code == 200, moved.text
    second = _read(client, url)
    assert second.headers["etag"] != first.headers["etag"]
    after = _events_icalendar(second.content)[uid]
    local = after.decoded("DTSTART")
    assert (local.hour, local.utcoffset().total_seconds()) == (9, 3600)  # BST
    assert local.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    # The independent parser resolves the VTIMEZONE the same way on both sides of the change.
    old = _events_vobject(first.content)[uid].dtstart.value
    new = _events_vobject(second.content)[uid].dtstart.value
    assert old.astimezone(UTC) == datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    assert new.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert int(_events_vobject(second.content)[uid].sequence.value) > int(
        _events_vobject(first.content)[uid].sequence.value)


def test_etag_and_if_none_match(client: TestClient, admin_headers: Headers,
                                plan: dict[str, Any]) -> None:
    url = _feed(client, admin_headers)["url"]
    first = _read(client, url)
    etag = first.headers["etag"]
    again = _read(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert _read(client, url).content == first.content  # stable text, stable tag
    client.post(f"/v1/reviews/{plan['next_review']['id']}/schedule", headers=admin_headers,
                json={"scheduled_for": "2026-03-20T10:00:00+00:00"})
    assert _read(client, url, **{"If-None-Match": etag}).status_code == 200


def test_completion_drops_the_review_and_cancelled_items_are_absent(
    client: TestClient, admin_headers: Headers, plan: dict[str, Any], clock: ControllableClock
) -> None:
    url = _feed(client, admin_headers)["url"]
    review = plan["next_review"]
    uid = f"review-{review['id']}@review-service"
    assert uid in _events_icalendar(_read(client, url).content)
    client.post(f"/v1/reviews/{review['id']}/schedule", headers=admin_headers,
                json={"scheduled_for": "2026-03-10T10:00:00+00:00"})
    clock.set(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    done = complete(client, admin_headers, review["id"], "2026-03-10", participation_code="PN1")
    after = _events_icalendar(_read(client, url).content)
    assert uid not in after
    assert set(_events_vobject(_read(client, url).content)) == set(after)
    # Review 2 of the series is the chair's next open item.
    next_review = done.get("next_review") or {}
    if next_review:
        assert f"review-{next_review['id']}@review-service" in after
    other = create_plan(client, admin_headers, plan_type="looked_after",
                        start_date="2026-03-02", chair_id="iro-7")
    other_uid = f"review-{other['next_review']['id']}@review-service"
    assert other_uid in _events_icalendar(_read(client, url).content)
    ended = client.post(f"/v1/plans/{other['id']}/end", headers=admin_headers,
                        json={"end_date": "2026-03-02", "reason": "moved away"})
    assert ended.status_code == 200, ended.text
    assert other_uid not in _events_icalendar(_read(client, url).content)


def test_revoked_feed_and_wrong_key_answer_the_same_404(
    client: TestClient, admin_headers: Headers, plan: dict[str, Any]
) -> None:
    created = _feed(client, admin_headers)
    url = created["url"]
    key = url.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = _read(client, url.replace(key, "x" + key[1:]))
    unknown = _read(client, f"/v1/calendar-feeds/00000000-0000-4000-8000-000000000000/{key}.ics")
    not_uuid = _read(client, f"/v1/calendar-feeds/nope/{key}.ics")
    assert _read(client, url).status_code == 200
    assert client.delete(f"/v1/calendar-feeds/{created['id']}",
                         headers=admin_headers).status_code == 204
    revoked = _read(client, url)
    answers = [wrong, unknown, not_uuid, revoked]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert key.encode() not in revoked.content
    assert client.delete(f"/v1/calendar-feeds/{created['id']}",
                         headers=admin_headers).status_code == 404


def test_feeds_are_listed_and_walled_by_authority(
    client: TestClient, make_token: TokenFactory, plan: dict[str, Any]
) -> None:
    la1 = make_token("write", local_authority="LA1")
    la2 = make_token("write", local_authority="LA2")
    mine = _feed(client, la1)
    listed = client.get("/v1/calendar-feeds", headers=la1).json()
    assert [f["id"] for f in listed["items"]] == [mine["id"]]
    assert listed["items"][0]["local_authority"] == "LA1"
    assert "url" not in listed["items"][0]
    assert "key" not in str(listed)
    assert client.get("/v1/calendar-feeds", headers=la2).json()["items"] == []
    assert client.delete(f"/v1/calendar-feeds/{mine['id']}", headers=la2).status_code == 404
    assert client.post("/v1/calendar-feeds", json={"chair_id": "iro-7", "local_authority": "LA1"},
                       headers=la2).status_code == 404
    # LA2's feed for the same chair sees none of LA1's items.
    theirs = _feed(client, la2)
    assert _events_icalendar(_read(client, theirs["url"]).content) == {}
    reader = make_token("read", local_authority="LA1")
    assert client.post("/v1/calendar-feeds", json={"chair_id": "iro-7"},
                       headers=reader).status_code == 403
    assert client.post("/v1/calendar-feeds", json={"chair_id": "iro-7"}).status_code == 401


def test_the_key_never_reaches_a_log_line(
    client: TestClient, admin_headers: Headers, plan: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    created = _feed(client, admin_headers)
    key = created["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert _read(client, created["url"]).status_code == 200
    assert _read(client, created["url"].replace(key, key[::-1])).status_code == 404
    routes = [getattr(r, "route", None) for r in caplog.records if r.name.endswith("access")]
    assert "/v1/calendar-feeds/{feed_id}/{key}.ics" in routes
    # httpx logs the test client's own requests; everything else is the service's.
    for record in (r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))):
        assert key not in record.getMessage()
        assert key not in str(record.__dict__)
        assert key[::-1] not in str(record.__dict__)
