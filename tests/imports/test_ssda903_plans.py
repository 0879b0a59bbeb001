"""SSDA903 files → children and plans (issue 10). Every expected date is worked by hand in
the comment beside it (RULES.md §1-§2); none is copied from the code's output."""

from __future__ import annotations

import io
from datetime import date

from review_service.domain.dfe_records import (
    ImportedChild,
    ImportedPlan,
    NextReview,
    RejectedChild,
)
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import DEFAULT_POLICY
from review_service.domain.regions import Region
from review_service.domain.reviews import ParticipationCode
from review_service.domain.working_days import WorkingDayCalendar
from review_service.imports.ssda903 import plan_ssda903_import

CALENDAR = WorkingDayCalendar.for_region(Region.ENGLAND_AND_WALES)
HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
REVIEW_COLUMNS = "CHILD,DOB,REVIEW,REVIEW_CODE"


def header(*rows: tuple[str, str]) -> bytes:
    lines = [HEADER_COLUMNS, *(f"{child},1,{dob},WBRI,,," for child, dob in rows)]
    return ("\n".join(lines) + "\n").encode()


def episodes(*rows: tuple[str, str, str, str, str, str]) -> bytes:
    """(CHILD, DECOM, RNE, LS, DEC, REC)."""
    lines = [EPISODE_COLUMNS]
    for child, decom, rne, ls, dec, rec in rows:
        lines.append(f"{child},{decom},{rne},{ls},N1,U1,PR1,{dec},{rec},,,,")
    return ("\n".join(lines) + "\n").encode()


def reviews(*rows: tuple[str, str, str, str]) -> bytes:
    lines = [REVIEW_COLUMNS, *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def plan(
    header_bytes: bytes, episode_bytes: bytes, review_bytes: bytes
) -> dict[str | None, object]:
    outcomes = plan_ssda903_import(
        io.BytesIO(header_bytes),
        io.BytesIO(episode_bytes),
        io.BytesIO(review_bytes),
        calendar=CALENDAR,
        policy=DEFAULT_POLICY,
    )
    return {outcome.external_id: outcome for outcome in outcomes}


def imported(outcomes: dict[str | None, object], child: str) -> ImportedChild:
    outcome = outcomes[child]
    assert isinstance(outcome, ImportedChild), outcome
    return outcome


def rejected(outcomes: dict[str | None, object], child: str | None) -> RejectedChild:
    outcome = outcomes[child]
    assert isinstance(outcome, RejectedChild), outcome
    return outcome


def test_an_x1_chain_is_one_open_looked_after_plan_with_its_reviews_in_date_order() -> None:
    outcomes = plan(
        header(("A1", "15/06/2015")),
        episodes(
            ("A1", "20/03/2024", "S", "C2", "10/05/2024", "X1"),
            ("A1", "10/05/2024", "P", "C2", "", ""),
        ),
        # Rows out of order on purpose: numbering follows the date.
        reviews(
            ("A1", "15/06/2015", "15/07/2024", "PN6"), ("A1", "15/06/2015", "18/04/2024", "PN1")
        ),
    )
    child = imported(outcomes, "A1")
    assert child.date_of_birth == date(2015, 6, 15)
    (only,) = child.plans
    assert (only.plan_type, only.start_date, only.end_date) == (
        PlanType.LOOKED_AFTER,
        date(2024, 3, 20),
        None,
    )
    assert only.history_complete is True
    assert [(r.sequence, r.held_on, r.participation_code) for r in only.held_reviews] == [
        (1, date(2024, 4, 18), ParticipationCode.PN1),
        (2, date(2024, 7, 15), ParticipationCode.PN6),
    ]
    # Review 3: held(2) + 6 months = 2025-01-15.
    assert only.next_review == NextReview(3, date(2025, 1, 15))


def test_first_review_is_due_20_working_days_from_the_start_over_easter_and_christmas() -> None:
    outcomes = plan(
        header(("EASTER", "01/01/2010"), ("XMAS", "01/01/2010")),
        episodes(
            ("EASTER", "20/03/2024", "S", "C2", "", ""),
            ("XMAS", "11/12/2023", "S", "C2", "", ""),
        ),
        reviews(),
    )
    # 20 working days after Wed 2024-03-20: 21,22,25,26,27,28 Mar (6); Good Friday 29 Mar and
    # Easter Monday 1 Apr skipped; 2-5 Apr (10), 8-12 (15), 15-19 (20) -> Fri 2024-04-19.
    assert imported(outcomes, "EASTER").plans[0].next_review == NextReview(1, date(2024, 4, 19))
    # After Mon 2023-12-11: 12-15 Dec (4), 18-22 (9), 25/26 Dec bank holidays, 27-29 (12),
    # 1 Jan bank holiday, 2-5 Jan (16), 8-11 (20) -> Thu 2024-01-11.
    assert imported(outcomes, "XMAS").plans[0].next_review == NextReview(1, date(2024, 1, 11))


def test_a_period_ended_by_another_rec_is_an_ended_plan_and_a_new_period_a_new_plan() -> None:
    outcomes = plan(
        header(("B1", "01/01/2022")),
        episodes(
            ("B1", "01/02/2023", "S", "C2", "30/06/2023", "E13"),
            ("B1", "01/09/2023", "S", "C2", "", ""),
        ),
        reviews(
            ("B1", "01/01/2022", "20/02/2023", "PN0"),
            ("B1", "01/01/2022", "15/05/2023", "PN0"),
            ("B1", "01/01/2022", "25/09/2023", "PN0"),
        ),
    )
    first, second = imported(outcomes, "B1").plans
    assert (first.start_date, first.end_date, first.next_review) == (
        date(2023, 2, 1),
        date(2023, 6, 30),
        None,
    )
    assert [r.held_on for r in first.held_reviews] == [date(2023, 2, 20), date(2023, 5, 15)]
    assert (second.start_date, second.end_date) == (date(2023, 9, 1), None)
    assert [(r.sequence, r.held_on) for r in second.held_reviews] == [(1, date(2023, 9, 25))]
    # Review 2 of a looked-after plan: held(1) + 3 months = 2023-12-25 (not moved off a holiday).
    assert second.next_review == NextReview(2, date(2023, 12, 25))


def test_short_breaks_and_a_change_from_v3_to_c2_start_a_new_plan() -> None:
    outcomes = plan(
        header(("C1", "10/10/2010"), ("C2", "10/10/2010")),
        episodes(
            ("C1", "05/01/2024", "S", "V3", "20/01/2024", "X1"),
            ("C1", "20/01/2024", "T", "C2", "", ""),
            ("C2", "01/03/2024", "S", "V4", "", ""),
        ),
        reviews(("C1", "10/10/2010", "08/02/2024", "PN1")),
    )
    breaks, care = imported(outcomes, "C1").plans
    assert breaks == ImportedPlan(
        PlanType.SHORT_BREAKS, date(2024, 1, 5), date(2024, 1, 20), False, (), None
    )
    assert (care.plan_type, care.start_date, care.end_date) == (
        PlanType.LOOKED_AFTER,
        date(2024, 1, 20),
        None,
    )
    assert care.history_complete is True
    assert [r.held_on for r in care.held_reviews] == [date(2024, 2, 8)]
    assert care.next_review == NextReview(2, date(2024, 5, 8))  # 2024-02-08 + 3 months
    (open_breaks,) = imported(outcomes, "C2").plans
    assert open_breaks.plan_type is PlanType.SHORT_BREAKS
    assert open_breaks.history_complete is False  # SSDA903 carries no short-break reviews
    assert open_breaks.next_review == NextReview(1, date(2024, 6, 1))  # start + 3 months


def test_unknown_history_takes_the_earliest_next_due_date_the_files_allow() -> None:
    outcomes = plan(
        header(("D1", "01/01/2012"), ("D2", "01/01/2012"), ("D3", "01/01/2012")),
        episodes(
            ("D1", "15/06/2023", "P", "C2", "", ""),
            ("D2", "15/06/2023", "P", "C2", "", ""),
            ("D3", "15/06/2023", "L", "C2", "", ""),
        ),
        reviews(
            ("D1", "01/01/2012", "01/08/2023", "PN4"),
            ("D2", "01/01/2012", "01/08/2023", "PN4"),
            ("D2", "01/01/2012", "20/10/2023", "PN4"),
        ),
    )
    d1 = imported(outcomes, "D1").plans[0]
    assert d1.history_complete is False
    # The one known review may have been review 1: review 2 due 3 months on, 2023-11-01.
    assert d1.next_review == NextReview(2, date(2023, 11, 1))
    # Two known reviews: whatever their numbers, the next is 6 months on: 2024-04-20.
    assert imported(outcomes, "D2").plans[0].next_review == NextReview(3, date(2024, 4, 20))
    # No known review: review 1 taken from the first DECOM in the files, 20 working days:
    # 16,19-23 Jun (6), 26-30 (11), 3-7 Jul (16), 10-13 (20) -> 2023-07-13.
    d3 = imported(outcomes, "D3").plans[0]
    assert (d3.history_complete, d3.next_review) == (False, NextReview(1, date(2023, 7, 13)))


def test_a_child_in_header_only_is_imported_with_no_plans() -> None:
    outcomes = plan(header(("H1", "01/01/2010")), episodes(), reviews())
    assert imported(outcomes, "H1").plans == ()
