"""Import benchmark (issue 10, "Speed"): printed, not asserted.

Run as `.venv/bin/python bench/imports.py [--children 84000] [--protection 50000]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]`.

It generates a synthetic country itself: looked-after children with five years of episodes
(X1 chains, some periods ended) and reviews, split into authorities of 1,000 children, and
child protection plans in CIN census files. On a scratch PostgreSQL database it imports every
authority's files (each one transaction, as the CLI does), times a plain COPY of the same CSV
rows into text tables in the same run, times the first authority alone (1,000 children, five
years), then the timeliness report over the whole country, and prints peak RSS.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE] + [_HERE]

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from review_service.auth import Principal  # noqa: E402
from review_service.clock import ControllableClock  # noqa: E402
from review_service.database import create_database_engine, create_session_factory  # noqa: E402
from review_service.deadlines.unit_of_work import unit_of_work  # noqa: E402
from review_service.imports.service import import_cin_census, import_ssda903  # noqa: E402
from review_service.migrations import upgrade_to_head  # noqa: E402
from review_service.reports.schemas import GroupBy  # noqa: E402
from review_service.reports.timeliness import timeliness_report  # noqa: E402
from review_service.settings import Settings  # noqa: E402

NOW = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
FIRST, LAST = date(2021, 4, 1), date(2026, 3, 31)
PER_AUTHORITY = 1_000


def _dfe(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _looked_after(rng: random.Random, child: str) -> tuple[str, list[str], list[str]]:
    """One child's HEADER, EPISODES and REVIEWS rows over five years."""
    dob = date(2009, 1, 1) + timedelta(days=rng.randrange(8 * 365))
    header = f"{child},1,{_dfe(dob)},WBRI,,,"
    start = FIRST + timedelta(days=rng.randrange(4 * 365))
    episodes, reviews = [], []
    day = start
    ends = rng.random() < 0.4
    while day < LAST:
        following = day + timedelta(days=rng.randrange(120, 400))
        rne = "S" if day == start else "P"
        if following >= LAST:
            if ends:
                end = LAST - timedelta(days=rng.randrange(1, 60))
                end = max(end, day + timedelta(days=1))
                episodes.append(f"{child},{_dfe(day)},{rne},C2,N1,U1,PR1,{_dfe(end)},E11,,,,")
            else:
                episodes.append(f"{child},{_dfe(day)},{rne},C2,N1,U1,PR1,,,,,,")
            break
        episodes.append(f"{child},{_dfe(day)},{rne},C2,N1,U1,PR1,{_dfe(following)},X1,,,,")
        day = following
    review = start + timedelta(days=rng.randrange(10, 25))
    gap = 90
    while review < LAST - timedelta(days=30) and review < NOW.date():
        reviews.append(f"{child},{_dfe(dob)},{_dfe(review)},PN{rng.randrange(1, 8)}")
        review += timedelta(days=rng.randrange(gap - 25, gap + 10))
        gap = 182
    if ends:  # a review after the period ended would fall outside every period
        last_dec = episodes[-1].split(",")[7]
        end_day = datetime.strptime(last_dec, "%d/%m/%Y").date()
        reviews = [
            r for r in reviews if datetime.strptime(r.split(",")[2], "%d/%m/%Y").date() <= end_day
        ]
    return header, episodes, reviews


def _census(rng: random.Random, authority: int, count: int) -> str:
    children = []
    for n in range(count):
        dob = date(2010, 1, 1) + timedelta(days=rng.randrange(10 * 365))
        start = date(2023, 4, 1) + timedelta(days=rng.randrange(300))
        reviews, review = [], start + timedelta(days=rng.randrange(60, 95))
        while review < date(2024, 3, 31):
            reviews.append(f"<CPPreviewDate>{review.isoformat()}</CPPreviewDate>")
            review += timedelta(days=rng.randrange(150, 185))
        children.append(
            f"<Child><ChildIdentifiers><LAchildID>CP{authority}-{n}</LAchildID>"
            f"<PersonBirthDate>{dob.isoformat()}</PersonBirthDate></ChildIdentifiers>"
            "<CINdetails><CINreferralDate>2023-01-01</CINreferralDate><ChildProtectionPlans>"
            f"<CPPstartDate>{start.isoformat()}</CPPstartDate>"
            f"<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><Reviews>{''.join(reviews)}"
            "</Reviews></ChildProtectionPlans></CINdetails></Child>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><Message><Header><CollectionDetails>'
        "<Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate>"
        "</CollectionDetails></Header><Children>" + "".join(children) + "</Children></Message>"
    )


def generate(root: Path, children: int, protection: int) -> tuple[list[Path], int]:
    """Write each authority's files; returns their directories and the SSDA903 row count."""
    rng = random.Random(903)
    authorities = max(1, (children + PER_AUTHORITY - 1) // PER_AUTHORITY)
    per_cp = protection // authorities
    rows = 0
    dirs = []
    for a in range(authorities):
        folder = root / f"LA{a:03d}"
        folder.mkdir()
        heads = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
        eps = [
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN"
        ]
        revs = ["CHILD,DOB,REVIEW,REVIEW_CODE"]
        for n in range(min(PER_AUTHORITY, children - a * PER_AUTHORITY)):
            h, e, r = _looked_after(rng, f"C{a}-{n}")
            heads.append(h)
            eps += e
            revs += r
        rows += len(heads) + len(eps) + len(revs) - 3
        for name, lines in (("header", heads), ("episodes", eps), ("reviews", revs)):
            (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
        (folder / "census.xml").write_text(_census(rng, a, per_cp))
        dirs.append(folder)
    return dirs, rows


def backend_cpu(pid: int) -> float:
    """CPU seconds a local PostgreSQL backend has used (NaN when the server is not local)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_rate(url: str, dirs: list[Path], rows: int) -> tuple[float, float]:
    """Rows per second of a plain COPY of the same CSV rows into text tables, by the wall
    clock and by CPU time (this process's and its server backend's)."""
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    columns = {"header": 7, "episodes": 13, "reviews": 4}
    with psycopg.connect(plain) as connection:
        for name, width in columns.items():
            cols = ", ".join(f"c{i} text" for i in range(width))
            connection.execute(f"CREATE TABLE copy_{name} ({cols})")
        started = time.perf_counter()
        cpu = time.process_time() + backend_cpu(connection.info.backend_pid)
        for folder in dirs:
            for name in columns:
                with (
                    connection.cursor().copy(
                        f"COPY copy_{name} FROM STDIN (FORMAT csv, HEADER)"
                    ) as copy,
                    (folder / f"{name}.csv").open("rb") as source,
                ):
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        connection.commit()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() + backend_cpu(connection.info.backend_pid) - cpu
    return rows / elapsed, rows / cpu


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=84_000)
    parser.add_argument("--protection", type=int, default=50_000)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--database",
        default=f"bench_imports_{os.getpid()}",
        help="scratch database to create and drop (use your own name)",
    )
    args = parser.parse_args()
    print(f"uptime: {os.popen('uptime').read().strip()}")
    name = args.database
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_to_head(url)
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            dirs, rows = generate(Path(scratch), args.children, args.protection)
            print(
                f"generated {args.children} looked-after children in {len(dirs)} authorities "
                f"({rows} SSDA903 rows) and {args.protection} CP plans "
                f"in {time.perf_counter() - started:.1f}s; peak RSS {rss_mb():.0f} MB"
            )
            _run(url, dirs, rows)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(url: str, dirs: list[Path], rows: int) -> None:
    engine = create_database_engine(Settings(database_url=url, scheduler_enabled=False))
    clock = ControllableClock(NOW)
    sessions = create_session_factory(engine, clock)
    import_seconds = import_cpu = 0.0
    per_authority: list[float] = []
    for index, folder in enumerate(dirs):
        started = time.perf_counter()
        with (
            unit_of_work(sessions, clock) as unit,
            (folder / "header.csv").open("rb") as h,
            (folder / "episodes.csv").open("rb") as e,
            (folder / "reviews.csv").open("rb") as r,
        ):
            # CPU time of the import and of its server backend: on a shared machine the wall
            # clock mostly measures the other processes; CPU seconds compare like with like.
            driver = unit.session.connection().connection.driver_connection
            backend = driver.info.backend_pid  # type: ignore[union-attr]
            cpu = time.process_time() + backend_cpu(backend)
            report = import_ssda903(unit.session, folder.name, (h, e, r), dry_run=False, now=NOW)
        import_cpu += time.process_time() + backend_cpu(backend) - cpu
        elapsed = time.perf_counter() - started
        import_seconds += elapsed
        per_authority.append(elapsed)
        if index + 1 in (1, 10) or index + 1 == len(dirs):
            # Peak RSS as the authorities go by: flat when nothing accumulates across them.
            print(f"after {index + 1} authorities: peak RSS {rss_mb():.0f} MB")
        if index == 0:
            print(
                f"one authority ({report.children.created} children, five years: "
                f"{report.plans.created} plans, {report.reviews.recorded} reviews, "
                f"{len(report.rejected)} rejected rows): {elapsed:.2f}s wall, "
                f"{import_cpu:.2f} CPU s (client + server)"
            )
    middle = sorted(per_authority)[len(per_authority) // 2]
    print(f"one authority, median of {len(dirs)}: {middle:.2f}s")
    print(
        f"SSDA903 import: {rows} rows in {import_seconds:.1f}s = {rows / import_seconds:,.0f} "
        f"rows/s (with due dates, milestones, timers); {import_cpu:.1f} CPU s = "
        f"{rows / import_cpu:,.0f} rows per CPU s; peak RSS {rss_mb():.0f} MB"
    )
    rate, cpu_rate = copy_rate(url, dirs, rows)
    print(
        f"plain COPY of the same rows: {rate:,.0f} rows/s, {cpu_rate:,.0f} rows per CPU s; "
        f"import = {100 * rows / import_seconds / rate:.1f}% of COPY by the wall clock, "
        f"{100 * rows / import_cpu / cpu_rate:.1f}% by CPU time"
    )
    started = time.perf_counter()
    plans = 0
    for folder in dirs:
        with unit_of_work(sessions, clock) as unit, (folder / "census.xml").open("rb") as c:
            plans += import_cin_census(
                unit.session, folder.name, c, dry_run=False, now=NOW
            ).plans.created
    print(f"CIN census import: {plans} CP plans in {time.perf_counter() - started:.1f}s")
    with engine.connect() as connection:
        counts = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("children", "plans", "reviews", "milestones", "timers")
        }
    print(f"rows: {counts}")
    principal = Principal("bench", frozenset(), None)
    for group_by in (None, GroupBy.LOCAL_AUTHORITY, GroupBy.MONTH):
        with sessions() as session:
            started = time.perf_counter()
            out = timeliness_report(
                session,
                principal,
                first=FIRST,
                last=LAST,
                as_of=NOW.date(),
                local_authority=None,
                plan_type=None,
                chair_id=None,
                group_by=group_by,
            )
            elapsed = time.perf_counter() - started
        total = sum(g.reviews for g in out.groups)
        print(
            f"timeliness report group_by={group_by}: {len(out.groups)} groups, "
            f"{total} reviews, {elapsed * 1000:.0f} ms"
        )
    print(f"peak RSS {rss_mb():.0f} MB; load average {os.getloadavg()}")
    engine.dispose()


if __name__ == "__main__":
    main()
