"""SSDA903 and CIN census imports through the API (issue 10; API.md "Wave 2" Importing).

Every expected date is worked by hand beside it (RULES.md §2: a looked-after plan's review 1
within 20 working days of its start, review 2 three months after review 1, later ones six
months after the previous; England and Wales bank holidays)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from review_service.clock import ControllableClock
from review_service.models import Child, Milestone, Plan, Review, Timer
from tests.conftest import TokenFactory
from tests.imports.test_ssda903_plans import episodes, header, reviews

FAKE = Path(__file__).resolve().parent.parent / "data" / "imports" / "dfe_fake_903"

# A1: looked after from Tue 1 April 2025 (RNE S), still open. Review 1 is due 20 working
# days on: 2-4 Apr (3), 7-11 (8), 14-17 (12), Good Friday 18 and Easter Monday 21 skipped,
# 22-25 (16), 28-30 Apr and 1 May (20) -> Thu 1 May 2025; held 29 Apr. Review 2 due three
# months after, 29 Jul 2025; held 28 Jul. Review 3 due six months after, 28 Jan 2026; held
# 27 Jan. Review 4 (pending) due 27 Jul 2026.
A1_HEADER = header(("A1", "15/06/2015"))
A1_EPISODES = episodes(("A1", "01/04/2025", "S", "C2", "", ""))
A1_REVIEWS = reviews(
    ("A1", "15/06/2015", "28/07/2025", "PN1"),
    ("A1", "15/06/2015", "29/04/2025", "PN1"),
    ("A1", "15/06/2015", "27/01/2026", "PN2"),
)


def post_ssda903(
    client: TestClient,
    token: dict[str, str],
    files: tuple[bytes, bytes, bytes],
    **fields: Any,
) -> Any:
    upload = {
        "header": ("header.csv", files[0], "text/csv"),
        "episodes": ("episodes.csv", files[1], "text/csv"),
        "reviews": ("reviews.csv", files[2], "text/csv"),
    }
    data = {"local_authority": "E09000001", **{k: str(v).lower() for k, v in fields.items()}}
    return client.post("/v1/imports/ssda903", files=upload, data=data, headers=token)


def plans_of(client: TestClient, token: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/plans", headers=token)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def held_of(client: TestClient, token: dict[str, str], plan_id: str) -> list[tuple[int, str]]:
    items = client.get(f"/v1/plans/{plan_id}/reviews", headers=token).json()["items"]
    return [(r["sequence"], r["held_on"]) for r in items if r["status"] == "held"]


def test_an_import_creates_the_child_plan_held_reviews_and_the_pending_review(
    client: TestClient, make_token: TokenFactory, count_rows: Any
) -> None:
    token = make_token("write")
    response = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "local_authority": "E09000001",
        "dry_run": False,
        "children": {"created": 1, "updated": 0, "unchanged": 0},
        "plans": {"created": 1, "updated": 0, "unchanged": 0},
        "reviews": {"recorded": 3, "unchanged": 0},
        "rejected": [],
    }
    [plan] = plans_of(client, token)
    assert plan["type"] == "looked_after"
    assert plan["start_date"] == "2025-04-01"
    assert plan["history_complete"] is True
    assert plan["next_review"]["sequence"] == 4
    assert plan["next_review"]["due_by"] == "2026-07-27"
    reviews_out = client.get(f"/v1/plans/{plan['id']}/reviews", headers=token).json()["items"]
    assert [
        (r["sequence"], r["held_on"], r["statutory_due_by"], r["late"]) for r in reviews_out
    ] == [
        (1, "2025-04-29", "2025-05-01", False),
        (2, "2025-07-28", "2025-07-29", False),
        (3, "2026-01-27", "2026-01-28", False),
        (4, None, "2026-07-27", False),
    ]
    assert [r["participation_code"] for r in reviews_out[:3]] == ["PN1", "PN1", "PN2"]
    # The pending review's preparation milestones, and their timers, exist.
    pending = reviews_out[3]
    kinds = {m["kind"] for m in pending["milestones"]}
    assert {"invitations", "child_consultation", "social_worker_report"} <= kinds
    assert count_rows(Timer) > 0
    # A plan begun over a year ago gets no iro_appointed milestone: it would escalate at once.
    assert plan["milestones"] == []


def test_the_same_files_twice_change_nothing(
    client: TestClient, make_token: TokenFactory, count_rows: Any
) -> None:
    token = make_token("write")
    files = (A1_HEADER, A1_EPISODES, A1_REVIEWS)
    assert post_ssda903(client, token, files).status_code == 200
    counts = [count_rows(model) for model in (Child, Plan, Review, Milestone, Timer)]
    second = post_ssda903(client, token, files).json()
    assert second["children"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert second["plans"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert second["reviews"] == {"recorded": 0, "unchanged": 3}
    assert [count_rows(model) for model in (Child, Plan, Review, Milestone, Timer)] == counts


def test_next_years_files_extend_the_plan(
    client: TestClient, make_token: TokenFactory, clock: ControllableClock
) -> None:
    token = make_token("write")
    assert post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS)).status_code == 200
    clock.set(datetime(2027, 4, 20, 9, 0, tzinfo=UTC))
    # 2026-27: the period continues (a placement change, RNE P, so not a new period);
    # review 4 held 20 Jul 2026 (due 27 Jul: in time); review 5 due six months on, 20 Jan
    # 2027, held 25 Jan 2027 (late); review 6 due 25 Jul 2027.
    next_year = (
        A1_HEADER,
        episodes(("A1", "10/05/2026", "P", "C2", "", "")),
        reviews(
            ("A1", "15/06/2015", "20/07/2026", "PN1"), ("A1", "15/06/2015", "25/01/2027", "PN1")
        ),
    )
    report = post_ssda903(client, token, next_year).json()
    assert report["children"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert report["plans"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert report["reviews"] == {"recorded": 2, "unchanged": 0}
    [plan] = plans_of(client, token)
    assert plan["start_date"] == "2025-04-01"
    assert plan["history_complete"] is True
    assert plan["next_review"]["sequence"] == 6
    assert plan["next_review"]["due_by"] == "2027-07-25"
    items = client.get(f"/v1/plans/{plan['id']}/reviews", headers=token).json()["items"]
    assert [(r["sequence"], r["status"], r["statutory_due_by"], r["late"]) for r in items] == [
        (1, "held", "2025-05-01", False),
        (2, "held", "2025-07-29", False),
        (3, "held", "2026-01-28", False),
        (4, "held", "2026-07-27", False),
        (5, "held", "2027-01-20", True),
        (6, "due", "2027-07-25", False),
    ]


def test_earlier_files_complete_an_unknown_history_and_recompute(
    client: TestClient, make_token: TokenFactory
) -> None:
    token = make_token("write")
    # 2025-26 alone: the period's first episode here is a placement change (RNE P), so it
    # began before the files. The one known review (28 Jul 2025) may have been review 1:
    # the earliest reading puts the next due three months after it, 28 Oct 2025.
    this_year = (
        A1_HEADER,
        episodes(("A1", "10/06/2025", "P", "C2", "", "")),
        reviews(("A1", "15/06/2015", "28/07/2025", "PN1")),
    )
    first = post_ssda903(client, token, this_year).json()
    assert first["plans"]["created"] == 1
    [plan] = plans_of(client, token)
    assert plan["history_complete"] is False
    assert plan["start_date"] == "2025-06-10"
    assert plan["next_review"]["due_by"] == "2025-10-28"
    # The earlier files: the period began 1 April 2025 (RNE S) with review 1 held 29 Apr.
    earlier = (
        A1_HEADER,
        episodes(("A1", "01/04/2025", "S", "C2", "10/06/2025", "X1")),
        reviews(("A1", "15/06/2015", "29/04/2025", "PN1")),
    )
    report = post_ssda903(client, token, earlier).json()
    assert report["plans"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert report["reviews"] == {"recorded": 1, "unchanged": 0}
    [plan] = plans_of(client, token)
    assert plan["history_complete"] is True
    assert plan["start_date"] == "2025-04-01"
    # Now 28 Jul was review 2; review 3 is due six months after it, 28 Jan 2026.
    assert held_of(client, token, plan["id"]) == [(1, "2025-04-29"), (2, "2025-07-28")]
    assert plan["next_review"]["sequence"] == 3
    assert plan["next_review"]["due_by"] == "2026-01-28"


def test_an_iro_confirms_an_incomplete_history(
    client: TestClient, make_token: TokenFactory
) -> None:
    token = make_token("write")
    files = (A1_HEADER, episodes(("A1", "10/06/2025", "P", "C2", "", "")), reviews())
    post_ssda903(client, token, files)
    [plan] = plans_of(client, token)
    assert plan["history_complete"] is False
    url = f"/v1/plans/{plan['id']}/confirm-history"
    confirmed = client.post(url, json={"reason": "checked against the case file"}, headers=token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["history_complete"] is True
    again = client.post(url, json={"reason": "again"}, headers=token)
    assert again.status_code == 409
    audit = client.get("/v1/audit", headers=make_token("admin")).json()["items"]
    assert any(entry["action"] == "plan.history_confirmed" for entry in audit)


def test_a_review_that_disagrees_with_the_service_rejects_the_child_whole(
    client: TestClient, make_token: TokenFactory, count_rows: Any
) -> None:
    token = make_token("write")
    post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS))
    counts = [count_rows(model) for model in (Child, Plan, Review, Milestone, Timer)]
    # Same dates, but review 2's code differs, and a review between two recorded ones.
    disagreeing = reviews(
        ("A1", "15/06/2015", "29/04/2025", "PN1"),
        ("A1", "15/06/2015", "28/07/2025", "PN3"),
        ("A1", "15/06/2015", "01/10/2025", "PN1"),
        ("A1", "15/06/2015", "27/01/2026", "PN2"),
    )
    report = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, disagreeing)).json()
    assert report["children"] == {"created": 0, "updated": 0, "unchanged": 0}
    [rejection] = report["rejected"]
    assert rejection["child"] == "A1"
    assert rejection["file"] == "REVIEWS"
    assert "participation code differs" in rejection["reason"]
    assert [count_rows(model) for model in (Child, Plan, Review, Milestone, Timer)] == counts


def test_a_dry_run_reports_and_writes_nothing(
    client: TestClient, make_token: TokenFactory, count_rows: Any
) -> None:
    token = make_token("write")
    report = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS), dry_run=True)
    assert report.status_code == 200
    assert report.json()["dry_run"] is True
    assert report.json()["children"]["created"] == 1
    assert report.json()["reviews"]["recorded"] == 3
    assert [count_rows(model) for model in (Child, Plan, Review, Timer)] == [0, 0, 0, 0]


def test_row_errors_reject_the_child_and_are_listed(
    client: TestClient, make_token: TokenFactory
) -> None:
    token = make_token("write")
    files = (
        header(("A1", "15/06/2015"), ("B2", "01/01/2012")),
        episodes(("A1", "01/04/2025", "S", "C2", "", ""), ("B2", "01/04/2025", "S", "C2", "", "")),
        reviews(
            ("A1", "15/06/2015", "29/04/2025", "PN1"), ("B2", "01/01/2012", "31/04/2025", "PN1")
        ),
    )
    report = post_ssda903(client, token, files).json()
    assert report["children"]["created"] == 1
    assert report["rejected"] == [
        {
            "file": "REVIEWS",
            "row": 2,
            "child": "B2",
            "rule": "166",
            "reason": report["rejected"][0]["reason"],
        }
    ]
    assert "01/01/2012" not in str(report)  # no date of birth in a reason


def test_structure_errors_are_a_422_naming_the_file_and_columns(
    client: TestClient, make_token: TokenFactory, count_rows: Any
) -> None:
    token = make_token("write")
    bad_episodes = b"CHILD,DECOM,RNE\nA1,01/04/2025,S\n"
    response = post_ssda903(client, token, (A1_HEADER, bad_episodes, A1_REVIEWS))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/import-file-refused")
    assert "EPISODES" in problem["detail"]
    assert "DEC" in problem["detail"]
    assert count_rows(Child) == 0


def test_a_file_over_the_limit_is_a_413(client: TestClient, make_token: TokenFactory) -> None:
    client.app.state.settings.import_max_file_bytes = 400  # type: ignore[attr-defined]
    big_reviews = reviews(*[("A1", "15/06/2015", "29/04/2025", "PN1")] * 20)
    response = post_ssda903(client, make_token("write"), (A1_HEADER, A1_EPISODES, big_reviews))
    assert response.status_code == 413
    assert "REVIEWS" in response.json()["detail"]


def test_authority_is_required_of_an_unbound_token_and_walls_hold(
    client: TestClient, make_token: TokenFactory
) -> None:
    files = (A1_HEADER, A1_EPISODES, A1_REVIEWS)
    upload = {
        "header": ("h.csv", files[0]),
        "episodes": ("e.csv", files[1]),
        "reviews": ("r.csv", files[2]),
    }
    unbound = client.post("/v1/imports/ssda903", files=upload, headers=make_token("write"))
    assert unbound.status_code == 422
    bound = make_token("write", local_authority="E08000025")
    other = post_ssda903(client, bound, files)  # names E09000001
    assert other.status_code == 422
    own = client.post("/v1/imports/ssda903", files=upload, headers=bound)
    assert own.status_code == 200
    assert own.json()["local_authority"] == "E08000025"
    assert plans_of(client, make_token("read", local_authority="E09000001")) == []
    reader = client.post("/v1/imports/ssda903", files=upload, headers=make_token("read"))
    assert reader.status_code == 403


def test_the_dfe_fake_data_imports_through_the_api_without_a_5xx(
    client: TestClient, make_token: TokenFactory
) -> None:
    files = tuple(
        (FAKE / name).read_bytes() for name in ("header.csv", "episodes.csv", "reviews.csv")
    )
    response = post_ssda903(client, make_token("write"), files)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rejected"]
    assert report["children"]["created"] > 0
    again = post_ssda903(client, make_token("write"), files)  # type: ignore[arg-type]
    assert again.status_code == 200
    assert again.json()["children"]["created"] == 0
    assert again.json()["reviews"]["recorded"] == 0


def test_an_import_may_be_larger_than_the_json_body_limit(
    client: TestClient, make_token: TokenFactory
) -> None:
    # The edge's 1 MiB JSON limit would refuse a real authority's files: import routes allow
    # three files of import_max_file_bytes each, and still refuse a body past that.
    client.app.state.settings.max_body_bytes = 256  # type: ignore[attr-defined]
    token = make_token("write")
    accepted = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS))
    assert accepted.status_code == 200, accepted.text
    client.app.state.settings.import_max_file_bytes = 100  # type: ignore[attr-defined]
    refused = post_ssda903(client, token, (A1_HEADER, A1_EPISODES, A1_REVIEWS))
    assert refused.status_code == 413
