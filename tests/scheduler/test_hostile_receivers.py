"""No receiver can break delivery for anyone else (issue 8, defect 4).

Whatever a receiver answers (a `Retry-After` of 10^14 seconds, a status line no server
should send, an endless body) or however slowly it answers, its own delivery is recorded
and scheduled within bounds, and every other delivery of the same batch is recorded as if
it were not there. Real receivers on 127.0.0.1; the scheduler is stepped on the
controllable clock and retries after 5 s and 60 s (three attempts; conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from review_service.domain import retries
from review_service.scheduler.runner import SchedulerRunner
from review_service.webhooks import delivery as delivery_module
from tests.conftest import TokenFactory
from tests.scheduler.raw_receiver import RawReceiver, start_raw_receiver
from tests.scheduler.receiver import Receiver
from tests.scheduler.test_delivery import at, only_delivery, publish_now, subscribe

HOURS_24 = timedelta(hours=24)


@pytest.fixture
def raw_receivers() -> Iterator[list[RawReceiver]]:
    """Raw receivers a test starts; closed after it."""
    started: list[RawReceiver] = []
    yield started
    for receiver in started:
        receiver.close()


def two_authorities(
    client: TestClient, make_token: TokenFactory, hostile_url: str, healthy: Receiver,
) -> tuple[dict[str, str], dict[str, Any], dict[str, str], dict[str, Any]]:
    """LA1 subscribes the hostile receiver, LA2 a healthy one, both to `review.held`."""
    la1, la2 = make_token("webhooks", "LA1"), make_token("webhooks", "LA2")
    return (la1, subscribe(client, la1, hostile_url, "review.held"),
            la2, subscribe(client, la2, healthy.url, "review.held"))


def publish_to_both(app: FastAPI, clock: ControllableClock) -> None:
    publish_now(app, clock, "review.held", {"n": 1}, "LA1")
    publish_now(app, clock, "review.held", {"n": 2}, "LA2")


def test_a_huge_retry_after_neither_stalls_nor_repeats_another_authoritys_delivery(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver,
) -> None:
    receiver.answer(503, {"Retry-After": "100000000000000"}, times=3)
    la1, hostile, la2, healthy = two_authorities(client, make_token, receiver.url,
                                                  other_receiver)
    publish_to_both(app, clock)
    t0 = clock.now()

    runner.run_once()
    # The healthy receiver got its message once, and the delivery says so.
    assert [r.json["data"] for r in other_receiver.received] == [{"n": 2}]
    entry = only_delivery(client, la2, healthy["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == (
        "delivered", [204])
    # The hostile one is recorded and waits the longest Retry-After honoured: 24 hours.
    entry = only_delivery(client, la1, hostile["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == (
        "pending", [503])
    assert at(entry["next_attempt_at"]) == t0 + HOURS_24

    # Past the 60 s lease and on (the 135 s of the report): nothing is sent again.
    for _ in range(3):
        clock.advance(timedelta(seconds=45))
        runner.run_once()
    assert len(other_receiver.received) == 1
    assert len(receiver.received) == 1

    # It is tried at 24 h and 48 h, and fails when the schedule runs out.
    clock.set(t0 + HOURS_24)
    runner.run_once()
    entry = only_delivery(client, la1, hostile["id"])
    assert (entry["status"], len(entry["attempts"])) == ("pending", 2)
    assert at(entry["next_attempt_at"]) == t0 + 2 * HOURS_24
    clock.set(t0 + 2 * HOURS_24)
    runner.run_once()
    entry = only_delivery(client, la1, hostile["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == (
        "failed", [503, 503, 503])
    assert entry["next_attempt_at"] is None
    assert len(receiver.received) == 3
    assert len(other_receiver.received) == 1
    assert only_delivery(client, la2, healthy["id"])["attempts"][0]["status_code"] == 204


@pytest.mark.parametrize(("retry_after", "wait"), [
    ("-5", timedelta(seconds=5)),  # ignored: the schedule's 5 s
    ("1e9999", timedelta(seconds=5)),
    ("Wed, 99 Foo 2026 99:99:99 GMT", timedelta(seconds=5)),
    ("Fri, 31 Dec 9999 23:59:59 GMT", HOURS_24),
    pytest.param("9" * 4000, HOURS_24, id="4000-digits"),
    ("Mon, 02 Mar 2026 09:10:00 GMT", timedelta(minutes=10)),  # 10 min after the test's now
])
def test_any_retry_after_is_recorded_and_bounded(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver, retry_after: str,
    wait: timedelta,
) -> None:
    receiver.answer(429, {"Retry-After": retry_after})
    la1, hostile, la2, healthy = two_authorities(client, make_token, receiver.url,
                                                  other_receiver)
    publish_to_both(app, clock)
    runner.run_once()
    entry = only_delivery(client, la1, hostile["id"])
    assert [a["status_code"] for a in entry["attempts"]] == [429]
    assert at(entry["next_attempt_at"]) == clock.now() + wait
    assert only_delivery(client, la2, healthy["id"])["status"] == "delivered"


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_attempts_deadline(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, other_receiver: Receiver, raw_receivers: list[RawReceiver],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One byte every 0.1 s: every read succeeds long within a read timeout, so only a
    # deadline for the whole attempt ends it. Its 60 bytes would take 6 s.
    monkeypatch.setattr(delivery_module, "ATTEMPT_TIMEOUT", 1.0)
    status_line = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nx-padding: " + b"a" * 20 + b"\r\n\r\n"
    trickler = start_raw_receiver([bytes([b]) for b in status_line], pause=0.1)
    raw_receivers.append(trickler)
    la1, hostile, la2, healthy = two_authorities(client, make_token, trickler.url,
                                                  other_receiver)
    publish_to_both(app, clock)
    runner.run_once()
    entry = only_delivery(client, la1, hostile["id"])
    [attempt] = entry["attempts"]
    assert attempt["status_code"] is None
    assert attempt["error"].startswith("Timeout")
    assert 900 <= attempt["latency_ms"] < 2500
    assert (entry["status"], at(entry["next_attempt_at"])) == (
        "pending", clock.now() + timedelta(seconds=5))
    assert only_delivery(client, la2, healthy["id"])["status"] == "delivered"


def test_an_endless_answer_body_is_not_read(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, other_receiver: Receiver, raw_receivers: list[RawReceiver],
) -> None:
    # A 200 announcing a gigabyte, sent in 64 KiB pieces 10 ms apart (10 s for the first
    # 64 MiB): the status is all that matters, and only a bounded start of the body is read.
    head = b"HTTP/1.1 200 OK\r\ncontent-length: 1000000000\r\n\r\n"
    endless = start_raw_receiver([head] + [b"x" * 65536] * 1000, pause=0.01)
    raw_receivers.append(endless)
    la1, flooding, la2, healthy = two_authorities(client, make_token, endless.url,
                                                   other_receiver)
    publish_to_both(app, clock)
    runner.run_once()
    entry = only_delivery(client, la1, flooding["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == (
        "delivered", [200])
    assert entry["attempts"][0]["latency_ms"] < 2000
    assert only_delivery(client, la2, healthy["id"])["status"] == "delivered"


@pytest.mark.parametrize(("answer", "status", "error", "outcome"), [
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 204, None, "delivered"),
    (b"HTTP/1.1 999 Whatever\r\ncontent-length: 0\r\n\r\n", 999, None, "pending"),
    (b"HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/\r\ncontent-length: 0\r\n\r\n",
     302, None, "pending"),
    (b"HTTP/1.1 101 Switching Protocols\r\n\r\n", None, "ProtocolError", "pending"),
    (b"HTTP/1.1 103 Early Hints\r\n\r\n", None, "ProtocolError", "pending"),
    (b"HTTP/1.1 1000 Too Many Digits\r\n\r\n", None, "ProtocolError", "pending"),
    (b"HTTP/1.1 099 Too Small\r\n\r\n", None, "ProtocolError", "pending"),
    (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", None, "ProtocolError", "pending"),
    (b"", None, "ProtocolError", "pending"),  # hangs up without a word
    (b"HTTP/1.1 200 OK\r\nx: " + b"a" * 200_000 + b"\r\n\r\n", None, "ProtocolError",
     "pending"),
    (b"HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\n", None, "ProtocolError", "pending"),
    (b"HTTP/1.1 503 Busy\r\nretry-after: \xff\xfe\r\ncontent-length: 0\r\n\r\n", 503, None,
     "pending"),
    (b"HTTP/1.1 503 Busy\r\nretry-after: 5\x00\r\ncontent-length: 0\r\n\r\n", None,
     "ProtocolError", "pending"),
])
def test_whatever_a_receiver_answers_is_recorded_and_the_batch_goes_on(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, other_receiver: Receiver, raw_receivers: list[RawReceiver],
    answer: bytes, status: int | None, error: str | None, outcome: str,
) -> None:
    odd = start_raw_receiver([answer] if answer else [])
    raw_receivers.append(odd)
    la1, hostile, la2, healthy = two_authorities(client, make_token, odd.url, other_receiver)
    publish_to_both(app, clock)
    runner.run_once()
    entry = only_delivery(client, la1, hostile["id"])
    [attempt] = entry["attempts"]
    assert attempt["status_code"] == status
    assert (attempt["error"] or "").startswith(error or "")
    assert entry["status"] == outcome
    if outcome == "pending":
        assert at(entry["next_attempt_at"]) == clock.now() + timedelta(seconds=5)
    assert only_delivery(client, la2, healthy["id"])["status"] == "delivered"
    assert len(other_receiver.received) == 1


def test_a_failure_recording_one_outcome_keeps_the_rest_of_the_batch(
    app: FastAPI, client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, other_receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever goes wrong storing one delivery's outcome (here: classifying a 503 raises),
    # the others' outcomes are stored, and that delivery is sent again once its lease lapses.
    real = retries.after_attempt

    def failing_on_503(status_code: int | None, *args: Any, **kwargs: Any) -> Any:
        if status_code == 503:
            raise RuntimeError("cannot classify")
        return real(status_code, *args, **kwargs)

    monkeypatch.setattr(delivery_module, "after_attempt", failing_on_503)
    receiver.answer(503)
    la1, troubled, la2, healthy = two_authorities(client, make_token, receiver.url,
                                                   other_receiver)
    publish_to_both(app, clock)
    runner.run_once()
    assert only_delivery(client, la2, healthy["id"])["status"] == "delivered"
    entry = only_delivery(client, la1, troubled["id"])
    assert (entry["status"], entry["attempts"]) == ("pending", [])

    monkeypatch.setattr(delivery_module, "after_attempt", real)
    clock.advance(delivery_module.LEASE + timedelta(seconds=1))
    runner.run_once()
    entry = only_delivery(client, la1, troubled["id"])
    assert (entry["status"], [a["status_code"] for a in entry["attempts"]]) == (
        "delivered", [204])
    assert len(other_receiver.received) == 1
