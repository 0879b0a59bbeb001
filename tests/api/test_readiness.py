"""GET /ready: 200 when the database answers and its schema is at the newest revision, else a
503 problem; /health stays liveness (issue 8, "Start-up that tells the truth")."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import make_url

from review_service.app import create_app
from review_service.problems import PROBLEM_TYPE_BASE
from review_service.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.databases import migrate_to_one_before_newest, scratch_database


@contextmanager
def client_on(url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=url, scheduler_enabled=False), run_scheduler=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def assert_not_ready(client: TestClient, *words: str) -> None:
    response = client.get("/ready")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["status"]) == (PROBLEM_TYPE_BASE + "not-ready", 503)
    for word in words:
        assert word in body["detail"]
    assert client.get("/health").json() == {"status": "ok"}  # alive all the same


def test_ready_needs_no_token_when_the_schema_is_current(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready"}


def test_not_ready_one_revision_behind(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        migrate_to_one_before_newest(url)
        with client_on(url) as client:
            assert_not_ready(client, "not the newest", "review-service migrate")


def test_not_ready_on_an_empty_database(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url, client_on(url) as client:
        assert_not_ready(client, "no review-service schema", "review-service migrate")


def test_not_ready_when_the_database_does_not_answer(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        assert POSTGRES_URL is not None
        with socket.socket() as unused:  # bound, never listening: connecting is refused
            unused.bind(("127.0.0.1", 0))
            url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=unused.getsockname()[1])
            with client_on(url.render_as_string(False)) as client:
                assert_not_ready(client, "does not answer")
        return
    with client_on(f"sqlite:///{tmp_path}/no/such/directory/review.db") as client:
        assert_not_ready(client, "does not answer")
