"""Issue 8, "Metrics": deliveries by outcome, counted where each attempt is recorded, as
/metrics reports them (the counter is process-wide, so the test reads differences)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from review_service.scheduler.runner import SchedulerRunner
from tests.api.test_metrics_api import scrape, value
from tests.conftest import TokenFactory
from tests.scheduler.receiver import Receiver
from tests.scheduler.test_delivery import send_ping, subscribe

DELIVERIES = "review_service_webhook_deliveries_total"


def test_deliveries_are_counted_by_outcome(
    client: TestClient, make_token: TokenFactory, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver,
) -> None:
    hooks, metrics = make_token("webhooks"), make_token("metrics")
    sub = subscribe(client, hooks, receiver.url, "ping")
    before = scrape(client, metrics)
    receiver.answer(500, times=3)  # the runner makes three attempts in all (5 s, then 60 s)
    send_ping(client, hooks, sub["id"])
    send_ping(client, hooks, sub["id"])
    runner.run_once()  # two attempts: both 500, both to be retried
    clock.advance(timedelta(seconds=5))
    runner.run_once()  # one 500 more (retry again), one 204 (delivered)
    clock.advance(timedelta(seconds=60))
    runner.run_once()  # the last attempt of the first ping: delivered
    after = scrape(client, metrics)

    def moved(outcome: str) -> float:
        return (value(after, DELIVERIES, outcome=outcome)
                - value(before, DELIVERIES, outcome=outcome))

    assert (moved("retry"), moved("delivered"), moved("failed"), moved("gone")) == (3, 2, 0, 0)
