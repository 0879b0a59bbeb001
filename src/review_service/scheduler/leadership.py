"""One active scheduler: leadership through a PostgreSQL advisory lock.

The leader holds a session-level advisory lock on a connection of its own; if the process
dies, PostgreSQL drops the connection and the lock with it, and a standby that keeps trying
takes over on its next tick. On SQLite the single process is always the leader.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, text
from sqlalchemy.orm import Session, sessionmaker

from review_service.models import SchedulerLease

logger = logging.getLogger(__name__)
# A fixed 64-bit key: "review-service scheduler".
LOCK_KEY = 0x7265766965777363


def holder_name() -> str:
    """This process, as the status endpoint shows it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """Acquire, keep and give up the scheduler's leadership."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self.holder = holder_name()

    @property
    def leads(self) -> bool:
        """Whether this process holds the leadership now (on SQLite it always does)."""
        return not self.is_postgres or self._connection is not None

    @property
    def is_postgres(self) -> bool:
        """Whether leadership is arbitrated by the database."""
        return self._engine.dialect.name == "postgresql"

    def try_lead(self) -> bool:
        """True while this process is the leader (acquiring it if it is free)."""
        if not self.is_postgres:
            return True
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the lock went with the connection
                logger.warning("scheduler lost its leadership connection")
                self._drop()
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        acquired = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
        )
        if not acquired:
            connection.close()
            return False
        logger.info("scheduler %s is the leader", self.holder)
        self._connection = connection
        return True

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                self._connection.close()
        self._connection = None

    def release(self) -> None:
        """Give up leadership (on a clean shutdown)."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            except Exception as exc:  # the connection died, and the lock went with it
                logger.warning(
                    "scheduler's leadership connection was gone (%s)", type(exc).__name__
                )
            finally:
                self._drop()

    def resign(self, sessions: sessionmaker[Session]) -> None:
        """Withdraw this process's heartbeat on a clean shutdown, so that the status endpoint
        stops naming a leader that has gone at once rather than 30 s later."""
        try:
            with sessions() as session, session.begin():
                session.execute(
                    delete(SchedulerLease).where(
                        SchedulerLease.name == "scheduler", SchedulerLease.holder == self.holder
                    )
                )
        except Exception as exc:  # the database may be gone; the heartbeat then goes stale
            logger.warning("scheduler could not withdraw its heartbeat (%s)", type(exc).__name__)

    def heartbeat(self, sessions: sessionmaker[Session], now: datetime) -> None:
        """Record that this process leads, for `GET /v1/scheduler/status`."""
        with sessions() as session, session.begin():
            lease = session.get(SchedulerLease, "scheduler")
            if lease is None:
                session.add(SchedulerLease(name="scheduler", holder=self.holder, heartbeat_at=now))
            else:
                lease.holder, lease.heartbeat_at = self.holder, now


def lock_is_held(session: Session) -> bool:
    """On PostgreSQL: whether any session holds the leadership lock. A leader that died (even
    by SIGKILL) lost it with its connection, however fresh its last heartbeat."""
    # A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low), objsubid 1.
    held = session.scalar(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = :high AND objid = :low AND objsubid = 1"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF},
    )
    return bool(held)
