"""Webhook delivery through a real receiver on 127.0.0.1, driven by a controllable clock.

Each test steps the scheduler by hand (`SchedulerRunner.run_once()`: fire due timers, apply
calendar changes, send every due delivery) and moves the clock between steps, so retry
schedules measured in minutes and a 24-hour secret rotation run in milliseconds. The runner
retries after 5 s and then 60 s (three attempts in all; see conftest.py).

Traffic goes only to 127.0.0.1: subscriptions naming other addresses are created to check
validation and never receive a message.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from review_service.clock import ControllableClock
from review_service.models import Delivery, Milestone, OutboxMessage, Timer
from review_service.scheduler.runner import SchedulerRunner
from review_service.webhooks import delivery as delivery_module
from review_service.webhooks.delivery import LEASE, claim, deliver_due
from review_service.webhooks.outbox import publish
from tests.api.factories import Headers, complete, create_plan
from tests.conftest import TokenFactory
from tests.scheduler.receiver import Received, Receiver

HOOKS = "/v1/webhook-subscriptions"


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def hooks(make_token: TokenFactory) -> Headers:
    """An unbound token with only the `webhooks` scope."""
    return make_token("webhooks")


def subscribe(client: TestClient, headers: Headers, url: str, *event_types: str) -> dict[str, Any]:
    response = client.post(HOOKS, json={"url": url, "event_types": list(event_types)},
                           headers=headers)
    assert response.status_code == 201, response.text
    body = dict(response.json())
    assert body["secret"].startswith("whsec_")
    return body


def delivery_log(client: TestClient, headers: Headers,
                 subscription_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{HOOKS}/{subscription_id}/deliveries", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def only_delivery(client: TestClient, headers: Headers, subscription_id: str) -> dict[str, Any]:
    items = delivery_log(client, headers, subscription_id)
    assert len(items) == 1, items
    return items[0]


def send_ping(client: TestClient, headers: Headers, subscription_id: str) -> dict[str, Any]:
    response = client.post(f"{HOOKS}/{subscription_id}/test", headers=headers)
    assert response.status_code == 202, response.text
    return dict(response.json())


def publish_now(app: FastAPI, clock: ControllableClock, event_type: str,
                data: dict[str, Any], local_authority: str | None = None) -> None:
    """Write a message to the outbox as a state change would, in a transaction of its own."""
    with app.state.session_factory() as session, session.begin():
        publish(session, event_type, data, local_authority, clock.now())


def signatures(received: Received) -> list[str]:
    return received.headers["webhook-signature"].split(" ")


def signed_with(secret: str, received: Received) -> str:
    """The Standard Webhooks signature `secret` gives this request (id.timestamp.body)."""
    sent_at = datetime.fromtimestamp(int(received.headers["webhook-timestamp"]), tz=UTC)
    return Webhook(secret).sign(received.headers["webhook-id"], sent_at, received.body)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def london_midnight(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A URL on 127.0.0.1 whose port is bound but not listening: connecting is refused, and
    no other process can take the port while the test runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sock.close()


def status_of(client: TestClient, headers: Headers) -> dict[str, Any]:
    response = client.get("/v1/scheduler/status", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- retries --------------------------------------------------------------------------------


def test_a_500_is_retried_on_schedule_with_the_same_webhook_id(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    receiver.answer(500, delay=0.2)
    queued = send_ping(client, hooks, sub["id"])
    t0 = clock.now()

    runner.run_once()
    assert len(receiver.received) == 1
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["id"] == queued["id"]
    assert entry["status"] == "pending"
    assert [(a["status_code"], a["error"]) for a in entry["attempts"]] == [(500, None)]
    assert entry["attempts"][0]["latency_ms"] >= 200  # the receiver took 0.2 s to answer
    assert at(entry["next_attempt_at"]) == t0 + timedelta(seconds=5)

    clock.advance(timedelta(seconds=4))
    runner.run_once()
    assert len(receiver.received) == 1  # not before its moment

    clock.advance(timedelta(seconds=1))
    runner.run_once()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == queued["webhook_id"]
    assert first.body == second.body
    for request in (first, second):
        assert signatures(request) == [signed_with(sub["secret"], request)]
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "delivered"
    assert [a["status_code"] for a in entry["attempts"]] == [500, 204]
    assert all(isinstance(a["latency_ms"], int) and a["latency_ms"] >= 0
               for a in entry["attempts"])
    assert at(entry["delivered_at"]) == t0 + timedelta(seconds=5)
    assert entry["next_attempt_at"] is None

    clock.advance(timedelta(hours=1))
    runner.run_once()
    assert len(receiver.received) == 2  # delivered means done


def test_a_timeout_is_retried_on_schedule(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery_module, "ATTEMPT_TIMEOUT", 0.5)
    sub = subscribe(client, hooks, receiver.url, "ping")
    receiver.answer(204, delay=3.0)  # answers, but far too late
    queued = send_ping(client, hooks, sub["id"])
    t0 = clock.now()

    runner.run_once()
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "pending"
    [attempt] = entry["attempts"]
    assert attempt["status_code"] is None
    assert "Timeout" in attempt["error"]
    assert 400 <= attempt["latency_ms"] < 2500  # gave up at the timeout, not at the answer
    assert at(entry["next_attempt_at"]) == t0 + timedelta(seconds=5)

    clock.advance(timedelta(seconds=5))
    runner.run_once()
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "delivered"
    assert [a["status_code"] for a in entry["attempts"]] == [None, 204]
    assert {r.headers["webhook-id"] for r in receiver.received} == {queued["webhook_id"]}


def test_a_connection_error_is_retried_on_schedule_until_it_fails(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, refused_url: str,
) -> None:
    sub = subscribe(client, hooks, refused_url, "ping")
    watcher = subscribe(client, hooks, receiver.url, "subscription.failing")
    queued = send_ping(client, hooks, sub["id"])
    t0 = clock.now()

    attempted_at = []
    for wait in (0, 5, 60):
        clock.advance(timedelta(seconds=wait))
        runner.run_once()
        entry = only_delivery(client, hooks, sub["id"])
        attempted_at.append(at(entry["attempts"][-1]["attempted_at"]))
        assert entry["attempts"][-1]["status_code"] is None
        assert "ConnectError" in entry["attempts"][-1]["error"]
        if wait != 60:
            # One second early, nothing is tried.
            clock.advance(timedelta(seconds=(5 if wait == 0 else 60) - 1))
            runner.run_once()
            assert len(only_delivery(client, hooks, sub["id"])["attempts"]) == len(attempted_at)
            clock.advance(timedelta(seconds=-((5 if wait == 0 else 60) - 1)))
    assert attempted_at == [t0, t0 + timedelta(seconds=5), t0 + timedelta(seconds=65)]
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "failed"
    assert entry["next_attempt_at"] is None

    # Exhausted: the other subscribers hear of it; the subscription itself stays active.
    [failing] = receiver.of_type("subscription.failing")
    assert failing.json["data"] == {
        "subscription_id": sub["id"], "url": refused_url, "status": "active",
        "failed_webhook_id": queued["webhook_id"], "last_status_code": None,
    }
    assert signatures(failing) == [signed_with(watcher["secret"], failing)]
    assert client.get(f"{HOOKS}/{sub['id']}", headers=hooks).json()["status"] == "active"


def test_retry_after_seconds_and_dates_are_honoured(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    receiver.answer(503, {"Retry-After": "120"})
    send_ping(client, hooks, sub["id"])
    t0 = clock.now()
    runner.run_once()
    assert at(only_delivery(client, hooks, sub["id"])["next_attempt_at"]) == (
        t0 + timedelta(seconds=120))  # later than the schedule's 5 s, as asked

    clock.set(t0 + timedelta(seconds=119))
    runner.run_once()
    assert len(receiver.received) == 1  # not before Retry-After
    clock.set(t0 + timedelta(seconds=120))
    receiver.answer(429, {"Retry-After": format_datetime(t0 + timedelta(minutes=30),
                                                         usegmt=True)})
    runner.run_once()
    assert len(receiver.received) == 2
    entry = only_delivery(client, hooks, sub["id"])
    assert [a["status_code"] for a in entry["attempts"]] == [503, 429]
    assert at(entry["next_attempt_at"]) == t0 + timedelta(minutes=30)  # an HTTP date

    clock.set(t0 + timedelta(minutes=30) - timedelta(seconds=1))
    runner.run_once()
    assert len(receiver.received) == 2
    clock.set(t0 + timedelta(minutes=30))
    runner.run_once()
    assert len(receiver.received) == 3
    assert only_delivery(client, hooks, sub["id"])["status"] == "delivered"
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1


def test_410_stops_delivery_disables_the_subscription_and_tells_the_others(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, app: FastAPI, receiver: Receiver, other_receiver: Receiver,
) -> None:
    gone = subscribe(client, hooks, receiver.url, "ping", "review.held", "subscription.failing")
    watcher = subscribe(client, hooks, other_receiver.url, "subscription.failing")
    receiver.answer(410)
    queued = send_ping(client, hooks, gone["id"])
    runner.run_once()

    assert len(receiver.received) == 1  # one attempt, no retry
    entry = only_delivery(client, hooks, gone["id"])
    assert entry["status"] == "failed"
    assert [a["status_code"] for a in entry["attempts"]] == [410]
    disabled = client.get(f"{HOOKS}/{gone['id']}", headers=hooks).json()
    assert disabled["status"] == "disabled"
    assert "410" in disabled["disabled_reason"]

    [failing] = other_receiver.of_type("subscription.failing")
    assert failing.json["data"]["subscription_id"] == gone["id"]
    assert failing.json["data"]["status"] == "disabled"
    assert failing.json["data"]["failed_webhook_id"] == queued["webhook_id"]
    assert failing.json["data"]["last_status_code"] == 410
    assert signatures(failing) == [signed_with(watcher["secret"], failing)]

    # Nothing more reaches it: new messages skip it, pings and manual retries are refused.
    publish_now(app, clock, "review.held", {"review_id": str(uuid.uuid4())})
    assert client.post(f"{HOOKS}/{gone['id']}/test", headers=hooks).status_code == 409
    retry = client.post(f"{HOOKS}/{gone['id']}/deliveries/{entry['id']}/retry", headers=hooks)
    assert retry.status_code == 409
    for _ in range(3):
        clock.advance(timedelta(hours=1))
        runner.run_once()
    assert len(receiver.received) == 1
    assert len(delivery_log(client, hooks, gone["id"])) == 1
    assert status_of(client, admin_headers)["failing_subscriptions"] == 1


def test_exhausted_retries_fail_the_delivery_then_a_manual_retry_resends_it(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    subscribe(client, hooks, other_receiver.url, "subscription.failing")
    receiver.answer(500, times=3)
    queued = send_ping(client, hooks, sub["id"])
    for wait in (0, 5, 60):
        clock.advance(timedelta(seconds=wait))
        runner.run_once()
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "failed"
    assert [a["status_code"] for a in entry["attempts"]] == [500, 500, 500]
    [failing] = other_receiver.of_type("subscription.failing")
    assert failing.json["data"]["failed_webhook_id"] == queued["webhook_id"]
    assert failing.json["data"]["last_status_code"] == 500
    assert failing.json["data"]["status"] == "active"
    status = status_of(client, admin_headers)
    assert (status["failing_subscriptions"], status["outbox_depth"]) == (1, 0)

    clock.advance(timedelta(days=1))
    runner.run_once()
    assert len(receiver.received) == 3  # failed stays failed

    retried = client.post(f"{HOOKS}/{sub['id']}/deliveries/{entry['id']}/retry", headers=hooks)
    assert retried.status_code == 202, retried.text
    assert (retried.json()["status"], retried.json()["webhook_id"]) == (
        "pending", queued["webhook_id"])
    runner.run_once()
    assert len(receiver.received) == 4
    assert {r.headers["webhook-id"] for r in receiver.received} == {queued["webhook_id"]}
    assert len({r.body for r in receiver.received}) == 1
    entry = only_delivery(client, hooks, sub["id"])
    assert entry["status"] == "delivered"
    assert [a["status_code"] for a in entry["attempts"]] == [500, 500, 500, 204]
    assert len(other_receiver.of_type("subscription.failing")) == 1


def test_manual_retry_of_a_delivered_message_resends_it_with_the_same_webhook_id(
    client: TestClient, hooks: Headers, make_token: TokenFactory, runner: SchedulerRunner,
    receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    queued = send_ping(client, hooks, sub["id"])
    runner.run_once()
    assert only_delivery(client, hooks, sub["id"])["status"] == "delivered"
    url = f"{HOOKS}/{sub['id']}/deliveries/{queued['id']}/retry"
    assert client.post(url, headers=make_token("read")).status_code == 403
    assert client.post(f"{HOOKS}/{sub['id']}/deliveries/{uuid.uuid4()}/retry",
                       headers=hooks).status_code == 404
    assert client.post(url, headers=hooks).status_code == 202
    runner.run_once()
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == queued["webhook_id"]
    assert first.body == again.body
    entry = only_delivery(client, hooks, sub["id"])
    assert [a["status_code"] for a in entry["attempts"]] == [204, 204]


def test_a_slow_batch_never_sends_past_its_lease(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
    receiver: Receiver,
) -> None:
    # Each attempt takes 10 s of the clock (a receiver close to the 15 s timeout), and after
    # each one another worker polls for deliveries whose 60 s lease has lapsed, as the
    # deliver job of a second scheduler process does. A batch of 8 at one at a time would
    # outlast its lease; the worker must leave the jobs it reaches too late, not race the
    # other worker to send them.
    subscribe(client, hooks, receiver.url, "review.held")
    for n in range(8):
        publish_now(app, clock, "review.held", {"n": n})
    sessions = app.state.session_factory
    t0 = clock.now()
    claimed_by_other: list[str] = []

    def ten_seconds_later(_response: httpx.Response) -> None:
        clock.advance(timedelta(seconds=10))
        with sessions() as session, session.begin():
            claimed_by_other.extend(job.webhook_id for job in claim(session, clock.now(), 100))

    with httpx.Client(event_hooks={"response": [ten_seconds_later]}) as slow:
        attempted = deliver_due(sessions, clock, batch=8, concurrency=1, client=slow)
    sent = {r.headers["webhook-id"] for r in receiver.received}
    assert not sent & set(claimed_by_other)
    assert claimed_by_other == []
    # Started at 0, 10, 20 and 30 s: each ends well before the lease lapses at 60 s.
    assert attempted == len(receiver.received) == 4

    assert deliver_due(sessions, clock) == 0  # the rest are still leased to the worker
    clock.set(t0 + LEASE + timedelta(seconds=1))
    assert deliver_due(sessions, clock) == 4
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 8


def test_redirects_are_not_followed(
    client: TestClient, hooks: Headers, runner: SchedulerRunner, receiver: Receiver,
    other_receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    receiver.answer(307, {"Location": other_receiver.url})
    send_ping(client, hooks, sub["id"])
    runner.run_once()
    assert other_receiver.received == []
    entry = only_delivery(client, hooks, sub["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == ("pending", [307])


# --- pings and signatures ---------------------------------------------------------------


def test_the_test_endpoint_sends_a_signed_ping_to_that_subscription_only(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver, other_receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    subscribe(client, hooks, other_receiver.url, "ping")
    queued = send_ping(client, hooks, sub["id"])
    assert (queued["event_type"], queued["status"], queued["attempts"]) == ("ping", "pending", [])
    runner.run_once()
    [request] = receiver.received
    assert other_receiver.received == []
    assert request.json == {"type": "ping", "timestamp": clock.now().isoformat(),
                            "data": {"subscription_id": sub["id"]}}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == queued["webhook_id"]
    assert int(request.headers["webhook-timestamp"]) == int(clock.now().timestamp())
    assert signatures(request) == [signed_with(sub["secret"], request)]
    assert only_delivery(client, hooks, sub["id"])["status"] == "delivered"


def test_a_rotated_secret_signs_beside_the_old_one_for_24_hours(
    client: TestClient, hooks: Headers, clock: ControllableClock, runner: SchedulerRunner,
    receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    old = sub["secret"]
    rotated = client.post(f"{HOOKS}/{sub['id']}/rotate-secret", headers=hooks)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_")
    assert new != old
    assert "secret" not in client.get(f"{HOOKS}/{sub['id']}", headers=hooks).json()

    send_ping(client, hooks, sub["id"])
    runner.run_once()
    clock.advance(timedelta(hours=24) - timedelta(minutes=1))
    send_ping(client, hooks, sub["id"])
    runner.run_once()
    for request in receiver.received:
        assert signatures(request) == [signed_with(new, request), signed_with(old, request)]
        assert all(s.startswith("v1,") for s in signatures(request))

    clock.advance(timedelta(minutes=2))  # 24 h and a minute after the rotation
    send_ping(client, hooks, sub["id"])
    runner.run_once()
    latest = receiver.received[-1]
    assert len(receiver.received) == 3
    assert signatures(latest) == [signed_with(new, latest)]
    assert signed_with(old, latest) != signed_with(new, latest)


# --- subscriptions: validation, scope, authorities -------------------------------------------


@pytest.mark.parametrize("url", [
    "ftp://127.0.0.1/hook",
    "file:///etc/passwd",
    "127.0.0.1:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.10.1/hook",
    "http://[fe80::1]/hook",
    "http://metadata.google.internal/computeMetadata/v1/",
    "https://METADATA.GOOGLE.INTERNAL./x",
    "http://[::ffff:169.254.169.254]/hook",
])
def test_unsafe_or_non_http_urls_are_refused(client: TestClient, hooks: Headers,
                                            url: str) -> None:
    response = client.post(HOOKS, json={"url": url, "event_types": ["ping"]}, headers=hooks)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(HOOKS, headers=hooks).json()["items"] == []


def test_loopback_and_private_urls_are_accepted_and_bad_updates_refused(
    client: TestClient, hooks: Headers,
) -> None:
    # Created only: nothing is ever published to these in this test.
    loopback = subscribe(client, hooks, "http://127.0.0.1:9/hook", "ping")
    private = subscribe(client, hooks, "https://10.0.0.5/hooks/review", "ping")
    assert {s["url"] for s in client.get(HOOKS, headers=hooks).json()["items"]} == {
        loopback["url"], private["url"]}
    bad = client.patch(f"{HOOKS}/{private['id']}", json={"url": "http://169.254.169.254/"},
                       headers=hooks)
    assert bad.status_code == 422
    assert client.get(f"{HOOKS}/{private['id']}", headers=hooks).json()["url"] == private["url"]


def test_the_webhooks_scope_is_required(
    client: TestClient, make_token: TokenFactory, hooks: Headers, receiver: Receiver,
) -> None:
    sub = subscribe(client, hooks, receiver.url, "ping")
    for scopes in ("read", "write", "events", "read,write,events"):
        headers = make_token(scopes)
        assert client.get(HOOKS, headers=headers).status_code == 403
        assert client.post(HOOKS, json={"url": receiver.url, "event_types": ["ping"]},
                           headers=headers).status_code == 403
        assert client.get(f"{HOOKS}/{sub['id']}/deliveries", headers=headers).status_code == 403
        assert client.post(f"{HOOKS}/{sub['id']}/test", headers=headers).status_code == 403
    assert client.get(HOOKS).status_code == 401
    assert len(client.get(HOOKS, headers=hooks).json()["items"]) == 1


def test_a_bound_token_sees_and_receives_only_its_own_authority(
    client: TestClient, make_token: TokenFactory, hooks: Headers, app: FastAPI,
    clock: ControllableClock, runner: SchedulerRunner, receiver: Receiver,
    other_receiver: Receiver,
) -> None:
    la1, la2 = make_token("webhooks", "LA1"), make_token("webhooks", "LA2")
    mine = subscribe(client, la1, receiver.url, "review.held")
    theirs = subscribe(client, la2, other_receiver.url, "review.held")
    assert (mine["local_authority"], theirs["local_authority"]) == ("LA1", "LA2")

    assert [s["id"] for s in client.get(HOOKS, headers=la1).json()["items"]] == [mine["id"]]
    assert [s["id"] for s in client.get(HOOKS, headers=la2).json()["items"]] == [theirs["id"]]
    assert {s["id"] for s in client.get(HOOKS, headers=hooks).json()["items"]} == {
        mine["id"], theirs["id"]}
    for method, suffix in (("GET", ""), ("PATCH", ""), ("GET", "/deliveries"),
                           ("POST", "/test"), ("POST", "/rotate-secret"), ("DELETE", "")):
        kwargs: dict[str, Any] = {"json": {"description": "x"}} if method == "PATCH" else {}
        response = client.request(method, f"{HOOKS}/{theirs['id']}{suffix}", headers=la1,
                                  **kwargs)
        assert response.status_code == 404, (method, suffix, response.text)

    publish_now(app, clock, "review.held", {"n": 1}, "LA1")
    publish_now(app, clock, "review.held", {"n": 2}, "LA2")
    runner.run_once()
    assert [r.json["data"] for r in receiver.received] == [{"n": 1}]
    assert [r.json["data"] for r in other_receiver.received] == [{"n": 2}]


def test_each_subscription_gets_each_message_once(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver, db_session: Session,
) -> None:
    first = subscribe(client, hooks, receiver.url, "review.scheduled")
    second = subscribe(client, hooks, other_receiver.url, "review.scheduled", "review.held")
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-16")
    review_id = plan["next_review"]["id"]
    scheduled = client.post(f"/v1/reviews/{review_id}/schedule",
                            json={"scheduled_for": "2026-03-10T10:00:00Z"},
                            headers=admin_headers)
    assert scheduled.status_code == 200, scheduled.text
    for _ in range(3):
        runner.run_once()
        clock.advance(timedelta(minutes=10))

    [one], [two] = receiver.received, other_receiver.received
    assert one.json == two.json
    assert one.json["type"] == "review.scheduled"
    assert one.json["data"]["review_id"] == review_id
    assert one.headers["webhook-id"] != two.headers["webhook-id"]  # per subscription
    messages = list(db_session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.event_type == "review.scheduled")))
    assert len(messages) == 1
    rows = list(db_session.scalars(select(Delivery).where(Delivery.message_id == messages[0])))
    db_session.rollback()
    assert sorted(str(d.subscription_id) for d in rows) == sorted([first["id"], second["id"]])
    assert {d.webhook_id for d in rows} == {one.headers["webhook-id"], two.headers["webhook-id"]}
    assert all(d.status == "delivered" and d.attempts == 1 for d in rows)


# --- closing the loop ---------------------------------------------------------------------


def test_an_overdue_action_sends_action_overdue_and_raises_decisions_not_implemented_once(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver,
) -> None:
    subscribe(client, hooks, receiver.url, "action.overdue", "consideration.opened")
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02",
                       chair_id="iro-42")
    held = complete(client, admin_headers, plan["next_review"]["id"], "2026-02-20",
                    participation_code="PN1")
    created = client.post(f"/v1/reviews/{held['id']}/actions",
                          json={"description": "Arrange a dental check", "owner": "Social worker",
                                "due_by": "2026-03-04"}, headers=admin_headers)
    assert created.status_code == 201, created.text
    action = created.json()
    events_url = f"/v1/children/{plan['child_id']}/events"

    clock.set(london_midnight("2026-03-05") - timedelta(seconds=1))  # still 4 March
    runner.run_once()
    assert receiver.received == []
    assert client.get(events_url, headers=admin_headers).json()["items"] == []

    clock.set(london_midnight("2026-03-05"))  # the day after due_by
    runner.run_once()
    [overdue] = receiver.of_type("action.overdue")
    assert overdue.json["data"]["action_id"] == action["id"]
    assert overdue.json["data"]["due_by"] == "2026-03-04"
    assert overdue.json["data"]["escalation_level"] == 1

    events = client.get(events_url, headers=admin_headers).json()["items"]
    assert len(events) == 1
    [event] = events
    assert (event["type"], event["source"]) == ("decisions_not_implemented", "review-service")
    [effect] = event["effects"]
    assert effect["kind"] == "consideration_opened"
    assert effect["plan_id"] == plan["id"]
    consideration = client.get(f"/v1/considerations/{effect['consideration_id']}",
                               headers=admin_headers).json()
    assert consideration["chair_id"] == "iro-42"  # the plan's IRO considers it
    assert (consideration["event_type"], consideration["status"]) == (
        "decisions_not_implemented", "open")
    [opened] = receiver.of_type("consideration.opened")
    assert opened.json["data"]["consideration_id"] == effect["consideration_id"]

    # Again, and on to the next escalation (5 working days after due_by): no second event.
    runner.run_once()
    clock.set(london_midnight("2026-03-11"))
    runner.run_once()
    assert [r.json["data"]["escalation_level"] for r in receiver.of_type("action.overdue")] == [
        1, 2]
    assert len(client.get(events_url, headers=admin_headers).json()["items"]) == 1
    assert len(receiver.of_type("consideration.opened")) == 1


def test_a_reminder_kept_across_a_deadline_move_does_not_fire_twice(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver,
) -> None:
    # Review 1 of a pathway plan from 2025-09-15 is due Sun 15 Mar 2026; brought forward to
    # Sat 14 Mar its due-soon reminders keep their moments (20 and 5 working days before are
    # Mon 16 Feb and Mon 9 Mar either way), so those timers are kept, not replaced.
    subscribe(client, hooks, receiver.url, "review.due_soon")
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-09-15")
    review_id = plan["next_review"]["id"]
    moved = client.post(f"/v1/reviews/{review_id}/bring-forward",
                        json={"due_by": "2026-03-14", "reason": "Placement move"},
                        headers=admin_headers)
    assert moved.status_code == 200, moved.text
    clock.set(london_midnight("2026-02-16"))
    runner.run_once()
    assert [r.json["data"]["due_by"] for r in receiver.received] == ["2026-03-14"]

    # Any later change to the review re-derives its timers; the fired reminder is for the
    # same date and must not fire again.
    clock.advance(timedelta(days=1))
    scheduled = client.post(f"/v1/reviews/{review_id}/schedule",
                            json={"scheduled_for": "2026-03-12T10:00:00Z"}, headers=admin_headers)
    assert scheduled.status_code == 200, scheduled.text
    runner.run_once()
    assert len(receiver.received) == 1
    clock.set(london_midnight("2026-03-09"))
    runner.run_once()
    assert len(receiver.received) == 2  # the 5-working-day one, once


def test_a_declared_non_working_day_moves_deadlines_and_sends_calendar_changed(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, db_session: Session,
) -> None:
    subscribe(client, hooks, receiver.url, "calendar.changed")
    # Review 1 of a looked-after plan started Mon 2 Mar 2026 is due Mon 30 Mar; its
    # pre-review milestones count back from that date in working days.
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-03-02")
    review_id = plan["next_review"]["id"]
    before = {m["id"]: m["due_by"] for m in plan["next_review"]["milestones"]}
    assert before
    assert plan["next_review"]["due_by"] == "2026-03-30"

    declared = client.post("/v1/calendar/non-working-days",
                           json={"date": "2026-03-20", "name": "A day of mourning"},
                           headers=admin_headers)
    assert declared.status_code == 201, declared.text
    runner.run_once()

    [changed] = receiver.of_type("calendar.changed")
    assert changed.json["data"]["region"] == "england-and-wales"
    assert "2026-03-20" in changed.json["data"]["reason"]
    assert changed.json["data"]["deadlines_moved"] > 0
    review = client.get(f"/v1/reviews/{review_id}", headers=admin_headers).json()
    after = {m["id"]: m["due_by"] for m in review["milestones"]}
    moved = {m_id for m_id in before if after.get(m_id) != before[m_id]}
    assert moved, (before, after)
    # 20 working days from Mon 2 Mar now step over Fri 20 Mar: the review and the
    # milestones counted back from it move a day later.
    assert review["due_by"] == "2026-03-31"
    # The moved milestones' timers were re-derived for the new dates in the same pass.
    for milestone in db_session.scalars(select(Milestone).where(
            Milestone.id.in_([uuid.UUID(m) for m in moved]))):
        timers = list(db_session.scalars(select(Timer).where(
            Timer.subject_id == milestone.id, Timer.fired_at.is_(None))))
        assert timers
        assert {t.due_by for t in timers} == {milestone.due_by}
    db_session.rollback()

    runner.run_once()
    assert len(receiver.of_type("calendar.changed")) == 1  # applied once


def test_scheduler_status_reports_timers_lag_and_outbox_depth(
    client: TestClient, hooks: Headers, admin_headers: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver,
) -> None:
    assert status_of(client, admin_headers) == {
        "leader": None, "leader_heartbeat_at": None, "lag_seconds": 0.0, "pending_timers": 0,
        "due_timers": 0, "outbox_depth": 0, "failing_subscriptions": 0, "this_process": "none"}
    assert client.get("/v1/scheduler/status", headers=hooks).status_code == 403

    subscribe(client, hooks, receiver.url, "review.due_soon")
    clock.set(datetime(2026, 2, 1, 12, tzinfo=UTC))
    plan = create_plan(client, admin_headers, plan_type="pathway", start_date="2025-09-15")
    assert plan["next_review"]["due_by"] == "2026-03-15"
    status = status_of(client, admin_headers)
    assert status["pending_timers"] > 0
    assert (status["due_timers"], status["lag_seconds"], status["outbox_depth"]) == (0, 0.0, 0)

    # The 20-working-day reminder was due at 00:00 on 16 Feb; it is now 90 s later, unfired.
    clock.set(london_midnight("2026-02-16") + timedelta(seconds=90))
    status = status_of(client, admin_headers)
    assert status["due_timers"] == 1
    assert status["lag_seconds"] == 90.0

    receiver.answer(500)
    runner.run_once()
    status = status_of(client, admin_headers)
    assert (status["due_timers"], status["lag_seconds"], status["outbox_depth"]) == (0, 0.0, 1)
    assert status["leader"] == runner.leadership.holder
    assert at(status["leader_heartbeat_at"]) == clock.now()
    pending_after_firing = status["pending_timers"]

    clock.advance(timedelta(seconds=5))
    runner.run_once()
    status = status_of(client, admin_headers)
    assert (status["outbox_depth"], status["failing_subscriptions"]) == (0, 0)
    assert status["pending_timers"] == pending_after_firing
    assert len(receiver.of_type("review.due_soon")) == 2  # the 500, then its retry

    clock.advance(timedelta(minutes=5))  # no heartbeat for longer than 30 s: no live leader
    assert status_of(client, admin_headers)["leader"] is None
