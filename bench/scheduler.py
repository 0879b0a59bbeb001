"""Scheduler benchmark (issue 5, "Scale and speed"; DESIGN.md "Scale").

Run as `.venv/bin/python bench/scheduler.py [--large 5000000 --small 50000 --due 10000
--window 60]`. For each size (small first, then large) it creates a fresh PostgreSQL database
(review_sched_bench_small / _large), migrates it, adds one webhook subscription for every event
type pointing at a local receiver (uvicorn, answers 204, counts requests, distinct webhook-ids
and bad signatures), and seeds N pending timers through COPY; `--due` of them fall due evenly
within `--window` seconds, starting ~10 s after the real scheduler process
(`review-service scheduler`) starts. It waits until every due timer has fired and every
delivery is delivered, then measures from the database: lag (fired_at - fire_at), the moment
each webhook was delivered (delivered_at - fire_at), deliveries per second, delivered vs
received vs due, duplicates, and the time of the timer claim query as the scheduler builds it.
A second phase (`--burst`, 0 to skip) makes that many more timers due at once, to measure
what the pipeline drains when it is not paced by the timers' own moments. All on 127.0.0.1.
Not part of the test run.
"""

import os
import sys

# Run as a script, this directory is sys.path[0] and bench/calendar.py would shadow the
# standard library's `calendar`; keep the directory, but last, so `seed` still imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
import psycopg  # noqa: E402
import seed  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from review_service.migrations import upgrade_to_head  # noqa: E402
from review_service.models import Timer  # noqa: E402
from review_service.settings import Settings  # noqa: E402
from review_service.webhooks.signing import new_secret  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{}"
COLUMNS = (
    "id, subject_type, subject_id, event_type, level, local_authority, due_by, fire_at, "
    "payload, fired_at"
)
# (subject type, event type, level, share): reminders 20 and 5 working days before a review,
# 2 before a milestone, and the overdue escalation of reviews.
MIX = (
    ("review", "review.due_soon", -1, 0.30),
    ("review", "review.due_soon", -2, 0.15),
    ("milestone", "milestone.due_soon", -1, 0.35),
    ("review", "review.overdue", 1, 0.20),
)
ADDRESSED = {"review": "chair", "milestone": "social_worker"}
# The due timers are seeded at this reserved moment plus k seconds, and moved into the window
# just before the scheduler starts (seeding 5,000,000 rows takes minutes).
RESERVED = datetime(2100, 1, 1, tzinfo=UTC)
LEAD_IN = 10.0  # seconds between starting the scheduler and the first due timer
PREPARE = 15.0  # seconds allowed for ANALYZE and the EXPLAINs before the scheduler starts
RECEIVER = r"""
import json, sys
import uvicorn
from standardwebhooks import Webhook

verifier = Webhook(sys.argv[2])
state = {"received": 0, "bad": 0}
ids = set()


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] == "POST":
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        state["received"] += 1
        ids.add(headers.get("webhook-id"))
        try:
            verifier.verify(body, headers)
        except Exception:
            state["bad"] += 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    out = json.dumps({**state, "distinct": len(ids)}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": out})


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False, lifespan="off")
"""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, default=5_000_000, help="pending timers, large")
    parser.add_argument("--small", type=int, default=50_000, help="pending timers, small")
    parser.add_argument("--due", type=int, default=10_000, help="timers falling due")
    parser.add_argument("--window", type=float, default=60.0, help="seconds they fall due in")
    parser.add_argument("--burst", type=int, default=5_000, help="then due at once (0: skip)")
    parser.add_argument("--tick", type=float, default=0.5, help="SCHEDULER_TICK_SECONDS")
    parser.add_argument("--poll", type=float, default=0.2, help="DELIVERY_POLL_SECONDS")
    parser.add_argument("--timer-batch", type=int, default=None, help="TIMER_BATCH")
    parser.add_argument("--delivery-batch", type=int, default=None, help="DELIVERY_BATCH")
    parser.add_argument("--concurrency", type=int, default=None, help="DELIVERY_CONCURRENCY")
    parser.add_argument("--profile", action="store_true", help="py-spy record the scheduler")
    parser.add_argument("--server-python", help="the scheduler's Python (e.g. main's checkout)")
    parser.add_argument(
        "--database-prefix", default="review_sched_bench", help="databases <prefix>_small/_large"
    )
    return parser.parse_args()


# --- database and seeding -------------------------------------------------------------------


def create_database(name: str) -> str:
    """A fresh, migrated database; returns its SQLAlchemy URL."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = URL.format(name)
    upgrade_to_head(url)
    return url


def drop_timer_keys(cur: psycopg.Cursor[Any]) -> seed.Keys:
    """seed.drop_keys for the timers table: its key, unique key and indexes."""
    constraints = cur.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid = 'timers'::regclass"
    ).fetchall()
    indexes = cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
        "tablename = 'timers' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    ).fetchall()
    for table, name, _, _ in constraints:
        alter = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
        cur.execute(alter.format(sql.Identifier(table), sql.Identifier(name)))
    for name, _ in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return constraints, [definition for _, definition in indexes]


def seed_timers(url: str, n: int, due: int, rng: random.Random) -> None:
    """COPY n pending timers: `due` of them (spread through the heap) at RESERVED + k s, the
    rest between one day and six months from now."""
    las = seed.local_authorities()
    base = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    minutes = 182 * 24 * 60
    minute_text = [(base + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M") for m in range(minutes)]
    day_text = [(base + timedelta(days=d)).date().isoformat() for d in range(200)]
    kinds = [m[:3] for m in MIX]
    weights = [m[3] for m in MIX]
    stride = max(1, n // due)
    conn = psycopg.connect(seed.psycopg_url(url))
    conn.execute("SET synchronous_commit = off")
    keys = drop_timer_keys(conn.cursor())
    progress = seed.Progress("seeding timers", n)
    lines: list[str] = []
    with conn.cursor().copy(f"COPY timers ({COLUMNS}) FROM STDIN") as copy:
        for i in range(n):
            subject, event_type, level = rng.choices(kinds, weights)[0]
            k, rest = divmod(i, stride)
            if rest == 0 and k < due:
                fire_at = (RESERVED + timedelta(seconds=k)).isoformat()
                day = 7
            else:
                m = int(rng.random() * minutes)
                fire_at = f"{minute_text[m]}:{int(rng.random() * 60):02d}+00"
                day = m // 1440
            due_by = day_text[max(day - 1, 0) if level > 0 else day + 5 * -level]
            la, subject_id = las[int(rng.random() * len(las))], seed.new_id(rng)
            payload = (
                f'{{"{subject}_id":"{subject_id}","due_by":"{due_by}",'
                f'"local_authority":"{la}","addressed_to":"{ADDRESSED[subject]}"}}'
            )
            lines.append(
                f"{seed.new_id(rng)}\t{subject}\t{subject_id}\t{event_type}\t{level}\t{la}\t"
                f"{due_by}\t{fire_at}\t{payload}\t\\N\n"
            )
            if len(lines) == 20_000:
                copy.write("".join(lines))
                lines.clear()
                progress.update(i + 1, i + 1)
        copy.write("".join(lines))
    progress.close(n, n)
    conn.commit()
    seed.restore_keys(conn, keys)
    conn.autocommit = True
    conn.execute("VACUUM (ANALYZE) timers")
    conn.close()


def add_subscription(url: str, receiver: str, secret: str) -> None:
    """One active subscription to every event type, from every authority."""
    now = datetime.now(UTC)
    with psycopg.connect(seed.psycopg_url(url), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO webhook_subscriptions (id, url, event_types, description, "
            "local_authority, secret, status, created_by, created_at, updated_at, version) "
            "VALUES (gen_random_uuid(), %s, '[\"*\"]', 'scheduler benchmark', NULL, %s, "
            "'active', 'bench', %s, %s, 1)",
            (receiver, secret, now, now),
        )


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], log: str) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(
    proc: subprocess.Popen[bytes] | None, grace: float = 20, signum: int = signal.SIGTERM
) -> str:
    """SIGTERM (or `signum`), then SIGKILL of its process group after `grace` seconds."""
    if proc is None or proc.poll() is not None:
        return "already exited"
    proc.send_signal(signum)
    try:
        proc.wait(timeout=grace)
        return f"stopped by {signal.Signals(signum).name} (exit {proc.returncode})"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return f"killed after {signal.Signals(signum).name} timed out"


def receiver_stats(port: int) -> dict[str, int]:
    stats: dict[str, int] = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=10).json()
    return stats


def wait_receiver(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the receiver exited with {proc.returncode}")
        try:
            receiver_stats(port)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the receiver did not answer")


def processes(db: str, scheduler: int, receiver: int) -> dict[int, tuple[str, float]]:
    """pid -> (who, CPU seconds used) from /proc: scheduler, receiver, postgres (this
    database's backends and the server's background processes), bench, other."""
    table, tick, me = {}, os.sysconf("SC_CLK_TCK"), os.getpid()
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().decode(errors="replace")
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()
        ppid, used = int(rest[1]), (int(rest[11]) + int(rest[12])) / tick
        if scheduler in (pid, ppid):
            who = "scheduler"
        elif receiver in (pid, ppid):
            who = "receiver"
        elif pid == me:
            who = "bench"
        elif name.startswith("postgres") and (db in command or "(" not in command):
            who = "postgres"
        else:
            who = "other"
        table[pid] = (who, used)
    return table


WHO = ("scheduler", "receiver", "postgres", "bench", "other")


def busy_seconds() -> float:
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by each party between start and stop (per-process deltas; what processes
    that exited in between used is counted as other)."""

    def __init__(self, db: str, scheduler: int, receiver: int) -> None:
        self.args = db, scheduler, receiver
        self.before, self.busy, self.wall = (
            processes(*self.args),
            busy_seconds(),
            time.perf_counter(),
        )

    def stop(self) -> tuple[float, tuple[float, ...]]:
        """Elapsed seconds and the share of one core each party used."""
        after, busy = processes(*self.args), busy_seconds()
        elapsed = time.perf_counter() - self.wall
        used = dict.fromkeys(WHO, 0.0)
        for pid, (who, seconds) in after.items():
            used[who] += seconds - (self.before.get(pid, (who, 0.0))[1])
        used["other"] = busy - self.busy - sum(v for k, v in used.items() if k != "other")
        return elapsed, tuple(used[k] / elapsed for k in WHO)


# --- measuring --------------------------------------------------------------------------------


def claim_sql(now: datetime, batch: int) -> str:
    """fire_due_timers' claiming SELECT, built as the scheduler builds it on PostgreSQL."""
    query = (
        select(Timer)
        .where(Timer.fired_at.is_(None), Timer.fire_at <= now)
        .order_by(Timer.fire_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def explain_claim(
    conn: psycopg.Connection[Any], now: datetime, batch: int
) -> tuple[float, list[str]]:
    """Median execution time (ms) of 3 EXPLAIN (ANALYZE, BUFFERS) runs, each rolled back (they
    lock the rows they return), and the last plan."""
    times, plan = [], []
    for _ in range(3):
        plan = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + claim_sql(now, batch))]
        conn.rollback()
        found = [
            float(m.group(1))
            for line in plan
            if (m := re.search(r"Execution Time: ([\d.]+)", line))
        ]
        times.append(found[0])
    return statistics.median(times), plan


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


@dataclass
class Phase:
    """What one phase (paced window, or burst) measured."""

    due: int = 0
    fired: int = 0
    lags: list[float] = field(default_factory=list)
    e2e: list[float] = field(default_factory=list)
    delivered: int = 0
    deliveries: int = 0
    attempts: int = 0
    rate: float = 0.0
    received: int = 0
    distinct: int = 0
    bad: int = 0
    elapsed: float = 0.0
    cpu: tuple[float, ...] = ()
    finished: bool = False

    @property
    def duplicates(self) -> int:
        return self.received - self.distinct


@dataclass
class Row:
    label: str
    size: int
    seeding: float = 0.0
    paced: Phase = field(default_factory=Phase)
    burst: Phase | None = None
    claims: dict[str, float] = field(default_factory=dict)
    plans: dict[str, list[str]] = field(default_factory=dict)
    lead_in: float = 0.0
    skipped: dict[str, int] = field(default_factory=dict)
    settings: str = ""


def wait_phase(
    conn: psycopg.Connection[Any],
    scheduler: subprocess.Popen[bytes],
    port: int,
    ids: list[Any],
    since: datetime,
    deadline: float,
    label: str,
) -> bool:
    """Poll (cheaply: the ids' primary key, the small deliveries table) until every timer has
    fired and every delivery since `since` is delivered; False when the deadline passed."""
    while True:
        (pending,) = conn.execute(
            "SELECT count(*) FROM timers WHERE id = ANY(%s) AND fired_at IS NULL", (ids,)
        ).fetchone() or (0,)
        delivered, total = conn.execute(
            "SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FROM deliveries "
            "WHERE created_at >= %s",
            (since,),
        ).fetchone() or (0, 0)
        conn.rollback()
        received = receiver_stats(port)["received"]
        sys.stderr.write(
            f"\r{label}: fired {len(ids) - pending:,}/{len(ids):,}, delivered {delivered:,}/"
            f"{total:,}, received {received:,} | {deadline - time.monotonic():4.0f}s left "
        )
        sys.stderr.flush()
        if pending == 0 and total >= len(ids) and delivered == total:
            sys.stderr.write("\n")
            return True
        if scheduler.poll() is not None:
            sys.stderr.write("\n")
            raise RuntimeError(f"the scheduler exited with {scheduler.returncode}")
        if time.monotonic() > deadline:
            sys.stderr.write("\n")
            return False
        time.sleep(0.5)


def measure(
    conn: psycopg.Connection[Any],
    ids: list[Any],
    since: datetime,
    before: dict[str, int],
    after: dict[str, int],
) -> Phase:
    """The phase's figures from the database and the receiver's counters."""
    phase = Phase(due=len(ids))
    rows = conn.execute(
        "SELECT extract(epoch FROM fired_at - fire_at)::float8 FROM timers "
        "WHERE id = ANY(%s) AND fired_at IS NOT NULL",
        (ids,),
    ).fetchall()
    phase.lags, phase.fired = [r[0] for r in rows], len(rows)
    # Delivered moment per timer: the message carries the timer's payload (its subject id).
    rows = conn.execute(
        "SELECT extract(epoch FROM d.delivered_at - t.fire_at)::float8 FROM deliveries d "
        "JOIN outbox_messages m ON m.id = d.message_id "
        "JOIN timers t ON t.subject_type = split_part(m.event_type, '.', 1) "
        "AND t.subject_id = coalesce(m.payload->'data'->>'review_id', "
        "m.payload->'data'->>'milestone_id')::uuid AND t.event_type = m.event_type "
        "WHERE d.created_at >= %s AND d.status = 'delivered' AND t.id = ANY(%s)",
        (since, ids),
    ).fetchall()
    phase.e2e = [r[0] for r in rows]
    delivered, total, first, last = conn.execute(
        "SELECT count(*) FILTER (WHERE status = 'delivered'), count(*), min(delivered_at), "
        "max(delivered_at) FROM deliveries WHERE created_at >= %s",
        (since,),
    ).fetchone() or (0, 0, None, None)
    phase.delivered, phase.deliveries = delivered, total
    if first is not None and last is not None and last > first:
        phase.rate = delivered / (last - first).total_seconds()
    (phase.attempts,) = conn.execute(
        "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id "
        "WHERE d.created_at >= %s",
        (since,),
    ).fetchone() or (0,)
    conn.rollback()
    phase.received = after["received"] - before["received"]
    phase.distinct = after["distinct"] - before["distinct"]
    phase.bad = after["bad"] - before["bad"]
    return phase


def make_due(conn: psycopg.Connection[Any], due: int, first: datetime, window: float) -> list[Any]:
    """Move the reserved timers into the window, evenly; returns their ids."""
    rows = conn.execute(
        "UPDATE timers SET fire_at = %s + make_interval(secs => "
        "extract(epoch FROM fire_at - %s) * %s) WHERE fired_at IS NULL AND fire_at >= %s "
        "RETURNING id",
        (first, RESERVED, window / due, RESERVED),
    ).fetchall()
    conn.commit()
    return [r[0] for r in rows]


def run_size(label: str, n: int, args: argparse.Namespace, workdir: str) -> Row:
    """Seed, receive, schedule, measure one size."""
    row = Row(label, n)
    db = f"{args.database_prefix}_{label}"
    print(f"== {label}: {n:,} pending timers in {db}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    url = create_database(db)
    seed_timers(url, n, args.due, random.Random(20261123 + n))
    row.seeding = time.perf_counter() - started
    print(
        f"{label}: seeding {n:,} timers took {row.seeding:.1f}s (migrate, COPY, keys, VACUUM "
        "ANALYZE)",
        flush=True,
    )
    port, secret = free_port(), new_secret()
    add_subscription(url, f"http://127.0.0.1:{port}/hook", secret)
    env = {
        "REVIEW_SERVICE_DATABASE_URL": url,
        "REVIEW_SERVICE_SCHEDULER_TICK_SECONDS": str(args.tick),
        "REVIEW_SERVICE_DELIVERY_POLL_SECONDS": str(args.poll),
        "REVIEW_SERVICE_LOG_LEVEL": "warning",
    }
    for name, value in (
        ("TIMER_BATCH", args.timer_batch),
        ("DELIVERY_BATCH", args.delivery_batch),
        ("DELIVERY_CONCURRENCY", args.concurrency),
    ):
        if value is not None:
            env[f"REVIEW_SERVICE_{name}"] = str(value)
    effective = Settings(**{k.removeprefix("REVIEW_SERVICE_").lower(): v for k, v in env.items()})
    row.settings = (
        f"tick {effective.scheduler_tick_seconds:g}s, delivery poll "
        f"{effective.delivery_poll_seconds:g}s, timer batch {effective.timer_batch}, delivery "
        f"batch {effective.delivery_batch}, delivery concurrency {effective.delivery_concurrency}"
    )
    bin_dir = os.path.dirname(sys.executable)
    receiver_log, scheduler_log = f"{workdir}/{label}-receiver.log", f"{workdir}/{label}-sched.log"
    receiver = scheduler = profiler = None
    conn = psycopg.connect(seed.psycopg_url(url))
    try:
        receiver = start([sys.executable, "-c", RECEIVER, str(port), secret], {}, receiver_log)
        wait_receiver(port, receiver)
        # Due timers: from LEAD_IN seconds after the scheduler starts, evenly over the window.
        launch = datetime.now(UTC) + timedelta(seconds=PREPARE)
        first_due = launch + timedelta(seconds=LEAD_IN)
        ids = make_due(conn, args.due, first_due, args.window)
        conn.execute("ANALYZE timers")  # statistics that know where the due timers now are
        conn.commit()
        # The claim as the scheduler runs it: one tick's worth due; all due (a backlog, the
        # LIMIT takes the first batch); none due.
        for name, now in (
            ("tick", first_due + timedelta(seconds=args.tick)),
            ("backlog", first_due + timedelta(seconds=args.window)),
            ("none", launch),
        ):
            row.claims[name], row.plans[name] = explain_claim(conn, now, effective.timer_batch)
        if (wait := (launch - datetime.now(UTC)).total_seconds()) > 0:
            time.sleep(wait)
        row.lead_in = (first_due - datetime.now(UTC)).total_seconds()
        before = receiver_stats(port)
        command = [f"{bin_dir}/review-service", "scheduler"]
        if args.server_python:
            main_ = "from review_service.cli import main; main()"
            command = [args.server_python, "-c", main_, "scheduler"]
        scheduler = start(command, env, scheduler_log)
        if args.profile:
            profiler = start(
                [
                    f"{bin_dir}/py-spy",
                    "record",
                    "-p",
                    str(scheduler.pid),
                    "-o",
                    f"{workdir}/{label}-profile.txt",
                    "-f",
                    "raw",
                    "-r",
                    "50",
                    "--threads",
                    "--idle",
                    "--nonblocking",
                ],
                {},
                f"{workdir}/{label}-py-spy.log",
            )
        meter = CpuMeter(db, scheduler.pid, receiver.pid)
        deadline = time.monotonic() + LEAD_IN + args.window + 120
        finished = wait_phase(conn, scheduler, port, ids, launch, deadline, f"{label} paced")
        elapsed, used = meter.stop()
        row.paced = measure(conn, ids, launch, before, receiver_stats(port))
        row.paced.finished, row.paced.elapsed, row.paced.cpu = finished, elapsed, used
        if args.burst and not finished:
            print(f"{label}: burst skipped, the paced phase did not finish", file=sys.stderr)
        if args.burst and finished:
            conn.execute("SELECT pg_sleep(1)")  # let the last attempt rows settle
            conn.rollback()
            before = receiver_stats(port)
            since = datetime.now(UTC)
            burst = conn.execute(
                "UPDATE timers SET fire_at = now() WHERE id IN (SELECT id FROM timers WHERE "
                "fired_at IS NULL ORDER BY fire_at LIMIT %s) RETURNING id",
                (args.burst,),
            ).fetchall()
            conn.commit()
            burst_ids = [r[0] for r in burst]
            meter = CpuMeter(db, scheduler.pid, receiver.pid)
            deadline = time.monotonic() + 60 + args.burst / 50
            finished = wait_phase(
                conn, scheduler, port, burst_ids, since, deadline, f"{label} burst"
            )
            elapsed, used = meter.stop()
            row.burst = measure(conn, burst_ids, since, before, receiver_stats(port))
            row.burst.finished, row.burst.elapsed, row.burst.cpu = finished, elapsed, used
        after = datetime.now(UTC)
        row.claims["after"], row.plans["after"] = explain_claim(conn, after, effective.timer_batch)
    finally:
        outcome = stop(scheduler)
        if profiler is not None:  # py-spy writes its profile when the process it samples ends
            try:
                profiler.wait(timeout=30)
            except subprocess.TimeoutExpired:
                stop(profiler, grace=30, signum=signal.SIGINT)
        stop(receiver, grace=5)
        conn.close()
        print(f"{label}: scheduler {outcome}", file=sys.stderr, flush=True)
    with open(scheduler_log, errors="replace") as f:
        text = f.read()
    for job in ("lead", "deliver"):
        row.skipped[job] = len(re.findall(rf"Execution of job \"[^\"]*{job}[^\"]*\" skipped", text))
    problems = [line for line in text.splitlines() if "skipped: maximum" not in line]
    problems = [
        line
        for line in problems
        if "scheduler running" not in line and "scheduler stopped" not in line
    ]
    if problems:
        print(f"{label}: scheduler log ({len(problems)} other lines):", *problems[:10], sep="\n  ")
    return row


# --- report -----------------------------------------------------------------------------------


def fmt_phase(name: str, row: Row, phase: Phase, claim: str, seeding: str) -> str:
    lag = "/".join(f"{pct(phase.lags, p):.2f}" for p in (0.5, 0.99, 1.0))
    e2e = "/".join(f"{pct(phase.e2e, p):.2f}" for p in (0.5, 0.99))
    counts = f"{phase.delivered:,}/{phase.received:,}/{phase.due:,}"
    note = "" if phase.finished else "  (timed out)"
    return (
        f"{row.size:>10,} {name:<6}{seeding:>7} {lag:>18} {e2e:>13} {phase.rate:>7.0f} "
        f"{counts:>20} {phase.attempts - phase.delivered:>5} {phase.duplicates:>4} "
        f"{phase.bad:>4} {claim:>11}{note}"
    )


def report(rows: list[Row], args: argparse.Namespace) -> None:
    rate = args.due / args.window
    lead_in = ", ".join(f"{r.label} {r.lead_in:.1f}s" for r in rows)
    print(
        f"\n{args.due:,} timers due evenly over {args.window:g}s ({rate:.0f}/s), the first "
        f"~{LEAD_IN:g}s after the scheduler started (measured: {lead_in}); then a burst of "
        f"{args.burst:,} due at once. One subscription to every event type; receiver: uvicorn "
        f"on 127.0.0.1 answering 204. {os.cpu_count()} cores shared with other work: the "
        "figures are noisy."
    )
    print(f"scheduler settings: {rows[0].settings}")
    print(
        "\n      size phase seed s  lag p50/p99/max s  deliv p50/p99 s deliv/s "
        "  delivered/recv/due retry  dup  bad    claim ms"
    )
    for row in rows:
        claim = f"{row.claims['tick']:.2f}/{row.claims['backlog']:.1f}"
        print(fmt_phase("paced", row, row.paced, claim, f"{row.seeding:.1f}"))
        if row.burst is not None:
            print(fmt_phase("burst", row, row.burst, "", ""))
    print(
        "\nlag = fired_at - fire_at (fired_at is the 'now' the claiming transaction read, before "
        "it publishes and commits); deliv = delivered_at - fire_at; deliv/s = delivered / (last "
        "- first delivered_at); delivered/recv/due = deliveries delivered / requests the receiver "
        "got / timers due; retry = attempts beyond the first; dup = received - distinct "
        "webhook-ids; bad = signatures the receiver rejected; claim ms = EXPLAIN ANALYZE of the "
        "claiming SELECT with one tick's worth due / with the whole window due (LIMIT 1000)"
    )
    print("\nclaim query (median of 3 EXPLAIN ANALYZE, ms), by what is due:")
    print(f"  {'size':>10}  tick's worth  all {args.due:,} due  none (before)  none (after)")
    for row in rows:
        c = row.claims
        print(
            f"  {row.size:>10,}  {c['tick']:12.2f}  {c['backlog']:>9.2f}{'':>7}"
            f"{c['none']:>13.2f}  {c.get('after', float('nan')):12.2f}"
        )
    print(
        "\nCPU share of one core during each phase (scheduler/receiver/postgres/bench/other "
        "work on the machine), and APScheduler runs skipped because the previous one was "
        "still going:"
    )
    for row in rows:
        for name, phase in (("paced", row.paced), ("burst", row.burst)):
            if phase is not None and phase.cpu:
                used = "/".join(f"{c:.0%}" for c in phase.cpu)
                print(f"  {row.label:<6} {name:<6} {phase.elapsed:5.0f}s  {used}")
        print(
            f"  {row.label:<6} skipped runs: lead {row.skipped['lead']}, deliver "
            f"{row.skipped['deliver']}"
        )
    print("\ntargets:")
    for row in rows:
        p99 = pct(row.paced.lags, 0.99)
        verdict = "met" if p99 < 2 and row.paced.fired == row.paced.due else "NOT met"
        print(f"  lag p99 < 2 s at {row.size:>11,} timers: {p99:6.2f} s  {verdict}")
    if len(rows) == 2:
        small, large = (pct(r.paced.lags, 0.99) for r in rows)
        flat = "flat" if large <= max(2 * small, small + 0.5) else "NOT flat"
        print(f"  lag p99 with size: {small:.2f} s -> {large:.2f} s  {flat}")
    for row in rows:
        for name, phase in (("paced", row.paced), ("burst", row.burst)):
            if phase is None:
                continue
            verdict = "met" if phase.rate >= 200 else "NOT met"
            if name == "paced" and phase.rate < 200:
                # Delivery cannot outrun the timers' own pace; the burst measures capacity.
                kept_up = phase.finished and phase.rate >= 0.95 * rate
                verdict = (
                    f"n/a: kept up with the {rate:.0f}/s arrivals"
                    if kept_up
                    else f"NOT met: fell behind the {rate:.0f}/s arrivals"
                )
            print(
                f"  >= 200 deliveries/s at {row.size:>11,} timers, {name}: {phase.rate:6.0f}/s  "
                f"{verdict}"
            )
    complete = all(
        p.delivered == p.due == p.received == p.distinct and p.bad == 0 and p.finished
        for r in rows
        for p in (r.paced, r.burst)
        if p is not None
    )
    print(f"  every due timer delivered exactly once, signed: {'yes' if complete else 'NO'}")
    for name, title in (("tick", "one tick's worth due"), ("backlog", f"all {args.due:,} due")):
        print(f"\nclaim query at {rows[-1].size:,} timers, {title} (EXPLAIN ANALYZE, BUFFERS):")
        for line in rows[-1].plans[name]:
            print(f"  {line}")


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="bench-scheduler-")
    rows = []
    try:
        for label, n in (("small", args.small), ("large", args.large)):
            if n > 0:
                rows.append(run_size(label, n, args, workdir))
    finally:
        if args.profile:
            print(f"py-spy profiles and logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report(rows, args)
    print(f"\ntotal run time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
