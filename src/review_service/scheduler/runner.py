"""The scheduler process: APScheduler running the claiming jobs.

Timers live in the service's own table; APScheduler only runs the few jobs that claim them in
batches (its job stores must never be shared between schedulers, and one job per timer does
not scale to millions). Jobs read "now" from the injected clock.
"""

from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock
from review_service.scheduler.jobs import (
    fire_due_timers,
    prune,
    recompute_after_calendar_change,
    recount_timers,
)
from review_service.scheduler.leadership import Leadership
from review_service.settings import Settings
from review_service.webhooks.delivery import deliver_due
from review_service.webhooks.transport import destination_policy

logger = logging.getLogger(__name__)


class SchedulerRunner:
    """Owns one APScheduler instance, the leadership and the jobs."""

    def __init__(
        self, settings: Settings, engine: Engine, sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self.leadership = Leadership(engine)
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the jobs in background threads."""
        tick = self._settings.scheduler_tick_seconds
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self._scheduler.add_job(self.lead, "interval", seconds=tick, id="lead", **common)
        self._scheduler.add_job(
            self.deliver,
            "interval",
            seconds=self._settings.delivery_poll_seconds,
            id="deliver",
            **common,
        )
        self._scheduler.add_job(
            self.recount,
            "cron",
            hour=2,
            minute=0,
            timezone="Europe/London",
            id="recount",
            **common,
        )
        self._scheduler.add_job(
            self.prune, "cron", hour=3, minute=0, timezone="Europe/London", id="prune", **common
        )
        self._scheduler.start()
        logger.info("scheduler started (%s)", self.leadership.holder)

    def lead(self) -> bool:
        """If this process leads: heartbeat, fire due timers, apply calendar changes."""
        with self._lock:
            if not self.leadership.try_lead():
                return False
            self.leadership.heartbeat(self._sessions, self._clock.now())
            fire_due_timers(self._sessions, self._clock, batch=self._settings.timer_batch)
            recompute_after_calendar_change(self._sessions, self._clock)
            return True

    def deliver(self) -> int:
        """Send due deliveries until none is left (workers in every process share them)."""
        sent = 0
        while True:
            count = deliver_due(
                self._sessions,
                self._clock,
                batch=self._settings.delivery_batch,
                concurrency=self._settings.delivery_concurrency,
                schedule=self._settings.retry_schedule,
                destinations=destination_policy(self._settings),
            )
            sent += count
            if count == 0:
                return sent

    def prune(self) -> None:
        """Nightly clean-up of delivered messages and old fired timers (leader only)."""
        if self.leadership.try_lead():
            prune(self._sessions, self._clock)

    def recount(self) -> None:
        """Nightly re-derivation of every open deadline's timers (leader only)."""
        if self.leadership.try_lead():
            recount_timers(self._sessions, self._clock)

    def run_once(self) -> tuple[bool, int]:
        """One full pass, synchronously (tests and simulations drive the clock with it)."""
        led = self.lead()
        return led, self.deliver()

    def shutdown(self) -> None:
        """Stop the jobs, waiting for a running one to finish, and give up leadership."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        if self.leadership.leads:
            self.leadership.resign(self._sessions)
        self.leadership.release()
        logger.info("scheduler stopped")
