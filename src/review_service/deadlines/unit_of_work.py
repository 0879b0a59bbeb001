"""The unit of work: one request's or one job's transaction, with the deadlines it touched.

It reads the clock once, when it opens; the services that move a deadline register it with
`touch`; before commit, `finish` derives the timers of every registered deadline in one
batched pass (`timers.derive`), as of that one `today`. A guard on the unit's own session
(not on the global Session class) notes every deadline row the ORM flushes; one that no
service registered is derived all the same (the timers stay right), logged, and counted in
`unregistered_total`, which the tests keep at zero.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from review_service.clock import Clock, london_today
from review_service.deadlines.registry import KIND_OF_MODEL
from review_service.domain.deadlines import DeadlineKind

logger = logging.getLogger(__name__)
_KEY = "unit_of_work"


class UnitOfWork:
    """The transaction of one request or job: its one `now`, and the deadlines it touched."""

    unregistered_total = 0  # deadline rows a code path flushed without registering them

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.today: date = london_today(now)
        self.touched: set[tuple[DeadlineKind, uuid.UUID]] = set()
        self.written: set[tuple[DeadlineKind, uuid.UUID]] = set()
        # Inserted in this unit: they have no timers yet, so derivation need not read any.
        self.created: set[tuple[DeadlineKind, uuid.UUID]] = set()
        # The session holds flushed rows only weakly; kept here until `finish`, the rows this
        # unit wrote are still in its identity map when their timers are derived, not read
        # again (timers.derive).
        self.kept: list[object] = []
        session.info[_KEY] = self
        event.listen(session, "after_flush", self._guard)

    def touch(self, kind: DeadlineKind, ids: Iterable[uuid.UUID]) -> None:
        """Register deadlines whose rows this unit added, moved, finished or deleted."""
        self.touched.update((kind, deadline_id) for deadline_id in ids)

    def finish(self) -> int:
        """Derive the timers of every touched deadline; call just before commit. Returns how
        many deadlines' timers changed."""
        from review_service.timers.derive import derive_timers

        self.session.flush()
        unregistered = self.written - self.touched
        if unregistered:
            type(self).unregistered_total += len(unregistered)
            kinds = sorted({kind.value for kind, _ in unregistered})
            logger.error("deadlines written without being registered: %s", ", ".join(kinds))
        touched = self.touched | self.written
        created = self.created
        self.touched, self.written, self.created = set(), set(), set()
        try:
            if not touched:
                return 0
            return derive_timers(self.session, touched, self.today, created)
        finally:
            self.kept = []

    def close(self) -> None:
        """Detach from the session (after commit or rollback)."""
        if event.contains(self.session, "after_flush", self._guard):
            event.remove(self.session, "after_flush", self._guard)
        self.session.info.pop(_KEY, None)

    def _guard(self, session: Session, _context: Any) -> None:
        # after_flush: ids are assigned, and new/dirty/deleted still show what was written.
        for instance in (*session.new, *session.dirty, *session.deleted):
            kind = KIND_OF_MODEL.get(type(instance))
            if kind is not None:
                self.written.add((kind, instance.id))
        self.kept += (*session.new, *session.dirty)
        for instance in session.new:
            kind = KIND_OF_MODEL.get(type(instance))
            if kind is not None:
                self.created.add((kind, instance.id))


def unit_of(session: Session) -> UnitOfWork:
    """The unit of work `session` belongs to."""
    unit = session.info.get(_KEY)
    if not isinstance(unit, UnitOfWork):
        raise RuntimeError("this session has no unit of work; open one with unit_of_work()")
    return unit


def touch(session: Session, kind: DeadlineKind, *ids: uuid.UUID) -> None:
    """Register deadlines the session's unit of work added, moved, finished or deleted."""
    unit_of(session).touch(kind, ids)


@contextmanager
def open_unit(session: Session, now: datetime) -> Iterator[UnitOfWork]:
    """Make `session` a unit of work as of `now`; on a clean exit derive its timers (the
    caller commits after)."""
    unit = UnitOfWork(session, now)
    try:
        yield unit
        unit.finish()
    finally:
        unit.close()


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], clock: Clock) -> Iterator[UnitOfWork]:
    """A job's transaction: read the clock once, yield the unit, derive timers, commit."""
    with sessions() as session, session.begin(), open_unit(session, clock.now()) as unit:
        yield unit


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint of the unit's transaction: rolled back on an error, and then the deadlines
    registered inside it are forgotten (their rows are gone with it)."""
    unit = unit_of(session)
    touched, written, created = set(unit.touched), set(unit.written), set(unit.created)
    try:
        with session.begin_nested():
            yield
    except BaseException:
        unit.touched, unit.written, unit.created = touched, written, created
        raise
