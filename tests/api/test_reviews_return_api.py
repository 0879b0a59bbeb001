"""The SSDA903 REVIEWS return out of the API and the CLI, and imports by the CLI (issue 10;
API.md "Wave 2" Returns). The round trip: import, then export gives back, for the year,
exactly the REVIEWS rows imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from review_service.models import Child
from tests.api.test_imports_api import post_ssda903
from tests.conftest import TokenFactory
from tests.imports.test_ssda903_plans import episodes, header, reviews

# Rows of collection years 2023-24 and 2024-25 and one of 2025-26, out of order; B2 is under
# short breaks (V3) throughout, so has no REVIEWS rows (DfE rule 399).
REVIEW_ROWS = [
    ("C3", "02/02/2012", "10/05/2024", "PN4"),
    ("A1", "15/06/2015", "30/03/2024", "PN1"),
    ("A1", "15/06/2015", "01/04/2024", "PN1"),
    ("A1", "15/06/2015", "30/09/2024", "PN2"),
    ("A1", "15/06/2015", "31/03/2025", "PN1"),
    ("A1", "15/06/2015", "02/04/2025", "PN3"),
    ("C3", "02/02/2012", "08/11/2024", "PN5"),
]
FILES = (
    header(("A1", "15/06/2015"), ("B2", "01/01/2013"), ("C3", "02/02/2012")),
    episodes(
        ("A1", "01/03/2024", "S", "C2", "", ""),
        ("B2", "01/05/2024", "S", "V3", "", ""),
        ("C3", "15/04/2024", "S", "C2", "", ""),
    ),
    reviews(*REVIEW_ROWS),
)
CSV_HEADER = "CHILD,DOB,REVIEW,REVIEW_CODE"


def expected_2025() -> list[str]:
    """The 2024-25 rows (1 Apr 2024 to 31 Mar 2025) by CHILD then date, by hand."""
    return [
        "A1,15/06/2015,01/04/2024,PN1",
        "A1,15/06/2015,30/09/2024,PN2",
        "A1,15/06/2015,31/03/2025,PN1",
        "C3,02/02/2012,10/05/2024,PN4",
        "C3,02/02/2012,08/11/2024,PN5",
    ]


def test_import_then_export_gives_back_the_years_rows(
    client: TestClient, make_token: TokenFactory
) -> None:
    report = post_ssda903(client, make_token("write"), FILES).json()
    assert report["rejected"] == []
    assert report["plans"]["created"] == 3
    response = client.get(
        "/v1/returns/ssda903/reviews",
        params={"collection_year": 2025, "local_authority": "E09000001"},
        headers=make_token("read"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == [CSV_HEADER, *expected_2025()]
    bound = make_token("read", local_authority="E09000001")
    year_2024 = client.get(
        "/v1/returns/ssda903/reviews", params={"collection_year": 2024}, headers=bound
    )
    assert year_2024.text.splitlines() == [CSV_HEADER, "A1,15/06/2015,30/03/2024,PN1"]
    other = make_token("read", local_authority="E08000025")
    walled = client.get(
        "/v1/returns/ssda903/reviews",
        params={"collection_year": 2025, "local_authority": "E09000001"},
        headers=other,
    )
    assert walled.status_code == 422
    unbound = client.get(
        "/v1/returns/ssda903/reviews",
        params={"collection_year": 2025},
        headers=make_token("read"),
    )
    assert unbound.status_code == 422


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVIEW_SERVICE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "review_service.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_cli_imports_reports_and_exports(
    client: TestClient, database_url: str, tmp_path: Path, count_rows: Any
) -> None:
    paths = []
    for name, content in zip(("header", "episodes", "reviews"), FILES, strict=True):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content)
        paths += [f"--{name}", str(path)]
    base = ["import", "ssda903", "--local-authority", "E09000001", *paths]
    dry = _cli(database_url, *base, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["dry_run"] is True
    assert count_rows(Child) == 0
    report_file = tmp_path / "report.json"
    done = _cli(database_url, *base, "--report", str(report_file))
    assert done.returncode == 0, done.stderr
    report = json.loads(report_file.read_text())
    assert report["children"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert report["reviews"] == {"recorded": 7, "unchanged": 0}
    assert json.loads(done.stdout) == report
    again = json.loads(_cli(database_url, *base).stdout)
    assert again["children"] == {"created": 0, "updated": 0, "unchanged": 3}
    exported = _cli(
        database_url,
        "export",
        "ssda903-reviews",
        "--local-authority",
        "E09000001",
        "--collection-year",
        "2025",
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == [CSV_HEADER, *expected_2025()]


def test_the_cli_refuses_a_bad_file_with_exit_2_and_one_line(
    client: TestClient, database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "reviews.csv"
    bad.write_bytes(b"CHILD,DOB,REVIEW\nA1,15/06/2015,01/04/2024\n")
    good = tmp_path / "header.csv"
    good.write_bytes(FILES[0])
    eps = tmp_path / "episodes.csv"
    eps.write_bytes(FILES[1])
    result = _cli(
        database_url,
        "import",
        "ssda903",
        "--local-authority",
        "E09000001",
        "--header",
        str(good),
        "--episodes",
        str(eps),
        "--reviews",
        str(bad),
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "REVIEWS" in lines[0]
    assert "REVIEW_CODE" in lines[0]
    census = tmp_path / "census.xml"
    census.write_bytes(b"<?xml version='1.0'?><Message><Children>")
    broken = _cli(database_url, "import", "cin-census", "--local-authority", "E1", str(census))
    assert broken.returncode == 2
    assert len([line for line in broken.stderr.splitlines() if line.strip()]) == 1
