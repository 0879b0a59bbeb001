"""Real `review-service scheduler` processes against the test database, a real receiver on
127.0.0.1, and SIGKILL.

On PostgreSQL (CI): a scheduler killed in the middle of a delivery batch and restarted loses
nothing; two schedulers on one database elect one leader, never deliver a message twice in
normal operation, and the standby takes over within seconds when the leader is killed. Without
PostgreSQL the same tests run on SQLite with one process at a time (there the single process
always leads): kill, restart, nothing lost.

Every process is started with a fresh session of its own, waited on with deadlines of at most
60 s, and killed by its pid in a `finally` block.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from standardwebhooks import Webhook

from review_service.clock import ControllableClock
from review_service.database import create_database_engine
from review_service.models import Delivery, OutboxMessage, SchedulerLease, Timer
from review_service.scheduler.leadership import LOCK_KEY
from review_service.settings import Settings
from review_service.webhooks.outbox import publish
from tests.api.factories import Headers
from tests.conftest import BACKENDS, TokenFactory
from tests.scheduler.receiver import Received, Receiver

# PostgreSQL when the run has it, else SQLite: the tests always run and always assert.
pytestmark = pytest.mark.parametrize(
    "database_url", [b for b in BACKENDS if b == "postgresql"] or ["sqlite"], indirect=True
)

EXECUTABLE = Path(sys.executable).with_name("review-service")
STARTUP = 30.0  # seconds for a process to import and start its jobs
SETTLE = 45.0  # seconds for a few hundred deliveries to arrive


def wait_until(condition: Callable[[], bool], timeout: float, what: str,
               interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class SchedulerProcess:
    """One `review-service scheduler` process; its output goes to a file."""

    def __init__(self, database_url: str, log: Path, **settings: str) -> None:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("REVIEW_SERVICE_")}
        env.update({
            "REVIEW_SERVICE_DATABASE_URL": database_url,
            "REVIEW_SERVICE_SCHEDULER_TICK_SECONDS": "0.2",
            "REVIEW_SERVICE_DELIVERY_POLL_SECONDS": "0.2",
            "REVIEW_SERVICE_LOG_LEVEL": "info",
            **{f"REVIEW_SERVICE_{name.upper()}": value for name, value in settings.items()},
        })
        self.log = log
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [str(EXECUTABLE), "scheduler"], env=env, stdin=subprocess.DEVNULL,
                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.holder = f"{socket.gethostname()}:{self.process.pid}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_running(self) -> None:
        wait_until(lambda: "scheduler running" in self.output() or self.process.poll() is not None,
                   STARTUP, f"{self.holder} to start")
        assert self.process.poll() is None, self.output()

    def claims_leadership(self) -> bool:
        return f"scheduler {self.holder} is the leader" in self.output()

    def kill(self) -> None:
        """SIGKILL, by pid; idempotent."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def processes(tmp_path: Path, database_url: str) -> Iterator[Callable[..., SchedulerProcess]]:
    """Start scheduler processes on the test database; every one is killed afterwards."""
    started: list[SchedulerProcess] = []

    def start(**settings: str) -> SchedulerProcess:
        process = SchedulerProcess(database_url, tmp_path / f"scheduler-{len(started)}.log",
                                   **settings)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.kill()


@pytest.fixture
def real_time(clock: ControllableClock) -> ControllableClock:
    """The processes read the system clock; the API's clock is kept at the same instant."""
    clock.set(datetime.now(UTC))
    return clock


def subscribe(client: TestClient, headers: Headers, url: str) -> dict[str, Any]:
    response = client.post("/v1/webhook-subscriptions", json={
        "url": url, "event_types": ["review.due_soon", "review.overdue"]}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def publish_messages(app: FastAPI, count: int) -> None:
    """`count` messages in the outbox, due now (as state changes would write them)."""
    with app.state.session_factory() as session, session.begin():
        now = datetime.now(UTC)
        for n in range(count):
            publish(session, "review.due_soon", {"n": n}, "LA1", now)


def add_due_timers(app: FastAPI, count: int, tag: str) -> None:
    """`count` timers whose moment has just come, for the leader to fire."""
    with app.state.session_factory() as session, session.begin():
        now = datetime.now(UTC)
        for n in range(count):
            session.add(Timer(
                subject_type="review", subject_id=uuid.uuid4(), event_type="review.overdue",
                level=1, local_authority="LA1", due_by=date(2026, 1, 1),
                fire_at=now - timedelta(seconds=1), payload={"timer": f"{tag}-{n}"}))


class Database:
    """Reads (and, for the lease, one write) on the test database, outside the app."""

    def __init__(self, url: str) -> None:
        self.engine = create_database_engine(Settings(database_url=url))

    def scalar(self, query: Any) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def count(self, query: Any) -> int:
        return int(self.scalar(query) or 0)

    def deliveries(self, status: str | None = None) -> int:
        query = select(func.count()).select_from(Delivery)
        return self.count(query if status is None else query.where(Delivery.status == status))

    def unfired_timers(self) -> int:
        return self.count(select(func.count()).select_from(Timer)
                          .where(Timer.fired_at.is_(None)))

    def webhook_ids(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(Delivery.webhook_id)).scalars())

    def leased_pending(self) -> set[str]:
        """Pending deliveries under a live worker's lease."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(Delivery.webhook_id).where(
                Delivery.status == "pending", Delivery.leased_until > datetime.now(UTC)))
                .scalars())

    def lease_holder(self) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(SchedulerLease.holder)).scalar()

    def advisory_lock_holders(self) -> int:
        """Backends holding the scheduler's advisory lock on this database (PostgreSQL)."""
        return self.count(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).bindparams(key=LOCK_KEY))

    def expire_leases(self) -> int:
        """Move every lease into the past, as if LEASE (60 s) had gone by."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(Delivery).where(Delivery.status == "pending",
                                       Delivery.leased_until.is_not(None))
                .values(leased_until=datetime.now(UTC) - timedelta(seconds=1)))
            return int(result.rowcount or 0)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.engine.dispose()


def complete(receiver: Receiver) -> list[Received]:
    """Requests that arrived whole. A process killed while writing one leaves the receiver
    a truncated body, which a real receiver would refuse (and the sender never saw an
    answer to): it does not count as delivered."""
    with receiver.lock:
        return [r for r in receiver.received
                if len(r.body.encode()) == int(r.headers.get("content-length", -1))]


def received_ids(receiver: Receiver) -> list[str]:
    return [r.headers["webhook-id"] for r in complete(receiver)]


def wait_quiet(receiver: Receiver, quiet: float = 1.0) -> None:
    """Wait until nothing has arrived for `quiet` seconds: requests a killed process had
    already written are read by the receiver after its death."""
    deadline = time.monotonic() + SETTLE
    seen, since = len(receiver.received), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the receiver never went quiet"
        time.sleep(0.05)
        if len(receiver.received) != seen:
            seen, since = len(receiver.received), time.monotonic()


def check_signed_and_consistent(receiver: Receiver, secret: str) -> None:
    """Every request verifies with the secret; a repeated webhook-id repeats the same body."""
    bodies: dict[str, str] = {}
    for request in complete(receiver):
        sent_at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), tz=UTC)
        assert request.headers["webhook-signature"] == Webhook(secret).sign(
            request.headers["webhook-id"], sent_at, request.body)
        previous = bodies.setdefault(request.headers["webhook-id"], request.body)
        assert previous == request.body


def status_of(client: TestClient, clock: ControllableClock, headers: Headers) -> dict[str, Any]:
    clock.set(datetime.now(UTC))
    response = client.get("/v1/scheduler/status", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sigkill_mid_batch_then_restart_loses_nothing(
    app: FastAPI, client: TestClient, make_token: TokenFactory, real_time: ControllableClock,
    receiver: Receiver, processes: Callable[..., SchedulerProcess], database: Database,
) -> None:
    sub = subscribe(client, make_token("webhooks"), receiver.url)
    messages, timers = 300, 50
    publish_messages(app, messages)
    add_due_timers(app, timers, "before")
    total = messages + timers
    # Slow answers keep batches in flight; from the 121st request on the receiver stalls for
    # 5 s, so the batch holding it is certainly mid-flight, sent but unrecorded, at the kill.
    receiver.answer(204, delay=0.05, times=120)
    receiver.answer(204, delay=5.0, times=40)
    settings = {"delivery_batch": "50", "delivery_concurrency": "10"}

    first = processes(**settings)
    first.wait_running()
    wait_until(lambda: len(receiver.received) >= 125, SETTLE, "125 deliveries", interval=0.01)
    first.kill()
    with receiver.lock:
        receiver.answers.clear()  # from now on: 204 at once
    wait_quiet(receiver)
    got_before_kill = received_ids(receiver)
    assert len(got_before_kill) < total, "the kill came after everything was delivered"
    in_flight = database.leased_pending()
    assert in_flight & set(got_before_kill[120:]), "the stalled batch was not in flight"

    second = processes(**settings)
    second.wait_running()
    # Everything not leased by the dead worker goes out; its leased rows wait for the lease.
    wait_until(lambda: database.unfired_timers() == 0
               and database.deliveries("pending") == len(in_flight), SETTLE,
               "every unleased delivery to be sent")
    time.sleep(0.5)
    resent_early = set(received_ids(receiver)[len(got_before_kill):]) & in_flight
    assert not resent_early, "a live lease was ignored"
    # The dead worker's lease would lapse after 60 s; move it into the past rather than wait.
    assert database.expire_leases() == len(in_flight)
    wait_until(lambda: database.deliveries("delivered") == total, SETTLE, "every delivery")
    second.kill()

    got = Counter(received_ids(receiver))
    assert set(got) == database.webhook_ids()  # none lost
    duplicates = {webhook_id for webhook_id, n in got.items() if n > 1}
    assert duplicates <= in_flight & set(got_before_kill)  # only the interrupted batch's
    assert all(n <= 2 for n in got.values())
    check_signed_and_consistent(receiver, sub["secret"])
    # Each timer fired once, whichever process fired it: one message per timer.
    assert database.unfired_timers() == 0
    assert database.count(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.event_type == "review.overdue")) == timers


def test_one_leader_no_double_delivery_and_takeover_after_sigkill(
    app: FastAPI, client: TestClient, make_token: TokenFactory, admin_headers: Headers,
    real_time: ControllableClock, receiver: Receiver,
    processes: Callable[..., SchedulerProcess], database: Database, backend: str,
) -> None:
    sub = subscribe(client, make_token("webhooks"), receiver.url)
    receiver.answer(204, delay=0.01, times=2000)
    two = backend == "postgresql"  # SQLite: one process at a time
    first = processes()
    first.wait_running()
    wait_until(lambda: database.lease_holder() == first.holder, STARTUP, "a leader")
    standby = processes() if two else None
    if standby is not None:
        standby.wait_running()
        time.sleep(1.0)  # five ticks: the standby has tried, and failed, to lead
        assert not standby.claims_leadership(), standby.output()
        assert database.advisory_lock_holders() == 1
    assert first.claims_leadership() or not two  # only PostgreSQL's lock is announced
    assert status_of(client, real_time, admin_headers)["leader"] == first.holder

    # Normal operation: both processes deliver, the leader fires timers; each message once.
    publish_messages(app, 200)
    add_due_timers(app, 50, "before")
    wait_until(lambda: database.deliveries("delivered") == 250, SETTLE, "250 deliveries")
    time.sleep(0.5)  # let any stray second send arrive
    ids = received_ids(receiver)
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == database.webhook_ids()
    assert database.lease_holder() == first.holder
    if standby is not None:
        assert not standby.claims_leadership()

    # The leader dies; the standby (or, on SQLite, a restarted process) takes over.
    first.kill()
    killed_at = time.monotonic()
    successor = standby or processes()
    if standby is None:
        successor.wait_running()
    wait_until(lambda: database.lease_holder() == successor.holder, 20, "a new leader")
    took = time.monotonic() - killed_at
    print(f"leadership taken over {took:.2f} s after the SIGKILL")
    assert took < (10 if two else 30), f"takeover took {took:.1f} s"
    assert successor.claims_leadership() or not two
    assert status_of(client, real_time, admin_headers)["leader"] == successor.holder
    if two:
        assert database.advisory_lock_holders() == 1

    add_due_timers(app, 20, "after")
    wait_until(lambda: database.deliveries("delivered") == 270, SETTLE, "new timers to fire")
    time.sleep(0.3)
    ids = received_ids(receiver)
    assert len(ids) == len(set(ids)) == 270
    after = [r.json["data"]["timer"] for r in receiver.of_type("review.overdue")
             if r.json["data"]["timer"].startswith("after-")]
    assert sorted(after) == sorted(f"after-{n}" for n in range(20))
    check_signed_and_consistent(receiver, sub["secret"])
    status = status_of(client, real_time, admin_headers)
    assert (status["due_timers"], status["outbox_depth"]) == (0, 0)
