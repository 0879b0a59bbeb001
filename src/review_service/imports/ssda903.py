"""An SSDA903 import planned from the three files: one outcome per child (issue 10).

Trade-off, deliberately: the rows are read as streams, but grouped per child in memory before
any child is planned, because the DfE tables are sorted by nothing and a child's episodes and
reviews may sit anywhere in them. One authority's files (a few MB) fit easily; a country's
would not. The interface is already an iterator of children, so a later version can group
with an external sort (or a staging table) without its callers changing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from review_service.domain.dfe_records import (
    ChildOutcome,
    EpisodeRow,
    HeaderRow,
    RejectedChild,
    Rejection,
    ReviewRow,
)
from review_service.domain.policy import Policy
from review_service.domain.ssda903_rules import ssda903_child
from review_service.domain.working_days import WorkingDayCalendar
from review_service.imports.csv_tables import (
    DEFAULT_MAX_FILE_BYTES,
    episode_rows,
    header_rows,
    review_rows,
)


@dataclass
class _ChildRows:
    header: list[HeaderRow] = field(default_factory=list)
    episodes: list[EpisodeRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def _blank_child(row: HeaderRow | EpisodeRow | ReviewRow) -> RejectedChild:
    reason = "CHILD is blank, so the row belongs to no child"
    return RejectedChild(None, (Rejection(row.source.file, row.source.row, None, None, reason),))


def plan_ssda903_import(
    header: BinaryIO,
    episodes: BinaryIO,
    reviews: BinaryIO,
    *,
    calendar: WorkingDayCalendar,
    policy: Policy,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Iterator[ChildOutcome]:
    """Read HEADER, EPISODES and REVIEWS and return the children to import or reject.

    All three files are read before this returns, so a structure error (`ImportFileError`:
    not UTF-8, missing or unknown columns, over `max_bytes`) refuses the import before any
    child is planned. Children come in CHILD order; rows naming no child come first, each as a
    `RejectedChild` with `external_id` None.
    """
    children: dict[str, _ChildRows] = {}
    orphans: list[ChildOutcome] = []
    for header_item in header_rows(header, max_bytes):
        _collect(header_item, children, orphans)
    for episode_item in episode_rows(episodes, max_bytes):
        _collect(episode_item, children, orphans)
    for review_item in review_rows(reviews, max_bytes):
        _collect(review_item, children, orphans)
    return _outcomes(children, orphans, calendar, policy)


def _collect(
    item: HeaderRow | EpisodeRow | ReviewRow | Rejection,
    children: dict[str, _ChildRows],
    orphans: list[ChildOutcome],
) -> None:
    if isinstance(item, Rejection):
        if item.child is None:
            orphans.append(RejectedChild(None, (item,)))
        else:
            children.setdefault(item.child, _ChildRows()).rejections.append(item)
        return
    if not item.child:
        orphans.append(_blank_child(item))
        return
    rows = children.setdefault(item.child, _ChildRows())
    if isinstance(item, HeaderRow):
        rows.header.append(item)
    elif isinstance(item, EpisodeRow):
        rows.episodes.append(item)
    else:
        rows.reviews.append(item)


def _outcomes(
    children: dict[str, _ChildRows],
    orphans: list[ChildOutcome],
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> Iterator[ChildOutcome]:
    yield from orphans
    for child in sorted(children):
        rows = children.pop(child)
        outcome = ssda903_child(child, rows.header, rows.episodes, rows.reviews, calendar, policy)
        if rows.rejections:
            earlier = outcome.rejections if isinstance(outcome, RejectedChild) else ()
            yield RejectedChild(outcome.external_id, (*rows.rejections, *earlier))
        else:
            yield outcome
