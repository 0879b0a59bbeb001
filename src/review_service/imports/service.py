"""Importing an authority's SSDA903 or CIN census files into the service (issue 10).

One transaction: the file layer's children are taken a chunk at a time; each chunk is
reconciled with what the service holds (`domain.import_reconciliation`) and written in bulk
(`imports.bulk_write`: new rows with their timers, one COPY per table on PostgreSQL), and the
timers of the stored deadlines it moved derived before the next chunk is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import BinaryIO

from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.clock import london_today
from review_service.deadlines.unit_of_work import unit_of
from review_service.domain.dfe_records import ChildOutcome, ImportedChild, Rejection
from review_service.domain.import_reconciliation import ReconcileConflict, reconcile_plans
from review_service.imports.bulk_write import ChildToWrite, ChunkWriter
from review_service.imports.cin_census import CENSUS_FILE, plan_cin_census_import
from review_service.imports.csv_tables import DEFAULT_MAX_FILE_BYTES
from review_service.imports.schemas import ImportReport, RejectedRow
from review_service.imports.ssda903 import plan_ssda903_import
from review_service.imports.stored_children import load_children
from review_service.policies.lookup import DeadlineContext, deadline_context
from review_service.problems import InvalidRequest

CHUNK_CHILDREN = 1_000
Planner = Callable[[DeadlineContext], Iterable[ChildOutcome]]


def target_authority(principal: Principal, requested: str | None) -> str:
    """The authority an import or a return is for: the token's own, or the one an unbound
    token names (422 without one, or naming another than a bound token's)."""
    authority = principal.authority_for_new(requested)
    if authority is None:
        if principal.local_authority is not None:
            raise InvalidRequest(
                f"this token is bound to {principal.local_authority}; it cannot act for {requested}"
            )
        raise InvalidRequest("local_authority is required for a token not bound to one")
    return authority


def import_ssda903(
    session: Session,
    authority: str,
    files: tuple[BinaryIO, BinaryIO, BinaryIO],
    *,
    dry_run: bool,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> ImportReport:
    """Import HEADER, EPISODES and REVIEWS; `ImportFileError` refuses them whole."""
    header, episodes, reviews = files

    def planner(ctx: DeadlineContext) -> Iterable[ChildOutcome]:
        return plan_ssda903_import(
            header,
            episodes,
            reviews,
            calendar=ctx.calendar,
            policy=ctx.policy,
            max_bytes=max_bytes,
        )

    return _import(session, authority, planner, "REVIEWS", dry_run=dry_run, now=now)


def import_cin_census(
    session: Session,
    authority: str,
    census: BinaryIO,
    *,
    dry_run: bool,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> ImportReport:
    """Import a CIN census XML file; `ImportFileError` refuses it whole."""

    def planner(ctx: DeadlineContext) -> Iterable[ChildOutcome]:
        return plan_cin_census_import(
            census, calendar=ctx.calendar, policy=ctx.policy, max_bytes=max_bytes
        )

    return _import(session, authority, planner, CENSUS_FILE, dry_run=dry_run, now=now)


def _chunks(outcomes: Iterable[ChildOutcome]) -> Iterator[list[ChildOutcome]]:
    iterator = iter(outcomes)
    while chunk := list(islice(iterator, CHUNK_CHILDREN)):
        yield chunk


def _rejected(rejection: Rejection) -> RejectedRow:
    return RejectedRow(
        file=rejection.file,
        row=rejection.row,
        child=rejection.child,
        rule=rejection.rule,
        reason=rejection.reason,
    )


def _import(
    session: Session,
    authority: str,
    planner: Planner,
    reviews_file: str,
    *,
    dry_run: bool,
    now: datetime,
) -> ImportReport:
    ctx = deadline_context(session, authority, london_today(now))
    report = ImportReport(local_authority=authority, dry_run=dry_run)
    writer = ChunkWriter(session, authority, ctx, now)
    for chunk in _chunks(planner(ctx)):
        accepted: list[ImportedChild] = []
        for outcome in chunk:
            if isinstance(outcome, ImportedChild):
                accepted.append(outcome)
            else:
                report.rejected += [_rejected(r) for r in outcome.rejections]
        to_write = _reconcile(session, authority, accepted, ctx, reviews_file, report)
        if not dry_run:
            writer.write(to_write)
            unit_of(session).finish()  # moved stored deadlines, before the next chunk
    return report


def _reconcile(
    session: Session,
    authority: str,
    children: list[ImportedChild],
    ctx: DeadlineContext,
    reviews_file: str,
    report: ImportReport,
) -> list[ChildToWrite]:
    stored = load_children(session, authority, [child.external_id for child in children])
    to_write: list[ChildToWrite] = []
    for child in children:
        known = stored.get(child.external_id)
        try:
            plans = reconcile_plans(
                known.plans if known else (), child.plans, ctx.calendar, ctx.policy
            )
        except ReconcileConflict as conflict:
            report.rejected.append(
                RejectedRow(
                    file=reviews_file,
                    row=None,
                    child=child.external_id,
                    rule=None,
                    reason=str(conflict),
                )
            )
            continue
        created = sum(plan.stored is None for plan in plans)
        updated = sum(plan.stored is not None and plan.changed for plan in plans)
        report.plans.created += created
        report.plans.updated += updated
        report.plans.unchanged += len(plans) - created - updated
        report.reviews.recorded += sum(plan.recorded for plan in plans)
        report.reviews.unchanged += sum(plan.unchanged_reviews for plan in plans)
        if known is None:
            report.children.created += 1
        elif created or updated or known.date_of_birth != child.date_of_birth:
            report.children.updated += 1
        else:
            report.children.unchanged += 1
        to_write.append(ChildToWrite(child.external_id, child.date_of_birth, known, plans))
    return to_write
