"""The SSDA903 REVIEWS return rows and their check against the DfE rules, and the round trip
import → return rows (issue 10)."""

from __future__ import annotations

from datetime import date

from tests.imports.test_ssda903_plans import episodes, header, plan, reviews

from review_service.domain.dfe_records import EpisodeRow, HeaderRow, ImportedChild, SourceRow
from review_service.domain.plan_types import PlanType
from review_service.domain.reviews import ParticipationCode
from review_service.domain.ssda903_returns import (
    REVIEWS_COLUMNS,
    ReturnableReview,
    reviews_return_rejections,
    reviews_return_rows,
)

PN1 = ParticipationCode.PN1


def test_the_year_runs_from_1_april_to_31_march_ordered_by_child_then_date() -> None:
    dob = date(2012, 7, 9)
    held = [
        ReturnableReview("B", dob, date(2024, 3, 31), PN1),
        ReturnableReview("B", dob, date(2023, 4, 1), PN1),
        ReturnableReview("A", dob, date(2023, 12, 2), ParticipationCode.PN7),
        ReturnableReview("A", dob, date(2023, 3, 31), PN1),  # collection year 2023
        ReturnableReview("A", dob, date(2024, 4, 1), PN1),  # collection year 2025
    ]
    assert REVIEWS_COLUMNS == ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
    assert reviews_return_rows(held, 2024) == [
        ("A", "09/07/2012", "02/12/2023", "PN7"),
        ("B", "09/07/2012", "01/04/2023", "PN1"),
        ("B", "09/07/2012", "31/03/2024", "PN1"),
    ]


def test_return_rows_are_checked_against_the_reviews_rules() -> None:
    header_rows = [
        HeaderRow(SourceRow("HEADER", 1), "A", "09/07/2012"),
        HeaderRow(SourceRow("HEADER", 2), "T", "01/01/2022"),
        HeaderRow(SourceRow("HEADER", 3), "NOEP", "09/07/2012"),
    ]
    episode_rows = [
        EpisodeRow(SourceRow("EPISODES", 1), child, "01/01/2023", "S", "C2", "", "")
        for child in ("A", "T", "X")
    ]
    rows = [
        ("A", "09/07/2012", "02/12/2023", "PN7"),  # valid
        ("A", "09/07/2012", "2023-12-02", "PN7"),  # 166
        ("A", "09/07/2012", "02/12/2023", "PN8"),  # 167
        ("A", "09/07/2012", "02/12/2023", "PN0"),  # 440: 11 years old
        ("T", "01/01/2022", "02/12/2023", "PN1"),  # 441: under 2
        ("X", "09/07/2012", "02/12/2023", "PN1"),  # INT08
        ("A", "10/07/2012", "02/12/2023", "PN1"),  # INT17
        ("NOEP", "09/07/2012", "02/12/2023", "PN1"),  # 1012
    ]
    found = [(r.row, r.rule) for r in reviews_return_rejections(rows, header_rows, episode_rows)]
    assert found == [
        (2, "166"),
        (3, "167"),
        (4, "440"),
        (5, "441"),
        (6, "INT08"),
        (7, "INT17"),
        (8, "1012"),
    ]


def test_import_then_return_gives_back_the_years_reviews_rows() -> None:
    review_rows = [
        ("R2", "03/03/2020", "10/05/2023", "PN0"),
        ("R1", "14/02/2010", "01/04/2023", "PN1"),
        ("R1", "14/02/2010", "30/06/2023", "PN5"),
        ("R1", "14/02/2010", "31/03/2024", "PN6"),
        ("R1", "14/02/2010", "15/03/2023", "PN1"),  # 2022-23: not in the 2024 return
        ("R2", "03/03/2020", "09/11/2023", "PN0"),
    ]
    header_bytes = header(("R1", "14/02/2010"), ("R2", "03/03/2020"), ("SB", "01/01/2010"))
    episode_bytes = episodes(
        ("R1", "01/02/2023", "S", "C2", "", ""),
        ("R2", "20/04/2023", "P", "C2", "", ""),
        ("SB", "01/05/2023", "S", "V3", "", ""),
    )
    outcomes = plan(header_bytes, episode_bytes, reviews(*review_rows))
    held = [
        ReturnableReview(
            child.external_id, child.date_of_birth, review.held_on, review.participation_code
        )
        for child in outcomes.values()
        if isinstance(child, ImportedChild)
        for plan_ in child.plans
        if plan_.plan_type is PlanType.LOOKED_AFTER
        for review in plan_.held_reviews
        if review.participation_code is not None
    ]
    assert reviews_return_rows(held, 2024) == [
        ("R1", "14/02/2010", "01/04/2023", "PN1"),
        ("R1", "14/02/2010", "30/06/2023", "PN5"),
        ("R1", "14/02/2010", "31/03/2024", "PN6"),
        ("R2", "03/03/2020", "10/05/2023", "PN0"),
        ("R2", "03/03/2020", "09/11/2023", "PN0"),
    ]
    header_rows = [
        HeaderRow(SourceRow("HEADER", 1), "R1", "14/02/2010"),
        HeaderRow(SourceRow("HEADER", 2), "R2", "03/03/2020"),
    ]
    episode_rows = [
        EpisodeRow(SourceRow("EPISODES", n), c, "01/02/2023", "S", "C2", "", "")
        for n, c in enumerate(("R1", "R2"), 1)
    ]
    assert (
        reviews_return_rejections(reviews_return_rows(held, 2024), header_rows, episode_rows) == []
    )
