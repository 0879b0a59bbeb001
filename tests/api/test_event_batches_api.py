"""POST /v1/events/batch: a nightly feed's events, each answered as POST /v1/events would."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.models import Base, Consideration, Event, EventEffect
from tests.api.factories import Headers, create_plan
from tests.conftest import TokenFactory

RowCounter = Callable[[type[Base]], int]
BATCH = "/v1/events/batch"


@pytest.fixture
def looked_after(client: TestClient, admin_headers: Headers) -> dict[str, Any]:
    """A looked-after plan started Mon 5 Jan 2026 (review 1 due Mon 2 Feb), chair iro-1."""
    return create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05",
                       chair_id="iro-1")


def event(child_id: str, event_id: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"source": "nightly-feed", "event_id": event_id,
                            "child_id": child_id, "type": "health_event",
                            "occurred_at": "2026-02-27T14:00:00+00:00"}
    body.update(fields)
    return body


def outcomes(response: Any) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.text
    return [(o["outcome"], o["status"]) for o in response.json()["outcomes"]]


def test_each_event_answered_in_order_and_a_bad_one_undoes_nothing(
    client: TestClient, make_token: TokenFactory, looked_after: dict[str, Any],
    admin_headers: Headers, count_rows: RowCounter,
) -> None:
    child = looked_after["child_id"]
    feed = make_token("events", local_authority="LA1")
    events = [
        event(child, "n-1", type="placement_change_proposed", effective_date="2026-01-23"),
        event(child, "n-2", type="complaint"),
        event(str(uuid.uuid4()), "n-3"),  # no such child
        event(child, "n-4", type="care_plan_change_proposed"),  # effective_date missing
        event(child, "n-5", type="not_a_type"),
        event(child, "n-2", type="complaint"),  # a repeat within the batch
        event(child, "n-2", type="complaint", summary="another body"),  # conflict
        event(child, "n-6", type="missing_from_home"),  # after the bad ones: still stored
    ]
    response = client.post(BATCH, json={"events": events}, headers=feed)
    assert outcomes(response) == [
        ("created", 201), ("created", 201), ("rejected", 404), ("rejected", 422),
        ("rejected", 422), ("repeat", 200), ("conflict", 409), ("created", 201),
    ]
    body = response.json()["outcomes"]
    assert [o["index"] for o in body] == list(range(8))
    # The review moved as POST /v1/events would move it: due Mon 2 Feb, brought to 23 Jan.
    assert [(e["kind"], e["before"], e["after"]) for e in body[0]["event"]["effects"]] == [
        ("review_brought_forward", "2026-02-02", "2026-01-23")]
    # Received Mon 2 Mar 2026 (the clock): 5 working days is Mon 9 Mar.
    assert [(e["kind"], e["after"]) for e in body[7]["event"]["effects"]] == [
        ("consideration_opened", "2026-03-09")]
    assert body[5]["event"] == body[1]["event"]
    assert body[2]["problem"]["type"].endswith("/not-found")
    assert body[3]["problem"]["errors"][0]["field"] == "body.events.3.effective_date"
    assert body[4]["problem"]["errors"][0]["field"] == "body.events.4.type"
    assert body[6]["problem"]["type"].endswith("/conflict")
    assert all(o["problem"] is None for o in body if o["outcome"] in ("created", "repeat"))
    assert count_rows(Event) == 3
    assert count_rows(Consideration) == 2
    review = client.get(f"/v1/reviews/{looked_after['next_review']['id']}",
                        headers=admin_headers).json()
    assert review["due_by"] == "2026-01-23"


def test_a_batch_repeats_events_posted_alone_with_their_first_answer(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any],
    count_rows: RowCounter,
) -> None:
    single = event(looked_after["child_id"], "s-1", type="school_exclusion")
    first = client.post("/v1/events", json=single, headers=admin_headers)
    assert first.status_code == 201
    response = client.post(BATCH, json={"events": [single]}, headers=admin_headers)
    assert outcomes(response) == [("repeat", 200)]
    assert response.json()["outcomes"][0]["event"] == first.json()
    again = client.post("/v1/events", json=single, headers=admin_headers)
    assert again.status_code == 200
    assert count_rows(EventEffect) == 1


def test_the_same_event_about_another_child_is_a_conflict(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any],
    count_rows: RowCounter,
) -> None:
    other = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-01-05")
    events = [event(looked_after["child_id"], "x-1"), event(other["child_id"], "x-1")]
    response = client.post(BATCH, json={"events": events}, headers=admin_headers)
    assert outcomes(response) == [("created", 201), ("conflict", 409)]
    assert count_rows(Event) == 1


def test_more_than_500_events_is_refused_whole(
    client: TestClient, admin_headers: Headers, looked_after: dict[str, Any],
    count_rows: RowCounter,
) -> None:
    events = [event(looked_after["child_id"], f"big-{i}") for i in range(501)]
    response = client.post(BATCH, json={"events": events}, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body.events"
    empty = client.post(BATCH, json={"events": []}, headers=admin_headers)
    assert empty.status_code == 422
    assert count_rows(Event) == 0


def test_batch_needs_the_events_or_write_scope(
    client: TestClient, make_token: TokenFactory, looked_after: dict[str, Any]
) -> None:
    events = [event(looked_after["child_id"], "scope-1")]
    read = client.post(BATCH, json={"events": events}, headers=make_token("read"))
    assert read.status_code == 403
    write = client.post(BATCH, json={"events": events}, headers=make_token("write"))
    assert outcomes(write) == [("created", 201)]
    assert client.post(BATCH, json={"events": events}).status_code == 401


def test_a_token_of_another_authority_is_refused_per_event(
    client: TestClient, make_token: TokenFactory, looked_after: dict[str, Any]
) -> None:
    elsewhere = make_token("events", local_authority="LA2")
    response = client.post(BATCH, json={"events": [event(looked_after["child_id"], "la-1")]},
                           headers=elsewhere)
    assert outcomes(response) == [("rejected", 404)]


def test_concurrent_overlapping_batches_store_each_event_once(
    app: FastAPI, client: TestClient, admin_headers: Headers, count_rows: RowCounter
) -> None:
    children = [create_plan(client, admin_headers, plan_type="looked_after",
                            start_date="2026-01-05")["child_id"] for _ in range(3)]
    shared = [event(c, f"shared-{i}", type="missing_from_home") for i, c in enumerate(children)]
    batches = [
        [event(children[0], "own-a"), *shared],
        [*reversed(shared), event(children[1], "own-b")],
        [shared[1], event(children[2], "own-c"), shared[0]],
    ]
    barrier = threading.Barrier(len(batches))
    answers: dict[int, list[dict[str, Any]]] = {}

    def post(number: int) -> None:
        with TestClient(app) as local:
            barrier.wait()
            response = local.post(BATCH, json={"events": batches[number]},
                                  headers=admin_headers)
            assert response.status_code == 200, response.text
            answers[number] = response.json()["outcomes"]

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(answers) == [0, 1, 2]
    by_key: dict[str, list[dict[str, Any]]] = {}
    for number, batch in enumerate(batches):
        for sent, answer in zip(batch, answers[number], strict=True):
            by_key.setdefault(sent["event_id"], []).append(answer)
    for key, seen in by_key.items():
        # Once created, every other time the first answer again.
        assert sorted(a["outcome"] for a in seen) == ["created"] + ["repeat"] * (len(seen) - 1), key
        assert len({a["event"]["id"] for a in seen}) == 1
    assert count_rows(Event) == 6
    assert count_rows(Consideration) == 6


def test_every_kind_of_effect_in_one_batch_is_stored_with_its_rows(
    client: TestClient, make_token: TokenFactory, looked_after: dict[str, Any],
    count_rows: RowCounter,
) -> None:
    # Effects refer to the consideration or meeting they opened, written in the same flush
    # of the event: each kind must be stored with its effect row, whatever the insert order.
    child = looked_after["child_id"]
    feed = make_token("events", local_authority="LA1")
    events = [
        event(child, "k-1", type="placement_ended_unplanned"),
        event(child, "k-2", type="missing_from_home"),
        event(child, "k-3", type="placement_change_proposed", effective_date="2026-01-23"),
        event(child, "k-4", type="placement_ended_unplanned"),
    ]
    response = client.post(BATCH, json={"events": events}, headers=feed)
    assert outcomes(response) == [("created", 201)] * 4
    kinds = [sorted(e["kind"] for e in o["event"]["effects"])
             for o in response.json()["outcomes"]]
    assert all(kinds), kinds
    assert count_rows(EventEffect) == sum(len(k) for k in kinds)
    assert count_rows(Consideration) >= 1
