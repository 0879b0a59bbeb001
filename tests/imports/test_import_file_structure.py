"""Structure errors refuse the whole file, naming it and its columns (issue 10)."""

from __future__ import annotations

import io

import pytest
from tests.imports.test_ssda903_plans import CALENDAR, episodes, header, plan, reviews

from review_service.domain.dfe_records import ImportedChild
from review_service.domain.policy import DEFAULT_POLICY
from review_service.imports.file_errors import FileProblem, ImportFileError
from review_service.imports.ssda903 import plan_ssda903_import


def refused(
    header_bytes: bytes, episode_bytes: bytes, review_bytes: bytes, **kw: int
) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        plan_ssda903_import(
            io.BytesIO(header_bytes),
            io.BytesIO(episode_bytes),
            io.BytesIO(review_bytes),
            calendar=CALENDAR,
            policy=DEFAULT_POLICY,
            **kw,
        )
    return caught.value


GOOD_EPISODES = episodes(("A", "01/01/2024", "S", "C2", "", ""))


def test_a_bom_and_crlf_line_ends_are_fine() -> None:
    text = "\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nA,1,01/01/2015,WBRI,,,\r\n"
    review_text = "\ufeffCHILD,DOB,REVIEW,REVIEW_CODE\r\nA,01/01/2015,01/02/2024,PN1\r\n"
    outcomes = plan(text.encode(), GOOD_EPISODES.replace(b"\n", b"\r\n"), review_text.encode())
    child = outcomes["A"]
    assert isinstance(child, ImportedChild)
    assert len(child.plans[0].held_reviews) == 1


def test_a_file_that_is_not_utf8_is_refused() -> None:
    latin1 = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA\xe9,1,01/01/2015,WBRI,,,\n".encode(
        "latin-1"
    )
    error = refused(latin1, GOOD_EPISODES, reviews())
    assert (error.file, error.problem, error.status) == ("HEADER", FileProblem.NOT_UTF8, 422)


def test_missing_and_unknown_columns_are_named() -> None:
    missing = refused(header(), GOOD_EPISODES, b"CHILD,DOB,REVIEW\n")
    assert (missing.file, missing.problem, missing.columns) == (
        "REVIEWS",
        FileProblem.MISSING_COLUMNS,
        ("REVIEW_CODE",),
    )
    assert "REVIEW_CODE" in str(missing)
    unknown = refused(header(), GOOD_EPISODES, b"CHILD,DOB,REVIEW,REVIEW_CODE,NOTES\n")
    assert (unknown.file, unknown.problem, unknown.columns) == (
        "REVIEWS",
        FileProblem.UNKNOWN_COLUMNS,
        ("NOTES",),
    )
    empty = refused(b"", GOOD_EPISODES, reviews())
    assert (empty.file, empty.problem) == ("HEADER", FileProblem.MISSING_COLUMNS)


def test_a_file_over_the_size_limit_is_refused_with_413() -> None:
    big = header(*((f"C{n}", "01/01/2015") for n in range(50)))
    error = refused(big, GOOD_EPISODES, reviews(), max_bytes=200)
    assert (error.file, error.problem, error.status) == ("HEADER", FileProblem.TOO_LARGE, 413)
