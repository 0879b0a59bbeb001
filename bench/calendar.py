"""Benchmark of the working-day engine against the obvious alternatives.

Run as `.venv/bin/python bench/calendar.py`. Prints, for each method, the cost of (a) one
`add_working_days`-style call repeated and (b) a batch of 100,000 mixed calls (random dates
2000-2090, random n in [-300, 300] including 0), with whether its answers agree with ours.
Everything is England and Wales. Timings are the best of a few repeats (time.perf_counter).
Not part of the test run.
"""

import os
import sys

# Run as a script, this file's directory is sys.path[0] and this file would shadow the standard
# library's `calendar` module for every package that imports it (dateutil, holidays, ...).
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import holidays  # noqa: E402
import numpy as np  # noqa: E402

from review_service.domain.regions import Region  # noqa: E402
from review_service.domain.working_days import (  # noqa: E402
    FIRST_SUPPORTED,
    LAST_SUPPORTED,
    WorkingDayCalendar,
    package_bank_holidays,
)

REGION = Region.ENGLAND_AND_WALES
BATCH = 100_000
NAIVE_SAMPLE = 5_000
WORKALENDAR_SAMPLE = 2_000
REPEATS = 5
SINGLE_DAY, SINGLE_N = date(2024, 3, 28), 20  # a typical statutory deadline, over Easter


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Smallest wall time of `repeats` runs of `fn`, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def time_cold_build() -> tuple[float, float]:
    """Seconds to build the region's table from nothing, then again with the package cached."""
    package_bank_holidays.cache_clear()
    start = time.perf_counter()
    WorkingDayCalendar(REGION, {})
    cold = time.perf_counter() - start
    warm = best_of(lambda: WorkingDayCalendar(REGION, {}), 3)
    return cold, warm


def make_batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240328)
    first = np.datetime64("2000-01-01", "D")
    span = (np.datetime64("2090-12-31", "D") - first).astype(int)
    days = first + rng.integers(0, span + 1, size=BATCH).astype("timedelta64[D]")
    counts = rng.integers(-300, 301, size=BATCH).astype(np.int64)
    counts[::50] = 0  # make sure n = 0 is well represented (about 2%)
    return days, counts


def naive_add(holiday_set: set[date], day: date, n: int) -> date:
    """Day by day over a prebuilt set of the `holidays` package's dates."""
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if current.weekday() < 5 and current not in holiday_set:
            remaining -= 1
    return current


def main() -> None:
    cold, warm = time_cold_build()
    cal = WorkingDayCalendar.for_region(REGION)

    days64, counts = make_batch()
    days_py: list[date] = days64.astype(object).tolist()
    counts_py: list[int] = counts.tolist()
    pairs = list(zip(days_py, counts_py, strict=True))
    pairs64 = list(zip(list(days64), counts_py, strict=True))

    expected: list[date] = [cal.add_working_days(d, n) for d, n in pairs]

    table = holidays.country_holidays(
        "GB",
        subdiv=REGION.holidays_subdivision,
        years=range(FIRST_SUPPORTED.year, LAST_SUPPORTED.year + 1),
    )
    holiday_set = {day for day in table if day.weekday() < 5}

    weekday_holidays = sorted(
        b.date
        for y in range(FIRST_SUPPORTED.year, LAST_SUPPORTED.year + 1)
        for b in cal.bank_holidays(y)
    )
    busdaycal = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(weekday_holidays, dtype="datetime64[D]")
    )
    busday_offset = np.busday_offset

    def numpy_single(day: np.datetime64, n: int) -> np.datetime64:
        # roll='backward' then +n: the n-th business day strictly after `day` even when `day`
        # is not one; roll='forward' then n < 0 likewise strictly before. n = 0 keeps `day`
        # (numpy would roll it).
        if n > 0:
            return busday_offset(day, n, roll="backward", busdaycal=busdaycal)
        if n < 0:
            return busday_offset(day, n, roll="forward", busdaycal=busdaycal)
        return day

    def numpy_vectorised(days: np.ndarray, n: np.ndarray) -> np.ndarray:
        out = days.copy()
        ahead = n > 0
        back = n < 0
        out[ahead] = busday_offset(days[ahead], n[ahead], roll="backward", busdaycal=busdaycal)
        out[back] = busday_offset(days[back], n[back], roll="forward", busdaycal=busdaycal)
        return out

    from workalendar.europe import UnitedKingdom  # imported late: slow to import

    workalendar = UnitedKingdom()
    workalendar.add_working_days(SINGLE_DAY, SINGLE_N)  # warm its per-year holiday cache

    add = cal.add_working_days
    one_day = np.array([SINGLE_DAY], dtype="datetime64[D]")
    one_n = np.array([SINGLE_N], dtype=np.int64)
    single_day64 = np.datetime64(SINGLE_DAY, "D")

    rows: list[tuple[str, float, int, float, str]] = []

    mismatches: list[str] = []

    def agreement(results: list[date], upto: int) -> str:
        wrong = [
            (pairs[i], got, want)
            for i, (got, want) in enumerate(zip(results, expected[:upto], strict=True))
            if got != want
        ]
        if not wrong:
            return "yes"
        (day, n), got, want = wrong[0]
        mismatches.append(f"{day.isoformat()} {n:+d}: got {got}, ours {want}")
        return f"NO: {len(wrong)} of {upto} differ [{len(mismatches)}]"

    def single(fn: Callable[[], object], loops: int) -> float:
        def run() -> None:
            for _ in range(loops):
                fn()

        return best_of(run) / loops

    # ours, single-call path
    per_single = single(lambda: add(SINGLE_DAY, SINGLE_N), 200_000)
    per_batch = best_of(lambda: [add(d, n) for d, n in pairs]) / BATCH
    rows.append(("ours: add_working_days (per call)", per_single, BATCH, per_batch, "(reference)"))
    ours_single, ours_loop = per_single, per_batch

    # naive day-by-day loop over the holidays package
    sample = pairs[:NAIVE_SAMPLE]
    per_single = single(lambda: naive_add(holiday_set, SINGLE_DAY, SINGLE_N), 20_000)
    per_batch = best_of(lambda: [naive_add(holiday_set, d, n) for d, n in sample], 3)
    rows.append(
        (
            "naive loop over `holidays` set",
            per_single,
            NAIVE_SAMPLE,
            per_batch / NAIVE_SAMPLE,
            agreement([naive_add(holiday_set, d, n) for d, n in sample], NAIVE_SAMPLE),
        )
    )

    # numpy.busday_offset, one call per date
    per_single = single(lambda: numpy_single(single_day64, SINGLE_N), 50_000)
    per_batch = best_of(lambda: [numpy_single(d, n) for d, n in pairs64], 3) / BATCH
    numpy_results = [numpy_single(d, n).astype(object) for d, n in pairs64]
    rows.append(
        (
            "numpy.busday_offset (per call)",
            per_single,
            BATCH,
            per_batch,
            agreement(numpy_results, BATCH),
        )
    )
    numpy_one, numpy_loop = per_single, per_batch

    # numpy.busday_offset, vectorised over the batch
    per_single = single(lambda: numpy_vectorised(one_day, one_n), 20_000)
    per_batch = best_of(lambda: numpy_vectorised(days64, counts)) / BATCH
    rows.append(
        (
            "numpy.busday_offset (vectorised)",
            per_single,
            BATCH,
            per_batch,
            agreement(numpy_vectorised(days64, counts).astype(object).tolist(), BATCH),
        )
    )
    numpy_vec = per_batch

    # workalendar, day by day with its own holiday rules
    sample = pairs[:WORKALENDAR_SAMPLE]
    wadd = workalendar.add_working_days
    per_single = single(lambda: wadd(SINGLE_DAY, SINGLE_N), 1_000)
    per_batch = best_of(lambda: [wadd(d, n) for d, n in sample], 2) / WORKALENDAR_SAMPLE
    rows.append(
        (
            "workalendar UnitedKingdom",
            per_single,
            WORKALENDAR_SAMPLE,
            per_batch,
            agreement([wadd(d, n) for d, n in sample], WORKALENDAR_SAMPLE),
        )
    )

    print(
        f"Working-day benchmark, {REGION.value}; numpy {np.__version__}, "
        f"holidays {holidays.__version__}; best of {REPEATS} (workalendar 2, naive 3)"
    )
    print(
        f"(a) single call: add {SINGLE_DAY.isoformat()} {SINGLE_N:+d} working days, repeated;"
        " vectorised rows: arrays of one"
    )
    print("(b) batch: random dates 2000-2090, n in [-300, 300] (2% n = 0); slow rows on a sample")
    print()
    header = (
        f"{'method':<42} {'(a) µs/call':>12} {'(a) calls/s':>13} "
        f"{'(b) calls':>9} {'(b) µs/call':>12} {'(b) calls/s':>13}  agrees with ours"
    )
    print(header)
    print("-" * len(header))
    for name, single_s, n_calls, batch_s, agrees in rows:
        print(
            f"{name:<42} {single_s * 1e6:>12.3f} {1 / single_s:>13,.0f} "
            f"{n_calls:>9,} {batch_s * 1e6:>12.3f} {1 / batch_s:>13,.0f}  {agrees}"
        )
    print()
    print(f"calendar table build, cold (incl. `holidays` 1990-2100): {cold * 1e3:8.1f} ms")
    print(f"calendar table build, package holidays cached:          {warm * 1e3:8.1f} ms")
    print()
    single_ratio = numpy_one / ours_single
    print(
        f"ours single call vs one busday_offset call: {single_ratio:.1f}x faster "
        f"(mixed batch, per call: {numpy_loop / ours_loop:.1f}x)  "
        f"target ours faster: {'met' if single_ratio > 1 else 'NOT met'}"
    )
    # The service has no vectorised path of its own (nothing needed one): a batch is a loop of
    # single calls, set here against numpy's vectorised busday_offset for scale.
    batch_ratio = ours_loop / numpy_vec
    speed = (
        f"{1 / batch_ratio:.1f}x faster than"
        if batch_ratio < 1
        else f"{batch_ratio:.1f}x the time of"
    )
    print(f"ours, a loop of single calls, vs numpy vectorised: ours is {speed} numpy")
    for number, mismatch in enumerate(mismatches, 1):
        print(f"[{number}] first disagreement: {mismatch}")


if __name__ == "__main__":
    main()
