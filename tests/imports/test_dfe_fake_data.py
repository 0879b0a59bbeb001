"""The DfE validator's own fake SSDA903 data (full of errors) imports with rejections and
never an exception (issue 10). Sample and licence: tests/data/imports/dfe_fake_903/."""

from __future__ import annotations

from pathlib import Path

from tests.imports.test_ssda903_plans import CALENDAR

from review_service.domain.dfe_records import ImportedChild, RejectedChild
from review_service.domain.policy import DEFAULT_POLICY
from review_service.imports.ssda903 import plan_ssda903_import

FAKE = Path(__file__).resolve().parent.parent / "data" / "imports" / "dfe_fake_903"


def test_the_dfe_fake_data_parses_with_rejections_and_no_exception() -> None:
    with (
        (FAKE / "header.csv").open("rb") as header,
        (FAKE / "episodes.csv").open("rb") as episodes,
        (FAKE / "reviews.csv").open("rb") as reviews,
    ):
        outcomes = list(
            plan_ssda903_import(header, episodes, reviews, calendar=CALENDAR, policy=DEFAULT_POLICY)
        )
    assert len(outcomes) == 40  # one per HEADER child; every EPISODES/REVIEWS child is in it
    rejected = [o for o in outcomes if isinstance(o, RejectedChild)]
    rules = {r.rule for o in rejected for r in o.rejections}
    # Its codes ignore age (440/441), open episodes end with X1 but no DEC (148), and children
    # have reviews but no episodes this year (1012).
    assert {"148", "440", "441", "1012"} <= rules
    assert all(o.rejections for o in rejected)
    assert any(isinstance(o, ImportedChild) for o in outcomes)
