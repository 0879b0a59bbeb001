"""The policy of each authority and the calendar of each region, kept per process.

Several API processes and the scheduler share one database, so a change one makes must be seen
by the others at once: a plan created with yesterday's calendar would keep a wrong due date
after the recompute has run. So no time-to-live: each transaction that needs a policy or a
calendar first reads a stamp of both tables in one statement (aggregates over two small
tables: how many rows, the sum of the overrides' versions, the latest change, the range of
days and regions declared), and the process's copies are kept only while the stamp is the one
they were read under. A transaction that writes an override or a declared day reads its own
uncommitted change afresh for the rest of its life (`contexts_changed`) and never caches it.
Copies are kept per engine, so two databases in one process (the tests) never share them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from review_service.domain.policy import Policy
from review_service.domain.regions import Region
from review_service.domain.working_days import WorkingDayCalendar
from review_service.models import NonWorkingDay, PolicyOverride

T = TypeVar("T")
_MEMO = "policy_calendar_cache"  # session.info: (transaction, copies or None to bypass)
_OVERRIDES = (
    func.count(),
    func.coalesce(func.sum(PolicyOverride.version), 0),
    func.max(PolicyOverride.updated_at),
    func.min(PolicyOverride.local_authority),
    func.max(PolicyOverride.local_authority),
)
_DAYS = (
    func.count(),
    func.max(NonWorkingDay.created_at),
    func.min(NonWorkingDay.day),
    func.max(NonWorkingDay.day),
    func.min(NonWorkingDay.region),
    func.max(NonWorkingDay.region),
)
_STAMP = select(
    *(select(a).select_from(PolicyOverride).scalar_subquery() for a in _OVERRIDES),
    *(select(a).select_from(NonWorkingDay).scalar_subquery() for a in _DAYS),
)


@dataclass
class _Copies:
    stamp: tuple[Any, ...]
    policies: dict[str, Policy] = field(default_factory=dict)
    calendars: dict[Region, WorkingDayCalendar] = field(default_factory=dict)


_by_engine: WeakKeyDictionary[Engine, _Copies] = WeakKeyDictionary()
_lock = threading.Lock()


def _copies(session: Session) -> _Copies | None:
    """This process's copies valid in the session's transaction (None: read afresh)."""
    memo = session.info.get(_MEMO)
    transaction = session.get_transaction()
    if memo is not None and transaction is not None and memo[0] is transaction:
        copies: _Copies | None = memo[1]
        return copies
    stamp = tuple(session.execute(_STAMP).one())
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        copies = _by_engine.get(engine)
        if copies is None or copies.stamp != stamp:
            copies = _by_engine[engine] = _Copies(stamp)
    session.info[_MEMO] = (session.get_transaction(), copies)
    return copies


def cached_policy(session: Session, local_authority: str, load: Callable[[], Policy]) -> Policy:
    """The authority's policy, from this process's copy when it is current."""
    return _cached(session, "policies", local_authority, load)


def cached_calendar(
    session: Session, region: Region, load: Callable[[], WorkingDayCalendar]
) -> WorkingDayCalendar:
    """The region's calendar, from this process's copy when it is current."""
    return _cached(session, "calendars", region, load)


def _cached(session: Session, kind: str, key: Any, load: Callable[[], T]) -> T:
    copies = _copies(session)
    if copies is None:
        return load()
    table: dict[Any, T] = getattr(copies, kind)
    value = table.get(key)
    if value is None:
        value = table[key] = load()
    return value


def contexts_changed(session: Session) -> None:
    """Call after writing an override or a declared day: the rest of this transaction reads
    policies and calendars from the database (its own change is not yet anyone else's)."""
    session.info[_MEMO] = (session.get_transaction(), None)
