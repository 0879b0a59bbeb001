"""The scheduler process: APScheduler running the service's periodic jobs.

Until timers and webhooks land it runs one heartbeat job, so that `serve` and `scheduler`
start and stop it exactly as they will when it has real work.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock
from review_service.settings import Settings

logger = logging.getLogger(__name__)


class SchedulerRunner:
    """Owns one APScheduler instance and the jobs it runs."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self.ticks = 0

    def start(self) -> None:
        """Start the jobs in background threads."""
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=self._settings.scheduler_tick_seconds,
            id="tick",
            max_instances=1,
            coalesce=True,
        )
        self._scheduler.start()
        logger.info("scheduler started")

    def tick(self) -> None:
        """One pass of the scheduler's work: for now, a database heartbeat."""
        with self._sessions() as session:
            session.execute(text("SELECT 1"))
        self.ticks += 1

    def shutdown(self) -> None:
        """Stop the jobs, waiting for a running one to finish."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
            logger.info("scheduler stopped")
