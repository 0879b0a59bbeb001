"""A user's mistake at the command line gets one clear line on stderr and exit status 2, never
a traceback (issue 8, "The CLI never shows a traceback"). Each case runs the real command."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import make_url

from tests.cli.conftest import assert_usage_error, run_command
from tests.conftest import POSTGRES_URL
from tests.databases import migrate_to_one_before_newest, scratch_database

# Cases that are no database matter run on SQLite only: each is a process start of its own.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 with a live listener on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


# --- tokens -------------------------------------------------------------------------------


def test_a_token_name_already_taken(app: FastAPI, database_url: str, workdir: Path) -> None:
    first = run_command(["token", "create", "--name", "ops", "--scopes", "read"], database_url,
                        workdir)
    assert first.status == 0, first
    again = run_command(["token", "create", "--name", "ops", "--scopes", "admin"], database_url,
                        workdir)
    assert_usage_error(again, "'ops'", "already exists")
    assert "rs_" not in again.stdout


# --- database URLs and databases ----------------------------------------------------------


@pytest.mark.parametrize(("url", "command"), [
    ("postgres://postgres@127.0.0.1:5432/review", ["migrate"]),
    ("postgresql://postgres@127.0.0.1:5432/review", ["token", "list"]),
])
def test_a_postgresql_url_without_the_driver_says_which_to_use(
    url: str, command: list[str], workdir: Path
) -> None:
    outcome = run_command(command, url, workdir)
    assert_usage_error(outcome, "REVIEW_SERVICE_DATABASE_URL", "postgresql+psycopg://")


@pytest.mark.parametrize("url", ["mysql://root@127.0.0.1/review", "review.db"])
def test_an_unknown_or_malformed_database_url(url: str, workdir: Path) -> None:
    outcome = run_command(["migrate"], url, workdir)
    assert_usage_error(outcome, "REVIEW_SERVICE_DATABASE_URL", "sqlite:///")


def test_a_database_that_does_not_exist(backend: str, workdir: Path) -> None:
    if backend == "postgresql":
        assert POSTGRES_URL is not None
        absent = make_url(POSTGRES_URL).set(database="review_no_such_database")
        for command in (["migrate"], ["serve"]):
            outcome = run_command(command, absent.render_as_string(False), workdir)
            assert_usage_error(outcome, "cannot use the database", "does not exist")
        return
    outcome = run_command(["token", "list"], "sqlite:///absent.db", workdir)
    assert_usage_error(outcome, "no database at absent.db", "review-service migrate")
    assert not (workdir / "absent.db").exists()
    outcome = run_command(["migrate"], f"sqlite:///{workdir}/no/such/dir/review.db", workdir)
    assert_usage_error(outcome, "cannot use the database", "unable to open database file")


@pytest.mark.parametrize("command", [["serve", "--no-scheduler"], ["scheduler"]])
def test_a_database_one_revision_behind_is_refused(
    backend: str, command: list[str], workdir: Path
) -> None:
    with scratch_database(backend, workdir) as url:
        migrate_to_one_before_newest(url)
        outcome = run_command(command, url, workdir)
    assert_usage_error(outcome, "not the newest", "run `review-service migrate`")


def test_serve_refuses_an_empty_database(backend: str, workdir: Path) -> None:
    with scratch_database(backend, workdir) as url:
        if backend == "sqlite":
            (workdir / make_url(url).database).touch()  # type: ignore[operator]
        outcome = run_command(["serve", "--port", "1"], url, workdir)
    assert_usage_error(outcome, "no review-service schema", "run `review-service migrate`")


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, ["cannot read", "No such file"]),
        ("{not json", ["is not JSON"]),
        ('{"divisions": {}}', ["not a GOV.UK bank-holidays feed"]),
        ('{"england-and-wales": {"division": "england-and-wales"}}', ["no list of events"]),
        ('{"scotland": {"events": [{"title": "St Andrew", "date": "30/11/2026"}]}}',
         ["scotland.events[0]", "YYYY-MM-DD"]),
    ],
)
@on_sqlite
def test_calendar_import_of_a_missing_or_wrongly_shaped_file(
    app: FastAPI, database_url: str, workdir: Path, content: str | None, words: list[str]
) -> None:
    feed = workdir / "feed.json"
    if content is not None:
        feed.write_text(content, encoding="utf-8")
    outcome = run_command(["calendar", "import-govuk", str(feed)], database_url, workdir)
    assert_usage_error(outcome, *words)
    assert "declared" not in outcome.stdout


@on_sqlite
def test_calendar_import_of_the_real_feed_still_works(
    app: FastAPI, database_url: str, workdir: Path
) -> None:
    feed = Path(__file__).parents[1] / "data" / "govuk-bank-holidays.json"
    assert json.loads(feed.read_text(encoding="utf-8"))["england-and-wales"]["events"]
    outcome = run_command(["calendar", "import-govuk", str(feed)], database_url, workdir)
    assert outcome.status == 0, outcome
    assert outcome.stdout.strip().splitlines()[-1].endswith("non-working day(s) declared")


# --- ports and secrets ----------------------------------------------------------------------


@on_sqlite
@pytest.mark.parametrize("command", [["serve", "--no-scheduler"], ["receive"]])
def test_a_port_in_use(database_url: str, workdir: Path, busy_port: int,
                       command: list[str]) -> None:
    outcome = run_command([*command, "--host", "127.0.0.1", "--port", str(busy_port)],
                          database_url, workdir)
    assert_usage_error(outcome, f"cannot listen on 127.0.0.1:{busy_port}", "in use")


@pytest.mark.parametrize(("command", "port"), [
    (["serve"], "70000"), (["serve"], "0"), (["receive"], "-1"), (["receive"], "http"),
])
def test_an_out_of_range_port(workdir: Path, command: list[str], port: str) -> None:
    outcome = run_command([*command, f"--port={port}"], "sqlite:///unused.db", workdir)
    assert_usage_error(outcome, "--port")


def test_an_out_of_range_port_setting(workdir: Path) -> None:
    outcome = run_command(["serve"], "sqlite:///unused.db", workdir, port="70000")
    assert_usage_error(outcome, "REVIEW_SERVICE_PORT", "65535")


@pytest.mark.parametrize("secret", ["", "not-base64!"])
def test_receive_refuses_an_empty_or_malformed_secret(workdir: Path, secret: str) -> None:
    outcome = run_command(["receive", "--port", "1", "--secret", secret], "sqlite:///unused.db",
                          workdir)
    assert_usage_error(outcome, "--secret")
