"""Bulk seeding of a national-scale population for `bench/api.py` (not part of the test run).

150,000 children in 153 local authorities, 500,000 open plans of all six types, each with its
held past reviews (0-4), one pending review and their milestones, every date computed by the
domain (ReviewSeries, the milestone rules, the England and Wales working-day calendar) with
the calls cached. Rows go in through psycopg 3 COPY with the tables' indexes and constraints
dropped, which are then rebuilt from their own definitions (so the schema stays the
migration's), and the tables are vacuumed and analysed.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from review_service.domain.milestones import (
    MilestoneDue,
    plan_milestones,
    post_review_milestones,
    pre_review_milestones,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import DEFAULT_POLICY
from review_service.domain.regions import Region
from review_service.domain.review_series import ReviewSeries
from review_service.domain.reviews import age_on
from review_service.domain.working_days import WorkingDayCalendar

PT = PlanType
CAL = WorkingDayCalendar.for_region(Region.ENGLAND_AND_WALES)
POLICY = DEFAULT_POLICY
LONDON = ZoneInfo("Europe/London")
TABLES = ("children", "plans", "reviews", "milestones")
MAX_HELD = 4
# Share of plans by type: ~84k looked after (incl. short breaks and pathway), 50k child
# protection, 50k early help, the rest child in need (per 500,000), before `type_counts` caps
# each type at one open plan per child (at 150,000 children: 150k child in need, the rest
# spread over the other types).
SHARES = {
    PT.LOOKED_AFTER: 0.140,
    PT.SHORT_BREAKS: 0.012,
    PT.PATHWAY: 0.016,
    PT.CHILD_PROTECTION: 0.100,
    PT.EARLY_HELP: 0.100,
}
# How far back a plan may have started (months): enough for 0-4 held reviews.
WINDOW_MONTHS = {
    PT.LOOKED_AFTER: 20,
    PT.SHORT_BREAKS: 24,
    PT.PATHWAY: 28,
    PT.CHILD_PROTECTION: 24,
    PT.CHILD_IN_NEED: 14,
    PT.EARLY_HELP: 14,
}
PLANS_PER_CHAIR = 62.5  # 500,000 plans over 8,000 IROs
CODES = ("PN1",) * 5 + ("PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def local_authorities() -> list[str]:
    """153 English authority codes: unitaries, metropolitan districts, London, counties."""
    groups = (("E06", 63), ("E08", 36), ("E09", 33), ("E10", 21))
    return [f"{prefix}{n:06d}" for prefix, count in groups for n in range(1, count + 1)]


def psycopg_url(url: str) -> str:
    """A libpq URL from an SQLAlchemy one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class Progress:
    """A one-line progress bar on stderr: done/total, percentage, rows/s, ETA."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.start, self.last = label, total, time.perf_counter(), 0.0

    def update(self, done: int, rows: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < 0.5:
            return
        self.last, elapsed = now, max(now - self.start, 1e-9)
        share = done / self.total if self.total else 1.0
        eta = elapsed / share - elapsed if share else 0.0
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r{self.label} [{bar:<30}] {share:6.1%} {done:,}/{self.total:,} | "
            f"{rows:,} rows, {rows / elapsed:,.0f} rows/s | ETA {eta:4.0f}s "
        )
        sys.stderr.flush()

    def close(self, done: int, rows: int) -> None:
        self.update(done, rows, force=True)
        sys.stderr.write("\n")


Dues = tuple[tuple[str, date, str], ...]


def _dues(milestones: list[MilestoneDue]) -> Dues:
    return tuple((m.kind.value, m.due_by, m.owner_role) for m in milestones)


# The domain's answers, cached per distinct input: a few thousand dates times six types.
@cache
def first_due(pt: PlanType, start: date, interval: int | None) -> date:
    return ReviewSeries(pt, start, interval).first_due(CAL, POLICY)


@cache
def next_due(pt: PlanType, interval: int | None, second: bool, held: date) -> date:
    return ReviewSeries(pt, held, interval).next_due(2 if second else 3, held, POLICY)


@cache
def pre(pt: PlanType, day: date) -> Dues:
    return _dues(pre_review_milestones(pt, day, CAL, POLICY))


@cache
def post(pt: PlanType, day: date) -> Dues:
    return _dues(post_review_milestones(pt, day, CAL, POLICY))


@cache
def plan_level(pt: PlanType, day: date) -> Dues:
    return _dues(plan_milestones(pt, day, CAL, POLICY))


@cache
def at(day: date) -> datetime:
    return datetime.combine(day, dtime(9, 30), UTC)


@cache
def meeting(day: date) -> datetime:
    return datetime.combine(day, dtime(10, 0), LONDON).astimezone(UTC)


def new_id(rng: random.Random) -> str:
    """A random version-4 UUID in the hex form PostgreSQL accepts."""
    return f"{(rng.getrandbits(128) & _V4_CLEAR) | _V4_SET:032x}"


COLUMNS = {
    "children": "id, local_authority, external_id, date_of_birth, "
    "parents_with_parental_responsibility, created_at, updated_at, version",
    "plans": "id, child_id, local_authority, type, start_date, review_interval_months, "
    "chair_id, status, created_at, updated_at, version",
    "reviews": "id, plan_id, local_authority, plan_type, chair_id, sequence, status, "
    "statutory_due_by, brought_forward_to, due_by, scheduled_for, venue, "
    "exceptional_circumstances, reconvene_on, adjournment_reason, held_on, late, "
    "participation_code, created_at, updated_at, version, child_id",
    "milestones": "id, plan_id, local_authority, review_id, kind, due_by, owner_role, status, "
    "completed_on",
}


def copy_sql(table: str) -> str:
    return f"COPY {table} ({COLUMNS[table]}) FROM STDIN"


Write = Callable[[tuple[Any, ...]], None]
DISTINCT = "SELECT count(DISTINCT chair_id), count(DISTINCT local_authority) FROM plans"


class Seeder:
    """Writes one plan's rows: the plan, its held reviews, its pending review, milestones."""

    def __init__(self, rng: random.Random, today: date, writers: list[Write]) -> None:
        self.rng, self.today = rng, today
        self.plan_row, self.milestone_row = writers[0], writers[2]
        self.write_review = writers[1]
        self.child_id = ""

    def review_row(self, row: tuple[Any, ...]) -> None:
        """A review of the plan being written, with its plan's child (migration 0013)."""
        self.write_review((*row, self.child_id))

    def milestones(
        self,
        ids: tuple[str, str, str | None],
        dues: Dues,
        done_share: float,
        floor: date | None = None,
    ) -> int:
        """Past milestones done (`done_share` of them, else pending, i.e. overdue); later
        ones pending."""
        rng, today = self.rng, self.today
        for kind, due, owner in dues:
            status, completed = "pending", None
            if due < today and rng.random() < done_share:
                status = "done"
                completed = max(due - timedelta(days=int(rng.random() * 3)), floor or date.min)
            self.milestone_row((new_id(rng), *ids, kind, due, owner, status, completed))
        return len(dues)

    def plan(self, child_id: str, la: str, chair: str, pt: PlanType, dob: date) -> int:
        """Write a plan started within its type's window; returns the rows written."""
        rng, today = self.rng, self.today
        self.child_id = child_id
        window = min(WINDOW_MONTHS[pt] * 30.4, (today - dob).days)
        start = today - timedelta(days=int(rng.random() * window))
        interval = 6 if pt.has_variable_interval and rng.random() < 0.15 else None
        plan = (new_id(rng), la, pt.value, chair)
        opened = at(start)
        row = (plan[0], child_id, la, pt.value, start, interval, chair, "open", opened, opened, 1)
        self.plan_row(row)
        rows = 1 + self.milestones((*plan[:2], None), plan_level(pt, start), 0.92)
        seq, prev = 1, None
        while True:
            due = (
                first_due(pt, start, interval)
                if prev is None
                else next_due(pt, interval, seq == 2, prev)
            )
            late = rng.random() < 0.12
            offset = 1 + int(rng.random() * 40) if late else -int(rng.random() * 21)
            held = max(due + timedelta(days=offset), prev or start)
            if seq > MAX_HELD or held >= today:
                break
            code = None
            if pt.records_participation:
                code = "PN0" if age_on(dob, held) < 4 else rng.choice(CODES)
            review = (new_id(rng), *plan, seq, "held", due, None, due, meeting(held), None, None)
            self.review_row((*review, None, None, held, held > due, code, opened, at(held), 1))
            rows += 1 + self.milestones((*plan[:2], review[0]), pre(pt, held), 0.95)
            rows += self.milestones((*plan[:2], review[0]), post(pt, held), 0.85, held)
            seq, prev, opened = seq + 1, held, at(held)
        return rows + self.pending(plan, seq, due, max(prev or start, start), opened)

    def pending(
        self, plan: tuple[str, str, str, str], seq: int, due: date, floor: date, opened: datetime
    ) -> int:
        """The pending review: due; scheduled (on time, or late with exceptional circumstances
        when already overdue); a few adjourned or brought forward. With its milestones."""
        rng, today = self.rng, self.today
        statutory, forward, status = due, None, "due"
        scheduled = venue = exceptional = reconvene = reason = None
        roll = rng.random()
        if roll < 0.01 and due - timedelta(days=14) > max(floor, today):
            forward = due = due - timedelta(days=7 + int(rng.random() * 7))
        elif roll < 0.02 and (today - floor).days > 2:
            status, reason = "adjourned", "the child's parent could not attend"
            back = 1 + int(rng.random() * min(10, (today - floor).days - 1))
            scheduled, venue = today - timedelta(days=back), "Civic Centre"
            reconvene = today + timedelta(days=1 + int(rng.random() * 20))
        elif due < today and roll < 0.35:
            status, venue = "scheduled", "Civic Centre"
            scheduled = today + timedelta(days=1 + int(rng.random() * 20))
            exceptional = "the meeting could not be convened in time; the child was unwell"
        elif due > today and roll < 0.50:
            status, venue = "scheduled", "Family Centre"
            earliest = max(today + timedelta(days=1), due - timedelta(days=20))
            scheduled = earliest + timedelta(days=int(rng.random() * ((due - earliest).days + 1)))
        planned = reconvene or scheduled
        late = planned is not None and planned > due
        when = meeting(scheduled) if scheduled else None
        review = (new_id(rng), *plan, seq, status, statutory, forward, due, when, venue)
        self.review_row(
            (*review, exceptional, reconvene, reason, None, late, None, opened, opened, 1)
        )
        anchor = reconvene or scheduled or due
        return 1 + self.milestones((*plan[:2], review[0]), pre(PlanType(plan[2]), anchor), 0.75)


def type_counts(n_children: int, n_plans: int) -> dict[PlanType, int]:
    """Plans per type, by SHARES; a type never has more plans than there are children, since
    a child has at most one open plan of a type (migration 0006's uq_plans_child_id_type_open;
    POST /v1/plans answers 409 for a second). What a full type cannot take is spread over the
    others in proportion to their shares."""
    if n_plans > n_children * len(PT):
        raise ValueError(f"{n_plans} open plans need more than {n_children} children")
    shares = {**SHARES, PT.CHILD_IN_NEED: 1 - sum(SHARES.values())}
    counts: dict[PlanType, int] = {}
    while len(counts) < len(shares):
        room = {pt: share for pt, share in shares.items() if pt not in counts}
        left, weight = n_plans - sum(counts.values()), sum(room.values())
        full = [pt for pt, share in room.items() if left * share / weight >= n_children]
        if not full:
            ordered = sorted(room)
            for pt in ordered:
                counts[pt] = round(left * room[pt] / weight)
            counts[ordered[-1]] += n_plans - sum(counts.values())
        counts.update(dict.fromkeys(full, n_children))
    return counts


def allocate(rng: random.Random, n_children: int, n_plans: int) -> list[tuple[int, PlanType]]:
    """(child index, plan type) per plan, at most one plan of a type per child."""
    pairs: list[tuple[int, PlanType]] = []
    for pt, count in type_counts(n_children, n_plans).items():
        pairs += [(child, pt) for child in rng.sample(range(n_children), count)]
    rng.shuffle(pairs)
    return pairs


def print_counts(conn: psycopg.Connection[Any]) -> None:
    print("row counts:")
    for table in TABLES:
        (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone() or (0,)
        print(f"  {table:<11} {count:>10,} rows")
    by_status = "SELECT status, count(*), 'late', count(*) FILTER (WHERE late) FROM reviews"
    for label, query in (
        ("plans by type", "SELECT type, count(*) FROM plans GROUP BY 1 ORDER BY 2 DESC"),
        ("reviews by status", f"{by_status} GROUP BY 1 ORDER BY 2 DESC"),
        ("milestones", "SELECT status, count(*) FROM milestones GROUP BY 1 ORDER BY 2 DESC"),
        ("chairs, authorities", DISTINCT),
    ):
        values = conn.execute(query).fetchall()
        text = "; ".join(" ".join(f"{v:,}" if isinstance(v, int) else v for v in r) for r in values)
        print(f"  {label}: {text}")


Keys = tuple[list[tuple[str, str, str, str]], list[str]]


def drop_keys(cur: psycopg.Cursor[Any]) -> Keys:
    """Drop the tables' keys, unique and foreign keys (and FKs into them) and indexes; return
    their definitions as (table, name, type, definition) and CREATE INDEX statements."""
    tables = list(TABLES)
    constraints = cur.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype IN ('p', 'u', 'f') AND (conrelid::regclass::text "
        "= ANY(%s) OR (contype = 'f' AND confrelid::regclass::text = ANY(%s)))",
        (tables, tables),
    ).fetchall()
    indexes = cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
        "tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        (tables,),
    ).fetchall()
    for table, name, _, _ in sorted(constraints, key=lambda c: c[2] != "f"):
        alter = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
        cur.execute(alter.format(sql.Identifier(table), sql.Identifier(name)))
    for name, _ in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return constraints, [definition for _, definition in indexes]


def restore_keys(conn: psycopg.Connection[Any], keys: Keys) -> None:
    """Recreate what `drop_keys` dropped: keys, then indexes, then foreign keys."""
    constraints, indexes = keys
    conn.execute("SET maintenance_work_mem = '1GB'")
    add = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}")
    ordered = sorted(constraints, key=lambda c: c[2] == "f")
    steps = [(add.format(sql.Identifier(t), sql.Identifier(n), sql.SQL(d)), n)
             for t, n, k, d in ordered if k != "f"]  # fmt: skip
    steps += [(sql.SQL(d), d.split(" ON ")[0].split()[-1]) for d in indexes]
    steps += [(add.format(sql.Identifier(t), sql.Identifier(n), sql.SQL(d)), n)
              for t, n, k, d in ordered if k == "f"]  # fmt: skip
    for i, (statement, name) in enumerate(steps, 1):
        started = time.perf_counter()
        conn.execute(statement)
        conn.commit()
        took = time.perf_counter() - started
        sys.stderr.write(f"\rrebuilding keys {i}/{len(steps)}: {name} ({took:.1f}s)          ")
    sys.stderr.write("\n")


def seed(url: str, n_children: int, n_plans: int, today: date, rng_seed: int = 20261123) -> None:
    """Fill the freshly migrated database at `url`."""
    rng = random.Random(rng_seed)
    las = local_authorities()
    weights = [rng.lognormvariate(0, 0.6) for _ in las]
    child_la = rng.choices(range(len(las)), weights=weights, k=n_children)
    counted = Counter(child_la)
    per_la = [counted[i] for i in range(len(las))]
    # IROs belong to an authority, in proportion to its size: ~62 plans each.
    n_chairs = max(len(las), round(n_plans / PLANS_PER_CHAIR))
    chair_count = [max(1, round(n_chairs * c / n_children)) for c in per_la]
    chair_first = [1 + sum(chair_count[:i]) for i in range(len(las))]
    pairs = allocate(rng, n_children, n_plans)
    pathway = {child for child, pt in pairs if pt is PT.PATHWAY}

    conns = [psycopg.connect(psycopg_url(url)) for _ in range(3)]
    for conn in conns:
        conn.execute("SET synchronous_commit = off")
    keys = drop_keys(conns[0].cursor())
    conns[0].commit()
    child_ids = [new_id(rng) for _ in range(n_children)]
    dobs = []
    with conns[0].cursor().copy(copy_sql("children")) as copy:
        for i, child_id in enumerate(child_ids):
            years = 16 + rng.random() * 5 if i in pathway else rng.random() * 18
            dobs.append(today - timedelta(days=int(years * 365.25) + 1))
            known = at(today - timedelta(days=int(rng.random() * min(years * 365, 1500))))
            parents = rng.choice((1, 2, 2, None))
            row = (child_id, las[child_la[i]], f"C{i:07d}", dobs[i], parents, known, known, 1)
            copy.write_row(row)

    progress, rows = Progress("seeding plans", len(pairs)), n_children
    with contextlib.ExitStack() as stack:
        copies = [
            stack.enter_context(conn.cursor().copy(copy_sql(table)))
            for conn, table in zip(conns, ("plans", "reviews", "milestones"), strict=True)
        ]
        seeder = Seeder(rng, today, [copy.write_row for copy in copies])
        for done, (child, pt) in enumerate(pairs, 1):
            la = child_la[child]
            chair = f"iro-{chair_first[la] + int(rng.random() * chair_count[la]):04d}"
            rows += seeder.plan(child_ids[child], las[la], chair, pt, dobs[child])
            if done % 1000 == 0:
                progress.update(done, rows)
        progress.close(len(pairs), rows)
    for conn in conns:
        conn.commit()
    for conn in conns[1:]:
        conn.close()
    restore_keys(conns[0], keys)
    conns[0].autocommit = True
    started = time.perf_counter()
    for table in TABLES:
        conns[0].execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    print(f"VACUUM (ANALYZE) of {', '.join(TABLES)}: {time.perf_counter() - started:.1f}s")
    conns[0].close()
