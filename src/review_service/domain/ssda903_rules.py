"""SSDA903 row rules and the plan of one child's import (API.md "Wave 2", issue 10).

A child with any rejected row is rejected whole, so no series is ever half-built. Rule numbers
are the DfE's SSDA903 validation rules where one applies (as the DfE validator writes them);
reasons are plain and never carry a date of birth.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from review_service.domain.dfe_records import (
    ChildOutcome,
    DateFormatError,
    EpisodeRow,
    HeaderRow,
    HeldReview,
    ImportedChild,
    ImportedPlan,
    RejectedChild,
    Rejection,
    ReviewRow,
    SourceRow,
    parse_dfe_date,
)
from review_service.domain.periods_of_care import Episode, PlanSpan, plan_holding, plan_spans
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import Policy
from review_service.domain.review_history import next_review_due, number_held_reviews
from review_service.domain.reviews import (
    InvalidParticipation,
    ParticipationCode,
    resolve_participation,
)
from review_service.domain.working_days import WorkingDayCalendar

# The same bound as the API's `external_id` (limits.py ExternalId).
MAX_EXTERNAL_ID_LENGTH = 100
# SSDA903 code sets: reason for new episode (rule 143), legal status (rule 144).
REASONS_FOR_NEW_EPISODE = frozenset({"S", "L", "P", "T", "U", "B"})
LEGAL_STATUSES = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
_CODES = {code.value: code for code in ParticipationCode}


def _rejection(source: SourceRow, child: str | None, rule: str | None, reason: str) -> Rejection:
    return Rejection(file=source.file, row=source.row, child=child, rule=rule, reason=reason)


def header_date_of_birth(rows: Sequence[HeaderRow]) -> tuple[date | None, list[Rejection]]:
    """The child's date of birth from HEADER: rule INT32 (listed once), 102 (a valid date)."""
    rejections = [
        _rejection(row.source, row.child, "INT32", "the child appears more than once in HEADER")
        for row in rows[1:]
    ]
    try:
        return parse_dfe_date(rows[0].dob, "DOB"), rejections
    except DateFormatError as error:
        return None, [*rejections, _rejection(rows[0].source, rows[0].child, "102", str(error))]


def read_episode(row: EpisodeRow) -> Episode | list[Rejection]:
    """An episode with its dates read, or every reason its row is refused."""
    problems: list[tuple[str, str]] = []
    decom: date | None = None
    dec: date | None = None
    try:
        decom = parse_dfe_date(row.decom, "DECOM")
    except DateFormatError as error:
        problems.append(("141", str(error)))
    if row.dec.strip():
        try:
            dec = parse_dfe_date(row.dec, "DEC")
        except DateFormatError as error:
            problems.append(("147", str(error)))
    if bool(row.dec.strip()) != bool(row.rec.strip()):
        problems.append(("148", "DEC and REC must both be given or both be blank"))
    if row.rne.strip() not in REASONS_FOR_NEW_EPISODE:
        problems.append(("143", "RNE is not a reason-for-new-episode code"))
    if row.ls.strip() not in LEGAL_STATUSES:
        problems.append(("144", "LS is not a legal status code"))
    if decom is not None and dec is not None and dec < decom:
        problems.append(("356", "the episode ends (DEC) before it began (DECOM)"))
    if problems or decom is None:
        return [_rejection(row.source, row.child, rule, reason) for rule, reason in problems]
    return Episode(row.source, decom, dec, row.rne.strip(), row.ls.strip(), row.rec.strip())


def overlap_rejections(child: str, episodes: Sequence[Episode]) -> list[Rejection]:
    """Episodes in `DECOM` order must follow one another: rules 142 and 501."""
    rejections: list[Rejection] = []
    for previous, episode in pairwise(episodes):
        if previous.dec is None:
            rejections.append(
                _rejection(
                    episode.source,
                    child,
                    "142",
                    "a new episode starts while the previous one has not ended (DEC blank)",
                )
            )
        elif episode.decom < previous.dec:
            rejections.append(
                _rejection(
                    episode.source,
                    child,
                    "501",
                    "the episode starts (DECOM) before "
                    "the previous episode ended (DEC): episodes overlap",
                )
            )
    return rejections


def review_row_rejections(
    row: ReviewRow, *, header_dob: date | None, in_header: bool, has_episodes: bool
) -> list[Rejection]:
    """A REVIEWS row against rules INT08, 1012, 166, 167, INT17, 440 and 441: the one
    definition the import and the REVIEWS return both use."""
    found: list[tuple[str | None, str]] = []
    if not in_header:
        found.append(("INT08", "the child in REVIEWS is not in HEADER"))
    if not has_episodes:
        found.append(("1012", "reviews are given for a child with no episodes"))
    held_on: date | None = None
    try:
        held_on = parse_dfe_date(row.review, "REVIEW")
    except DateFormatError as error:
        found.append(("166", str(error)))
    code = _CODES.get(row.review_code.strip())
    if code is None:
        found.append(("167", "REVIEW_CODE is blank or not one of PN0 to PN7"))
    row_dob: date | None = None
    try:
        row_dob = parse_dfe_date(row.dob, "DOB")
    except DateFormatError as error:
        found.append((None, str(error)))
    if row_dob is not None and header_dob is not None and row_dob != header_dob:
        found.append(("INT17", "DOB in REVIEWS differs from DOB in HEADER"))
    dob = row_dob or header_dob
    if held_on is not None and code is not None and dob is not None:
        try:
            # RULES.md §6: the one rule for PN0 against age (SSDA903 440/441).
            resolve_participation(PlanType.LOOKED_AFTER, dob, held_on, code)
        except InvalidParticipation:
            if code is ParticipationCode.PN0:
                found.append(
                    (
                        "440",
                        "PN0 is for a child under 4, and the child was 4 or "
                        "over on the review date",
                    )
                )
            else:
                found.append(
                    (
                        "441",
                        f"{code.value} is for a child of 4 or over, and the "
                        "child was under 4 on the review date",
                    )
                )
    return [_rejection(row.source, row.child, rule, reason) for rule, reason in found]


def _held_reviews(
    child: str, rows: Sequence[ReviewRow]
) -> tuple[list[tuple[SourceRow, date, ParticipationCode]], list[Rejection]]:
    """Valid rows as (source, date, code); an exact repeat of a row counts once, two codes on
    one date are refused."""
    seen: dict[date, ParticipationCode] = {}
    held: list[tuple[SourceRow, date, ParticipationCode]] = []
    rejections: list[Rejection] = []
    for row in rows:
        held_on = parse_dfe_date(row.review, "REVIEW")
        code = _CODES[row.review_code.strip()]
        if held_on in seen:
            if seen[held_on] is not code:
                rejections.append(
                    _rejection(
                        row.source,
                        child,
                        None,
                        "two REVIEWS rows on the same date give different codes",
                    )
                )
            continue
        seen[held_on] = code
        held.append((row.source, held_on, code))
    return held, rejections


def _id_too_long(
    header: Sequence[HeaderRow], episodes: Sequence[EpisodeRow], reviews: Sequence[ReviewRow]
) -> RejectedChild:
    """A CHILD longer than the API's external id: rejected on its first row, unnamed."""
    sources = [row.source for rows in (header, episodes, reviews) for row in rows]
    reason = f"CHILD is longer than {MAX_EXTERNAL_ID_LENGTH} characters"
    return RejectedChild(None, (_rejection(sources[0], None, None, reason),))


def _checked_rows(
    child: str,
    header: Sequence[HeaderRow],
    episodes: Sequence[EpisodeRow],
    reviews: Sequence[ReviewRow],
) -> tuple[date | None, list[Episode], list[Rejection]]:
    """Every row on its own: the date of birth (or INT03), the episodes read in `DECOM`
    order and checked against each other, each REVIEWS row against its rules."""
    rejections: list[Rejection] = []
    dob: date | None = None
    if header:
        dob, rejections = header_date_of_birth(header)
    else:
        rejections += [
            _rejection(row.source, child, "INT03", "the child in EPISODES is not in HEADER")
            for row in episodes
        ]
    read = [read_episode(row) for row in episodes]
    parsed = sorted((e for e in read if isinstance(e, Episode)), key=lambda e: e.decom)
    for outcome in read:
        if isinstance(outcome, list):
            rejections += outcome
    rejections += overlap_rejections(child, parsed)
    for row in reviews:
        rejections += review_row_rejections(
            row, header_dob=dob, in_header=bool(header), has_episodes=bool(episodes)
        )
    return dob, parsed, rejections


def _reviews_by_span(
    child: str, reviews: Sequence[ReviewRow], spans: Sequence[PlanSpan]
) -> tuple[dict[int, list[tuple[date, ParticipationCode | None]]], list[Rejection]]:
    """Each held review put in the period of care holding its date (by the span's index),
    or the reason it cannot be: outside every period, or in short breaks (rule 399)."""
    held, rejections = _held_reviews(child, reviews)
    by_span: dict[int, list[tuple[date, ParticipationCode | None]]] = {}
    for source, held_on, code in held:
        span = plan_holding(spans, held_on)
        if span is None:
            reason = "the review date falls outside every period of care in EPISODES"
            rejections.append(_rejection(source, child, None, reason))
        elif span.plan_type is PlanType.SHORT_BREAKS:
            reason = "a review is given while the child is looked after under V3/V4"
            rejections.append(_rejection(source, child, "399", reason))
        else:
            by_span.setdefault(spans.index(span), []).append((held_on, code))
    return by_span, rejections


def _imported_plans(
    spans: Sequence[PlanSpan],
    by_span: dict[int, list[tuple[date, ParticipationCode | None]]],
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> tuple[ImportedPlan, ...]:
    """One plan per period of care: its held reviews numbered, and while it is open the
    next review's due date (RULES.md §2)."""
    plans = []
    for index, span in enumerate(spans):
        numbered: tuple[HeldReview, ...] = number_held_reviews(by_span.get(index, []))
        due = (
            next_review_due(span.plan_type, span.start, numbered, calendar, policy)
            if span.end is None
            else None
        )
        plans.append(
            ImportedPlan(span.plan_type, span.start, span.end, span.history_complete, numbered, due)
        )
    return tuple(plans)


def ssda903_child(
    child: str,
    header: Sequence[HeaderRow],
    episodes: Sequence[EpisodeRow],
    reviews: Sequence[ReviewRow],
    calendar: WorkingDayCalendar,
    policy: Policy,
) -> ChildOutcome:
    """One child's plans from their HEADER, EPISODES and REVIEWS rows, or their rejection:
    rows checked on their own, then reviews placed in the periods of care, then the plans.
    Any rejection at a step rejects the child whole."""
    if len(child) > MAX_EXTERNAL_ID_LENGTH:
        return _id_too_long(header, episodes, reviews)
    dob, parsed, rejections = _checked_rows(child, header, episodes, reviews)
    if rejections or dob is None:
        return RejectedChild(child, tuple(rejections))
    spans = plan_spans(parsed)
    by_span, rejections = _reviews_by_span(child, reviews, spans)
    if rejections:
        return RejectedChild(child, tuple(rejections))
    plans = _imported_plans(spans, by_span, calendar, policy)
    return ImportedChild(external_id=child, date_of_birth=dob, plans=plans)
