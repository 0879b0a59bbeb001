"""`review-service token create/list` as an operator runs it: canonical authority codes,
lifetimes, a header row (issue 8, defect 13 and "production readiness")."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.factories import Headers, create_child


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REVIEW_SERVICE_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "review_service.cli", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.mark.parametrize("code", ["30 1", "LA1;", "x" * 21, ""])
def test_token_create_refuses_a_malformed_authority_code(
    client: TestClient, database_url: str, code: str
) -> None:
    result = cli(database_url, "token", "create", "--name", "bad", "--scopes", "read",
                 "--local-authority", code)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert "local authority code" in line
    listing = cli(database_url, "token", "list")
    assert [row for row in listing.stdout.splitlines() if row.startswith("bad\t")] == []


def test_a_token_made_for_demo_sees_demo_records(
    client: TestClient, database_url: str, admin_headers: Headers
) -> None:
    child = create_child(client, admin_headers, local_authority="DEMO")
    result = cli(database_url, "token", "create", "--name", "demo-reader", "--scopes", "read",
                 "--local-authority", "demo")
    assert result.returncode == 0, result.stderr
    reader = {"Authorization": f"Bearer {result.stdout.splitlines()[-1]}"}
    listed = client.get("/v1/children", headers=reader).json()["items"]
    assert [c["id"] for c in listed] == [child["id"]]


@pytest.mark.parametrize("lifetime", ["0h", "731d", "90", "1y", "-5d", "12 h"])
def test_token_create_refuses_a_bad_lifetime(client: TestClient, database_url: str,
                                             lifetime: str) -> None:
    result = cli(database_url, "token", "create", "--name", "t", "--scopes", "read",
                 f"--expires-in={lifetime}")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert "--expires-in" in line


def test_token_list_has_a_header_and_the_expiry(client: TestClient,
                                                database_url: str) -> None:
    before = datetime.now(UTC)
    made = cli(database_url, "token", "create", "--name", "short", "--scopes", "read",
               "--expires-in", "12h", "--local-authority", "la9")
    assert made.returncode == 0, made.stderr
    assert cli(database_url, "token", "create", "--name", "forever",
               "--scopes", "admin").returncode == 0
    result = cli(database_url, "token", "list")
    assert result.returncode == 0, result.stderr
    header, *rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert header == ["NAME", "SCOPES", "LOCAL_AUTHORITY", "STATE", "CREATED_AT", "EXPIRES_AT"]
    by_name = {row[0]: row for row in rows}
    assert by_name["forever"][2:4] == ["-", "active"]
    assert by_name["forever"][5] == "-"
    short = by_name["short"]
    assert short[2:4] == ["LA9", "active"]
    expires = datetime.fromisoformat(short[5])
    assert before + timedelta(hours=12) <= expires <= datetime.now(UTC) + timedelta(hours=12)
