"""CIN census XML → child protection and child in need plans; census rules; hostile XML
refused (issue 10). Dates worked by hand beside each assertion."""

from __future__ import annotations

import io
from datetime import date

import pytest
from tests.imports.test_ssda903_plans import CALENDAR

from review_service.domain.dfe_records import ImportedChild, NextReview, RejectedChild
from review_service.domain.plan_types import PlanType
from review_service.domain.policy import DEFAULT_POLICY
from review_service.imports.cin_census import plan_cin_census_import
from review_service.imports.file_errors import FileProblem, ImportFileError


def census(*children: str, reference: str = "2024-03-31") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>2024</Year><ReferenceDate>{reference}</ReferenceDate>"
        "</CollectionDetails></Header><Children>" + "".join(children) + "</Children></Message>"
    ).encode()


def child(child_id: str, dob: str = "2015-05-01", *details: str) -> str:
    birth = f"<PersonBirthDate>{dob}</PersonBirthDate>" if dob else ""
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>{birth}</ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        + "".join(
            f"<CINdetails><CINreferralDate>2020-01-01</CINreferralDate>{d}</CINdetails>"
            for d in details
        )
        + "</Child>"
    )


def cin_plan(start: str, end: str = "") -> str:
    end_tag = f"<CINPlanEndDate>{end}</CINPlanEndDate>" if end else ""
    return f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>{end_tag}</CINPlanDates>"


def cpp(start: str, end: str = "", *review_dates: str) -> str:
    end_tag = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    reviews = "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in review_dates)
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{end_tag}"
        f"<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><Reviews>{reviews}</Reviews>"
        "</ChildProtectionPlans>"
    )


def plan(data: bytes, **kw: int) -> list[object]:
    return list(
        plan_cin_census_import(io.BytesIO(data), calendar=CALENDAR, policy=DEFAULT_POLICY, **kw)
    )


def test_protection_and_child_in_need_plans_with_their_reviews() -> None:
    (outcome,) = plan(
        census(
            child(
                "K1",
                "2015-05-01",
                cin_plan("2022-01-05", "2022-06-30"),
                cpp("2023-05-10", "", "2024-01-15", "2023-08-01"),
            )
        )
    )
    assert isinstance(outcome, ImportedChild)
    assert (outcome.external_id, outcome.date_of_birth) == ("K1", date(2015, 5, 1))
    cin, protection = outcome.plans
    assert (cin.plan_type, cin.start_date, cin.end_date, cin.next_review) == (
        PlanType.CHILD_IN_NEED,
        date(2022, 1, 5),
        date(2022, 6, 30),
        None,
    )
    assert cin.history_complete is False  # the census carries no CIN plan reviews
    assert protection.plan_type is PlanType.CHILD_PROTECTION
    assert protection.history_complete is True  # began inside the 2023-24 census year
    assert [(r.sequence, r.held_on, r.participation_code) for r in protection.held_reviews] == [
        (1, date(2023, 8, 1), None),
        (2, date(2024, 1, 15), None),
    ]
    # Review 3: held(2) + 6 months = 2024-07-15.
    assert protection.next_review == NextReview(3, date(2024, 7, 15))


def test_open_plans_before_the_census_year_and_an_open_cin_plan() -> None:
    outcomes = plan(
        census(
            child("OLD", "2012-02-02", cpp("2022-11-20", "", "2023-06-01")),
            child("NEW", "2012-02-02", cpp("2024-01-31")),
            child("CIN", "2012-02-02", cin_plan("2023-11-30")),
        )
    )
    old, new, cin = outcomes
    assert isinstance(old, ImportedChild)
    assert isinstance(new, ImportedChild)
    assert isinstance(cin, ImportedChild)
    assert old.plans[0].history_complete is False  # began before 2023-04-01
    assert old.plans[0].next_review == NextReview(2, date(2023, 12, 1))  # + 6 months
    # Review 1 of a protection plan: start + 3 months, 2024-01-31 -> 2024-04-30 (clamped).
    assert new.plans[0].next_review == NextReview(1, date(2024, 4, 30))
    # CIN review 1: start + 3 months (policy default), 2023-11-30 -> 2024-02-29 (leap year).
    assert cin.plans[0].next_review == NextReview(1, date(2024, 2, 29))


@pytest.mark.parametrize(
    ("details", "rules"),
    [
        ((cpp("2023-05-10", "", "2023-05-10"),), ["8841"]),
        ((cpp("2023-05-10", "", "2023-05-01"),), ["8841"]),
        ((cpp("2023-05-10", "2023-05-10"),), ["8840"]),
        ((cpp("2023-05-10", "2023-05-01"),), ["8925"]),
        ((cpp("2023-05-10"), cpp("2023-09-10")), ["8935", "8940"]),
        ((cpp("2023-05-10", "2023-09-10"), cpp("2023-09-10")), ["8940"]),
        ((cpp("", "2023-09-10"),), ["8720"]),
        ((cpp("2023-05-10", "", ""),), ["8842Q"]),
        ((cpp("2023-05-10", "2023-06-10", "2023-07-01"),), [None]),
        ((cpp("10/05/2023"),), [None]),
        ((cin_plan("2023-05-10", "2023-05-01"),), ["4011"]),
        ((cin_plan("2023-05-10"), cin_plan("2023-06-10")), ["4004", "4014"]),
    ],
)
def test_census_rules_reject_the_whole_child(
    details: tuple[str, ...], rules: list[str | None]
) -> None:
    (outcome,) = plan(census(child("BAD", "2015-05-01", *details)))
    assert isinstance(outcome, RejectedChild)
    assert outcome.external_id == "BAD"
    assert sorted(r.rule or "" for r in outcome.rejections) == sorted(r or "" for r in rules)
    assert all((r.file, r.row, r.child) == ("CIN census", 1, "BAD") for r in outcome.rejections)


def test_identity_rules() -> None:
    unborn = (
        "<Child><ChildIdentifiers><LAchildID>U1</LAchildID><ExpectedPersonBirthDate>2024-06-01"
        "</ExpectedPersonBirthDate></ChildIdentifiers></Child>"
    )
    outcomes = plan(
        census(child("", "2015-05-01"), child("TWIN"), child("TWIN"), child("NODOB", ""), unborn)
    )
    rules = [[r.rule for r in o.rejections] for o in outcomes if isinstance(o, RejectedChild)]
    assert rules == [["8500"], ["8510"], ["8510"], ["8525Q"], [None]]
    assert all(
        "2015" not in r.reason
        for o in outcomes
        if isinstance(o, RejectedChild)
        for r in o.rejections
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol3;</LAchildID></ChildIdentifiers>
</Child></Children></Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&xxe;</LAchildID></ChildIdentifiers>
</Child></Children></Message>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_hostile_xml_is_refused_cleanly(hostile: bytes) -> None:
    with pytest.raises(ImportFileError) as caught:
        plan(hostile)
    assert (caught.value.problem, caught.value.status) == (FileProblem.FORBIDDEN_XML, 422)


def test_malformed_and_oversized_xml_are_refused() -> None:
    with pytest.raises(ImportFileError) as caught:
        plan(b"<Message><Children><Child></Children>")
    assert caught.value.problem is FileProblem.NOT_WELL_FORMED
    with pytest.raises(ImportFileError) as caught:
        plan(census(*(child(f"C{n}") for n in range(100))), max_bytes=1000)
    assert (caught.value.problem, caught.value.status) == (FileProblem.TOO_LARGE, 413)
