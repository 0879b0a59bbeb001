"""What the IRO unit board shows, read in a fixed number of queries (two per deadline kind,
never one per row): the database counts each section and escalation level and returns only
the rows a section shows, so the page costs the same at 500 plans and at 500,000. "Open",
"overdue" and a milestone's liveness are the deadline registry's filters (issue 9);
timeliness is the timeliness report's own counting (issue 10), without its child counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, select, text
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.deadlines.registry import REGISTRY, Registered, milestone_is_live_sql
from review_service.domain.caseload import CaseloadBand, caseload_band
from review_service.domain.deadlines import DeadlineKind
from review_service.domain.plan_types import PlanStatus, PlanType
from review_service.domain.timeliness import Timeliness
from review_service.models import Child, Plan, Review, Timer
from review_service.policies.lookup import deadline_context
from review_service.reports.schemas import GroupBy
from review_service.reports.timeliness import outcome_counts
from review_service.visibility import within_authority

# RULES.md §3's horizon for the unit's planning: reviews due within 20 working days.
DUE_SOON_WORKING_DAYS = 20
# Each list shows at most this many rows (with the full count): a page, not a data dump.
ROWS_PER_SECTION = 200
# API.md "Before a child protection plan": the conference deadline, once its kind exists.
CONFERENCE_KIND = "conference"
_API_PATHS = {
    DeadlineKind.REVIEW: "/v1/reviews/{id}",
    DeadlineKind.CONSIDERATION: "/v1/considerations/{id}",
    DeadlineKind.MEETING: "/v1/meetings/{id}",
    CONFERENCE_KIND: "/v1/child-protection-enquiries/{id}",
}
_KIND_NAMES = {
    DeadlineKind.REVIEW: "Review",
    DeadlineKind.MILESTONE: "Milestone",
    DeadlineKind.ACTION: "Action",
    DeadlineKind.CONSIDERATION: "Consideration",
    DeadlineKind.MEETING: "Disruption meeting",
    CONFERENCE_KIND: "Initial child protection conference",
}


@dataclass(frozen=True, slots=True)
class Filters:
    """The board's filters; None shows everything the token may see."""

    chair_id: str | None = None
    plan_type: PlanType | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a list: an item, its date, whose it is and where the API describes it."""

    kind: str
    what: str
    due_by: date
    plan_type: str
    chair_id: str | None
    child: str
    link: str
    when: datetime | None = None
    level: int = 0


@dataclass(slots=True)
class Section:
    """A list and how many items it has in all (it shows at most ROWS_PER_SECTION)."""

    rows: list[Row] = field(default_factory=list)
    total: int = 0

    def add(self, kind: Any, rows: list[Any], total: int) -> None:
        """Count a kind's `total` items; keep its first rows while the section has room."""
        self.total += total
        room = ROWS_PER_SECTION - len(self.rows)
        self.rows.extend(_row(kind, row) for row in rows[: max(room, 0)])


@dataclass(frozen=True, slots=True)
class Caseload:
    """A chair's children with an open plan, against the IRO Handbook's 50-70."""

    chair_id: str
    children: int
    band: CaseloadBand


@dataclass(frozen=True, slots=True)
class MonthRate:
    """One month of the timeliness report."""

    month: str
    in_timescale: int
    judged: int
    rate: float | None


@dataclass(slots=True)
class Board:
    """Everything the board page shows."""

    today: date
    horizon: date
    chairs: list[str]
    due_soon: Section
    overdue: dict[int, Section]
    considerations: Section
    meetings: Section
    conferences: Section | None
    caseloads: list[Caseload]
    months: list[MonthRate]


def _kind_by_value(value: str) -> tuple[Any, Registered] | None:
    for kind, registered in REGISTRY.items():
        if kind.value == value:
            return kind, registered
    return None


def _link(kind: Any, row: Any) -> str:
    if kind == DeadlineKind.MILESTONE:
        return f"/v1/reviews/{row.review_id}" if row.review_id else f"/v1/plans/{row.plan_id}"
    if kind == DeadlineKind.ACTION:
        return f"/v1/reviews/{row.review_id}/actions/{row.id}"
    return _API_PATHS.get(kind, "/v1/reviews/{id}").format(id=row.id)


def _what(kind: Any, row: Any) -> str:
    name = _KIND_NAMES.get(kind, str(kind).replace("_", " ").capitalize())
    detail = getattr(row, "detail", None)
    return f"{name}: {str(detail).replace('_', ' ')}" if detail else name


def _scoped_on(on: ColumnElement[bool], principal: Principal) -> ColumnElement[bool]:
    """A join condition with the review's authority added (an outer join keeps its rows)."""
    if principal.local_authority is None:
        return on
    return and_(on, Review.local_authority == principal.local_authority)


def _kind_query(
    kind: Any, registered: Registered, filters: Filters, principal: Principal
) -> Select[Any]:
    """Open rows of one deadline kind with plan type, chair and child id, scoped and
    filtered; the child's external id is joined only to the rows a list shows."""
    model = registered.model
    columns: list[Any] = [model.id, model.due_by]
    # An enquiry has a plan_id too, but null until its conference opens a plan: joining
    # plans would drop every open one.
    if kind != CONFERENCE_KIND:
        chair = model.chair_id if hasattr(model, "chair_id") else Plan.chair_id
        # A review carries its plan's authority and type: its own index then serves.
        plan_type: Any = model.plan_type if hasattr(model, "plan_type") else Plan.type
        columns += [model.plan_id, plan_type.label("plan_type"), chair.label("chair_id")]
        chair_column: Any = chair
        query = select(*columns, Plan.child_id).join(Plan, Plan.id == model.plan_id)
        authority: Any = getattr(model, "local_authority", Plan.local_authority)
        # A row's authority is its plan's (copied, never changed): scoping the plan too lets
        # the database join the authority's plans alone, not look up one plan per row.
        query = within_authority(query, Plan.local_authority, principal)
    else:  # a child protection enquiry: no plan yet, its conference decides on one
        plan_type = func.coalesce(None, PlanType.CHILD_PROTECTION.value)
        columns += [plan_type.label("plan_type"), model.chair_id.label("chair_id")]
        chair_column = model.chair_id
        query = select(*columns, model.child_id)
        authority = model.local_authority
    if hasattr(model, "review_id"):
        query = query.add_columns(model.review_id)
    detail = {
        DeadlineKind.MILESTONE: "kind",
        DeadlineKind.CONSIDERATION: "event_type",
        DeadlineKind.MEETING: "kind",
    }.get(kind)
    if detail is not None:
        query = query.add_columns(getattr(model, detail).label("detail"))
    if kind == DeadlineKind.REVIEW:
        query = query.add_columns(model.scheduled_for.label("when"))
    if kind == DeadlineKind.MILESTONE:
        # A milestone preparing a review that is no longer open is not chased (issue 9).
        # The review is in the milestone's authority: saying so lets the database read the
        # authority's reviews from an index once, not one review per overdue milestone.
        query = query.outerjoin(Review, _scoped_on(Review.id == model.review_id, principal))
        query = query.where(milestone_is_live_sql(Review.status))
    query = within_authority(query, authority, principal).where(registered.is_open())
    if filters.chair_id is not None:
        query = query.where(chair_column == filters.chair_id)
    if filters.plan_type is not None:
        query = query.where(plan_type == filters.plan_type.value)
    return query


def _row(kind: Any, row: Any) -> Row:
    return Row(
        kind=str(getattr(kind, "value", kind)),
        what=_what(kind, row),
        due_by=row.due_by,
        plan_type=str(row.plan_type).replace("_", " "),
        chair_id=row.chair_id,
        child=row.external_id,
        link=_link(kind, row),
        when=getattr(row, "when", None),
        level=getattr(row, "level", 0),
    )


def _escalation_level(kind: Any, model: Any, now: datetime) -> Any:
    """SQL: the highest escalation whose moment has come for the row (0 when none has)."""
    highest = (
        select(func.max(Timer.level))
        .where(
            Timer.subject_type == str(getattr(kind, "value", kind)),
            Timer.subject_id == model.id,
            Timer.level > 0,
            Timer.fire_at <= now,
        )
        .correlate(model)
        .scalar_subquery()
    )
    return func.coalesce(highest, 0)


def _with_child(rows: Any) -> Select[Any]:
    """The shown rows with the child's external id (joined after the LIMIT, not before)."""
    return select(rows, Child.external_id).join(Child, Child.id == rows.c.child_id)


def _count(session: Session, query: Select[Any]) -> int:
    """How many rows `query` has (the database counts; nothing is fetched)."""
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def _overdue_rows(
    session: Session,
    kind: Any,
    base: Select[Any],
    registered: Registered,
    today: date,
    now: datetime,
) -> dict[int, tuple[list[Any], int]]:
    """Overdue items by escalation level: each level's count and first rows by date, in one
    query (a second pass over the overdue milestones cost as much as the first)."""
    model = registered.model
    late = base.where(registered.is_overdue(today))
    inner = late.add_columns(_escalation_level(kind, model, now).label("level")).subquery()
    ranked = select(
        inner,
        func.row_number()
        .over(partition_by=inner.c.level, order_by=(inner.c.due_by, inner.c.id))
        .label("rank"),
        func.count().over(partition_by=inner.c.level).label("total"),
    ).subquery()
    shown = select(ranked).where(ranked.c.rank <= ROWS_PER_SECTION).subquery()
    by_level: dict[int, tuple[list[Any], int]] = {}
    for row in session.execute(_with_child(shown).order_by(shown.c.rank)):
        by_level.setdefault(int(row.level), ([], int(row.total)))[0].append(row)
    return by_level


def _section_rows(session: Session, model: Any, query: Select[Any]) -> list[Any]:
    """A section's first rows by date."""
    first = query.order_by(model.due_by, model.id).limit(ROWS_PER_SECTION).subquery()
    return list(session.execute(_with_child(first).order_by(first.c.due_by, first.c.id)))


def _months(
    session: Session, principal: Principal, filters: Filters, today: date
) -> list[MonthRate]:
    first_month = date(today.year - (1 if today.month < 12 else 0), today.month % 12 + 1, 1)
    next_month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    last = date.fromordinal(next_month.toordinal() - 1)
    counts = outcome_counts(
        session,
        principal,
        first=first_month,
        last=last,
        as_of=today,
        plan_type=filters.plan_type,
        chair_id=filters.chair_id,
        group_by=GroupBy.MONTH,
    )
    months = []
    year, month = first_month.year, first_month.month
    for _ in range(12):
        key = f"{year:04d}-{month:02d}"
        outcomes = counts.get(key, {})
        in_timescale = outcomes.get(Timeliness.IN_TIMESCALE, 0)
        judged = in_timescale + outcomes.get(Timeliness.LATE, 0)
        judged += outcomes.get(Timeliness.OVERDUE, 0)
        rate = in_timescale / judged if judged else None
        months.append(MonthRate(key, in_timescale, judged, rate))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _caseloads(
    session: Session, principal: Principal, filters: Filters
) -> tuple[list[Caseload], list[str]]:
    query = (
        select(Plan.chair_id, func.count(distinct(Plan.child_id)))
        .where(Plan.status == PlanStatus.OPEN.value, Plan.chair_id.is_not(None))
        .group_by(Plan.chair_id)
        .order_by(Plan.chair_id)
    )
    query = within_authority(query, Plan.local_authority, principal)
    if filters.plan_type is not None:
        query = query.where(Plan.type == filters.plan_type.value)
    rows = [(chair, int(n)) for chair, n in session.execute(query)]
    chairs = sorted(
        {chair for chair, _ in rows} | ({filters.chair_id} if filters.chair_id else set())
    )
    shown = [r for r in rows if filters.chair_id in (None, r[0])]
    return [Caseload(chair, n, caseload_band(n)) for chair, n in shown], chairs


def board_view(
    session: Session, principal: Principal, filters: Filters, today: date, now: datetime
) -> Board:
    """The board for the token's authority (every authority for an unbound token)."""
    if session.get_bind().dialect.name == "postgresql":
        # The overdue-milestone queries cost past jit_above_cost: compiling them took 1.7 s
        # of a 1.8 s render (EXPLAIN ANALYZE, 500,000 plans). For this transaction only.
        # Each query reads one authority's rows from an index: starting parallel workers
        # cost more than they saved (p50 458 -> 303 ms at 500,000 plans, load 10 on 2 cores).
        # Authorities differ a hundredfold in size, so a plan cached for one (psycopg
        # prepares a statement after its fifth run) misfits the next: overdue milestones
        # took 110 ms on a generic plan, 42 ms planned for the authority at hand.
        session.execute(
            text(
                "SELECT set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
        )
    calendar = deadline_context(session, principal.local_authority or "", today).calendar
    horizon = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    due_soon, considerations, meetings = Section(), Section(), Section()
    overdue: dict[int, Section] = {level: Section() for level in (3, 2, 1, 0)}
    conference = _kind_by_value(CONFERENCE_KIND)
    conferences = Section() if conference is not None else None
    sections: dict[Any, Section] = {
        DeadlineKind.CONSIDERATION: considerations,
        DeadlineKind.MEETING: meetings,
    }
    if conference is not None and conferences is not None:
        sections[conference[0]] = conferences
    for kind, registered in REGISTRY.items():
        model = registered.model
        base = _kind_query(kind, registered, filters, principal)
        by_level = _overdue_rows(session, kind, base, registered, today, now)
        for level in overdue:
            overdue[level].add(kind, *by_level.get(level, ([], 0)))
        if kind == DeadlineKind.REVIEW:
            # Open (the base query) and not overdue: due from today to the horizon.
            due = base.where(model.due_by >= today, model.due_by <= horizon)
            due_soon.add(kind, _section_rows(session, model, due), _count(session, due))
        elif kind in sections:
            rows = _section_rows(session, model, base)
            sections[kind].add(kind, rows, _count(session, base))
    caseloads, chairs = _caseloads(session, principal, filters)
    return Board(
        today=today,
        horizon=horizon,
        chairs=chairs,
        due_soon=due_soon,
        overdue=overdue,
        considerations=considerations,
        meetings=meetings,
        conferences=conferences,
        caseloads=caseloads,
        months=_months(session, principal, filters, today),
    )
