"""Event-ingestion benchmark at national scale (issue 4, "Speed").

Run as `.venv/bin/python bench/events.py [--events 20000 --posters 8 --duplicates 0.10
--workers 1 --reuse]`. Keeps (with --reuse, when seeded alike) or drops and reseeds the PostgreSQL
database `review_bench` (bench/seed.py via bench/api.py), migrates it to head, starts the real
server with an `events`-scope token bound to no authority, and posts a stream of significant events
about random children with open plans (a realistic type mix, distinct source + event_id pairs,
plus exact repeats of earlier events, some racing their original) from concurrent asyncio
httpx posters on 127.0.0.1. Prints events/s, p50/p99 latency and the status counts, then
counts in the database that every event was stored once and had its effects once. Last, it
posts one event of each kind through an in-process app on the same database and counts the
SQL statements and wire round trips each costs. Not part of the test run.
"""

import os
import sys

# Run as a script, this directory is sys.path[0] and bench/calendar.py would shadow the
# standard library's `calendar`; keep the directory, but last, so `api` and `seed` import.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import ctypes  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import httpx  # noqa: E402
import psycopg  # noqa: E402
import seed  # noqa: E402
from psycopg import pq  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402

import api  # noqa: E402
from review_service.auth import Scope  # noqa: E402
from review_service.clock import london_today  # noqa: E402
from review_service.database import create_database_engine, create_session_factory  # noqa: E402
from review_service.domain.events import EventType, affected_plan_types  # noqa: E402
from review_service.domain.plan_types import PlanType  # noqa: E402
from review_service.domain.policy import DEFAULT_POLICY  # noqa: E402
from review_service.settings import Settings  # noqa: E402
from review_service.tokens.service import create_token  # noqa: E402

URL, LONDON = api.URL, ZoneInfo("Europe/London")
TARGET = 500  # events per second (issue 4)
IN_CARE = [
    t.value for t in affected_plan_types(EventType.PLACEMENT_CHANGE_PROPOSED, DEFAULT_POLICY)
]
ET = EventType
# Share of the stream by type: 20% proposed changes that bring a review forward, 5% unplanned
# endings, the rest opens IRO considerations (missing episodes, social worker changes and
# health events are the commonest notifications).
MIX = {
    ET.CARE_PLAN_CHANGE_PROPOSED: 0.10,
    ET.PLACEMENT_CHANGE_PROPOSED: 0.10,
    ET.PLACEMENT_ENDED_UNPLANNED: 0.05,
    ET.MISSING_FROM_HOME: 0.12,
    ET.SOCIAL_WORKER_CHANGED: 0.10,
    ET.HEALTH_EVENT: 0.08,
    ET.SAFEGUARDING_CONCERN: 0.07,
    ET.SCHOOL_EXCLUSION: 0.05,
    ET.FAMILY_CONTACT_CHANGE: 0.05,
    ET.PLACEMENT_CHANGE_UNPLANNED: 0.05,
    ET.YOUTH_JUSTICE: 0.04,
    ET.COMPLAINT: 0.03,
    ET.BIRTH_FAMILY_CHANGE: 0.03,
    ET.REVIEW_REQUESTED: 0.03,
    ET.DECISIONS_NOT_IMPLEMENTED: 0.03,
    ET.PERMANENCE_PANEL_DECISION: 0.02,
    ET.OTHER: 0.05,
}
SOURCES = ("mosaic", "liquidlogic", "police-ppn", "health-spine", "education")
SAMPLE = (
    "SELECT child_id FROM (SELECT DISTINCT child_id FROM plans WHERE status = 'open'{}) c "
    "ORDER BY random() LIMIT %s"
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="requests, duplicates incl.")
    parser.add_argument("--posters", type=int, default=8, help="concurrent posters")
    parser.add_argument("--duplicates", type=float, default=0.10, help="share of repeats")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded review_bench")
    parser.add_argument("--max-seconds", type=float, default=180.0, help="time cap of posting")
    parser.add_argument("--warmup", type=int, default=200, help="events posted before timing")
    parser.add_argument("--profile", type=int, default=10, help="in-process posts per kind")
    parser.add_argument("--children", type=int, default=150_000)
    parser.add_argument("--plans", type=int, default=500_000)
    parser.add_argument("--nodelay", action="store_true", help="work around uvicorn#3149")
    parser.add_argument(
        "--batch", type=int, default=0, help="post through /v1/events/batch, N events each"
    )
    parser.add_argument("--server-python", help="the server's Python (e.g. main's checkout)")
    return parser.parse_args()


# --- the event stream ---------------------------------------------------------------------


@dataclass
class Item:
    """One request: an event body (pre-encoded), and for a repeat the index of the original
    in the stream of unique events."""

    body: dict[str, Any]
    data: bytes
    unique: int
    repeat: bool = False
    racing: bool = False


def kind_of(event_type: str) -> str:
    """The event's path through the service: what effects it has on each plan."""
    if event_type in ("care_plan_change_proposed", "placement_change_proposed"):
        return "bring forward"
    if event_type == "placement_ended_unplanned":
        return "disruption"
    return "consideration"


def sample_children(conn: psycopg.Connection[Any], n: int) -> dict[bool, list[str]]:
    """Random children with an open plan: those with an open in-care plan (for the events
    about care, homes and living arrangements) and any (for the rest)."""
    in_care = f" AND type = ANY('{{{','.join(IN_CARE)}}}')"
    return {
        True: [str(r[0]) for r in conn.execute(SAMPLE.format(in_care), (n,))],
        False: [str(r[0]) for r in conn.execute(SAMPLE.format(""), (n,))],
    }


def event_body(rng: random.Random, event_type: EventType, child: str, key: str) -> dict[str, Any]:
    now = datetime.now(LONDON)
    occurred = now - timedelta(minutes=rng.randrange(3 * 24 * 60))
    body: dict[str, Any] = {
        "source": key.rsplit("-", 1)[0],
        "event_id": key,
        "child_id": child,
        "type": event_type.value,
        "occurred_at": occurred.isoformat(timespec="seconds"),
        "summary": f"bench {event_type.value.replace('_', ' ')}",
    }
    if event_type.requires_effective_date:
        body["effective_date"] = (now.date() + timedelta(days=rng.randrange(14, 43))).isoformat()
    elif event_type is ET.PLACEMENT_ENDED_UNPLANNED:
        body["effective_date"] = occurred.date().isoformat()
    return body


def unique_events(
    rng: random.Random, pools: dict[bool, list[str]], n: int, prefix: str, types: list[ET]
) -> list[dict[str, Any]]:
    """`n` events with distinct (source, event_id), types drawn from MIX (or `types`)."""
    weights = [MIX[t] for t in types]
    bodies = []
    for i in range(n):
        event_type = rng.choices(types, weights)[0]
        affected = affected_plan_types(event_type, DEFAULT_POLICY)
        pool = pools[set(affected) <= set(map(PlanType, IN_CARE))]
        key = f"{prefix}-{rng.choice(SOURCES)}-{i:07d}"
        bodies.append(event_body(rng, event_type, rng.choice(pool), key))
    return bodies


def build_stream(bodies: list[dict[str, Any]], n_repeats: int, rng: random.Random) -> list[Item]:
    """The unique events in order, with `n_repeats` exact repeats of earlier ones: half right
    behind their original (so another poster sends them while the original is in flight),
    half a while later (a feed resending after a timeout)."""
    keyed = [(float(i), Item(b, json.dumps(b).encode(), i)) for i, b in enumerate(bodies)]
    for original in rng.sample(range(len(bodies)), min(n_repeats, len(bodies))):
        racing = rng.random() < 0.5
        at = original + (0.5 if racing else rng.randrange(8, 3000) + 0.25)
        copy = Item(bodies[original], keyed[original][1].data, original, True, racing)
        keyed.append((at, copy))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]


# --- posting -------------------------------------------------------------------------------


@dataclass
class Sent:
    item: Item
    poster: int
    started: float
    finished: float
    status: int
    text: str

    @property
    def latency(self) -> float:
        return self.finished - self.started


@dataclass
class Run:
    sent: list[Sent] = field(default_factory=list)
    wall: float = 0.0
    capped: bool = False
    cpu: tuple[float, ...] = (0.0,) * 7


async def post_all(
    base: str, token: str, stream: list[Item], posters: int, cap: float, pid: int
) -> Run:
    """`posters` loops, each with its own keep-alive connection, take the next item of the
    stream in order until it runs out or `cap` seconds have passed."""
    run, items = Run(), iter(enumerate(stream))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    started = time.perf_counter()
    end, before = started + cap, (*api.cpu(pid), *idle_and_steal())

    async def poster(number: int) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, limits=one, timeout=60) as c:
            while time.perf_counter() < end:
                nxt = next(items, None)
                if nxt is None:
                    return
                item = nxt[1]
                t0 = time.perf_counter()
                try:
                    response = await c.post("/v1/events", content=item.data)
                    status, text = response.status_code, response.text
                except httpx.HTTPError as exc:
                    status, text = 0, repr(exc)
                run.sent.append(Sent(item, number, t0, time.perf_counter(), status, text))
            run.capped = True

    await asyncio.gather(*(poster(i) for i in range(posters)))
    run.wall = max((s.finished for s in run.sent), default=started) - started
    after = (*api.cpu(pid), *idle_and_steal())
    run.cpu = tuple((b - a) / max(run.wall, 1e-9) for a, b in zip(before, after, strict=True))
    return run


async def post_batches(
    base: str, token: str, bodies: list[dict[str, Any]], size: int, posters: int
) -> tuple[float, Counter[str]]:
    """Post `bodies` through POST /v1/events/batch in chunks of `size` from `posters`
    concurrent clients; (events answered per second, outcomes counted)."""
    chunks = iter([bodies[i : i + size] for i in range(0, len(bodies), size)])
    counts: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {token}"}

    async def poster() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
            while (chunk := next(chunks, None)) is not None:
                response = await client.post("/v1/events/batch", json={"events": chunk})
                if response.status_code != 200:
                    counts[f"HTTP {response.status_code}"] += len(chunk)
                    continue
                counts.update(o["outcome"] for o in response.json()["outcomes"])

    started = time.perf_counter()
    await asyncio.gather(*(poster() for _ in range(posters)))
    return sum(counts.values()) / (time.perf_counter() - started), counts


def batch_mode(base: str, token: str, bodies: list[dict[str, Any]], args: Any) -> None:
    """The nightly-feed path: events/s through the batch endpoint (target 2,000/s), with a
    share of repeats of events already in the stream."""
    rng = random.Random(5)
    repeats = rng.sample(bodies, round(len(bodies) * args.duplicates))
    stream = bodies + repeats
    rng.shuffle(stream)
    health = asyncio.run(health_rate(base, args.posters, 3.0))
    load = os.getloadavg()
    rate, counts = asyncio.run(post_batches(base, args.token, stream, args.batch, args.posters))
    verdict = "met" if rate >= 2000 else "NOT met"
    print(f"load average before posting: {load}; /health {health:,.0f} req/s")
    print(
        f"batch endpoint: {len(stream):,} events in batches of {args.batch} from "
        f"{args.posters} clients: {rate:,.0f} events/s (>= 2,000/s: {verdict})"
    )
    print(f"outcomes: {dict(counts)}")


async def health_rate(base: str, posters: int, seconds: float) -> float:
    """Requests/s of GET /health (no token, no database) with the same posters: what the
    server's HTTP stack alone can answer."""
    count, end = 0, time.perf_counter() + seconds
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def poster() -> None:
        nonlocal count
        async with httpx.AsyncClient(base_url=base, limits=one, timeout=60) as client:
            while time.perf_counter() < end:
                await client.get("/health")
                count += 1

    started = time.perf_counter()
    await asyncio.gather(*(poster() for _ in range(posters)))
    return count / (time.perf_counter() - started)


def idle_and_steal() -> tuple[float, float, float]:
    """Seconds all cores spent idle, idle waiting on I/O, and stolen by other guests."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    return ticks[3] / hz, ticks[4] / hz, ticks[7] / hz


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def report(run: Run, args: argparse.Namespace, load: tuple[float, ...], health: float) -> None:
    sent, wall = run.sent, max(run.wall, 1e-9)
    statuses = Counter(s.status for s in sent)
    errors = [s for s in sent if s.status not in (200, 201)]
    uniques = {s.item.unique for s in sent}
    repeats = [s for s in sent if s.item.repeat]
    created = statuses[201]
    print(
        f"\nevents: {args.posters} posters (asyncio httpx, one keep-alive connection each), "
        f"{args.workers} server worker(s), 127.0.0.1, {os.cpu_count()} cores shared with other "
        f"work (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before the run: the "
        "figures are noisy)"
    )
    how = "time cap reached" if run.capped else "stream used up"
    print(
        f"requests {len(sent):,} in {wall:.1f}s ({how}): {len(uniques):,} unique events + "
        f"{len(repeats):,} repeats ({sum(s.item.racing for s in repeats):,} queued right behind "
        f"their original)"
    )
    print(f"  all requests / wall time    {len(sent) / wall:8,.1f} /s")
    print(f"  unique events / wall time   {len(uniques) / wall:8,.1f} /s")
    print(f"  new events (201) / wall     {created / wall:8,.1f} /s")
    lat = [s.latency for s in sent]
    p50, p99, top = pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1)
    print(f"  latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms")
    groups: dict[str, list[float]] = defaultdict(list)
    for s in sent:
        name = "repeat (200)" if s.status == 200 else kind_of(s.item.body["type"]) + " (201)"
        groups[name if s.status in (200, 201) else "error"].append(s.latency)
    for name, values in sorted(groups.items()):
        print(
            f"    {name:<22} {len(values):>7,}  p50 {pct(values, 0.5):6.1f} ms  "
            f"p99 {pct(values, 0.99):6.1f} ms"
        )
    print(f"  201 created {created:,}, 200 repeat {statuses[200]:,}, errors {len(errors):,}")
    for status, count in sorted(statuses.items()):
        if status not in (200, 201):
            print(f"    status {status}: {count:,}")
    for s in errors[:5]:
        print(f"    error sample: {s.status} {s.item.body['event_id']}: {s.text[:300]}")
    used = " / ".join(f"{c:.0%}" for c in run.cpu[:4])
    print(
        f"  CPU over the run, share of one core: client / server / postgres / other "
        f"{used}; idle {run.cpu[4]:.0%}, I/O wait {run.cpu[5]:.0%}, stolen {run.cpu[6]:.0%}"
    )
    print(f"  for scale: GET /health (no token, no database), same posters: {health:,.0f} /s")
    rate = len(sent) / wall
    verdict = "met" if rate >= TARGET and not errors else "NOT met"
    print(
        f"target: >= {TARGET} events/s on this 2-core machine: {verdict} "
        f"({rate:,.0f} requests/s, {len(uniques) / wall:,.0f} unique events/s)"
    )


# --- database checks -----------------------------------------------------------------------

RUN_EVENTS = "SELECT id FROM events WHERE source LIKE %(like)s"
CHECKS = {
    "events": "SELECT count(*) FROM events WHERE source LIKE %(like)s",
    "effects": f"SELECT count(*) FROM event_effects WHERE event_id IN ({RUN_EVENTS})",
    "twice": "SELECT count(*) FROM (SELECT 1 FROM events GROUP BY local_authority, source, "
    "event_id HAVING count(*) > 1) d",
    "effect_twice": "SELECT count(*) FROM (SELECT 1 FROM event_effects GROUP BY event_id, kind, "
    "plan_id HAVING count(*) > 1) d",
    "considerations": f"SELECT count(*) FROM considerations WHERE event_id IN ({RUN_EVENTS})",
    "consideration_twice": "SELECT count(*) FROM (SELECT 1 FROM considerations WHERE event_id "
    "IS NOT NULL GROUP BY event_id, plan_id HAVING count(*) > 1) d",
    "meetings": f"SELECT count(*) FROM meetings WHERE event_id IN ({RUN_EVENTS})",
    "meeting_twice": "SELECT count(*) FROM (SELECT 1 FROM meetings WHERE event_id IS NOT NULL "
    "GROUP BY event_id HAVING count(*) > 1) d",
    "audit": "SELECT count(*) FROM audit_log WHERE action = 'event.received' AND resource_id "
    f"IN ({RUN_EVENTS})",
}
EFFECT_ROWS = (
    "SELECT f.event_id, f.kind, f.plan_id, f.review_id, f.consideration_id, f.meeting_id, "
    f"f.before_date, f.after_date FROM event_effects f WHERE f.event_id IN ({RUN_EVENTS})"
)


def effect_key(event: str, e: dict[str, Any]) -> tuple[str | None, ...]:
    ids = (e["plan_id"], e["review_id"], e["consideration_id"], e["meeting_id"])
    return (event, e["kind"], *ids, e["before"], e["after"])


def check_database(conn: psycopg.Connection[Any], run: Run, prefix: str) -> bool:
    """Count what the run left in the database against what the responses said."""
    values = {"like": f"{prefix}-%"}
    n = {name: conn.execute(query, values).fetchone()[0] for name, query in CHECKS.items()}  # type: ignore[index]
    stored = {
        tuple(str(v) if v is not None else None for v in row)
        for row in conn.execute(EFFECT_ROWS, values)
    }
    conn.rollback()
    pairs = {(s.item.body["source"], s.item.body["event_id"]) for s in run.sent}
    created = [(s, json.loads(s.text)) for s in run.sent if s.status == 201]
    answered = [effect_key(body["id"], e) for _, body in created for e in body["effects"]]
    kinds = Counter(e["kind"] for _, body in created for e in body["effects"])
    # Per pair, every answer after the first (201) must be that same answer (200).
    by_pair: dict[int, list[Sent]] = defaultdict(list)
    for s in run.sent:
        by_pair[s.item.unique].append(s)
    repeated = [group for group in by_pair.values() if len(group) > 1]
    alike = sum(
        len(group) - 1
        for group in repeated
        if sorted(s.status for s in group) == [200] * (len(group) - 1) + [201]
        and len({json.dumps(json.loads(s.text), sort_keys=True) for s in group}) == 1
    )
    raced = sum(
        1
        for group in repeated
        for a, b in itertools.pairwise(sorted(group, key=lambda s: s.started))
        if b.started < a.finished and a.poster != b.poster
    )
    won_by_repeat = sum(
        1 for group in repeated if any(s.item.repeat and s.status == 201 for s in group)
    )
    ok = {
        "events": n["events"] == len(pairs),
        "effects": n["effects"] == len(answered),
        "rows": stored == set(answered) and len(answered) == len(set(answered)),
        "twice": n["twice"] == 0,
        "effect_twice": n["effect_twice"] == 0,
        "considerations": n["considerations"] == kinds["consideration_opened"],
        "meetings": n["meetings"] == kinds["disruption_meeting_created"],
        "consideration_twice": n["consideration_twice"] == 0 and n["meeting_twice"] == 0,
        "audit": n["audit"] == n["events"],
    }
    yes = {True: "yes", False: "NO"}
    print(f"\ndatabase after the run (this run's events: source LIKE '{prefix}-%'):")
    print(
        f"  events stored {n['events']:,} vs unique (source, event_id) pairs sent "
        f"{len(pairs):,}: equal {yes[ok['events']]}"
    )
    print(
        f"  event_effects rows {n['effects']:,} vs effects in the 201 responses "
        f"{len(answered):,}: equal {yes[ok['effects']]}; the same rows one for one "
        f"{yes[ok['rows']]}"
    )
    print(f"    effects by kind: {', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))}")
    print(
        f"  considerations {n['considerations']:,} (= consideration_opened "
        f"{yes[ok['considerations']]}), disruption meetings {n['meetings']:,} (= "
        f"disruption_meeting_created {yes[ok['meetings']]}), audit 'event.received' "
        f"{n['audit']:,} (= events {yes[ok['audit']]})"
    )
    print(f"  (local_authority, source, event_id) stored more than once, whole table: {n['twice']}")
    print(
        f"  events with the same effect twice (event, kind, plan), whole table: "
        f"{n['effect_twice']}; considerations twice per (event, plan) or meetings twice per "
        f"event: {n['consideration_twice'] + n['meeting_twice']}"
    )
    print(
        f"  repeats answered 200 with the first answer's body: {alike:,} of "
        f"{sum(len(g) - 1 for g in repeated):,}; sent while the original was in flight (another "
        f"poster): {raced:,}; races the repeat won (it got the 201): {won_by_repeat:,}"
    )
    zero = all(ok.values())
    print(f"zero duplicate effects: {yes[zero].lower()}")
    return zero


# --- server-side profile -------------------------------------------------------------------


class WireTrace:
    """Every PostgreSQL protocol message of the app's one pooled connection (libpq PQtrace
    with timestamps): round trips are ReadyForQuery messages, and the time from a round
    trip's first frontend message to its ReadyForQuery is time spent waiting on the wire and
    the server."""

    def __init__(self) -> None:
        self.file = tempfile.NamedTemporaryFile("w+", prefix="bench-events-trace-")  # noqa: SIM115
        self.libc = ctypes.CDLL(None)
        self.offset = 0

    def attach(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.pgconn.trace(self.file.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.REGRESS_MODE)

    def take(self) -> tuple[int, float, float]:
        """(round trips, seconds waiting, of which on COMMIT) since the last call."""
        self.libc.fflush(None)
        with open(self.file.name) as f:
            f.seek(self.offset)
            text = f.read()
            self.offset = f.tell()
        trips, waiting, commit, first, committing = 0, 0.0, 0.0, None, False
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) < 4:
                continue
            at = datetime.fromisoformat(parts[0]).timestamp()
            if parts[1] == "F" and first is None:
                first, committing = at, parts[3] == "Query" and '"COMMIT"' in line
            elif parts[1] == "B" and parts[3] == "ReadyForQuery" and first is not None:
                trips, waiting = trips + 1, waiting + at - first
                commit += at - first if committing else 0.0
                first = None
        return trips, waiting, commit


@dataclass
class Sample:
    statements: list[tuple[str, float, Any]]
    trips: int
    waiting: float
    commit: float
    total: float
    effects: int


def verb(statement: str) -> str:
    word = statement.split(None, 1)[0].upper()
    return "RELEASE" if word == "RELEASE" else word


def profile(token: str, pools: dict[bool, list[str]], prefix: str, per_kind: int) -> None:
    """Post events of each kind one at a time through an in-process app (TestClient) on the
    same database with a one-connection pool, counting statements (SQLAlchemy cursor events)
    and wire round trips (libpq trace: BEGIN, the pool's pre-ping and COMMIT included)."""
    from fastapi.testclient import TestClient

    from review_service.app import create_app

    settings = Settings(
        database_url=URL, database_pool_size=1, database_max_overflow=0, log_level="warning"
    )
    app = create_app(settings, run_scheduler=False)
    trace, statements = WireTrace(), []
    sa_event.listen(app.state.engine, "connect", trace.attach)

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append([statement, time.perf_counter(), parameters])

    def after(*_: Any) -> None:
        statements[-1][1] = time.perf_counter() - statements[-1][1]

    sa_event.listen(app.state.engine, "before_cursor_execute", before)
    sa_event.listen(app.state.engine, "after_cursor_execute", after)
    rng = random.Random(11)
    kinds = {
        "consideration (social_worker_changed)": [ET.SOCIAL_WORKER_CHANGED],
        "consideration, in care (missing_from_home)": [ET.MISSING_FROM_HOME],
        "bring forward (care_plan_change_proposed)": [ET.CARE_PLAN_CHANGE_PROPOSED],
        "disruption (placement_ended_unplanned)": [ET.PLACEMENT_ENDED_UNPLANNED],
    }
    results: dict[str, list[Sample]] = {}
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:

        def post(body: dict[str, Any], expect: int) -> Sample:
            trace.take()
            statements.clear()
            started = time.perf_counter()
            response = client.post("/v1/events", json=body, headers=headers)
            total = time.perf_counter() - started
            assert response.status_code == expect, response.text
            trips, waiting, commit = trace.take()
            done = [(s, d, p) for s, d, p in statements]
            effects = len(response.json()["effects"])
            return Sample(done, trips, waiting, commit, total, effects)

        health = []
        for _ in range(20):
            started = time.perf_counter()
            client.get("/health")
            health.append(time.perf_counter() - started)
        for name, types in kinds.items():
            bodies = unique_events(rng, pools, per_kind + 1, f"{prefix}-{len(results)}", types)
            samples = [post(body, 201) for body in bodies]
            results[name] = samples[1:]  # the first warms the connection and the caches
        results["repeat (answers 200)"] = [post(body, 200) for body in bodies[1:]]
    app.state.engine.dispose()
    print(
        f"\nserver side, one event post at a time through an in-process app (TestClient, same "
        f"database, one pooled connection), mean of {per_kind} posts per kind; statements from "
        "SQLAlchemy's cursor events, round trips from the libpq protocol trace (BEGIN, the "
        f"pool's pre-ping and COMMIT included); an empty GET /health costs "
        f"{statistics.median(health) * 1000:.1f} ms here:"
    )
    print(
        f"  {'kind':<44}{'effects':>8}{'SQL':>6}{'trips':>7}{'ms':>7}{'ms wire':>8}"
        f"{'commit':>7}{'ms py':>7}   statements by verb"
    )
    for name, samples in results.items():
        mean = statistics.fmean
        verbs = Counter(verb(s) for sample in samples for s, *_ in sample.statements)
        by_verb = " ".join(f"{v} {c / len(samples):.1f}" for v, c in verbs.most_common())
        total, wire = mean(s.total for s in samples), mean(s.waiting for s in samples)
        sql = [len(s.statements) for s in samples]
        print(
            f"  {name:<44}{mean(s.effects for s in samples):>8.1f}{mean(sql):>6.1f}"
            f"{mean(s.trips for s in samples):>7.1f}{total * 1000:>7.1f}{wire * 1000:>8.1f}"
            f"{mean(s.commit for s in samples) * 1000:>7.1f}{(total - wire) * 1000:>7.1f}   "
            f"{by_verb}  (SQL {min(sql)}-{max(sql)})"
        )
    growth = defaultdict(set)
    for name, samples in results.items():
        if not name.startswith("repeat"):
            for sample in samples:
                growth[name.split(" (")[0]].add((sample.effects, len(sample.statements)))
    print("  SQL statements by number of effects (one effect per affected open plan):")
    for name, pairs in growth.items():
        print(f"    {name:<26} " + ", ".join(f"{e} -> {n}" for e, n in sorted(pairs)))
    sample = max(results["consideration (social_worker_changed)"], key=lambda s: s.effects)
    print(f"\n  the statements of one consideration event with {sample.effects} effect(s):")
    for text, took, _ in sample.statements:
        flat = " ".join(text.split())
        print(f"    {took * 1000:6.2f} ms  {flat[:130]}{' ...' if len(flat) > 130 else ''}")
    posts = [sample for name, s in results.items() if not name.startswith("repeat") for sample in s]
    by_table: dict[str, list[float]] = defaultdict(list)
    for post_sample in posts:
        for text, took, _ in post_sample.statements:
            by_table[table_of(text)].append(took)
    print(f"\n  time per statement kind over the {len(posts)} posts that stored an event:")
    ranked = sorted(by_table.items(), key=lambda kv: -sum(kv[1]))
    for name, took in ranked[:10]:
        mean_ms, per_post = statistics.fmean(took) * 1000, sum(took) / len(posts) * 1000
        print(
            f"    {name:<36} {len(took) / len(posts):5.1f} per post, mean {mean_ms:6.2f} ms, "
            f"max {max(took) * 1000:7.2f} ms, {per_post:6.2f} ms per post"
        )
    slowest = max(
        (st for p in posts for st in p.statements if verb(st[0]) == "SELECT"), key=lambda st: st[1]
    )
    text, took, parameters = slowest
    flat = " ".join(text.split())
    print(f"\n  EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECT seen ({took * 1000:.1f} ms):")
    print(f"    {flat[:300]}{' ...' if len(flat) > 300 else ''}")
    with psycopg.connect(seed.psycopg_url(URL)) as conn:
        for (line,) in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {text}", parameters):
            print(f"    {line}")
        conn.rollback()


def table_of(statement: str) -> str:
    """'SELECT timers', 'INSERT considerations', 'SAVEPOINT' ..."""
    word = verb(statement)
    found = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
    return f"{word} {found.group(1)}" if found and word != "SAVEPOINT" else word


# --- main ----------------------------------------------------------------------------------


def code_version() -> str:
    """The commit the server runs, and whether src/ or migrations/ differ from it (read-only
    git queries)."""
    root = os.path.dirname(_HERE)
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "src", "migrations"],
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown"
    dirty = sum(1 for line in changed if line.strip())
    return f"{head}" + (f" + {dirty} uncommitted file(s) in src/, migrations/" if dirty else "")


def make_token(prefix: str) -> str:
    """An `events`-scope token bound to no local authority."""
    engine = create_database_engine(Settings(database_url=URL))
    with create_session_factory(engine)() as session:
        scopes = frozenset({Scope.EVENTS})
        now = datetime.now(UTC)
        token = create_token(session, name=prefix, scopes=scopes, local_authority=None, now=now)
        session.commit()
    engine.dispose()
    return token.secret


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    api.prepare_database(args.children, args.plans, args.reuse)
    conn = psycopg.connect(seed.psycopg_url(URL))
    seed.print_counts(conn)
    prefix = f"bench-{time.strftime('%Y%m%d%H%M%S')}"
    token, rng = make_token(prefix), random.Random(20261123)
    pools = sample_children(conn, max(1000, min(args.events, 50_000)))
    conn.rollback()
    n_repeats = round(args.events * args.duplicates)
    bodies = unique_events(rng, pools, args.events - n_repeats, f"{prefix}-run", list(MIX))
    stream = build_stream(bodies, n_repeats, rng)
    warm = build_stream(unique_events(rng, pools, args.warmup, f"{prefix}-warm", list(MIX)), 0, rng)
    today = london_today(datetime.now(UTC))
    print(
        f"stream: {len(stream):,} requests ({len(bodies):,} unique events, {n_repeats:,} repeats) "
        f"over {len(pools[False]):,} sampled children with an open plan ({len(pools[True]):,} "
        f"with an open in-care plan), today {today}; {args.warmup} warm-up events first"
    )
    print(f"code: {code_version()}")
    port = api.free_port()
    env = {"REVIEW_SERVICE_DATABASE_URL": URL, "REVIEW_SERVICE_LOG_LEVEL": "warning"}
    command = [os.path.join(os.path.dirname(sys.executable), "review-service")]
    if args.nodelay:
        command = [
            sys.executable,
            "-c",
            f"{api.NODELAY}from review_service.cli import main; main()",
        ]
    if args.server_python:
        command = [args.server_python, "-c", "from review_service.cli import main; main()"]
    command += ["serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(args.workers)]
    server = api.start(command, env)
    base = f"http://127.0.0.1:{port}"
    try:
        api.wait_healthy(f"{base}/health", server)
        if args.batch:
            args.token = token
            batch_mode(base, token, bodies, args)
            return
        if warm:
            warmed = asyncio.run(post_all(base, token, warm, args.posters, 60, server.pid))
            bad = [s for s in warmed.sent if s.status != 201]
            print(f"warm-up: {len(warmed.sent)} events, {len(bad)} not 201", file=sys.stderr)
        health = asyncio.run(health_rate(base, args.posters, 3.0))
        load = os.getloadavg()
        print(f"posting {len(stream):,} requests ...", file=sys.stderr, flush=True)
        run = asyncio.run(post_all(base, token, stream, args.posters, args.max_seconds, server.pid))
    finally:
        api.stop(server)
    report(run, args, load, health)
    check_database(conn, run, f"{prefix}-run")
    profile(token, pools, f"{prefix}-profile", args.profile)
    conn.close()
    print(f"\ntotal run time {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
