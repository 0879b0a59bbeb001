"""The IRO unit board's render time at national scale (issue 12: "the board for one authority
of the 500,000-plan benchmark database renders in under 300 ms on PostgreSQL").

Run as `.venv/bin/python bench/board.py [--database review_bench] [--reuse] [--authority
E09000007] [--requests 50] [--explain]`. Seeds the database as bench/api.py does, by COPY
(bench/seed.py; with --reuse keeps it when it was seeded at the same sizes, and migrates it
to this branch's head, so point a branch with newer migrations at its own --database),
makes a read token bound to one authority (by default the one with most plans), logs in
through the board's own login form in-process (the real app, its real PostgreSQL engine, no
server or network between), then times GET /board and GET /board?chair=... and prints
p50/p99 and the statements one render runs, with EXPLAIN (ANALYZE, BUFFERS) under --explain.
Then times the timeliness report (GET /v1/reports/timeliness, the last 12 months, ungrouped
and by every group_by, as JSON and CSV; issue 10: "under 1 s at 500,000 plans") for that
authority's token and for an unbound token (every authority). --timeliness-only skips the
board, --timeliness-runs N sets the timed requests per report variant, --bodies DIR writes
each variant's last response body to DIR so two checkouts' bodies can be compared with
`cmp`. With --as-is the database is used as it stands (no seeding, no migration), so
another checkout's code can be timed against the same rows:
`PYTHONPATH=<checkout>/src .venv/bin/python bench/board.py --as-is ...`.
Not part of the test run.
"""

import os
import sys

# As in bench/api.py: keep this directory last so bench/calendar.py never shadows `calendar`.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import gc  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
import seed  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event  # noqa: E402

from review_service.app import create_app  # noqa: E402
from review_service.auth import Scope  # noqa: E402
from review_service.clock import london_today  # noqa: E402
from review_service.database import create_database_engine, create_session_factory  # noqa: E402
from review_service.migrations import upgrade_to_head  # noqa: E402
from review_service.settings import Settings  # noqa: E402
from review_service.tokens.service import create_token  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SERVER = "postgres@127.0.0.1:5432"
COMMENT = "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=150_000)
    parser.add_argument("--plans", type=int, default=500_000)
    parser.add_argument("--database", default="review_bench", help="PostgreSQL database")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded review_bench")
    parser.add_argument("--authority", help="local authority code (default: the largest)")
    parser.add_argument("--requests", type=int, default=50, help="timed renders per page")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    parser.add_argument("--as-is", action="store_true", help="no seeding, no migration")
    parser.add_argument(
        "--timeliness-only", action="store_true", help="time the timeliness report only"
    )
    parser.add_argument(
        "--timeliness-runs", type=int, help="timed requests per report variant (default 10)"
    )
    parser.add_argument(
        "--bodies", help="directory to write each report variant's response body to"
    )
    return parser.parse_args()


def prepare_database(args: argparse.Namespace, url: str) -> None:
    """Create, migrate and seed the database, unless --reuse finds it seeded alike."""
    marker = f"review-bench children={args.children} plans={args.plans}"
    db = args.database
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        row = admin.execute(COMMENT, (db,)).fetchone()
        if args.reuse and row is not None and row[0] == marker:
            print(f"reusing {db} ({marker})")
            upgrade_to_head(url)
            return
        admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {db}")
    started = time.perf_counter()
    upgrade_to_head(url)
    seed.seed(url, args.children, args.plans, london_today(datetime.now(UTC)))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE {db} IS '{marker}'")
    print(f"seeding took {time.perf_counter() - started:.1f}s (migrate, COPY, keys, VACUUM)")


def read_token(url: str, authority: str | None) -> str:
    """A new read token's secret, bound to `authority` (None: every authority)."""
    engine = create_database_engine(Settings(database_url=url))
    with create_session_factory(engine)() as session:
        token = create_token(
            session,
            name=f"bench-board-{time.time_ns()}",
            scopes=frozenset({Scope.READ}),
            local_authority=authority,
            now=datetime.now(UTC),
        )
        session.commit()
    engine.dispose()
    return token.secret


def print_times(label: str, samples: list[float]) -> None:
    """One line: p50, p99 and max in milliseconds."""
    print(
        f"{label:<44} n={len(samples)} p50={percentile(samples, 0.5):7.1f} ms "
        f"p99={percentile(samples, 0.99):7.1f} ms max={max(samples):7.1f} ms"
    )


REPORT_GROUPS = (None, "plan_type", "chair", "local_authority", "month")
REPORT_FORMATS = {"json": "application/json", "csv": "text/csv"}


def time_timeliness(client: TestClient, secret: str, who: str, n: int, bodies: str | None) -> None:
    """Time GET /v1/reports/timeliness over the last 12 months, for every group_by, as JSON
    and as CSV; with `bodies`, write each variant's last body there (to compare checkouts)."""
    today = london_today(datetime.now(UTC))
    first = date(today.year - 1, today.month, 1)
    for group_by in REPORT_GROUPS:
        for fmt, accept in REPORT_FORMATS.items():
            params = {"from": first.isoformat(), "to": today.isoformat()}
            if group_by is not None:
                params["group_by"] = group_by
            headers = {"Authorization": f"Bearer {secret}", "Accept": accept}
            samples = []
            for i in range(n + 1):
                started = time.perf_counter()
                response = client.get("/v1/reports/timeliness", params=params, headers=headers)
                if i:  # the first is a warm-up
                    samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
            print_times(f"timeliness {who} by {group_by or '-'} {fmt}", samples)
            if bodies is not None:
                name = f"{who.replace(' ', '_')}.{group_by or 'none'}.{fmt}"
                with open(os.path.join(bodies, name), "wb") as body:
                    body.write(response.content)


def percentile(samples: list[float], share: float) -> float:
    """The `share` quantile by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def login(client: TestClient, secret: str) -> None:
    """Sign in through the board's own form, as a person would."""
    page = client.get("/board/login")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert form_token is not None
    response = client.post(
        "/board/login",
        data={"token": secret, "csrf_token": form_token[1]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def time_page(client: TestClient, path: str, params: dict[str, str], n: int) -> list[float]:
    """Milliseconds per render of `path`, after two untimed warm-up renders."""
    for _ in range(2):
        assert client.get(path, params=params).status_code == 200
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return samples


def time_board(
    client: TestClient,
    secret: str,
    authority: str,
    chair: str,
    n: int,
    statements: list[tuple[str, Any]],
) -> None:
    """Log in, record one render's statements into `statements`, time the board's pages."""
    login(client, secret)

    def record(*event_args: Any) -> None:
        statements.append((event_args[2], event_args[3]))

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    assert client.get("/board").status_code == 200
    event.remove(engine, "before_cursor_execute", record)
    print(f"one render of {authority}'s board runs {len(statements)} statements")
    for label, params in (("GET /board", {}), (f"GET /board?chair={chair}", {"chair": chair})):
        print_times(label, time_page(client, "/board", params, n))


def main() -> None:
    """Seed or reuse, log in, time the board, print the figures."""
    args = arguments()
    url = f"postgresql+psycopg://{SERVER}/{args.database}"
    libpq_url = f"postgresql://{SERVER}/{args.database}"
    if not args.as_is:
        prepare_database(args, url)
    with psycopg.connect(libpq_url) as conn:
        authority = (
            args.authority
            or conn.execute(
                "SELECT local_authority FROM plans GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            ).fetchone()[0]
        )  # type: ignore[index]
        plans = conn.execute(
            "SELECT count(*) FROM plans WHERE local_authority = %s", (authority,)
        ).fetchone()[0]  # type: ignore[index]
        chair = conn.execute(
            "SELECT chair_id FROM plans WHERE local_authority = %s AND chair_id IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            (authority,),
        ).fetchone()[0]  # type: ignore[index]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"authority {authority}: {plans} plans")
    secret, national = read_token(url, authority), read_token(url, None)
    statements: list[tuple[str, Any]] = []
    app = create_app(Settings(database_url=url), run_scheduler=False)
    if args.bodies is not None:
        os.makedirs(args.bodies, exist_ok=True)
    with TestClient(app) as client:
        gc.collect()
        gc.freeze()  # as review_service.asgi does in every server worker
        runs = args.timeliness_runs or max(5, args.requests // 5)
        if not args.timeliness_only:
            time_board(client, secret, authority, chair, args.requests, statements)
        time_timeliness(client, secret, f"of {authority}", runs, args.bodies)
        time_timeliness(client, national, "of every authority", runs, args.bodies)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.explain:
        with psycopg.connect(libpq_url) as conn:
            for sql, params in statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                conn.execute("SET jit = off")
                plan = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).fetchall()
                print("\n" + sql.split("\n")[0][:120])
                print("\n".join(r[0] for r in plan))
    print("target: p99 under 300 ms (issue 12)")


if __name__ == "__main__":
    main()
