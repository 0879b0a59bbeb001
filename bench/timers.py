"""Bulk timer derivation benchmark (issue 9, "Bulk derivation").

Run as `.venv/bin/python bench/timers.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]`.
On a scratch SQLite file and, when a PostgreSQL server is named, on a scratch database it
creates and drops, it writes batches of 1, 100 and 10,000 open actions (as an import would,
with Core) and derives their timers through a job's unit of work. For each batch it prints
deadlines/s and the SQL statements the derivation cost (counted with a
`before_cursor_execute` listener), first deriving (three escalation timers per action are
inserted) and then re-deriving (nothing changes: what the nightly recount does). Not part of
the test run.
"""

import os
import sys

# Run as a script, this directory is sys.path[0] and bench/calendar.py would shadow the
# standard library's `calendar`; keep the directory, but last.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from typing import Any  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, event, insert, make_url, text  # noqa: E402

from review_service.app import create_app  # noqa: E402
from review_service.auth import parse_scopes  # noqa: E402
from review_service.clock import ControllableClock  # noqa: E402
from review_service.deadlines.unit_of_work import unit_of_work  # noqa: E402
from review_service.domain.deadlines import ActionStatus, DeadlineKind  # noqa: E402
from review_service.migrations import upgrade_to_head  # noqa: E402
from review_service.models import Action  # noqa: E402
from review_service.settings import Settings  # noqa: E402
from review_service.tokens.service import create_token  # noqa: E402

BATCHES = (1, 100, 10_000)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _held_review(app: Any, clock: ControllableClock) -> tuple[uuid.UUID, uuid.UUID]:
    """A looked-after plan whose first review is held: (plan id, review id)."""
    with app.state.session_factory() as session:
        token = create_token(session, name="bench", scopes=parse_scopes("admin"),
                             local_authority=None, now=clock.now())
        session.commit()
    headers = {"Authorization": f"Bearer {token.secret}"}
    with TestClient(app) as client:
        child = client.post("/v1/children", json={"external_id": "bench-1",
                                                  "date_of_birth": "2015-05-01",
                                                  "local_authority": "LA1"}, headers=headers)
        plan = client.post("/v1/plans", json={"child_id": child.json()["id"],
                                              "type": "looked_after",
                                              "start_date": "2026-02-16"}, headers=headers)
        review_id = plan.json()["next_review"]["id"]
        held = client.post(f"/v1/reviews/{review_id}/complete",
                           json={"held_on": "2026-03-02", "participation_code": "PN1"},
                           headers=headers)
        assert held.status_code == 200, held.text
    return uuid.UUID(plan.json()["id"]), uuid.UUID(review_id)


@contextmanager
def _counting(engine: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _derive(app: Any, clock: ControllableClock, ids: list[uuid.UUID]) -> tuple[float, int]:
    with _counting(app.state.engine) as statements:
        start = time.perf_counter()
        with unit_of_work(app.state.session_factory, clock) as unit:
            unit.touch(DeadlineKind.ACTION, ids)
        elapsed = time.perf_counter() - start
    return elapsed, len(statements)


def run(url: str, label: str) -> None:
    """Seed, then derive each batch twice on the database at `url`."""
    upgrade_to_head(url)
    clock = ControllableClock(NOW)
    app = create_app(Settings(database_url=url, scheduler_enabled=False), clock=clock,
                     run_scheduler=False)
    plan_id, review_id = _held_review(app, clock)
    for size in BATCHES:
        ids = [uuid.uuid4() for _ in range(size)]
        with app.state.session_factory() as session, session.begin():
            session.execute(insert(Action), [
                {"id": i, "review_id": review_id, "plan_id": plan_id, "description": "d",
                 "owner": "o", "due_by": date(2026, 3, 20), "status": ActionStatus.OPEN.value,
                 "created_at": NOW, "updated_at": NOW} for i in ids])
        for phase in ("derive", "re-derive"):
            elapsed, statements = _derive(app, clock, ids)
            print(f"{label:10} {phase:9} batch {size:>6}: {size / elapsed:>9.0f} deadlines/s "
                  f"({elapsed * 1000:8.1f} ms), {statements} statements")
    app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("REVIEW_SERVICE_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL; a scratch database is made and dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        run(f"sqlite:///{directory}/timers-bench.db", "sqlite")
    if not args.postgres:
        return
    name = f"review_bench_timers_{os.getpid()}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        run(url, "postgresql")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
