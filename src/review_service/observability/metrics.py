"""Prometheus metrics of one app: requests, the scheduler's backlog, deliveries, the pool.

Each app has a registry of its own rather than prometheus-client's global one: tests and
tools build many apps in one process, and a global registry would refuse the second app's
metrics (duplicate names) or mix their counts. The delivery counter is the exception: the
delivery worker is not tied to an app, so it is one process-wide counter that every app's
registry includes. No label ever carries a child's data: routes are templates (unmatched
ones share one label), methods and statuses are bounded sets.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from review_service.scheduler.backlog import measure_backlog

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Incremented where the delivery worker records an attempt (webhooks/delivery.py).
DELIVERY_OUTCOMES = Counter(
    "review_service_webhook_deliveries",
    "Webhook delivery attempts recorded by this process, by outcome.",
    ["outcome"],
    registry=None,
)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServiceMetrics:
    """The metrics of one app and the registry that exposes them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "review_service_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "review_service_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.lag = Gauge(
            "review_service_scheduler_lag_seconds",
            "Now minus the oldest due timer that has not fired.",
            registry=registry,
        )
        self.pending_timers = Gauge(
            "review_service_timers_pending", "Timers not yet fired.", registry=registry
        )
        self.due_timers = Gauge(
            "review_service_timers_due",
            "Timers whose moment has come but have not fired.",
            registry=registry,
        )
        self.outbox_depth = Gauge(
            "review_service_outbox_depth",
            "Webhook deliveries waiting to be sent or retried.",
            registry=registry,
        )
        self.failing_subscriptions = Gauge(
            "review_service_webhook_subscriptions_failing",
            "Subscriptions disabled, or with a failed delivery.",
            registry=registry,
        )
        self.pool_checked_out = Gauge(
            "review_service_database_pool_checked_out",
            "Database connections in use by this process.",
            registry=registry,
        )
        self.pool_size = Gauge(
            "review_service_database_pool_size",
            "Connections the pool keeps (more may open, up to its overflow).",
            registry=registry,
        )
        registry.register(DELIVERY_OUTCOMES)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self, session: Session, engine: Engine, now: datetime) -> bytes:
        """The metrics in Prometheus text format, the database gauges read as of `now`."""
        backlog = measure_backlog(session, now)
        self.lag.set(backlog.lag_seconds)
        self.pending_timers.set(backlog.pending_timers)
        self.due_timers.set(backlog.due_timers)
        self.outbox_depth.set(backlog.outbox_depth)
        self.failing_subscriptions.set(backlog.failing_subscriptions)
        pool = engine.pool
        # SQLite files get a QueuePool too; an in-memory SQLite database has no pool to report.
        if isinstance(pool, QueuePool):
            self.pool_checked_out.set(pool.checkedout())
            self.pool_size.set(pool.size())
        return generate_latest(self.registry)
