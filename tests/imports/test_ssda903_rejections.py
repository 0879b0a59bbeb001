"""Row errors reject the whole child, with file, row, child, DfE rule and a plain reason that
never carries a date of birth (issue 10)."""

from __future__ import annotations

from tests.imports.test_ssda903_plans import episodes, header, plan, rejected, reviews

from review_service.domain.dfe_records import ImportedChild, RejectedChild

DOB = "01/01/2015"  # 9 on the 2024 review dates
TODDLER = "01/01/2022"  # 2 on the 2024 review dates


def rules(outcome: RejectedChild) -> list[tuple[str, int | None, str | None]]:
    return [(r.file, r.row, r.rule) for r in outcome.rejections]


def open_episode(child: str) -> tuple[str, str, str, str, str, str]:
    return (child, "01/01/2024", "S", "C2", "", "")


def test_each_reviews_rule_rejects_the_child() -> None:
    outcomes = plan(
        header(
            ("R166", DOB),
            ("R167", DOB),
            ("BLANK", DOB),
            ("R440", DOB),
            ("R441", TODDLER),
            ("R17", DOB),
            ("R1012", DOB),
            ("GOOD", DOB),
        ),
        episodes(
            *(open_episode(c) for c in ("R166", "R167", "BLANK", "R440", "R441", "R17", "GOOD"))
        ),
        reviews(
            ("R166", DOB, "31/02/2024", "PN1"),
            ("R167", DOB, "01/03/2024", "PN9"),
            ("BLANK", DOB, "01/03/2024", ""),
            ("R440", DOB, "01/03/2024", "PN0"),
            ("R441", TODDLER, "01/03/2024", "PN1"),
            ("R17", "02/01/2015", "01/03/2024", "PN1"),
            ("R1012", DOB, "01/03/2024", "PN1"),
            ("GHOST", DOB, "01/03/2024", "PN1"),
            ("GOOD", DOB, "01/03/2024", "PN1"),
        ),
    )
    assert rules(rejected(outcomes, "R166")) == [("REVIEWS", 1, "166")]
    assert rules(rejected(outcomes, "R167")) == [("REVIEWS", 2, "167")]
    assert rules(rejected(outcomes, "BLANK")) == [("REVIEWS", 3, "167")]
    assert rules(rejected(outcomes, "R440")) == [("REVIEWS", 4, "440")]
    assert rules(rejected(outcomes, "R441")) == [("REVIEWS", 5, "441")]
    assert rules(rejected(outcomes, "R17")) == [("REVIEWS", 6, "INT17")]
    assert rules(rejected(outcomes, "R1012")) == [("REVIEWS", 7, "1012")]
    assert rules(rejected(outcomes, "GHOST")) == [("REVIEWS", 8, "INT08"), ("REVIEWS", 8, "1012")]
    assert isinstance(outcomes["GOOD"], ImportedChild)
    for outcome in outcomes.values():
        if isinstance(outcome, RejectedChild):
            assert all(r.child == outcome.external_id for r in outcome.rejections)
            for rejection in outcome.rejections:
                assert rejection.reason
                for secret in (DOB, TODDLER, "02/01/2015", "2015-01-01", "2022-01-01"):
                    assert secret not in rejection.reason


def test_pn0_on_the_fourth_birthday_is_refused_by_the_one_age_rule() -> None:
    # RULES.md §6: a child is 4 on their 4th birthday, so PN0 is refused (440) and PN1 taken.
    outcomes = plan(
        header(("FOUR", "01/03/2020"), ("FOUR_OK", "01/03/2020")),
        episodes(open_episode("FOUR"), open_episode("FOUR_OK")),
        reviews(
            ("FOUR", "01/03/2020", "01/03/2024", "PN0"),
            ("FOUR_OK", "01/03/2020", "01/03/2024", "PN1"),
        ),
    )
    assert rules(rejected(outcomes, "FOUR")) == [("REVIEWS", 1, "440")]
    assert isinstance(outcomes["FOUR_OK"], ImportedChild)


def test_episode_rules_two_digit_years_and_overlaps_reject_the_child() -> None:
    outcomes = plan(
        header(("TWO", DOB), ("OVER", DOB), ("OPEN", DOB), ("BACK", DOB), ("CODES", DOB)),
        episodes(
            ("TWO", "21/07/2016", "P", "C2", "24/04/17", "X1"),
            ("OVER", "01/01/2024", "S", "C2", "01/03/2024", "X1"),
            ("OVER", "15/02/2024", "P", "C2", "", ""),
            ("OPEN", "01/01/2024", "S", "C2", "", ""),
            ("OPEN", "01/02/2024", "P", "C2", "", ""),
            ("BACK", "01/03/2024", "S", "C2", "01/02/2024", "E13"),
            ("CODES", "1/3/2024", "Q", "ZZ", "01/04/2024", ""),
            ("NOHEAD", "01/01/2024", "S", "C2", "", ""),
        ),
        reviews(),
    )
    two = rejected(outcomes, "TWO")
    assert rules(two) == [("EPISODES", 1, "147")]
    assert "two-digit year" in two.rejections[0].reason
    assert rules(rejected(outcomes, "OVER")) == [("EPISODES", 3, "501")]
    assert rules(rejected(outcomes, "OPEN")) == [("EPISODES", 5, "142")]
    assert rules(rejected(outcomes, "BACK")) == [("EPISODES", 6, "356")]
    assert sorted(r for _, _, r in rules(rejected(outcomes, "CODES"))) == [
        "141",
        "143",
        "144",
        "148",
    ]
    assert rules(rejected(outcomes, "NOHEAD")) == [("EPISODES", 8, "INT03")]


def test_a_review_outside_every_period_or_in_short_breaks_rejects_the_child() -> None:
    outcomes = plan(
        header(("GAP", DOB), ("V3", DOB), ("BEFORE", DOB)),
        episodes(
            ("GAP", "01/01/2023", "S", "C2", "01/03/2023", "E13"),
            ("GAP", "01/06/2023", "S", "C2", "", ""),
            ("V3", "01/01/2024", "S", "V3", "", ""),
            ("BEFORE", "01/01/2024", "S", "C2", "", ""),
        ),
        reviews(
            ("GAP", DOB, "01/04/2023", "PN1"),
            ("V3", DOB, "01/02/2024", "PN1"),
            ("BEFORE", DOB, "31/12/2023", "PN1"),
        ),
    )
    gap = rejected(outcomes, "GAP")
    assert rules(gap) == [("REVIEWS", 1, None)]
    assert "outside every period" in gap.rejections[0].reason
    assert rules(rejected(outcomes, "V3")) == [("REVIEWS", 2, "399")]
    assert rules(rejected(outcomes, "BEFORE")) == [("REVIEWS", 3, None)]


def test_header_rules_and_repeated_reviews() -> None:
    outcomes = plan(
        header(
            ("TWICE", DOB), ("TWICE", DOB), ("BADDOB", "2015-01-01"), ("DUP", DOB), ("CLASH", DOB)
        ),
        episodes(
            open_episode("TWICE"),
            open_episode("BADDOB"),
            open_episode("DUP"),
            open_episode("CLASH"),
        ),
        reviews(
            ("DUP", DOB, "01/03/2024", "PN1"),
            ("DUP", DOB, "01/03/2024", "PN1"),
            ("CLASH", DOB, "01/03/2024", "PN1"),
            ("CLASH", DOB, "01/03/2024", "PN2"),
        ),
    )
    assert rules(rejected(outcomes, "TWICE")) == [("HEADER", 2, "INT32")]
    bad = rejected(outcomes, "BADDOB")
    assert rules(bad) == [("HEADER", 3, "102")]
    assert "2015" not in bad.rejections[0].reason
    dup = outcomes["DUP"]
    assert isinstance(dup, ImportedChild)  # an exact repeat counts once
    assert len(dup.plans[0].held_reviews) == 1
    assert rules(rejected(outcomes, "CLASH")) == [("REVIEWS", 4, None)]


def test_rows_naming_no_child_or_with_the_wrong_width_are_rejected() -> None:
    bad_reviews = (
        b"CHILD,DOB,REVIEW,REVIEW_CODE\n,01/01/2015,01/03/2024,PN1\nW1,01/01/2015,01/03/2024\n"
    )
    outcomes = plan(header(("W1", DOB)), episodes(open_episode("W1")), bad_reviews)
    orphan = rejected(outcomes, None)
    assert rules(orphan) == [("REVIEWS", 1, None)]
    assert rules(rejected(outcomes, "W1")) == [("REVIEWS", 2, None)]
