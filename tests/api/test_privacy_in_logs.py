"""Issue 8, defect 1: a child's identifiers and date of birth never reach the log.

A real `review-service serve` process (uvicorn, its own logging) on a throwaway database per
backend, driven over HTTP through every error path the API has: 400 (uvicorn's own, for a
malformed request), 401, 403, 404, 405, 409, 412, an oversized body, 415-shaped bodies, 422,
ten concurrent duplicates, and a 500 provoked by dropping the audit table the insert needs
(the database's message then carries the statement's bound parameters). Everything the
process writes to stdout and stderr is then searched for every identifier and date of birth
the run used: none may appear. The same run shows the log format: one JSON object per line,
access lines with the route template and the request id, never the query string.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from review_service.auth import parse_scopes
from review_service.clock import SystemClock
from review_service.database import create_database_engine, create_session_factory
from review_service.migrations import upgrade_to_head
from review_service.settings import Settings
from review_service.tokens.service import create_token
from tests.conftest import BACKENDS, POSTGRES_URL

EXECUTABLE = Path(sys.executable).with_name("review-service")
STARTUP = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Run:
    """What one server run used and produced."""

    secrets: list[str]  # every external id and date of birth the run sent
    responses: list[httpx.Response] = field(default_factory=list)
    log: str = ""


def _fresh_database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'privacy.db'}"
        upgrade_to_head(url)
        yield url
        return
    assert POSTGRES_URL is not None
    name = f"review_privacy_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tokens(url: str) -> tuple[str, str]:
    engine = create_database_engine(Settings(database_url=url))
    with create_session_factory(engine)() as session:
        admin = create_token(session, name="privacy-admin", scopes=parse_scopes("admin"),
                             local_authority=None, now=SystemClock().now())
        reader = create_token(session, name="privacy-read", scopes=parse_scopes("read"),
                              local_authority=None, now=SystemClock().now())
        session.commit()
    engine.dispose()
    return admin.secret, reader.secret


def _raw_request(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _provoke_every_error(port: int, url: str, admin: str, reader: str) -> Run:
    tag = uuid.uuid4().hex[:8]

    def ext(name: str) -> str:
        return f"privext-{name}-{tag}"

    # Dates of birth far from today's date, so a timestamp cannot match them by chance.
    dob = {name: f"201{index}-0{index + 1}-1{index}" for index, name in enumerate("abcdefghi")}
    dob["j"] = "2009-11-21"
    run = Run(secrets=[ext(name) for name in "abcdefghijk"] + list(dob.values()))
    # Each date of birth also as Python would print a date object among bound parameters.
    run.secrets += [f"{int(d[:4])}, {int(d[5:7])}, {int(d[8:])}" for d in dob.values()]
    as_admin = {"Authorization": f"Bearer {admin}"}
    as_reader = {"Authorization": f"Bearer {reader}"}

    def child(name: str, **extra: Any) -> dict[str, Any]:
        return {"external_id": ext(name), "date_of_birth": dob[name], "local_authority": "LA1",
                **extra}

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        calls: list[Callable[[], httpx.Response]] = [
            lambda: http.post("/v1/children", json=child("a"), headers=as_admin),  # 201
            lambda: http.get("/v1/children", params={"external_id": ext("a")},
                             headers=as_admin),  # 200, identifier in the query string
            lambda: http.post("/v1/children", json=child("a"), headers=as_admin),  # 409
            lambda: http.get("/v1/children", params={"external_id": ext("a")}),  # 401
            lambda: http.post("/v1/children", json=child("b"), headers=as_reader),  # 403
            lambda: http.get(f"/v1/children/{uuid.uuid4()}", headers=as_admin),  # 404
            lambda: http.get(f"/v1/no-such-route/{ext('c')}",
                             params={"dob": dob["c"]}, headers=as_admin),  # 404 unmatched
            lambda: http.post("/v1/events", headers=as_admin, json={  # 404 unknown child
                "source": "privacy", "event_id": tag, "child_external_id": ext("d"),
                "local_authority": "LA1", "type": "complaint",
                "occurred_at": "2026-03-02T09:00:00Z"}),
            lambda: http.delete("/v1/children", params={"external_id": ext("e")},
                                headers=as_admin),  # 405
            lambda: http.post("/v1/children", content=json.dumps(child("f")),
                              headers={**as_admin, "Content-Type": "text/plain"}),  # 415/422
            lambda: http.post("/v1/children", headers=as_admin,  # 422
                              json=child("g", parents_with_parental_responsibility=99)),
            lambda: http.get("/v1/children", params={"external_id": ext("g") * 20},
                             headers=as_admin),  # 422, too long
            lambda: http.post("/v1/children", headers=as_admin,  # oversized (413 if limited)
                              json=child("h", padding="x" * 3_000_000)),
        ]
        for call in calls:
            run.responses.append(call())
        created = run.responses[0].json()
        run.responses.append(http.patch(  # 412
            f"/v1/children/{created['id']}", json={"date_of_birth": dob["i"]},
            headers={**as_admin, "If-Match": '"999"'}))
        # Ten concurrent identical creations (defect 1's reproduction on PostgreSQL).
        with ThreadPoolExecutor(max_workers=10) as pool:
            run.responses += list(pool.map(
                lambda _: http.post("/v1/children", json=child("j"), headers=as_admin),
                range(10)))
        # uvicorn's own 400: a form feed in a header, identifiers in the target and header.
        answer = _raw_request(port, (
            f"GET /v1/children?external_id={ext('k')} HTTP/1.1\r\nHost: x\r\n"
            f"X-Bad\x0cHeader: {ext('k')}\r\nConnection: close\r\n\r\n").encode())
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        # A 500: the audit table the insert writes to (the child's details in its row) is gone.
        engine = create_engine(url)
        with engine.begin() as connection:
            cascade = " CASCADE" if engine.dialect.name == "postgresql" else ""
            connection.execute(text(f"DROP TABLE audit_log{cascade}"))
        engine.dispose()
        failed = http.post("/v1/children", json=child("b"), headers=as_admin)
        assert failed.status_code == 500, failed.text
        run.responses.append(failed)
    return run


@pytest.fixture(scope="module", params=BACKENDS)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One server run through every error path; its log and responses."""
    tmp = tmp_path_factory.mktemp("privacy")
    databases = _fresh_database(request.param, tmp)
    url = next(databases)
    admin, reader = _tokens(url)
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("REVIEW_SERVICE_")}
    env.update({"REVIEW_SERVICE_DATABASE_URL": url, "REVIEW_SERVICE_LOG_LEVEL": "debug",
                "REVIEW_SERVICE_SCHEDULER_ENABLED": "false"})
    log_path = tmp / "server.log"
    with log_path.open("wb") as sink:
        process = subprocess.Popen(
            [str(EXECUTABLE), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--no-scheduler"],
            env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        result = _provoke_every_error(port, url, admin, reader)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for _ in databases:  # drops a PostgreSQL database
            pass
    result.log = log_path.read_text(encoding="utf-8", errors="replace")
    return result


def test_no_identifier_or_date_of_birth_reaches_the_log(run: Run) -> None:
    statuses = {response.status_code for response in run.responses}
    assert {401, 403, 404, 405, 409, 412, 422, 500} <= statuses, statuses
    leaked = [secret for secret in run.secrets if secret in run.log]
    assert not leaked, f"{leaked} in the log:\n{run.log[-5000:]}"


def test_problem_details_do_not_echo_identifiers(run: Run) -> None:
    for response in run.responses:
        if response.status_code < 400:
            continue
        detail = str(response.json().get("detail", ""))
        assert not [secret for secret in run.secrets if secret in detail], detail


def test_every_log_line_is_one_json_object(run: Run) -> None:
    lines = [line for line in run.log.splitlines() if line.strip()]
    assert lines
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict), line
        assert {"ts", "level", "logger", "msg"} <= record.keys(), line


def test_access_lines_carry_route_template_status_latency_and_request_id(run: Run) -> None:
    records = [json.loads(line) for line in run.log.splitlines() if line.strip()]
    access = [r for r in records if r.get("logger") == "review_service.access"]
    by_id = {r["request_id"]: r for r in access}
    for response in run.responses:
        request_id = response.headers["X-Request-ID"]
        line = by_id[request_id]
        assert line["status"] == response.status_code
        assert line["method"] == response.request.method
        assert isinstance(line["latency_ms"], int | float)
        assert "?" not in line["route"]
    routes = {r["route"] for r in access}
    assert {"/v1/children", "/v1/children/{child_id}", "unmatched"} <= routes, routes


def test_the_500_is_logged_with_error_type_route_and_request_id_only(run: Run) -> None:
    failed = run.responses[-1]
    request_id = failed.headers["X-Request-ID"]
    records = [json.loads(line) for line in run.log.splitlines() if line.strip()]
    errors = [r for r in records if r.get("request_id") == request_id and r["level"] == "ERROR"]
    assert errors
    mine = [r for r in errors if r["logger"] == "review_service.problems"]
    assert mine[0]["route"] == "/v1/children"
    assert mine[0]["error_type"].endswith("OperationalError") or mine[0]["error_type"].endswith(
        "ProgrammingError")


def test_database_errors_never_quote_bound_parameters(database_url: str) -> None:
    engine = create_database_engine(Settings(database_url=database_url))
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(text("SELECT :external_id FROM no_such_table"),
                               {"external_id": "param-ext-6617"})
    finally:
        engine.dispose()
    assert "param-ext-6617" not in str(failed.value)
    assert "hidden" in str(failed.value)
