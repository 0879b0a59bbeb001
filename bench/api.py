"""API benchmark at national scale (issue 3, "Scale and speed"; DESIGN.md "Scale").

Run as `.venv/bin/python bench/api.py [--children 150000 --plans 500000 --duration 15
--concurrency 32 --workers 2 --reuse]`. Seeds (or with --reuse keeps, when the sizes match) the
PostgreSQL database `review_bench` (bench/seed.py), starts the real server and a bare FastAPI
app with the same worker count, and measures requests/s and p50/p99 latency of create plan,
get review, complete review and the two dashboard queries beside the bare endpoint, all on
127.0.0.1. Then prints the targets and EXPLAIN (ANALYZE, BUFFERS) of the dashboard queries.
With --sequential it measures instead, one request in flight (issue 9's method), the server's
own /health beside create child, create plan, post event, complete review, get review and the
50-row dashboard page, prints each as a share of /health, then the dashboard with 8 requests
in flight (p99 < 50 ms). `--server-python` runs the server with another checkout's Python
(e.g. the code before a change) so both are measured by the same client on the same data.
Not part of the test run.
"""

import os
import sys

# Run as a script, this directory is sys.path[0] and bench/calendar.py would shadow the
# standard library's `calendar`; keep the directory, but last, so `seed` still imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
import psycopg  # noqa: E402
import seed  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from review_service.auth import Principal, Scope  # noqa: E402
from review_service.clock import london_today  # noqa: E402
from review_service.database import create_database_engine, create_session_factory  # noqa: E402
from review_service.domain.reviews import age_on  # noqa: E402
from review_service.migrations import upgrade_to_head  # noqa: E402
from review_service.reviews.repository import dashboard_query  # noqa: E402
from review_service.settings import Settings  # noqa: E402
from review_service.tokens.service import create_token  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# REVIEW_BENCH_DATABASE names another database, so helpers sharing a server never clobber
# each other's seeded data (bench/events.py reads the same name through this module).
DB = os.environ.get("REVIEW_BENCH_DATABASE", "review_bench")
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
PENDING = ["due", "scheduled", "adjourned"]
BARE_APP = (
    'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/bare")\n'
    'async def bare() -> dict[str, str]:\n    return {"status": "ok"}\n\n\n'
    '@app.get("/bare-sync")\ndef bare_sync() -> dict[str, str]:\n    return {"status": "ok"}\n'
)
# --nodelay: uvicorn binds the --workers N listening socket with proto 0, so asyncio never sets
# TCP_NODELAY on accepted connections and a response written in two segments waits ~40 ms for
# the client's delayed ACK (Kludex/uvicorn#3149). This runs the same command lines with the
# listener created as IPPROTO_TCP, as the proposed upstream fix does.
NODELAY = """import socket, sys, types
import uvicorn.config

def tcp(family=socket.AF_INET, type=socket.SOCK_STREAM, proto=0, fileno=None):
    if fileno is None and family in (socket.AF_INET, socket.AF_INET6) and not proto:
        proto = socket.IPPROTO_TCP
    return socket.socket(family, type, proto, fileno)

uvicorn.config.socket = types.SimpleNamespace(**{**vars(socket), "socket": tcp})
"""
Request = tuple[str, str, dict[str, Any] | None]
Next = Callable[[], Request | None]
LITERAL = {"literal_binds": True}
COMMENT = "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s"
UNUSED = "external_id LIKE 'bench-%' AND NOT EXISTS (SELECT FROM plans WHERE child_id = c.id)"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=150_000)
    parser.add_argument("--plans", type=int, default=500_000)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded review_bench")
    parser.add_argument("--nodelay", action="store_true", help="work around uvicorn#3149")
    parser.add_argument("--sequential", action="store_true", help="1 in flight, vs /health")
    parser.add_argument("--server-python", help="the server's Python (default: this one)")
    parser.add_argument(
        "--baseline-python",
        help="with --sequential, also run a server from this Python (e.g. main's checkout) and "
        "measure it beside this one, endpoint by endpoint, on the same data",
    )
    return parser.parse_args()


def prepare_database(n_children: int, n_plans: int, reuse: bool) -> None:
    """Create, migrate and seed `review_bench`, unless --reuse finds it seeded alike."""
    marker = f"review-bench children={n_children} plans={n_plans}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        row = admin.execute(COMMENT, (DB,)).fetchone()
        if reuse and row is not None and row[0] == marker:
            print(f"reusing {DB} ({marker})")
            upgrade_to_head(URL)
            return
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB}")
    started = time.perf_counter()
    upgrade_to_head(URL)
    seed.seed(URL, n_children, n_plans, london_today(datetime.now(UTC)))
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE {DB} IS '{marker}'")
    print(f"seeding took {time.perf_counter() - started:.1f}s (migrate, COPY, keys, VACUUM)")


@dataclass
class Pools:
    """What requests draw from; fresh children and reviews to complete are used once."""

    token: str
    today: date
    chairs: list[str]
    authorities: list[str]
    review_ids: list[str]
    completions: list[tuple[str, dict[str, Any]]]
    children: list[str]
    with_open_plans: list[str] = field(default_factory=list)


def prepare_pools(conn: psycopg.Connection[Any], fresh_children: int) -> Pools:
    """An admin token (unbound), fresh children for new plans (COPY), and samples."""
    today, rng = london_today(datetime.now(UTC)), random.Random()
    engine = create_database_engine(Settings(database_url=URL))
    with create_session_factory(engine)() as session:
        name, now = f"bench-{time.time_ns()}", datetime.now(UTC)
        scopes = frozenset({Scope.ADMIN})
        token = create_token(session, name=name, scopes=scopes, local_authority=None, now=now)
        session.commit()
    engine.dispose()
    authorities = [r[0] for r in conn.execute("SELECT DISTINCT local_authority FROM children")]
    children, tag = [], time.strftime("%Y%m%d%H%M%S")
    with conn.cursor().copy(seed.copy_sql("children")) as copy:
        for i in range(fresh_children):
            dob = today - timedelta(days=rng.randrange(30, 17 * 365))
            children.append(seed.new_id(rng))
            la = rng.choice(authorities)
            copy.write_row((children[-1], la, f"bench-{tag}-{i}", dob, None, now, now, 1))
    conn.commit()
    chairs = [r[0] for r in conn.execute("SELECT DISTINCT chair_id FROM plans")]
    sample = "SELECT id FROM reviews WHERE status = ANY(%s) ORDER BY random() LIMIT 20000"
    review_ids = [str(r[0]) for r in conn.execute(sample, (PENDING,))]
    # Pending reviews due by a month from now, their plan's start, the child's birthday and
    # the previous review's held date: held_on is at most 7 days before min(due, today).
    rows = conn.execute(
        "SELECT r.id, r.plan_type, r.due_by, p.start_date, c.date_of_birth, h.held_on "
        "FROM reviews r JOIN plans p ON p.id = r.plan_id JOIN children c ON c.id = p.child_id "
        "LEFT JOIN reviews h ON h.plan_id = r.plan_id AND h.sequence = r.sequence - 1 "
        "AND h.status = 'held' WHERE r.status = ANY(%s) AND r.due_by <= %s "
        "ORDER BY random() LIMIT 30000",
        (PENDING, today + timedelta(days=30)),
    ).fetchall()
    completions = []
    for review_id, plan_type, due, start, dob, previous in rows:
        held = max(start, previous or start, min(due, today) - timedelta(rng.randrange(8)))
        body: dict[str, Any] = {"held_on": held.isoformat()}
        if plan_type in ("looked_after", "short_breaks") and age_on(dob, held) >= 4:
            body["participation_code"] = "PN1"
        if held <= today:
            completions.append((str(review_id), body))
    sample = (
        "SELECT child_id FROM plans WHERE status = 'open' AND type = 'looked_after' "
        "ORDER BY random() LIMIT 20000"
    )
    with_open_plans = [str(r[0]) for r in conn.execute(sample)]
    return Pools(
        token.secret, today, chairs, authorities, review_ids, completions, children, with_open_plans
    )


def requesters(pools: Pools, n: int) -> dict[str, tuple[Next, int]]:
    """Per endpoint, a function giving the next request (None when its pool is used up) and
    the requests in flight: `--concurrency`, and 1 for the unloaded dashboard latency."""
    rng = random.Random(7)
    types = [t.value for t in seed.PT]
    weights = [seed.SHARES.get(t, 0.632) for t in seed.PT]

    def create_plan() -> Request | None:
        if not pools.children:
            return None
        start = pools.today - timedelta(days=rng.randrange(60))
        body = {"child_id": pools.children.pop(), "type": rng.choices(types, weights)[0]}
        body |= {"start_date": start.isoformat(), "chair_id": rng.choice(pools.chairs)}
        return "POST", "/v1/plans", body

    def complete() -> Request | None:
        if not pools.completions:
            return None
        review_id, body = pools.completions.pop()
        return "POST", f"/v1/reviews/{review_id}/complete", body

    chair = "/v1/reviews?chair_id={}&status=due&status=scheduled&limit=50"
    late = "/v1/reviews?local_authority={}&late=true&limit=50"

    def chair_due() -> Request:
        return "GET", chair.format(rng.choice(pools.chairs)), None

    def la_late() -> Request:
        return "GET", late.format(rng.choice(pools.authorities)), None

    return {
        "bare (async def)": (lambda: ("GET", "/bare", None), n),
        "bare (def, threadpool)": (lambda: ("GET", "/bare-sync", None), n),
        "get review": (lambda: ("GET", f"/v1/reviews/{rng.choice(pools.review_ids)}", None), n),
        "dashboard: chair due": (chair_due, n),
        "dashboard: LA late": (la_late, n),
        "create plan": (create_plan, n),
        "complete review": (complete, n),
        "chair due, 1 in flight": (chair_due, 1),
        "LA late, 1 in flight": (la_late, 1),
    }


def sequential_requesters(pools: Pools) -> dict[str, tuple[Next, int]]:
    """Issue 9's method: one request in flight against the same server's /health, each
    write and the 50-row dashboard page; then the dashboard with 8 in flight."""
    rng, tag, counter = random.Random(9), time.strftime("%Y%m%d%H%M%S"), iter(range(10**9))
    timed = requesters(pools, 1)

    def create_child() -> Request:
        dob = pools.today - timedelta(days=rng.randrange(30, 17 * 365))
        body = {"external_id": f"bench-seq-{tag}-{next(counter)}", "date_of_birth": str(dob)}
        return "POST", "/v1/children", body | {"local_authority": rng.choice(pools.authorities)}

    def post_event() -> Request:
        occurred = datetime.now(UTC) - timedelta(minutes=rng.randrange(600))
        body = {"source": f"bench-seq-{tag}", "event_id": str(next(counter))}
        body |= {"child_id": rng.choice(pools.with_open_plans), "type": "missing_from_home"}
        return "POST", "/v1/events", body | {"occurred_at": occurred.isoformat()}

    return {
        "health (same server)": (lambda: ("GET", "/health", None), 1),
        "create child": (create_child, 1),
        "create plan": (timed["create plan"][0], 1),
        "post event": (post_event, 1),
        "complete review": (timed["complete review"][0], 1),
        "get review": (timed["get review"][0], 1),
        "dashboard: chair due": (timed["dashboard: chair due"][0], 1),
        "dashboard: LA late": (timed["dashboard: LA late"][0], 1),
        "chair due, 8 in flight": (timed["dashboard: chair due"][0], 8),
        "LA late, 8 in flight": (timed["dashboard: LA late"][0], 8),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env={**os.environ, **env}, start_new_session=True)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server (uvicorn stops its workers); kill its process group if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, name, CPU seconds used) of every process, from /proc."""
    table, tick = [], os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()
        table.append((int(pid), int(rest[1]), name, (int(rest[11]) + int(rest[12])) / tick))
    return table


def cpu(server: int) -> tuple[float, ...]:
    """CPU seconds of this client, the server process tree, PostgreSQL and all the rest."""
    table = processes()
    srv = sum(c for pid, ppid, _, c in table if server in (pid, ppid))
    pg = sum(c for *_, n, c in table if n.startswith("postgres"))
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    return time.process_time(), srv, pg, busy - time.process_time() - srv - pg


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    exhausted: bool = False

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def ms(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


async def measure(name: str, base: str, nxt: Next, concurrency: int, args: Any) -> Result:
    """`concurrency` loops, each with its own keep-alive connection, send requests for
    warm-up + `--duration` seconds; requests started after the warm-up count. CPU use is
    sampled over the counted part."""
    result, marks, server = Result(name), {}, args.server_pid
    measure_from = time.perf_counter() + args.warmup
    end = measure_from + args.duration
    last_finish = measure_from

    async def worker() -> None:
        nonlocal last_finish
        client = httpx.AsyncClient(base_url=base, headers=headers, limits=one, timeout=60)
        while (started := time.perf_counter()) < end and (request := nxt()) is not None:
            if started >= measure_from and not marks:
                marks.update(wall=started, cpu=cpu(server))
            try:
                response = await client.request(request[0], request[1], json=request[2])
                status, text = response.status_code, response.text
            except httpx.HTTPError as exc:
                status, text = 0, repr(exc)
            finished = time.perf_counter()
            if started >= measure_from:
                result.latencies.append(finished - started)
                last_finish = max(last_finish, finished)
            if started >= measure_from and not 200 <= status < 300:
                result.errors += 1
                result.samples = [*result.samples, f"{status} {request[1]}: {text[:400]}"][:3]
        result.exhausted |= time.perf_counter() < end
        await client.aclose()

    # One client per loop: a shared httpx pool of 32 connections costs the client several
    # times more CPU per request (pool bookkeeping) and would cap every figure.
    one, headers = httpx.Limits(max_connections=1), {"Authorization": f"Bearer {args.token}"}
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if marks:
        result.elapsed = max(last_finish - marks["wall"], 1e-9)
        after = cpu(server)
        result.cpu = tuple((b - a) / result.elapsed for a, b in zip(marks["cpu"], after))  # noqa: B905
    return result


def report(results: list[Result]) -> None:
    bare = results[0].rate
    print(
        f"{'endpoint':<24}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'vs bare':>9}   CPU client/server/postgres/other"
    )
    for r in results:
        used = "/".join(f"{c:.0%}" for c in r.cpu)
        note = "  (pool used up)" if r.exhausted else ""
        print(
            f"{r.name:<24}{len(r.latencies):>9,}{r.errors:>7}{r.rate:>8,.0f}{r.ms(0.5):>8.1f}"
            f"{r.ms(0.99):>8.1f}{r.rate / bare:>9.0%}   {used}{note}"
        )
    for r in results:
        for sample in r.samples:
            print(f"  error sample, {r.name}: {sample}")
    print("\ntargets (dashboard p99 < 50 ms at 500,000 plans; >= 25% of bare throughput):")
    for r in results[3:5] + results[7:]:
        verdict = "met" if r.ms(0.99) < 50 else "NOT met"
        print(f"  {r.name:<24} p99 {r.ms(0.99):6.1f} ms < 50 ms: {verdict}")
    for r in results[1:7]:
        share = r.rate / bare
        verdict = "met" if share >= 0.25 else "NOT met"
        print(f"  {r.name:<24} {share:6.0%} of bare req/s >= 25%: {verdict}")
    errors = sum(r.errors for r in results)
    print(f"  non-2xx responses: {errors}" + (" (see the samples above)" if errors else ""))


def sequential_report(results: list[Result]) -> None:
    """Each endpoint's rate as a share of the same server's /health, and the targets."""
    health = results[0].rate
    print(
        f"{'endpoint':<24}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'vs /health':>11}   target"
    )
    for r in results:
        target = ""
        if r.name.startswith(("create", "post", "complete")):
            target = ">= 25%: " + ("met" if r.rate / health >= 0.25 else "NOT met")
        elif r.name.startswith("dashboard"):
            target = ">= 40%: " + ("met" if r.rate / health >= 0.40 else "NOT met")
        elif "8 in flight" in r.name:
            target = "p99 < 50 ms: " + ("met" if r.ms(0.99) < 50 else "NOT met")
        print(
            f"{r.name:<24}{len(r.latencies):>9,}{r.errors:>7}{r.rate:>8,.0f}{r.ms(0.5):>8.1f}"
            f"{r.ms(0.99):>8.1f}{r.rate / health:>11.0%}   {target}"
        )
    for r in results:
        for sample in r.samples:
            print(f"  error sample, {r.name}: {sample}")


def explain(conn: psycopg.Connection[Any], pools: Pools) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of both dashboard queries as SQLAlchemy compiles them, and
    of the milestones query that follows each (`milestones_of_reviews`)."""
    principal = Principal("bench", frozenset({Scope.ADMIN}), None)
    plain = dict.fromkeys(("due_before", "due_after", "plan_type", "after"))
    pick = random.Random(1).choice
    chair = {"statuses": ["due", "scheduled"], "chair_id": pick(pools.chairs), "late": None}
    late = {"statuses": None, "chair_id": None, "late": True}
    queries = {
        "chair's due reviews": {**chair, "local_authority": None},
        "authority's late reviews": {**late, "local_authority": pick(pools.authorities)},
    }
    for label, filters in queries.items():
        query = dashboard_query(principal, **plain, **filters, limit=50)
        text = str(query.compile(dialect=postgresql.dialect(), compile_kwargs=LITERAL))
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the {label}:\n{text}\n")
        for (line,) in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + text):
            print(f"  {line}")
        ids = ", ".join(f"'{r[-1]}'" for r in conn.execute(text).fetchall()[:50]) or "NULL"
        milestones = f"SELECT * FROM milestones WHERE review_id IN ({ids}) ORDER BY due_by, kind"
        print(f"\n  and of the milestones of those {ids.count(',') + 1} reviews:")
        for (line,) in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + milestones):
            print(f"  {line[:150]}" + (" ...)" if len(line) > 150 else ""))
    conn.rollback()


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    prepare_database(args.children, args.plans, args.reuse)
    conn = psycopg.connect(seed.psycopg_url(URL))
    seed.print_counts(conn)
    pools = prepare_pools(conn, fresh_children=30_000)
    counts = [len(p) for p in (pools.children, pools.completions, pools.review_ids)]
    print("pools: {:,} fresh children, {:,} reviews to complete, {:,} to read".format(*counts))
    ports: tuple[int, ...] = free_port(), free_port()
    env = {"REVIEW_SERVICE_DATABASE_URL": URL, "REVIEW_SERVICE_LOG_LEVEL": "warning"}
    bin_dir, workdir = os.path.dirname(sys.executable), tempfile.mkdtemp(prefix="bench-bare-")
    with open(os.path.join(workdir, "bare_app.py"), "w") as f:
        f.write(BARE_APP)
    common = f"--host 127.0.0.1 --workers {args.workers}".split()
    service = [f"{bin_dir}/review-service"]
    bare = [f"{bin_dir}/uvicorn", "bare_app:app", "--app-dir", workdir, "--log-level", "warning"]
    if args.server_python:
        service = [args.server_python, "-c", "from review_service.cli import main; main()"]
    if args.nodelay:
        python = args.server_python or sys.executable
        service = [python, "-c", NODELAY + "from review_service.cli import main; main()"]
        bare[:1] = [sys.executable, "-c", NODELAY + "from uvicorn.main import main; main()"]
    procs, results, before = [], [], []
    try:
        service += ["serve", "--no-scheduler", *common, "--port", str(ports[0])]
        procs.append(start(service, env))
        procs.append(start([*bare, *common, "--port", str(ports[1])], {}))
        wait_healthy(f"http://127.0.0.1:{ports[0]}/health", procs[0])
        wait_healthy(f"http://127.0.0.1:{ports[1]}/bare", procs[1])
        if args.baseline_python and args.sequential:
            ports += (free_port(),)
            baseline = [args.baseline_python, "-c", "from review_service.cli import main; main()"]
            baseline += ["serve", "--no-scheduler", *common, "--port", str(ports[2])]
            procs.append(start(baseline, env))
            wait_healthy(f"http://127.0.0.1:{ports[2]}/health", procs[2])
        args.token = pools.token
        chosen = (
            sequential_requesters(pools) if args.sequential else requesters(pools, args.concurrency)
        )
        for name, (nxt, in_flight) in chosen.items():
            which = 1 if name.startswith("bare") else 0
            if args.sequential:
                print(f"  {name}: load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
            if len(procs) > 2:
                # Before and after, one endpoint at a time, so both see the same load.
                print(f"measuring {name} (baseline) ...", file=sys.stderr, flush=True)
                base, args.server_pid = f"http://127.0.0.1:{ports[2]}", procs[2].pid
                before.append(asyncio.run(measure(name, base, nxt, in_flight, args)))
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            base, args.server_pid = f"http://127.0.0.1:{ports[which]}", procs[which].pid
            results.append(asyncio.run(measure(name, base, nxt, in_flight, args)))
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
        conn.rollback()
        conn.execute(f"DELETE FROM children c WHERE {UNUSED}")
        conn.commit()
    print(
        f"\n{args.workers} server worker(s), {args.concurrency} requests in flight, "
        f"{args.warmup:g}s warm-up + {args.duration:g}s per endpoint, asyncio httpx clients "
        f"on 127.0.0.1, {os.cpu_count()} cores; {args.plans:,} seeded plans"
        + (", --nodelay\n" if args.nodelay else "\n")
    )
    print(f"load average at the end: {os.getloadavg()}")
    if args.sequential:
        if before:
            print(f"BEFORE (baseline server: {args.baseline_python})")
            sequential_report(before)
            print("\nAFTER (this checkout)")
        sequential_report(results)
    else:
        report(results)
        explain(conn, pools)
    conn.close()
    print(f"\ntotal run time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
